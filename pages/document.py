"""One document: its clean text, what cleaning changed and why, its metadata with evidence."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import corpus
from analysis.consistency import year_date_conflict
from analysis.errors import InvalidField
from analysis.labels import CLEANING_STEP_LABELS, translated
from analysis.types import DOC_TYPE_LABELS, DOC_TYPES, META_FIELDS
from pages._common import (
    COLUMN_LABELS,
    escape_markdown,
    get_store,
    no_documents_hint,
    selected_documents,
    show_table,
    warn_unknown,
)

FIELD_LABELS = {
    **COLUMN_LABELS,
    "source_site": "来源网站",
    "adopted_year": "首次通过年份",
    "period_start": "规划起始年",
    "period_end": "规划终止年",
}
ORIGIN_LABELS = {
    "detected": "自动识别",
    "seed metadata": "种子元数据",
    "file": "文件自带",
    "user": "用户更正",
}

st.title("文档")
docs = selected_documents()
if docs.empty:
    no_documents_hint()
    st.stop()


def _label(row) -> str:
    year = row.year if pd.notna(row.year) else "年份未知"
    return f"{row.title or row.source}（{row.province or '地区未知'} {year}）"


labels = {row.doc_id: _label(row) for row in docs.itertuples()}
# The link names the document by its id (`?doc=2fcd79d266`), not by its title: a bound
# selectbox would write its formatted label into the URL, so the page keeps `doc` itself.
warn_unknown("doc", list(labels), "文档编号")
ids = list(labels)
wanted = st.query_params.get("doc")
doc_id = st.selectbox(
    "选择文档",
    ids,
    index=ids.index(wanted) if wanted in labels else 0,
    format_func=labels.get,
    key="doc",
)
st.query_params["doc"] = doc_id
store = get_store()

text_col, meta_col = st.columns([3, 2], gap="large")
with text_col:
    clean = store.text(doc_id)
    raw = store.text(doc_id, raw=True)
    st.caption(f"清洗后 {len(clean):,} 字 · 原文 {len(raw):,} 字")
    changes = store.changes(doc_id)
    with st.expander(f"清洗记录：{len(changes)} 处删除或修复", expanded=False):
        if changes.empty:
            st.write("清洗没有改动这篇文档。")
        else:
            summary = (
                changes.assign(step=translated(changes["step"], CLEANING_STEP_LABELS))
                .groupby(["step", "reason"], as_index=False)
                .size()
                .rename(columns={"step": "规则", "reason": "原因", "size": "处数"})
            )
            st.dataframe(summary, hide_index=True, width="stretch")
            show_table(
                changes.assign(step=translated(changes["step"], CLEANING_STEP_LABELS)),
                f"清洗记录_{doc_id}",
                column_config={
                    "step": "规则",
                    "reason": "原因",
                    "start": "起",
                    "end": "止",
                    "removed": "原文片段",
                },
                height=300,
            )
    show_raw = st.toggle("显示原文（未清洗）", key="raw", bind="query-params")
    # st.code shows text verbatim: nothing from a document is ever rendered as HTML/Markdown.
    st.code(raw if show_raw else clean, language=None, wrap_lines=True, height=600)

with meta_col:
    st.subheader("元数据")
    evidence = store.evidence(doc_id)
    shown = evidence.assign(
        field=evidence["field"].map(lambda f: FIELD_LABELS.get(f, f)),
        origin=evidence["origin"].map(lambda o: ORIGIN_LABELS.get(o, o)),
        value=evidence["value"].map(
            lambda v: DOC_TYPE_LABELS.get(v, v) if isinstance(v, str) else v
        ),
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            "field": "字段",
            "value": "值",
            "evidence": st.column_config.TextColumn("依据", width="large"),
            "confidence": st.column_config.ProgressColumn(
                "置信度", min_value=0.0, max_value=1.0, format="%.2f"
            ),
            "origin": "来源",
        },
    )
    current = dict(zip(evidence["field"], evidence["value"], strict=True))
    conflict = year_date_conflict(current.get("year"), current.get("date"))
    if conflict:
        st.warning(conflict, icon=":material/event_busy:")
    with st.form(f"edit-{doc_id}"):
        st.markdown("**更正元数据**（留空表示未知；更正会保存在文档库中）")
        values: dict[str, str] = {}
        for field in META_FIELDS:
            now = current.get(field)
            now_text = "" if now is None or (isinstance(now, float) and pd.isna(now)) else str(now)
            if field == "doc_type":
                values[field] = st.selectbox(
                    FIELD_LABELS[field],
                    DOC_TYPES,
                    index=DOC_TYPES.index(now_text)
                    if now_text in DOC_TYPES
                    else len(DOC_TYPES) - 1,
                    format_func=DOC_TYPE_LABELS.get,
                    key=f"edit-{doc_id}-{field}",
                )
            else:
                values[field] = st.text_input(
                    FIELD_LABELS.get(field, field), now_text, key=f"edit-{doc_id}-{field}"
                )
        if st.form_submit_button("保存更正", type="primary"):
            changed = {f: v for f, v in values.items() if v != (str(current.get(f) or ""))}
            try:
                if changed:
                    corpus.correct_fields(store, doc_id, changed)
                    st.toast(f"已保存：{'、'.join(FIELD_LABELS.get(f, f) for f in changed)}")
                    st.rerun()
                else:
                    st.info("没有改动。")
            except InvalidField as exc:
                st.error(f"没有保存：{escape_markdown(str(exc))}")
