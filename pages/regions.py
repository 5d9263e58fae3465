"""区域比较: places, years or document types side by side.

Each section that has its own pickers is a fragment, so choosing a theme's sentences or a
document's neighbours reruns that section only.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import regions_figures as figs
from analysis.attainment import STATUS_LABELS
from analysis.boundaries import SOURCE_NOTE, BoundariesMissing
from analysis.compare import (
    MAP_MEASURE_LABELS,
    compared_targets,
    headline,
    province_values,
)
from analysis.groups import (
    GROUPING_LABELS,
    LEVEL_LABELS,
    area_membership,
    group_names,
    membership,
    restrict,
)
from analysis.instruments import (
    CATEGORY_LABELS,
    coded_sentence_table,
    instrument_mix,
    load_instruments,
)
from analysis.similarity import SimilarityError
from analysis.themes import CodebookError, load_themes, parse_themes, theme_profile, theme_sentences
from analysis.timelines import FAMILY_LABELS
from pages import _regions_data as data
from pages._common import (
    no_documents_hint,
    selected_documents,
    show_figure,
    show_table,
    show_view_exports,
    view_options,
)
from pages._regions_labels import (
    ATTAINMENT_LABELS,
    HEADLINE_LABELS,
    SENTENCE_LABELS,
    TARGET_LABELS,
    TERM_LABELS,
    pick_from_chart,
)


def choose_groups(docs: pd.DataFrame) -> tuple[str, str, list[str], pd.DataFrame]:
    """Grouping, level and the chosen groups (URL-bound); their membership rows."""
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
    return by, level, chosen, members


def codebooks():
    """The theme codebook (the shipped one or the user's upload) and the instrument one."""
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


@st.fragment
def theme_sentence_section(hits, members, doc_ids, themes, chosen) -> None:
    t1, t2 = st.columns(2)
    theme = t1.selectbox(
        "查看句子：主题",
        [t.id for t in themes.themes],
        key="cmp_th",
        bind="query-params",
        format_func=themes.labels().get,
    )
    group = t2.selectbox("组", chosen, key="cmp_thg")
    rows = theme_sentences(hits, members, data.texts_for(doc_ids), theme=theme, group=group)
    show_table(
        rows.assign(theme=rows["theme"].map(themes.labels())),
        "主题句子",
        height=240,
        column_config=SENTENCE_LABELS,
    )


@st.fragment
def instrument_sentence_section(coded, members, doc_ids, instruments, chosen) -> None:
    by_id = instruments.by_id()
    i1, i2 = st.columns(2)
    inst = i1.selectbox(
        "查看句子：工具",
        list(by_id),
        key="cmp_in",
        bind="query-params",
        format_func=lambda i: f"{CATEGORY_LABELS[by_id[i].category]}·{by_id[i].label}",
    )
    group = i2.selectbox("组", chosen, key="cmp_ing")
    rows = coded_sentence_table(
        coded, members, data.texts_for(doc_ids), instrument=inst, group=group
    )
    show_table(
        rows.assign(category=rows["category"].map(CATEGORY_LABELS)),
        "政策工具句子",
        height=240,
        column_config=SENTENCE_LABELS,
    )


@st.fragment
def targets_section(quantities, members) -> None:
    targets = compared_targets(quantities, members)
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
    show_figure(figs.targets_strip(shown), "目标值对比")
    show_table(shown, "目标对比", height=260, column_config=TARGET_LABELS)


DOC_MATRIX_LIMIT = 60  # documents; beyond that a document × document heatmap is unreadable


@st.fragment
def nearest_section(docs) -> None:
    if len(docs) <= DOC_MATRIX_LIMIT:
        matrix = data.document_similarity_for(docs["doc_id"])
        names = docs.set_index("doc_id")["source"].str.slice(0, 24)
        show_figure(
            figs.similarity_heatmap(
                matrix.rename(index=names, columns=names), title="文档间相似度（TF-IDF 余弦）"
            ),
            "文档间相似度",
        )
    else:
        st.caption(
            f"所选组共 {len(docs)} 篇文档；不超过 {DOC_MATRIX_LIMIT} 篇时显示文档间相似度矩阵。"
        )
    labels = docs.set_index("doc_id")["source"]
    doc = st.selectbox(
        "与这篇文档最相似的文档", list(labels.index), key="cmp_doc", format_func=labels.get
    )
    try:
        near = data.nearest_for(docs["doc_id"], doc)
    except SimilarityError as exc:
        st.info(str(exc))
        return
    show_table(
        near.assign(source=near["doc_id"].map(labels)),
        "最相似文档",
        column_config={"similarity": st.column_config.NumberColumn("相似度", format="%.3f")},
    )


@st.fragment
def map_section(everything, theme_text, themes, instruments) -> None:
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
    ids = areas["doc_id"]
    values = province_values(
        measure,
        docs=everything,
        members=areas,
        quantities=data.quantities_for(ids),
        hits=data.theme_hits_for(ids, theme_text),
        coded=data.coded_for(ids),
        themes=themes,
        instruments=instruments,
        theme=theme,
    )
    label = (
        themes.labels()[theme] + "（每万字）" if measure == "theme" else MAP_MEASURE_LABELS[measure]
    )
    title = f"各省{label}" if scope == "全国" else f"{scope}各市{label}"
    try:
        shapes = data.provinces_geojson() if scope == "全国" else data.cities_geojson(scope)
        show_figure(
            figs.province_map(values, shapes, measure=label, source=SOURCE_NOTE, title=title),
            "地图",
        )
    except BoundariesMissing as exc:
        st.warning(str(exc))
    show_table(values, "地图数据", column_config={"province": "地区", "value": label})


st.title("区域比较")
st.caption(
    "选择两个或更多地区（或年份、文档类型）并排比较：主题、政策工具、目标及其实现、特色词汇和"
    "相似度。省级分组包含其下属市、区县的文档；全国性文档和地区不明的文档各自成组。"
)
everything = selected_documents()
if everything.empty:
    no_documents_hint()
    st.stop()
by, level, chosen, all_members = choose_groups(everything)
if len(chosen) < 2:
    st.info("请至少选择两个组进行比较。")
    st.stop()
members = restrict(all_members, chosen)
docs = everything[everything["doc_id"].isin(members["doc_id"])]
themes, theme_text, instruments = codebooks()
hits = data.theme_hits_for(docs["doc_id"], theme_text)
coded = data.coded_for(docs["doc_id"])
quantities = data.quantities_for(docs["doc_id"])
profile = theme_profile(hits, members, docs, themes)
mix = instrument_mix(coded, members, docs, instruments)

st.subheader("概况")
show_table(
    headline(docs, members, profile=profile, mix=mix, quantities=quantities),
    "各组概况",
    column_config=HEADLINE_LABELS,
)

st.subheader("主题")
st.caption("点击热力图的一格，下方即列出这一组这一主题的句子。")
theme_ids = {t.label: t.id for t in themes.themes}
show_figure(
    figs.theme_heatmap(profile),
    "主题热力图",
    on_select=lambda key: pick_from_chart(key, "cmp_thg", "cmp_th", lambda p: theme_ids[p["y"]]),
)
theme_sentence_section(hits, members, docs["doc_id"], themes, chosen)

st.subheader("政策工具")
st.caption("每句按词表编码为一种工具；点击柱子的一段，下方即列出这些句子及判定它们的词。")
show_figure(
    figs.instrument_bars(mix),
    "政策工具结构",
    on_select=lambda key: pick_from_chart(key, "cmp_ing", "cmp_in", lambda p: p["customdata"][1]),
)
instrument_sentence_section(coded, members, docs["doc_id"], instruments, chosen)

st.subheader("目标对比")
targets_section(quantities, members)

st.subheader("目标实现情况")
st.caption(
    "某年报告中为当年设定的目标，与下一年报告中对该年的回顾相比：同一地区、同一指标、同一单位。"
)
achieved = data.attainment_for(all_members)
achieved = achieved[achieved["group"].isin(chosen)]
if achieved.empty:
    st.info("所选组中没有能与下一年结果对照的目标（需要相邻两年的报告）。")
else:
    show_figure(figs.attainment_bars(achieved), "目标实现情况")
    show_table(
        achieved.assign(status=achieved["status"].map(STATUS_LABELS)),
        "目标实现",
        height=260,
        column_config=ATTAINMENT_LABELS,
    )

st.subheader("特色词汇")
distinct = data.distinctive_for(members)
for column, name in zip(st.columns(len(chosen)), chosen, strict=True):
    with column:
        st.markdown(f"**{name}**")
        show_table(
            distinct[distinct["group"] == name][["term", "z", "count"]],
            f"特色词汇-{name}",
            column_config=TERM_LABELS,
        )

st.subheader("相似度")
show_figure(figs.similarity_heatmap(data.group_similarity_for(members)), "组间相似度")
nearest_section(docs)

st.subheader("地图")
map_section(everything, theme_text, themes, instruments)

show_view_exports("regions", view_options(("cmp_by", "cmp_lv", "cmp")))
