"""The 区域比较 page through AppTest, from the real entry point, on the four seeds."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import ROOT

pytestmark = pytest.mark.usefixtures("app_store")  # one store per module (conftest)

PAGE = "pages/regions.py"


def regions_page(tab: str | None = None) -> AppTest:
    """The page with `tab` open (the sections are lazy tabs: only the open one runs)."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    if tab is not None:
        at.query_params["cmp_tab"] = tab
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def headline_table(at: AppTest):
    return next(df.value for df in at.dataframe if "top_theme" in df.value.columns)


SECTIONS = {
    "主题": "主题",
    "政策工具": "政策工具",
    "目标对比": "目标对比",
    "目标实现": "目标实现情况",
    "特色词汇": "特色词汇",
    "相似度": "相似度",
    "地图": "地图",
}


def test_page_renders_every_section_for_the_largest_groups() -> None:
    at = regions_page()
    assert at.title[0].value == "区域比较"
    assert sorted(at.multiselect(key="cmp").value) == ["安徽省", "广东省", "湖北省", "陕西省"]
    assert [h.value for h in at.subheader] == ["概况", "主题"]  # closed tabs compute nothing
    assert len(headline_table(at)) == 4
    for tab, heading in SECTIONS.items():
        at = regions_page(tab)
        assert not at.exception, (tab, at.exception)
        assert [h.value for h in at.subheader] == ["概况", heading]


def test_changing_the_regions_changes_the_tables() -> None:
    at = regions_page()
    at.radio(key="cmp_lv").set_value("city").run()
    at.multiselect(key="cmp").set_value(["湖北省 武汉市", "陕西省 西安市"]).run()
    assert not at.exception, at.exception
    table = headline_table(at)
    assert sorted(table["group"]) == ["湖北省 武汉市", "陕西省 西安市"]
    assert table["documents"].tolist() == [1, 1]
    at.multiselect(key="cmp").set_value(["安徽省 合肥市", "广东省 广州市", "陕西省 西安市"]).run()
    assert sorted(headline_table(at)["group"]) == [
        "安徽省 合肥市",
        "广东省 广州市",
        "陕西省 西安市",
    ]


def test_a_cells_sentences_are_listed_once_it_is_chosen() -> None:
    at = regions_page()
    assert not [df for df in at.dataframe if "sentence" in df.value.columns]  # on demand
    at.session_state["cmp_th"] = "nev"  # what a click on the heatmap cell sets
    at.session_state["cmp_thg"] = "湖北省"
    at.run()
    assert not at.exception, at.exception
    rows = next(df.value for df in at.dataframe if "sentence" in df.value.columns)
    assert len(rows) and set(rows["group"]) == {"湖北省"}
    assert rows["sentence"].str.len().min() > 0


def test_one_group_asks_for_a_second() -> None:
    at = regions_page()
    at.multiselect(key="cmp").set_value(["安徽省"]).run()
    assert not at.exception
    assert any("至少选择两个" in i.value for i in at.info)


def test_groups_by_year() -> None:
    at = regions_page()
    at.radio(key="cmp_by").set_value("year").run()
    assert not at.exception, at.exception
    assert sorted(headline_table(at)["group"]) == ["2018", "2023", "2025"]


def test_small_selections_show_the_document_similarity_matrix() -> None:
    at = regions_page("相似度")
    chart_ids = [c.proto.id for c in at.get("plotly_chart")]
    assert any("文档间相似度" in chart_id for chart_id in chart_ids)


def test_the_map_can_show_the_cities_of_a_province() -> None:
    at = regions_page("地图")
    at.selectbox(key="cmp_scope").set_value("湖北省").run()
    assert not at.exception, at.exception
    areas = next(df.value for df in at.dataframe if list(df.value.columns) == ["province", "value"])
    assert areas["province"].tolist() == ["武汉市"]


BOLD = "<b>粗体省</b>"
ESCAPED = "&lt;b&gt;粗体省&lt;/b&gt;"


def test_a_marked_up_region_is_text_in_the_figures_and_a_click_still_finds_it() -> None:
    import json

    from analysis.regions_figures import raw_names
    from pages._common import get_store
    from pages._regions_labels import clicked

    store = get_store()
    doc_id = store.documents()["doc_id"].iloc[0]
    before = store.documents().set_index("doc_id").loc[doc_id, ["province", "city"]]
    store.set_fields(doc_id, {"province": BOLD, "city": ""})
    try:
        at = regions_page()
        assert BOLD in at.multiselect(key="cmp").options
        chosen = [BOLD, "安徽省"]
        at.multiselect(key="cmp").set_value(chosen).run()
        assert not at.exception, at.exception
        assert BOLD in set(headline_table(at)["group"])
        heatmap = json.loads(at.get("plotly_chart")[0].proto.spec)
        text = json.dumps(heatmap, ensure_ascii=False)
        assert ESCAPED in text and BOLD not in text
        cells = heatmap["data"][1]  # the clickable markers over the heatmap's cells
        point = {"x": cells["x"][0], "y": cells["y"][0]}
        assert point["x"] == ESCAPED
        event = {"selection": {"points": [point]}}
        group, _ = clicked(event, raw_names(chosen), lambda p: p["y"])
        assert group == BOLD
    finally:
        store.set_fields(doc_id, {"province": before["province"], "city": before["city"] or ""})
