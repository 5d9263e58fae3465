"""Import: add the user's own files; each is reported by name, a bad one never stops the rest."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis import corpus
from analysis.errors import RejectedFile
from analysis.loading import SUPPORTED_SUFFIXES, read_bytes
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
    outcomes: list[corpus.IngestOutcome] = []
    loaded = []
    for file in files:
        try:
            loaded.extend(read_bytes(file.getvalue(), file.name))
        except RejectedFile as exc:
            outcomes.append(corpus.IngestOutcome(exc.source, "rejected", reason=exc.message))
    store = get_store()
    with st.spinner("正在清洗、识别元数据并分词…"):
        outcomes += corpus.ingest_loaded(store, loaded)
    report = pd.DataFrame(
        [(o.source, STATUS_LABELS[o.status], o.doc_id, o.reason) for o in outcomes],
        columns=["文件", "结果", "编号", "说明"],
    )
    rejected = sum(o.status == "rejected" for o in outcomes)
    added = sum(o.status in ("added", "updated") for o in outcomes)
    if rejected:
        st.warning(f"{rejected} 个文件未能导入（原因见下表），其余文件不受影响。")
    if added:
        st.success(f"已导入 {added} 篇文档。请到「文档」页核对自动识别的地区、年份和类型。")
    st.dataframe(report, hide_index=True, width="stretch")
