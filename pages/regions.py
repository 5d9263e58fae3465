"""区域比较: places, years or document types side by side.

The page reads the groups and codebooks, shows the headline figures, and runs only the open
tab (`_regions_sections`); every table is a query in the store over the chosen groups
(`_regions_data`), so a change of groups recomputes only what is on screen.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.groups import (
    GROUPING_LABELS,
    LEVEL_LABELS,
    group_names,
    in_groups,
    membership,
    restrict,
)
from analysis.instruments import load_instruments
from analysis.themes import CodebookError, load_themes, parse_themes
from pages import _regions_data as data
from pages._common import (
    no_documents_hint,
    selected_documents,
    show_table,
    show_view_exports,
    view_options,
)
from pages._regions_labels import HEADLINE_LABELS
from pages._regions_sections import SECTIONS, Comparison


def choose_groups(docs: pd.DataFrame) -> tuple[list[str], pd.DataFrame]:
    """Grouping, level and the chosen groups (URL-bound); every group's membership rows."""
    c1, c2, c3 = st.columns([2, 2, 6])
    by = c1.radio(
        "比较对象",
        list(GROUPING_LABELS),
        format_func=GROUPING_LABELS.get,
        key="cmp_by",
        bind="query-params",
        horizontal=True,
    )
    level = c2.radio(
        "地区层级",
        list(LEVEL_LABELS),
        format_func=LEVEL_LABELS.get,
        key="cmp_lv",
        bind="query-params",
        horizontal=True,
        disabled=by != "region",
    )
    members = membership(docs, by=by, level=level)
    options = group_names(members)
    largest = members["group"].value_counts().index[:4].tolist()
    state = st.session_state
    if "cmp" in state:  # a new level or grouping: keep what still exists, else the largest
        kept = [g for g in state["cmp"] if g in options]
        state["cmp"] = kept if kept or not state["cmp"] else largest
    elif "cmp" not in st.query_params:
        state["cmp"] = largest
    chosen = c3.multiselect(
        "要比较的组（至少两个）",
        options,
        key="cmp",
        bind="query-params",
        placeholder="选择地区、年份或类型",
    )
    return chosen, members


def codebooks():
    """The theme codebook (the shipped one or the user's upload, as TOML text) and the
    instrument one.
    """
    with st.expander("主题词表与政策工具词表"):
        upload = st.file_uploader(
            "载入自己的主题词表（TOML，格式同 analysis/data/themes.toml）", type=["toml"]
        )
        text = upload.getvalue().decode("utf-8", errors="replace") if upload else None
        try:
            themes = parse_themes(text, source=upload.name) if upload else load_themes()
        except CodebookError as exc:
            st.error(f"{exc}。已改用内置主题词表。")
            themes, text = load_themes(), None
        instruments = load_instruments()
        show_table(themes.frame(), "主题词表")
        show_table(instruments.frame(), "政策工具词表")
    return themes, text, instruments


st.title("区域比较")
st.caption(
    "选择两个或更多地区（或年份、文档类型）并排比较：主题、政策工具、目标及其实现、特色词汇和"
    "相似度。省级分组包含其下属市、区县的文档；全国性文档和地区不明的文档各自成组。"
)
everything = selected_documents()
if everything.empty:
    no_documents_hint()
    st.stop()
chosen, all_members = choose_groups(everything)
if len(chosen) < 2:
    st.info("请至少选择两个组进行比较。")
    st.stop()
members = restrict(all_members, chosen)
themes, theme_text, instruments = codebooks()
comparison = Comparison(
    everything=everything,
    members=members,
    docs=in_groups(everything, members),
    chosen=chosen,
    themes=themes,
    theme_text=theme_text,
    instruments=instruments,
)

st.subheader("概况")
show_table(
    data.headline_for(members, comparison.docs, theme_text),
    "各组概况",
    column_config=HEADLINE_LABELS,
)

tabs = st.tabs(list(SECTIONS), key="cmp_tab", bind="query-params")
for tab, section in zip(tabs, SECTIONS.values(), strict=True):
    if tab.open:  # lazy: only the section on screen computes
        with tab:
            section(comparison)

show_view_exports("regions", view_options(("cmp_by", "cmp_lv", "cmp")))
