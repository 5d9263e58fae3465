"""The running app in a real headless Chromium: what a person sees, saved as screenshots.

Screenshots go to artifacts/screenshots/ so a developer can open and look at them.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.chart_style import ACCENT, CONTRAST

from .conftest import ROOT
from .imagecheck import facts, share_of_colour, svg_texts

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


def _wait_until_idle(page, timeout: float = 180) -> None:
    """Until the app's running indicator is gone (every section of a slow page is drawn)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.locator('[data-testid="stStatusWidget"]').count() == 0:
            return
        time.sleep(0.5)


def _wait_for_app(page, text: str) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=60_000)
    # let charts finish drawing
    page.wait_for_load_state("networkidle")
    time.sleep(1.5)


def _metric(page, label: str, expected: str | None = None, timeout: float = 60) -> str:
    """The value shown under the metric labelled `label`, read by its label (not its place,
    which a page still drawing can shift) once the app is idle. With `expected`, keep reading
    until it shows that value or the time is up, and return what was last seen.
    """
    _wait_until_idle(page)
    label_box = page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(f"^{label}$"))
    value = page.locator('[data-testid="stMetric"]', has=label_box).first.locator(
        '[data-testid="stMetricValue"]'
    )
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:
        if value.count():
            seen = value.inner_text().strip()
            if expected is None or seen == expected:
                return seen
        time.sleep(0.5)
    return seen


def test_overview_shows_the_four_seed_documents(server: str, page) -> None:
    page.goto(server)
    _wait_for_app(page, "文档列表")
    body = page.inner_text("body")
    assert "Traceback" not in body and "Error" not in body
    assert _metric(page, "文档", "4") == "4"
    page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)
    # the chart drew bars
    assert page.locator(".js-plotly-plot .bars path, .js-plotly-plot .point path").count() >= 4


def test_region_filter_from_the_url(server: str, page) -> None:
    page.goto(f"{server}/?prov=%E6%B9%96%E5%8C%97%E7%9C%81")  # 湖北省
    _wait_for_app(page, "文档列表")
    assert _metric(page, "文档", "1") == "1"
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
    _wait_for_app(page, "目标对比")
    page.locator(".js-plotly-plot .scatterlayer .point").first.wait_for(timeout=60_000)
    _wait_until_idle(page)
    # the Hefei speech sets several dated targets of its first metric, each a marker
    assert page.locator(".js-plotly-plot .scatterlayer .point").count() >= 3
    assert "目标：" in (page.locator(".js-plotly-plot .gtitle").first.text_content() or "")
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
    # the four seeds are untouched, the good file was added
    assert _metric(page, "文档", "5") == "5"


def test_screenshots_are_not_blank() -> None:
    shot = SHOTS / "overview.png"
    if not shot.exists():
        pytest.skip("overview screenshot not taken")
    assert shot.stat().st_size > 30_000  # a blank or error page compresses to far less


EXPORTS = ROOT / "artifacts" / "exports"


def _download(page, button, name: str) -> Path:
    with page.expect_download(timeout=120_000) as info:
        button.click()
    path = EXPORTS / name
    info.value.save_as(path)
    return path


@pytest.mark.parametrize(
    ("path", "anchor", "colour"),
    [
        ("", "各年份文档数", None),
        ("keywords", "高频词", ACCENT),
        ("keywords?kwtab=%E5%8C%BA%E5%88%86%E6%80%A7%E8%AF%8D%E8%AF%AD", "对照", CONTRAST),
        ("keywords?kwtab=%E8%B6%8B%E5%8A%BF", "按地区分线", None),
        ("targets?prov=%E5%AE%89%E5%BE%BD%E7%9C%81", "目标对比", None),
        ("regions", "主题", None),
    ],
)
def test_every_chart_export_looks_like_the_chart(server: str, page, path, anchor, colour) -> None:
    """Download each chart of a page as PNG and SVG, keep the files, and look at them."""
    EXPORTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{server}/{path}")
    _wait_for_app(page, anchor)
    buttons = page.get_by_role("button", name="PNG", exact=True)
    buttons.first.wait_for(timeout=180_000)
    _wait_until_idle(page)
    assert buttons.count() >= 1
    for i in range(buttons.count()):
        stem = f"{re.sub(r'[^A-Za-z0-9]+', '_', path).strip('_') or 'overview'}_{i}"
        png = _download(page, buttons.nth(i), f"{stem}.png")
        seen = facts(png.read_bytes())
        assert seen.black_share < 0.02, f"{png} is mostly black"
        assert seen.ink_at_left_edge == 0 and seen.ink_at_right_edge == 0, f"{png}: clipped"
        assert len([c for c, n in seen.colours.items() if n > 500 and len(set(c)) > 1]) >= 1
        if colour:
            assert share_of_colour(seen, colour) > 0.02
        svg = _download(
            page, page.get_by_role("button", name="SVG", exact=True).nth(i), f"{stem}.svg"
        )
        assert any("数据来源" in t for t in svg_texts(svg.read_bytes()))
    html = _download(
        page, page.get_by_role("button", name="HTML", exact=True).first, f"{stem}.html"
    )
    assert "<script src=" not in html.read_text(encoding="utf-8")[:100_000]


