"""Server-side time of each page's work after each filter change, on a real store.

Usage:
    .venv/bin/python bench/page_latency.py --store PATH [--json] [--baseline-ref REF]
                                           [--repeat N]

Each (page, change) is one fresh script run through Streamlit's AppTest, from the real
entry point, with the filters in the URL as a link would give them: the time is what the
server spends producing the page (queries, figures, tables) after that change; the browser
is not involved. Changes are applied in sequence, so each one is a new selection (a cache
miss in `st.cache_data`), as when a user changes a filter; `open` is the first visit. The
first row is the first run of the process (opening the store), and the table ends with the
process's peak RSS (the pages run in this process, as in a dashboard server).

`--baseline-ref REF` also runs the same measurements with the code of git revision REF (for
example the commit before the query layer) on a copy of the store, in the same run, and
prints both side by side. The old code must be able to read the store: use a store built by
that revision (`--baseline-store`), since a newer store may need reprocessing by it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (label, URL query parameters) applied in this order: each is a new selection.
CHANGES: list[tuple[str, dict[str, str | list[str]]]] = [
    ("open", {}),
    ("province=湖北省", {"prov": "湖北省"}),
    ("province=湖北省+广东省", {"prov": ["湖北省", "广东省"]}),
    ("years=2020-2023", {"years": ["2020", "2023"]}),
    ("type=工作报告", {"type": "工作报告"}),
    ("all again", {}),
]
# (label, page file, extra URL parameters): the Keywords tabs are separate views.
PAGES: list[tuple[str, str, dict[str, str]]] = [
    ("overview", "pages/overview.py", {}),
    ("keywords: frequencies", "pages/keywords.py", {}),
    ("keywords: word cloud", "pages/keywords.py", {"kwtab": "词云"}),
    ("keywords: distinctive (region)", "pages/keywords.py", {"kwtab": "区分性词语"}),
    ("keywords: trends", "pages/keywords.py", {"kwtab": "趋势"}),
    (
        "keywords: in context (换电站)",
        "pages/keywords.py",
        {"kwtab": "关键词上下文", "term": "换电站"},
    ),
    ("keywords: document keywords", "pages/keywords.py", {"kwtab": "文档关键词"}),
    ("targets", "pages/targets.py", {}),
]


def measure(store: Path, root: Path, repeat: int) -> list[dict]:
    """Run every (page, change) through AppTest in this process; rows of page, change, ms."""
    os.environ["POLICYLENS_STORE"] = str(store)
    sys.path.insert(0, str(root))
    os.chdir(root)
    from streamlit.testing.v1 import AppTest

    def run(page: str, params: dict) -> tuple[float, str | None]:
        at = AppTest.from_file(str(root / "dashboard.py"), default_timeout=600)
        for key, value in params.items():
            at.query_params[key] = value
        start = time.perf_counter()
        at.run()
        if page != "pages/overview.py":
            start = time.perf_counter()  # the page's own run, after the default page
            at.switch_page(page).run()
        elapsed = (time.perf_counter() - start) * 1000
        problem = str(at.exception[0].value) if at.exception else None
        return elapsed, problem

    from analysis.store import Store

    start = time.perf_counter()
    reopened = Store(store)  # what every new process does first: open, check, migrate
    reopened.documents()
    reopened.close()
    opened_ms = round((time.perf_counter() - start) * 1000)
    # The first page run of a new process: imports, the store opened, the documents table.
    first_ms, problem = run("pages/overview.py", {})
    rows = [
        {"page": "store", "change": "open + documents table", "ms": opened_ms, "error": None},
        {"page": "store", "change": "first page run", "ms": round(first_ms), "error": problem},
    ]
    for label, page, extra in PAGES:
        for change, params in CHANGES:
            times = []
            for _ in range(repeat):
                elapsed, problem = run(page, {**params, **extra})
                times.append(elapsed)
            rows.append(
                {"page": label, "change": change, "ms": round(min(times)), "error": problem}
            )
            print(f"  {label:34} {change:24} {min(times):8.0f} ms", file=sys.stderr)
    return rows


def baseline(ref: str, store: Path, repeat: int) -> list[dict]:
    """The same measurements with the code of `ref`, in a subprocess on its own checkout."""
    with tempfile.TemporaryDirectory(prefix="policylens-baseline-") as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        shutil.copy(Path(__file__), Path(tmp) / "bench" / "page_latency.py")
        copy = Path(tmp) / "store.duckdb"
        shutil.copy(store, copy)
        out = subprocess.run(
            [
                sys.executable,
                str(Path(tmp) / "bench" / "page_latency.py"),
                "--store",
                str(copy),
                "--json",
                "--repeat",
                str(repeat),
            ],
            cwd=tmp,
            env={**os.environ, "PYTHONPATH": tmp},
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
    return json.loads(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--json", action="store_true", help="a list of {page, change, ms}")
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; the fastest counts")
    parser.add_argument("--baseline-ref", help="git revision to measure as the baseline")
    parser.add_argument(
        "--baseline-store", type=Path, help="store for the baseline (default: --store)"
    )
    args = parser.parse_args()
    if not args.store.exists():
        parser.error(f"no store at {args.store}")
    old = None
    if args.baseline_ref:
        print(f"baseline ({args.baseline_ref}):", file=sys.stderr)
        old = baseline(args.baseline_ref, args.baseline_store or args.store, args.repeat)
    print("this checkout:", file=sys.stderr)
    rows = measure(args.store.resolve(), ROOT, args.repeat)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process (the dashboard's work): {peak_mb:,.0f} MB", file=sys.stderr)
    if args.json:
        print(json.dumps(rows if old is None else {"now": rows, "baseline": old}, indent=1))
        return 0
    before = {(r["page"], r["change"]): r["ms"] for r in old or []}
    header = "| page | change | ms |" + (" baseline ms | speed-up |" if old else "")
    print(header)
    print("|---|---|---:|" + ("---:|---:|" if old else ""))
    for r in rows:
        line = f"| {r['page']} | {r['change']} | {r['ms']:,} |"
        if old:
            b = before.get((r["page"], r["change"]))
            line += f" {b:,} | {b / max(r['ms'], 1):.1f}× |" if b else " – | – |"
        if r["error"]:
            line += f" error: {r['error'][:60]}"
        print(line)
    print(f"\nPeak RSS of the process that ran the pages: {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
