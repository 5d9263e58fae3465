"""The sections of the regions page, one function per tab: each reads its own pickers, asks
`_regions_data` for the tables it shows and draws them. Only the open tab runs, and a
section's own pickers (a cell's sentences, a document's neighbours, the map) are fragments,
so choosing them reruns that part only.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from analysis import regions_figures as figs
from analysis.attainment import STATUS_LABELS
from analysis.boundaries import SOURCE_NOTE, BoundariesMissing
from analysis.compare import MAP_MEASURE_LABELS, map_input, province_values
from analysis.groups import area_membership
from analysis.instruments import CATEGORY_LABELS, InstrumentCodebook
from analysis.similarity import SimilarityError
from analysis.themes import ThemeCodebook
from analysis.timelines import FAMILY_LABELS
from pages import _regions_data as data
from pages._common import escape_markdown, show_figure, show_table
from pages._regions_labels import (
    ATTAINMENT_LABELS,
    SENTENCE_LABELS,
    TARGET_LABELS,
    TERM_LABELS,
    pick_from_chart,
)

DOC_MATRIX_LIMIT = 60  # documents; beyond that a document × document heatmap is unreadable
NEAREST_LIMIT = 2_000  # documents the nearest-document search compares at most


@dataclass(frozen=True)
class Comparison:
    """What every section reads: the selection, the chosen groups and the codebooks."""

    everything: pd.DataFrame  # documents of the sidebar selection (DOC_COLUMNS)
    members: pd.DataFrame  # doc_id, group of the chosen groups
    docs: pd.DataFrame  # documents of the chosen groups
    chosen: list[str]
    themes: ThemeCodebook
    theme_text: str | None  # a user's theme codebook (TOML), None = the shipped one
    instruments: InstrumentCodebook


# -- themes -----------------------------------------------------------------------------


def themes_section(c: Comparison) -> None:
    st.subheader("主题")
    st.caption("点击热力图的一格，下方即列出这一组这一主题的句子。")
    profile = data.theme_profile_for(c.members, c.docs, c.theme_text)
    ids = {label: theme_id for theme_id, label in c.themes.labels().items()}
    theme_of = figs.raw_names(ids)
    show_figure(
        data.figure(figs.theme_heatmap, profile),
        "主题热力图",
        on_select=lambda key: pick_from_chart(
            key, "cmp_thg", "cmp_th", figs.raw_names(c.chosen), lambda p: ids[theme_of[p["y"]]]
        ),
    )
    theme_sentence_picker(c)


@st.fragment
def theme_sentence_picker(c: Comparison) -> None:
    t1, t2 = st.columns(2)
    theme = t1.selectbox(
        "查看句子：主题",
        [t.id for t in c.themes.themes],
        index=None,
        key="cmp_th",
        bind="query-params",
        format_func=c.themes.labels().get,
        placeholder="点击热力图的一格，或在此选择",
    )
    group = t2.selectbox("组", c.chosen, index=None, key="cmp_thg", placeholder="选择组")
    if theme is None or group is None:
        return  # sentences are fetched for a chosen cell only
    rows = data.theme_sentences_for(c.members, theme, group, c.theme_text)
    show_table(
        rows.assign(theme=rows["theme"].map(c.themes.labels())),
        "主题句子",
        height=240,
        column_config=SENTENCE_LABELS,
    )


# -- instruments ------------------------------------------------------------------------


def instruments_section(c: Comparison) -> None:
    st.subheader("政策工具")
    st.caption("每句按词表编码为一种工具；点击柱子的一段，下方即列出这些句子及判定它们的词。")
    show_figure(
        data.figure(figs.instrument_bars, data.instrument_mix_for(c.members, c.docs)),
        "政策工具结构",
        on_select=lambda key: pick_from_chart(
            key, "cmp_ing", "cmp_in", figs.raw_names(c.chosen), lambda p: p["customdata"][1]
        ),
    )
    instrument_sentence_picker(c)


@st.fragment
def instrument_sentence_picker(c: Comparison) -> None:
    by_id = c.instruments.by_id()
    i1, i2 = st.columns(2)
    inst = i1.selectbox(
        "查看句子：工具",
        list(by_id),
        index=None,
        key="cmp_in",
        bind="query-params",
        format_func=lambda i: f"{CATEGORY_LABELS[by_id[i].category]}·{by_id[i].label}",
        placeholder="点击柱子的一段，或在此选择",
    )
    group = i2.selectbox("组", c.chosen, index=None, key="cmp_ing", placeholder="选择组")
    if inst is None or group is None:
        return  # sentences are fetched for a chosen bar segment only
    rows = data.instrument_sentences_for(c.members, inst, group)
    show_table(
        rows.assign(category=rows["category"].map(CATEGORY_LABELS)),
        "政策工具句子",
        height=240,
        column_config=SENTENCE_LABELS,
    )


# -- targets and attainment -------------------------------------------------------------


@st.fragment
def targets_section(c: Comparison) -> None:
    st.subheader("目标对比")
    targets = data.targets_for(c.members, c.docs)
    if targets.empty:
        st.info("所选组中没有抽取到目标。")
        return
    kinds = targets.groupby(["family", "unit"]).size().sort_values(ascending=False)
    family, unit = st.selectbox(
        "指标类别与单位",
        list(kinds.index),
        key="cmp_fam",
        format_func=lambda k: f"{FAMILY_LABELS.get(k[0], k[0])}（{k[1]}）",
    )
    shown = targets[(targets["family"] == family) & (targets["unit"] == unit)]
    show_figure(data.figure(figs.targets_strip, shown), "目标值对比")
    show_table(shown, "目标对比", height=260, column_config=TARGET_LABELS)


def attainment_section(c: Comparison) -> None:
    st.subheader("目标实现情况")
    st.caption(
        "某年报告中为当年设定的目标，与下一年报告中对该年的回顾相比：同一地区、同一指标、同一单位。"
    )
    achieved = data.attainment_for(c.members, c.everything)
    if achieved.empty:
        st.info("所选组中没有能与下一年结果对照的目标（需要相邻两年的报告）。")
        return
    show_figure(data.figure(figs.attainment_bars, achieved), "目标实现情况")
    show_table(
        achieved.assign(status=achieved["status"].map(STATUS_LABELS)),
        "目标实现",
        height=260,
        column_config=ATTAINMENT_LABELS,
    )


# -- vocabulary and similarity ----------------------------------------------------------


def vocabulary_section(c: Comparison) -> None:
    st.subheader("特色词汇")
    distinct = data.distinctive_for(c.members)
    for column, name in zip(st.columns(len(c.chosen)), c.chosen, strict=True):
        with column:
            st.markdown(f"**{escape_markdown(name)}**")
            show_table(
                distinct[distinct["group"] == name][["term", "z", "count"]],
                f"特色词汇-{name}",
                column_config=TERM_LABELS,
            )


def similarity_section(c: Comparison) -> None:
    st.subheader("相似度")
    show_figure(
        data.figure(figs.similarity_heatmap, data.group_similarity_for(c.members)), "组间相似度"
    )
    nearest_picker(c.docs)


@st.fragment
def nearest_picker(docs: pd.DataFrame) -> None:
    if len(docs) <= DOC_MATRIX_LIMIT:
        matrix = data.document_similarity_for(docs["doc_id"])
        names = docs.set_index("doc_id")["source"].str.slice(0, 24)
        show_figure(
            data.figure(
                figs.similarity_heatmap,
                matrix.rename(index=names, columns=names),
                title="文档间相似度（TF-IDF 余弦）",
            ),
            "文档间相似度",
        )
    else:
        st.caption(
            f"所选组共 {len(docs)} 篇文档；不超过 {DOC_MATRIX_LIMIT} 篇时显示文档间相似度矩阵。"
        )
    labels = docs.set_index("doc_id")["source"]
    doc = st.selectbox(
        "与这篇文档最相似的文档",
        list(labels.index),
        index=None,
        key="cmp_doc",
        format_func=labels.get,
        placeholder="选择一篇文档，列出与它最相似的文档",
    )
    if doc is None:
        return
    pool = docs["doc_id"]
    if len(pool) > NEAREST_LIMIT:
        st.caption(f"在所选组的前 {NEAREST_LIMIT} 篇文档中查找。")
        pool = pd.concat([pd.Series([doc]), pool[pool != doc].head(NEAREST_LIMIT - 1)])
    try:
        near = data.nearest_for(pool, doc)
    except SimilarityError as exc:
        st.info(str(exc))
        return
    show_table(
        near.assign(source=near["doc_id"].map(labels)),
        "最相似文档",
        column_config={"similarity": st.column_config.NumberColumn("相似度", format="%.3f")},
    )


# -- map --------------------------------------------------------------------------------


@st.fragment
def map_section(c: Comparison) -> None:
    st.subheader("地图")
    everything, themes = c.everything, c.themes
    m1, m2, m3 = st.columns(3)
    with_cities = sorted(everything.loc[everything["city"].notna(), "province"].dropna().unique())
    scope = m1.selectbox(
        "地图范围",
        ["全国", *with_cities],
        key="cmp_scope",
        bind="query-params",
        format_func=lambda s: "全国（各省）" if s == "全国" else f"{s}（各市）",
    )
    measure = m2.selectbox(
        "着色指标",
        list(MAP_MEASURE_LABELS),
        key="cmp_map",
        bind="query-params",
        format_func=MAP_MEASURE_LABELS.get,
    )
    theme = m3.selectbox(
        "主题（主题强度时）",
        [t.id for t in themes.themes],
        key="cmp_mth",
        bind="query-params",
        format_func=themes.labels().get,
        disabled=measure != "theme",
    )
    areas = area_membership(everything, province=None if scope == "全国" else scope)
    table = data.map_table(map_input(measure), areas, everything, c.theme_text)
    values = province_values(measure, table, theme=theme)
    label = (
        themes.labels()[theme] + "（每万字）" if measure == "theme" else MAP_MEASURE_LABELS[measure]
    )
    title = f"各省{label}" if scope == "全国" else f"{scope}各市{label}"
    try:
        shapes = data.provinces_geojson() if scope == "全国" else data.cities_geojson(scope)
        show_figure(
            data.figure(
                figs.province_map,
                values,
                extra_key=scope,
                geojson=shapes,
                measure=label,
                source=SOURCE_NOTE,
                title=title,
            ),
            "地图",
        )
    except BoundariesMissing as exc:
        st.warning(str(exc))
    show_table(values, "地图数据", column_config={"province": "地区", "value": label})


SECTIONS = {
    "主题": themes_section,
    "政策工具": instruments_section,
    "目标对比": targets_section,
    "目标实现": attainment_section,
    "特色词汇": vocabulary_section,
    "相似度": similarity_section,
    "地图": map_section,
}
