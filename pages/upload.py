"""Import: add the user's own files; each is reported by name, a bad one never stops the rest."""

from __future__ import annotations

import streamlit as st

from analysis import corpus
from analysis.loading import SUPPORTED_SUFFIXES
from pages._common import get_store

STATUS_LABELS = {
    "added": "已添加",
    "skipped": "已跳过（重复）",
    "rejected": "未导入",
    "updated": "已更新",
}

st.title("导入文档")
st.write(
    "上传讲话、会议报道、规划或工作报告。支持 "
    + "、".join(s.lstrip(".") for s in SUPPORTED_SUFFIXES)
    + "；文本文件的编码（UTF-8、GB18030/GBK、UTF-16 等）自动识别。"
    "CSV 文件每行一篇文档（正文列名为 full_text、text、content 或 正文）。"
)
files = st.file_uploader(
    "选择文件", type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES], accept_multiple_files=True
)
if files and st.button("导入", type="primary"):
    bar = st.progress(0.0, text="正在清洗、识别元数据并分词…")
    outcomes = corpus.ingest_uploads(
        get_store(),
        [(f.name, f.getvalue()) for f in files],
        progress=lambda done, total: bar.progress(
            done / max(total, 1), text=f"正在导入：{done}/{total} 个文件"
        ),
    )
    bar.empty()
    report = corpus.outcomes_frame(outcomes)
    report = report.assign(status=report["status"].map(STATUS_LABELS)).rename(
        columns={"source": "文件", "status": "结果", "doc_id": "编号", "reason": "说明"}
    )
    rejected = sum(o.status == "rejected" for o in outcomes)
    added = sum(o.status in ("added", "updated") for o in outcomes)
    if rejected:
        st.warning(f"{rejected} 个文件未能导入（原因见下表），其余文件不受影响。")
    if added:
        st.success(f"已导入 {added} 篇文档。请到「文档」页核对自动识别的地区、年份和类型。")
    st.dataframe(report, hide_index=True, width="stretch")
