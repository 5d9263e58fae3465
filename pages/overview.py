"""Overview: how much text the current selection holds, from where and when."""

from __future__ import annotations

import streamlit as st

from analysis.figures import documents_by_province_figure, documents_by_year_figure
from analysis.overview import corpus_summary, documents_by_province_year
from analysis.types import DOC_TYPE_LABELS
from pages._common import (
    chart_context,
    no_documents_hint,
    selected_documents,
    show_figure,
    show_table,
    show_view_exports,
    view_options,
)

st.title("概览")
docs = selected_documents()
summary = corpus_summary(docs)

cols = st.columns(4)
cols[0].metric("文档", f"{summary.documents:,}")
cols[1].metric("字数", f"{summary.characters:,}")
cols[2].metric("地区", summary.regions)
span = f"{summary.first_year}–{summary.last_year}" if summary.first_year else "—"
cols[3].metric("年份", summary.years, help=f"年份范围：{span}")

if docs.empty:
    no_documents_hint()
    st.stop()

by_province = documents_by_province_year(docs)
context = chart_context()
left, right = st.columns([3, 2])
with left:
    show_figure(documents_by_year_figure(by_province, context=context), "各年份文档数")
with right:
    show_figure(documents_by_province_figure(by_province, context=context), "各省份文档数")

st.subheader("文档列表")
table = docs.assign(doc_type=docs["doc_type"].map(DOC_TYPE_LABELS))
show_table(table.drop(columns=["sha256"]), "文档列表")

show_view_exports("overview", view_options(()))
