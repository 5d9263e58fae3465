"""Router: page config, the shared sidebar filters (bound to the URL), every page registered."""

from __future__ import annotations

import streamlit as st

from pages._common import render_sidebar_filters, store_in_use

st.set_page_config(
    page_title="汽车产业政策文本分析",
    page_icon=":material/directions_car:",
    layout="wide",
)

PAGES = [
    st.Page("pages/overview.py", title="概览", icon=":material/dashboard:", default=True),
    st.Page("pages/document.py", title="文档", icon=":material/article:"),
    st.Page("pages/keywords.py", title="关键词", icon=":material/key:"),
    st.Page("pages/targets.py", title="目标", icon=":material/flag:"),
    st.Page("pages/regions.py", title="区域比较", icon=":material/compare_arrows:"),
    st.Page("pages/dictionary.py", title="分词与词典", icon=":material/spellcheck:"),
    st.Page("pages/upload.py", title="导入文档", icon=":material/upload_file:"),
]

# The menu first: the filters open the store, which takes a while on a first start, and the
# menu must not wait for it (nor show Streamlit's file-name menu meanwhile).
page = st.navigation(PAGES)
with store_in_use():  # the store is free for the command line between page runs
    render_sidebar_filters()
    page.run()
