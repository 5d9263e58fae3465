"""The 区域比较 page in a real headless Chromium: pick two regions, look at the result."""

from __future__ import annotations

import time

import pytest

from .test_browser import CHROMIUM, SHOTS, page, server  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian chromium not installed at /usr/bin/chromium"
    ),
]


def test_regions_page_compares_two_picked_regions(server: str, page) -> None:  # noqa: F811
    page.goto(server)
    page.get_by_text("文档列表", exact=False).first.wait_for(timeout=90_000)
    page.get_by_role("link", name="区域比较").click()
    page.get_by_text("要比较的组", exact=False).first.wait_for(timeout=90_000)
    page.get_by_text("市", exact=True).first.click()  # city level
    page.wait_for_load_state("networkidle")
    time.sleep(1)
    widget = page.locator('[data-testid="stMultiSelect"]').filter(has_text="要比较的组")
    remove = widget.locator('button[aria-label^="Remove "]')
    # start from an empty choice, then pick two cities by typing, as a person would
    while remove.count():
        remove.first.click()
        page.wait_for_load_state("networkidle")
        time.sleep(0.5)
    picker = widget.locator("input")
    for typed, option in (("武汉", "湖北省 武汉市"), ("西安", "陕西省 西安市")):
        picker.click()
        picker.fill(typed)
        page.get_by_role("option", name=option).click(timeout=90_000)
        widget.locator(f'button[aria-label="Remove {option}"]').wait_for(timeout=90_000)
        page.wait_for_load_state("networkidle")
        time.sleep(1)
    page.keyboard.press("Escape")
    page.get_by_text("特色词汇", exact=False).first.wait_for(timeout=90_000)
    page.wait_for_load_state("networkidle")
    time.sleep(3)
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert "湖北省 武汉市" in body and "陕西省 西安市" in body
    assert "安徽省 合肥市" not in widget.inner_text()
    assert "cmp=" in page.url
    assert "筛选" in body  # the shared sidebar filters are there
    page.screenshot(path=str(SHOTS / "regions.png"), full_page=True)


def test_regions_from_the_url(server: str, page) -> None:  # noqa: F811
    # a bound widget shows its label in the URL (cmp_lv=市, not city)
    page.goto(f"{server}/regions?cmp_lv=市&cmp=安徽省 合肥市&cmp=广东省 广州市")
    page.get_by_text("特色词汇", exact=False).first.wait_for(timeout=90_000)
    page.wait_for_load_state("networkidle")
    time.sleep(2)
    chosen = (
        page.locator('[data-testid="stMultiSelect"]').filter(has_text="要比较的组").inner_text()
    )
    assert "安徽省 合肥市" in chosen and "广东省 广州市" in chosen
    assert "湖北省 武汉市" not in chosen


def test_a_click_on_the_theme_heatmap_lists_that_cells_sentences(server: str, page) -> None:  # noqa: F811
    page.goto(server)
    page.get_by_text("文档列表", exact=False).first.wait_for(timeout=90_000)
    page.goto(f"{server}/regions")
    page.get_by_text("特色词汇", exact=False).first.wait_for(timeout=90_000)
    page.wait_for_load_state("networkidle")
    time.sleep(2)
    cells = page.locator('[data-testid="stPlotlyChart"]').first.locator(".nsewdrag").first
    cells.scroll_into_view_if_needed()
    time.sleep(1)
    box = cells.bounding_box()
    pickers = page.locator("[data-testid=stSelectbox]")
    before = pickers.nth(0).locator("input").input_value()
    # the last column (陕西省: groups are in name order), a row a third of the way down
    page.mouse.click(box["x"] + box["width"] * 0.875, box["y"] + box["height"] * 0.3)
    page.wait_for_load_state("networkidle")
    time.sleep(3)
    assert pickers.nth(1).locator("input").input_value() == "陕西省"
    assert pickers.nth(0).locator("input").input_value() != before
