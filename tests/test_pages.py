"""The pages, driven through Streamlit's AppTest from the real entry point."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from .conftest import ROOT

pytestmark = pytest.mark.usefixtures("app_store")  # one store per module (conftest)

PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("[!_]*.py"))


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)


def documents_table(at: AppTest):
    return next(df.value for df in at.dataframe if "source" in df.value.columns)


def test_every_page_is_registered() -> None:
    text = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    assert len(PAGES) >= 6  # the glob found the pages, so the loop below checks something
    for page in PAGES:
        assert f'"{page}"' in text, f"{page} is not registered in dashboard.py"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(page: str) -> None:
    at = app().run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.title, f"{page} shows no title"


def test_overview_shows_the_four_seeds() -> None:
    at = app().run()
    assert not at.exception
    assert documents_table(at)["source"].str[:3].tolist() == ["000", "001", "002", "003"]
    assert at.metric[0].value == "4"


def test_region_filter_changes_the_documents_table() -> None:
    at = app().run()
    assert len(documents_table(at)) == 4
    at.multiselect(key="prov").set_value(["湖北省"]).run()
    assert documents_table(at)["city"].tolist() == ["武汉市"]
    assert at.metric[0].value == "1"


def test_city_options_follow_the_province() -> None:
    # AppTest drops sidebar elements on reruns under st.navigation, so each check is a first run.
    at = app()
    at.query_params["prov"] = "湖北省"
    at.run()
    assert at.multiselect(key="city").options == ["武汉市"]
    at = app()
    at.query_params["prov"] = ["湖北省", "安徽省"]
    at.query_params["city"] = "合肥市"
    at.run()
    assert sorted(documents_table(at)["city"]) == ["合肥市", "武汉市"]


def test_filters_come_from_the_url() -> None:
    at = app()
    at.query_params["prov"] = ["广东省", "安徽省"]
    at.query_params["type"] = "讲话"  # bound widgets use the labels users see
    at.run()
    assert not at.exception
    assert sorted(documents_table(at)["province"]) == ["安徽省", "广东省"]


def test_year_filter() -> None:
    at = app().run()
    at.slider(key="years").set_value((2023, 2023)).run()
    assert sorted(documents_table(at)["source"].str[:3]) == ["002", "003"]


def test_document_page_corrects_a_field() -> None:
    at = app().run()
    at.switch_page("pages/document.py").run()
    from pages._common import get_store

    doc_id = get_store().documents()["doc_id"].iloc[2]
    at.selectbox(key="doc").set_value(doc_id).run()
    assert at.selectbox(key="doc").value == doc_id
    at.text_input(key=f"edit-{doc_id}-district").input("测试区")
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    assert get_store().documents().set_index("doc_id").loc[doc_id, "district"] == "测试区"


def test_empty_selection_gives_guidance_not_an_error() -> None:
    at = app()
    at.query_params["prov"] = "湖北省"
    at.query_params["type"] = "规划/方案"
    at.run()
    assert not at.exception
    assert any("没有文档" in info.value for info in at.info)


def test_targets_page_filters_by_kind_and_shows_instruments() -> None:
    at = app()
    at.query_params["prov"] = "安徽省"
    at.query_params["kind"] = "政策工具"
    at.run()
    at.switch_page("pages/targets.py").run()
    assert not at.exception, at.exception
    table = next(df.value for df in at.dataframe if "cue" in df.value.columns)
    assert len(table) > 0
    assert set(table["kind"]) == {"政策工具"}
    assert (table["region"] == "安徽省 合肥市").all()
    # 最高给予5亿元落地补贴 is an instrument
    assert (table["value"] == 5e8).any()


def test_targets_page_summary_counts_targets() -> None:
    at = app()
    at.query_params["prov"] = "安徽省"
    at.run()
    at.switch_page("pages/targets.py").run()
    assert not at.exception, at.exception
    assert int(at.metric[0].value) >= 10  # the 2025 speech sets more than ten dated targets


def frequency_table(at: AppTest):
    return next(df.value for df in at.dataframe if list(df.value.columns)[:2] == ["group", "term"])


def test_keywords_page_follows_the_region_filter() -> None:
    at = app()
    at.switch_page("pages/keywords.py").run()
    everything = frequency_table(at)
    at = app()
    at.query_params["prov"] = "湖北省"
    at.run()
    at.switch_page("pages/keywords.py").run()
    assert not at.exception, at.exception
    wuhan = frequency_table(at)
    assert wuhan["term"].tolist() != everything["term"].tolist()
    assert "世界车谷" in set(wuhan["term"])
    assert not at.image, "a closed tab computed its word cloud"  # tabs are lazy
    at = app()
    at.query_params["prov"] = "湖北省"
    at.query_params["kwtab"] = "词云"
    at.run()
    at.switch_page("pages/keywords.py").run()
    assert not at.exception, at.exception
    assert not at.warning, [w.value for w in at.warning]  # the word cloud found a CJK font
    assert at.image, "no word cloud drawn"


def test_keyword_in_context_from_the_url() -> None:
    at = app()
    at.query_params["term"] = "换电站"
    at.query_params["kwtab"] = "关键词上下文"
    at.run()
    at.switch_page("pages/keywords.py").run()
    assert not at.exception, at.exception
    kwic = next(df.value for df in at.dataframe if "left" in df.value.columns)
    assert len(kwic) == 3
    assert set(kwic["source"].str[:3]) == {"001"}


def test_user_word_changes_segmentation_everywhere() -> None:
    from pages._common import get_store

    at = app()
    at.switch_page("pages/dictionary.py").run()
    at.text_area(key="insp").input("推进氢能重卡走廊建设").run()
    assert "氢能重卡走廊" not in at.code[0].value.split(" / ")
    at.text_area(key="uw").input("氢能重卡走廊")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert any("已保存" in s.value for s in at.success)
    at = app()
    at.switch_page("pages/dictionary.py").run()
    at.text_area(key="insp").input("推进氢能重卡走廊建设").run()
    assert "氢能重卡走廊" in at.code[0].value.split(" / ")
    # restore the shared store for other tests
    from analysis import corpus

    store = get_store()
    store.set_user_words("word", [])
    corpus.resegment(store)


def test_undated_documents_stay_until_a_year_range_is_chosen() -> None:
    from pages._common import get_store

    store = get_store()
    doc_id = store.documents()["doc_id"].iloc[0]
    store.set_fields(doc_id, {"year": ""})
    try:
        assert pd.isna(store.documents().set_index("doc_id").loc[doc_id, "year"])
        at = app().run()
        assert len(documents_table(at)) == 4
        at.slider(key="years").set_value((2023, 2024)).run()
        assert doc_id not in set(documents_table(at)["doc_id"])
    finally:
        store.set_fields(doc_id, {"year": "2018"})


def test_narrowing_the_selection_never_leaves_a_widget_out_of_range() -> None:
    at = app().run()
    at.switch_page("pages/targets.py").run()
    at.session_state["dl"] = (2030, 2040)  # a deadline range the seeds do not reach
    at.run()
    assert not at.exception, at.exception
    low, high = at.slider(key="dl").value
    assert 2025 <= low <= high <= 2026


def test_targets_page_compares_the_chosen_metric() -> None:
    at = app()
    at.query_params["prov"] = "安徽省"
    at.run()
    at.switch_page("pages/targets.py").run()
    assert not at.exception, at.exception
    chooser = next(w for w in at.multiselect if w.key == "tm")
    assert len(chooser.value) == 1 and len(chooser.options) >= 2
    first = at.get("plotly_chart")[0].proto.spec
    chooser.set_value([chooser.options[1]]).run()
    second = at.get("plotly_chart")[0].proto.spec
    assert first != second  # another metric, another chart


def test_a_link_value_that_does_not_exist_is_named() -> None:
    at = app()
    at.query_params["prov"] = ["湖北省", "火星省"]
    at.run()
    assert not at.exception
    assert any("火星省" in w.value for w in at.sidebar.warning)
    assert at.metric[0].value == "1"  # the valid part of the link still applies


def test_an_unusable_store_is_one_message_on_the_page(tmp_path, monkeypatch) -> None:
    from pages._common import forget_store

    folder = tmp_path / "not-a-file"
    folder.mkdir()
    monkeypatch.setenv("POLICYLENS_STORE", str(folder))
    forget_store()
    try:
        at = app().run()
        assert not at.exception, at.exception
        assert any("不是普通文件" in e.value for e in at.error)
    finally:
        monkeypatch.undo()
        forget_store()
