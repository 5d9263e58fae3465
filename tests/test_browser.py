"""The running app in a real headless Chromium: what a person sees, saved as screenshots.

Screenshots go to artifacts/screenshots/ so a developer can open and look at them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium not installed at /usr/bin/chromium"
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "POLICYLENS_STORE": str(tmp_path_factory.mktemp("srv") / "app.duckdb")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail(f"streamlit did not start: {proc.stdout.read() if proc.stdout else ''}")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def page(server: str):
    sync_api = pytest.importorskip("playwright.sync_api")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        yield context.new_page()
        browser.close()


def _wait_for_app(page, text: str) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=60_000)
    # let charts finish drawing
    page.wait_for_load_state("networkidle")
    time.sleep(1.5)


def test_overview_shows_the_four_seed_documents(server: str, page) -> None:
    page.goto(server)
    _wait_for_app(page, "文档列表")
    body = page.inner_text("body")
    assert "Traceback" not in body and "Error" not in body
    metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert metrics[0] == "4"
    page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)
    # the chart drew bars
    assert page.locator(".js-plotly-plot .bars path, .js-plotly-plot .point path").count() >= 4


def test_region_filter_from_the_url(server: str, page) -> None:
    page.goto(f"{server}/?prov=%E6%B9%96%E5%8C%97%E7%9C%81")  # 湖北省
    _wait_for_app(page, "文档列表")
    metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert metrics[0] == "1"
    page.screenshot(path=str(SHOTS / "overview_hubei.png"), full_page=True)


def test_document_page_shows_text_and_evidence(server: str, page) -> None:
    page.goto(f"{server}/document")
    _wait_for_app(page, "元数据")
    assert "清洗记录" in page.inner_text("body")
    page.screenshot(path=str(SHOTS / "document.png"), full_page=True)


def test_keywords_page_draws_a_chinese_word_cloud(server: str, page) -> None:
    page.goto(f"{server}/keywords")
    _wait_for_app(page, "高频词")
    page.get_by_role("tab", name="词云").click()
    image = page.locator('[data-testid="stImage"] img').first
    image.wait_for(timeout=60_000)
    assert image.evaluate("img => img.naturalWidth") >= 1000
    page.screenshot(path=str(SHOTS / "keywords_wordcloud.png"), full_page=True)
    page.get_by_role("tab", name="词频").click()
    time.sleep(1)
    page.screenshot(path=str(SHOTS / "keywords.png"), full_page=True)


def test_targets_page_draws_the_timeline(server: str, page) -> None:
    page.goto(f"{server}/targets?prov=%E5%AE%89%E5%BE%BD%E7%9C%81")  # 安徽省
    _wait_for_app(page, "目标时间线")
    assert page.locator(".js-plotly-plot .scatterlayer .point").count() >= 10
    page.screenshot(path=str(SHOTS / "targets.png"), full_page=True)


def test_upload_reports_each_file_and_keeps_the_rest(server: str, page, tmp_path: Path) -> None:
    good = tmp_path / "襄阳汽车产业推进会.txt"
    good.write_bytes(
        "襄阳市召开汽车产业推进会。到2027年，力争新能源汽车产量突破50万辆。".encode("gbk")
    )
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 this is not a real Word file")
    page.goto(f"{server}/upload")
    _wait_for_app(page, "选择文件")
    page.locator('input[type="file"]').set_input_files([str(good), str(empty), str(broken)])
    page.get_by_role("button", name="导入").click()
    page.get_by_text("个文件未能导入").wait_for(timeout=60_000)
    time.sleep(1)
    body = page.inner_text("body")
    assert "已导入 1 篇文档" in body
    assert "empty.txt" in body and "broken.docx" in body
    page.screenshot(path=str(SHOTS / "upload.png"), full_page=True)
    page.goto(server)
    _wait_for_app(page, "文档列表")
    metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert metrics[0] == "5"  # the four seeds are untouched, the good file was added


def test_screenshots_are_not_blank() -> None:
    shot = SHOTS / "overview.png"
    if not shot.exists():
        pytest.skip("overview screenshot not taken")
    assert shot.stat().st_size > 30_000  # a blank or error page compresses to far less
