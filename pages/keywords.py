"""Keywords: frequencies, word cloud, distinctive terms, trends, keyword in context.

Only the open tab computes (tabs bound to the URL run lazily); every table is a query in
the store returning the rows shown.
"""

from __future__ import annotations

import html
import io

import pandas as pd
import streamlit as st

from analysis.errors import PolicyLensError
from analysis.figures import distinctive_terms_figure, term_trends_figure, top_terms_figure
from analysis.keywords import group_labels, wordcloud_image
from pages._common import (
    chart_context,
    escape_markdown,
    keep_valid,
    keyword_table,
    no_documents_hint,
    selected_documents,
    show_figure,
    show_table,
    show_view_exports,
    view_options,
    warn_unknown,
)

TABS = ["词频", "词云", "区分性词语", "趋势", "关键词上下文", "文档关键词"]
GROUPINGS = {"region": "地区", "year": "年份", "doc_type": "文档类型"}
REST = "其余全部"
# The most terms any view shows at once (chart up to 100, cloud 80, trend choices 100).
TERM_BUDGET = 200
DOC_BUDGET = 300  # documents whose TF-IDF keywords are listed at once
CLOUD_WORDS = 80  # with a 400 × 200 layout drawn at 2.5×: a 1000 × 500 image in ~0.3 s


def open_in_context(term: str) -> None:
    """Make `term` the keyword-in-context term and switch to that tab (a click leads there)."""
    st.session_state["term"] = term
    st.session_state["kwtab"] = "关键词上下文"


def on_table_select(table_key: str, terms: list[str]) -> None:
    rows = st.session_state[table_key].selection.rows
    if rows:
        open_in_context(terms[rows[0]])


def on_chart_select(chart_key: str) -> None:
    points = st.session_state[chart_key].selection.points
    if points:  # tick labels are entity-escaped (`R&amp;D`); the term itself is not
        open_in_context(html.unescape(str(points[0]["y"])))


