"""Segmentation: see how a phrase is cut and why, and edit the user's words and stopwords."""

from __future__ import annotations

import streamlit as st

from analysis import corpus
from analysis.labels import STOPWORD_LIST_LABELS, TOKEN_SOURCE_LABELS, translated
from analysis.loading import decode_bytes
from analysis.segmentation import SegmentationError, explain_segmentation, parse_dict_line
from pages._common import escape_markdown, get_store, show_table

SOURCE_HELP = (
    "来源说明：领域词典 = 本项目的汽车/产业政策词典；用户词 = 你添加的词；"
    "jieba 词典 = jieba 自带词典；新词识别 = jieba 根据统计模型识别的新词。"
)

st.title("分词与词典")
store = get_store()
segmenter = corpus.segmenter_for(store)

st.subheader("分词检查")
phrase = st.text_area(
    "输入一段文字，查看它如何被切分",
    "到2025年底，力争实现动力电池本地配套率达到80%以上，加快补链强链，推进车路协同。",
    key="insp",
)
if phrase.strip():
    explained = explain_segmentation(phrase, segmenter)
    st.code(" / ".join(explained["token"]), language=None, wrap_lines=True)
    show_table(
        explained.assign(
            source=translated(explained["source"], TOKEN_SOURCE_LABELS),
            stopword=translated(explained["stopword"], STOPWORD_LIST_LABELS),
        ),
        "分词检查",
        column_config={
            "token": "词",
            "start": "起",
            "end": "止",
            "source": "来源",
            "stopword": "停用词表",
        },
    )
    st.caption(SOURCE_HELP)

st.subheader("用户词典")
st.write(
    "每行一个词（可选：`词 词频 词性`，与 jieba 词典格式相同）。自定义词会用于全部分析；"
    "修改后需要重新分词，进度会显示在下方。停用词只在统计时过滤，不需要重新分词。"
)
left, right = st.columns(2)
words_now, stops_now = store.user_words("word"), store.user_words("stopword")
with left:
    words_text = st.text_area("自定义词", "\n".join(words_now), height=200, key="uw")
    words_file = st.file_uploader("或从文件导入自定义词（txt）", type=["txt"], key="uwf")
with right:
    stops_text = st.text_area("自定义停用词", "\n".join(stops_now), height=200, key="us")
    stops_file = st.file_uploader("或从文件导入停用词（txt）", type=["txt"], key="usf")


def lines_of(text: str, upload) -> list[str]:
    extra = decode_bytes(upload.getvalue(), name=upload.name)[0] if upload else ""
    return [line.strip() for line in f"{text}\n{extra}".splitlines() if line.strip()]


if st.button("保存词典", type="primary"):
    words, stops = lines_of(words_text, words_file), lines_of(stops_text, stops_file)
    try:
        for line in words:
            parse_dict_line(line)
    except SegmentationError as exc:
        st.error(f"没有保存：{escape_markdown(str(exc))}")
        st.stop()
    bar = st.progress(0.0, text="正在保存…")
    total = corpus.save_dictionary(
        store,
        words,
        stops,
        progress=lambda i, n: bar.progress(i / max(n, 1), text=f"正在重新分词 {i}/{n}"),
    )
    bar.progress(1.0, text=f"已重新分词 {total} 篇文档" if total else "词典已保存")
    st.success("词典已保存，所有分析已使用新词典。")