def test_page_bundle_downloads_as_zip(server: str, page) -> None:
    EXPORTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{server}/targets")
    _wait_for_app(page, "目标对比")
    page.get_by_role("button", name="生成本页导出包（ZIP）").click()
    download = page.get_by_role("button", name="下载", exact=True).last
    download.wait_for(timeout=180_000)
    bundle = _download(page, download, "targets_bundle.zip")
    import zipfile

    names = zipfile.ZipFile(bundle).namelist()
    assert "settings.json" in names
    assert any(n.endswith(".png") for n in names) and any(n.endswith(".xlsx") for n in names)


def test_a_copied_link_reproduces_the_view_in_a_fresh_browser(server: str, page) -> None:
    page.goto(f"{server}/keywords?prov=%E6%B9%96%E5%8C%97%E7%9C%81&kwtab=%E8%B6%8B%E5%8A%BF")
    _wait_for_app(page, "趋势")
    page.get_by_text("分享与导出").click()
    link = page.locator('[data-testid="stSidebar"] [data-testid="stCode"]').first.inner_text()
    assert "prov=" in link and "kwtab=" in link
    metrics_before = page.inner_text("body")
    fresh_context = page.context.browser.new_context(viewport={"width": 1440, "height": 1000})
    fresh = fresh_context.new_page()  # a new profile: no cookies, no session state
    fresh.goto(link.strip())
    _wait_for_app(fresh, "趋势")
    assert fresh.get_by_role("tab", name="趋势").get_attribute("aria-selected") == "true"
    assert "湖北省" in fresh.locator('[data-testid="stSidebar"]').inner_text()
    fresh.screenshot(path=str(SHOTS / "shared_link.png"), full_page=True)
    fresh_context.close()
    assert "湖北省" in metrics_before


def test_a_bad_link_parameter_is_reported(server: str, page) -> None:
    page.goto(server)
    _wait_for_app(page, "文档列表")
    everything = _metric(page, "文档")
    assert everything
    page.goto(f"{server}/?prov=%E7%81%AB%E6%98%9F%E7%9C%81")  # 火星省
    _wait_for_app(page, "文档列表")
    assert "火星省" in page.locator('[data-testid="stSidebar"]').inner_text()
    # the bad value is dropped, not turned into an empty selection
    assert _metric(page, "文档", everything) == everything


# doc_id of seeds/003 (the SHA-256 of its text), the Guangzhou speech
GUANGZHOU_SPEECH = "2fcd79d266"


@pytest.mark.parametrize(
    ("path", "anchor", "selector", "expected"),
    [
        ("?prov=%E5%AE%89%E5%BE%BD%E7%9C%81", "文档列表", '[data-testid="stSidebar"]', "安徽省"),
        # its raw text starts with the shop's menu, shown only with the raw-text toggle on
        (f"document?doc={GUANGZHOU_SPEECH}&raw=true", "元数据", '[data-testid="stMain"]', "购物车"),
        ("targets?prov=%E5%AE%89%E5%BE%BD%E7%9C%81&q=%E9%85%8D%E5%A5%97", "目标对比",
         '[data-testid="stMain"]', "配套"),
    ],
)  # fmt: skip
def test_every_page_link_reproduces_the_view(server: str, page, path, anchor, selector, expected):
    page.goto(f"{server}/{path}")
    _wait_for_app(page, anchor)
    page.get_by_text("分享与导出").click()
    link = page.locator('[data-testid="stSidebar"] [data-testid="stCode"]').first.inner_text()
    before = page.locator(selector).first.inner_text()
    assert expected in before
    fresh_context = page.context.browser.new_context(viewport={"width": 1440, "height": 1000})
    fresh = fresh_context.new_page()
    fresh.goto(link.strip())
    _wait_for_app(fresh, anchor)
    after = fresh.locator(selector).first.inner_text()
    name = path.split("?")[0] or "overview"
    fresh.screenshot(path=str(SHOTS / f"link_{name}.png"), full_page=True)
    fresh_context.close()
    assert expected in after