@st.cache_data(show_spinner="正在生成词云…", max_entries=16)
def cloud_png(frequencies: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    image = wordcloud_image(
        frequencies, width=400, height=200, scale=2.5, font_step=2, max_words=CLOUD_WORDS
    )
    image.save(buffer, format="PNG")
    return buffer.getvalue()


st.title("关键词")
docs = selected_documents()
if docs.empty:
    no_documents_hint()
    st.stop()

c1, c2, c3 = st.columns([2, 2, 3])
c1.toggle("过滤通用停用词", True, key="sw_g", bind="query-params")
c2.toggle("过滤公文套话（进一步、加快…）", True, key="sw_o", bind="query-params")
top = c3.slider("显示词数", 10, 100, 30, step=5, key="top", bind="query-params")
frequencies = keyword_table("frequencies", docs, top=TERM_BUDGET)
if frequencies.empty:
    st.info("当前选择的文档中没有可统计的词。")
    st.stop()

FREQUENCY_COLUMNS = {
    "group": "分组",
    "term": "词语",
    "count": "词频",
    "per_10k": st.column_config.NumberColumn("每万字", format="%.1f"),
    "docs": "文档数",
}


def frequency_view() -> None:
    show_figure(
        top_terms_figure(frequencies, top=top, context=chart_context()),
        "高频词",
        on_select=on_chart_select,
    )
    by = st.segmented_control(
        "分组",
        ["region", "year", "doc"],
        format_func={"region": "地区", "year": "年份", "doc": "文档"}.get,
        key="by",
        bind="query-params",
    )
    # Overall, the top rows are already at hand: the budgeted list is sorted the same way.
    table = (
        frequencies.head(top) if by is None else keyword_table("frequencies", docs, by=by, top=top)
    )
    st.caption("选中一行即可查看该词的上下文。")
    show_table(
        table,
        "词频",
        selectable=True,
        key="freq_table",
        on_select=lambda key: on_table_select(key, table["term"].tolist()),
        column_config=FREQUENCY_COLUMNS,
    )


def cloud_view() -> None:
    try:
        png = cloud_png(frequencies.head(CLOUD_WORDS))
    except PolicyLensError as exc:
        st.warning(str(exc))
    else:
        st.image(png, width="stretch")
        st.download_button("PNG", png, "词云.png", "image/png", icon=":material/download:")


def distinctive_view() -> None:
    d1, d2, d3 = st.columns(3)
    dby = d1.selectbox(
        "比较维度", list(GROUPINGS), format_func=GROUPINGS.get, key="dby", bind="query-params"
    )
    groups = sorted(group_labels(docs, dby).unique())
    if len(groups) < 2:
        st.info(f"当前选择只有一个{GROUPINGS[dby]}，无法比较。请放宽筛选条件。")
        return
    warn_unknown("dgrp", groups, "比较组")
    keep_valid("dgrp", groups)
    group = d2.selectbox("组", groups, key="dgrp", bind="query-params")
    others = [REST, *[g for g in groups if g != group]]
    warn_unknown("doth", others, "对照组")
    keep_valid("doth", others)
    other = d3.selectbox("对照", others, key="doth", bind="query-params")
    versus = None if other == REST else other
    table = keyword_table(
        "distinctive", docs, by=dby, group=group, other=versus, top=top // 2 if versus else top
    )
    show_figure(
        distinctive_terms_figure(table, group=group, other=other, context=chart_context()),
        "区分性词语",
        on_select=on_chart_select,
    )
    show_table(
        table,
        "区分性词语",
        key="dist_table",
        on_select=lambda key: on_table_select(key, table["term"].tolist()),
        column_config={
            "group": "组",
            "term": "词语",
            "z": st.column_config.NumberColumn("z 值", format="%.2f"),
            "count": "本组词频",
            "count_other": "对照词频",
        },
    )


def trend_view() -> None:
    terms = st.multiselect(
        "词语（可输入任意词）",
        frequencies["term"].head(100).tolist(),
        default=frequencies["term"].head(5).tolist(),
        key="tterms",
        bind="query-params",
        accept_new_options=True,
    )
    by_region = st.toggle("按地区分线", key="treg", bind="query-params")
    if not terms:
        st.info("选择或输入至少一个词。")
        return
    trends = keyword_table("trends", docs, terms=terms, by_region=by_region)
    show_figure(term_trends_figure(trends, context=chart_context()), "词语趋势")
    show_table(
        trends,
        "词语趋势",
        column_config={
            "year": "年份",
            "region": "地区",
            "term": "词语",
            "count": "词频",
            "per_10k": "每万字",
        },
    )


def kwic_view() -> None:
    k1, k2 = st.columns([3, 1])
    term = k1.text_input("词语", key="term", bind="query-params", placeholder="如：换电站")
    width = k2.number_input("上下文字数", 5, 80, 20, key="kwidth", bind="query-params")
    if not term.strip():
        st.info("输入一个词，或在词频表、图表中点击一个词。")
        return
    lines = keyword_table("kwic", docs, term=term.strip(), width=int(width))
    st.caption(
        f"「{escape_markdown(term.strip())}」在当前选择中出现 {len(lines)} 次，"
        f"分布在 {lines['doc_id'].nunique()} 篇文档。"
    )
    show_table(
        lines,
        f"上下文_{term.strip()}",
        column_config={
            "left": st.column_config.TextColumn("左文", width="medium"),
            "term": "词语",
            "right": st.column_config.TextColumn("右文", width="medium"),
            "start": "位置",
        },
    )


def document_view() -> None:
    shown = docs["doc_id"].head(DOC_BUDGET).tolist()
    if len(docs) > DOC_BUDGET:
        st.caption(
            f"显示前 {DOC_BUDGET} 篇文档的关键词（共 {len(docs)} 篇；缩小筛选可查看其余文档）。"
        )
    keywords = keyword_table("doc_keywords", docs, top=10, only=shown)
    joined = keywords.groupby("doc_id")["term"].agg("、".join).rename("关键词")
    table = docs[["doc_id", "title", "province", "city", "year"]].merge(joined, on="doc_id")
    show_table(table, "文档关键词")


VIEWS = [frequency_view, cloud_view, distinctive_view, trend_view, kwic_view, document_view]
for tab, view in zip(st.tabs(TABS, key="kwtab", bind="query-params"), VIEWS, strict=True):
    if tab.open:  # lazy: only the tab on screen computes
        with tab:
            view()

show_view_exports("keywords", view_options(("top", "dby", "dgrp", "doth", "tterms")))
