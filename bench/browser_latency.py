"""Time in a real browser from opening a filtered link until the page has settled.

Usage:
    .venv/bin/python bench/browser_latency.py --store PATH [--port 8601] [--chromium PATH]

Starts the dashboard on the store (headless, on `--port`), then for each page and each
filter change of bench/page_latency.py opens the page's link with the filters in the URL,
as a shared link would, in Chromium through Playwright, and waits until Streamlit reports
no run in progress and the page title is drawn. The time includes the browser's work
(loading, rendering tables and charts), which the server-side figures leave out. Skips
cleanly when Playwright or Chromium is missing. Not a test: a measurement to read.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from page_latency import CHANGES, PAGES  # noqa: E402

URL_PATHS = {
    "pages/overview.py": "",
    "pages/keywords.py": "keywords",
    "pages/targets.py": "targets",
}


def wait_for_server(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "_stcore/health", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the dashboard did not start at {url}")


def settled(page) -> None:
    """Until the title is drawn and no script run is in progress for a moment."""
    page.wait_for_selector("h1", timeout=300_000)
    quiet_since = None
    while True:
        running = page.locator("[data-testid='stStatusWidget']").count() > 0
        now = time.perf_counter()
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since > 0.3:
            return
        page.wait_for_timeout(50)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--port", type=int, default=8601)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("Playwright is not installed; nothing to measure", file=sys.stderr)
        return 0
    if not Path(args.chromium).exists():
        print(f"no Chromium at {args.chromium}; nothing to measure", file=sys.stderr)
        return 0
    base = f"http://localhost:{args.port}/"
    command = ["streamlit", "run", "dashboard.py", "--server.headless", "true"]
    server = subprocess.Popen(
        [sys.executable, "-m", *command, "--server.port", str(args.port)],
        cwd=ROOT,
        env={**os.environ, "POLICYLENS_STORE": str(args.store)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rows = []
    try:
        wait_for_server(base)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=args.chromium,
                args=[
                    "--no-sandbox",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base)
            settled(page)  # the store opened, caches warm for the unfiltered documents
            for label, script, extra in PAGES:
                for change, params in CHANGES:
                    query = urllib.parse.urlencode({**params, **extra}, doseq=True)
                    start = time.perf_counter()
                    page.goto(f"{base}{URL_PATHS[script]}?{query}")
                    settled(page)
                    ms = (time.perf_counter() - start) * 1000
                    rows.append((label, change, ms))
                    print(f"  {label:34} {change:24} {ms:8.0f} ms", file=sys.stderr)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("| page | change | ms in the browser |")
    print("|---|---|---:|")
    for label, change, ms in rows:
        print(f"| {label} | {change} | {ms:,.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
