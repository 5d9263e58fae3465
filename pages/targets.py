"""Targets: every quantitative statement, its kind, and one metric's targets compared.

The table shows the first TABLE_BUDGET rows of a large selection (downloads hold all).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.figures import target_timeline_figure
from analysis.filters import with_region
from analysis.targets import KINDS
from analysis.textspans import paragraph_around
from analysis.timelines import (
    FAMILY_LABELS,
    KIND_LABELS,
    metric_options,
    select_quantities,
    target_summary,
    targets_by,
    timeline_points,
)
from pages._common import (
    chart_context,
    clamp_range,
    get_store,
    highlighted,
    keep_valid,
    no_documents_hint,
    passage_header,
    selected_quantities,
    show_figure,
    show_table,
    show_view_exports,
    view_options,
    warn_unknown,
)

TABLE_BUDGET = 1000  # rows sent to the browser; downloads hold all


st.title("目标与数量")
st.caption(
    "从每篇文档中抽取所有数量表述（数值、单位、比较关系、期限），并判断它是目标、"
    "已实现的成绩、政策工具（补贴、基金、上限）还是预测。每一行都能追溯到原句。"
)
quantities = selected_quantities()
if quantities.empty:
    no_documents_hint()
    st.stop()

c1, c2, c3, c4 = st.columns([2, 2, 2, 3])
kinds = c1.multiselect(
    "类别",
    list(KINDS),
    key="kind",
    bind="query-params",
    format_func=KIND_LABELS.get,
    placeholder="全部类别",
)
families = sorted(quantities["family"].dropna().unique())
fams = c2.multiselect(
    "指标类别",
    families,
    key="fam",
    bind="query-params",
    format_func=lambda f: FAMILY_LABELS.get(f, f),
    placeholder="全部",
)
deadlines = pd.to_numeric(quantities["deadline"], errors="coerce").dropna().astype(int)
bounds: tuple[int | None, int | None] = (None, None)
if len(deadlines) and deadlines.min() < deadlines.max():
    low, high = int(deadlines.min()), int(deadlines.max())
    clamp_range("dl", low, high)
    chosen = c3.slider("期限", low, high, (low, high), key="dl", bind="query-params")
    if chosen != (low, high):
        bounds = chosen
search = c4.text_input(
    "指标或句子包含", key="q", bind="query-params", placeholder="如：新能源汽车、配套率"
)

chosen_rows = select_quantities(
    quantities,
    kinds=tuple(kinds),
    families=tuple(fams),
    deadline_from=bounds[0],
    deadline_to=bounds[1],
    metric_contains=search,
)
summary = target_summary(chosen_rows)
m1, m2, m3, m4 = st.columns(4)
m1.metric("目标", summary.targets)
m2.metric("含目标的文档", summary.documents)
m3.metric("地区", summary.regions)
m4.metric(
    "期限中位数（年）", "—" if summary.median_horizon is None else f"{summary.median_horizon:g}"
)

st.subheader("目标对比")
options = metric_options(chosen_rows)
if options.empty:
    st.info("当前选择中没有带期限的目标。可以放宽类别、指标或期限筛选。")
else:
    labels = dict(zip(options["metric_key"], options["label"], strict=True))
    counts = dict(zip(options["metric_key"], options["regions"], strict=True))
    warn_unknown("tm", list(labels), "指标")
    keep_valid("tm", list(labels))
    metrics = st.multiselect(
        "指标（可比较的一个或几个）",
        list(labels),
        default=list(labels)[:1],
        key="tm",
        bind="query-params",
        format_func=lambda k: f"{labels[k]} · {counts[k]} 个地区",
        help="同一图中只放可比较的指标：默认是设定目标的地区最多的那一个。",
    )
    if metrics:
        points = timeline_points(chosen_rows, tuple(metrics))
        title = "目标：" + "、".join(labels[m] for m in metrics)
        show_figure(
            target_timeline_figure(points, title=title, context=chart_context()), "目标对比"
        )
    else:
        st.info("选择至少一个指标。")

left, right = st.columns(2)
with left:
    st.subheader("各地区目标数")
    show_table(
        targets_by(chosen_rows, "region"),
        "各地区目标数",
        column_config={
            "region": "地区",
            "targets": "目标",
            "documents": "文档",
            "median_horizon": "期限中位数",
        },
    )
with right:
    st.subheader("各类指标目标数")
    by_family = targets_by(chosen_rows, "family")
    show_table(
        by_family.assign(family=by_family["family"].map(lambda f: FAMILY_LABELS.get(f, f))),
        "各类指标目标数",
        column_config={
            "family": "指标类别",
            "targets": "目标",
            "documents": "文档",
            "median_horizon": "期限中位数",
        },
    )

st.subheader(f"全部数量表述（{len(chosen_rows)} 条）")
if len(chosen_rows) > TABLE_BUDGET:
    st.caption(f"表格显示前 {TABLE_BUDGET} 条；CSV/XLSX 下载包含全部 {len(chosen_rows)} 条。")
table = with_region(chosen_rows).reset_index(drop=True)
shown = table[
    [
        "region",
        "year",
        "deadline",
        "metric",
        "comparator",
        "value",
        "value_high",
        "unit",
        "kind",
        "family",
        "cue",
        "raw",
        "sentence",
    ]
].assign(
    kind=table["kind"].map(KIND_LABELS),
    family=table["family"].map(lambda f: FAMILY_LABELS.get(f, f)),
)
event = show_table(
    shown.head(TABLE_BUDGET),
    "数量表述",
    export_frame=shown,
    selectable=True,
    key="qtable",
    height=400,
    column_config={
        "region": "地区",
        "deadline": st.column_config.NumberColumn("期限", format="%d"),
        "metric": "指标",
        "comparator": "比较",
        "value": st.column_config.NumberColumn("数值", format="localized", width="medium"),
        "value_high": st.column_config.NumberColumn("上限", format="localized"),
        "unit": "单位",
        "kind": "类别",
        "family": "指标类别",
        "cue": "判断依据",
        "raw": "原文",
        "sentence": "句子",
        "year": st.column_config.NumberColumn("文档年份", format="%d"),
    },
)
rows = event.selection.rows if event is not None else []
if rows:
    row = table.iloc[rows[0]]
    text = get_store().text(row["doc_id"])
    st.markdown(passage_header(row["source"], row["region"], row["year"]))
    st.markdown(highlighted(*paragraph_around(text, int(row["start"]), int(row["end"]))))
else:
    st.caption("在表格中选中一行，即可在原文段落中查看这个数字。")

show_view_exports("targets", view_options(("tm",)))
