"""Data access of the regions page, in one thin place: everything it reads from the store
goes through here (cached per store version), so a faster query layer can be swapped in
without touching the page.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pandas as pd
import streamlit as st

from analysis.attainment import attainment
from analysis.boundaries import city_geojson, province_geojson
from analysis.compare import distinctive_by_group
from analysis.instruments import code_sentences, load_instruments, parse_instruments
from analysis.segmentation import stopword_set
from analysis.similarity import nearest_documents, similarity_matrix
from analysis.themes import load_themes, parse_themes, theme_hits
from pages._common import get_store, selected_quantities, store_version


@st.cache_data(show_spinner=False)
def _corpus(version: str) -> pd.DataFrame:
    return get_store().corpus()


def all_corpus() -> pd.DataFrame:
    """Every clean text (cached per store version): the codebooks read whole sentences."""
    return _corpus(store_version())


@st.cache_data(show_spinner=False)
def _token_counts(version: str) -> pd.DataFrame:
    return get_store().token_counts()


def selected_counts(docs: pd.DataFrame) -> pd.DataFrame:
    """Stored token counts of `docs` (similarity and distinctive terms read them whole)."""
    counts = _token_counts(store_version())
    return counts[counts["doc_id"].isin(docs["doc_id"])]


@st.cache_data(show_spinner="正在按主题词表统计全部文档（每个文档库版本只做一次）…")
def _theme_hits(version: str, codebook_text: str | None) -> pd.DataFrame:
    book = parse_themes(codebook_text) if codebook_text else load_themes()
    return theme_hits(all_corpus(), book)


@st.cache_data(show_spinner="正在为全部文档的句子编码政策工具（每个文档库版本只做一次）…")
def _coded(version: str, codebook_text: str | None) -> pd.DataFrame:
    book = parse_instruments(codebook_text) if codebook_text else load_instruments()
    return code_sentences(all_corpus(), book)


def theme_hits_for(doc_ids: pd.Series, codebook_text: str | None = None) -> pd.DataFrame:
    hits = _theme_hits(store_version(), codebook_text)
    return hits[hits["doc_id"].isin(doc_ids)]


def coded_for(doc_ids: pd.Series, codebook_text: str | None = None) -> pd.DataFrame:
    coded = _coded(store_version(), codebook_text)
    return coded[coded["doc_id"].isin(doc_ids)]


def counts_for(docs: pd.DataFrame) -> pd.DataFrame:
    return selected_counts(docs)


def quantities_for(doc_ids: pd.Series) -> pd.DataFrame:
    quantities = selected_quantities()
    return quantities[quantities["doc_id"].isin(doc_ids)]


@st.cache_data(show_spinner=False, max_entries=256)
def _text(version: str, doc_id: str) -> str:
    return get_store().text(doc_id)


class _StoreTexts(Mapping[str, str]):
    """Clean texts fetched one document at a time, only for the sentences shown (the whole
    corpus is 14 M characters; copying it out of the cache on every rerun took seconds).
    """

    def __init__(self, doc_ids: pd.Series) -> None:
        self._ids = set(doc_ids.astype(str))

    def __getitem__(self, doc_id: str) -> str:
        if doc_id not in self._ids:
            raise KeyError(doc_id)
        return _text(store_version(), doc_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def texts_for(doc_ids: pd.Series) -> Mapping[str, str]:
    return _StoreTexts(doc_ids)


def stopwords() -> set[str]:
    return stopword_set(user=get_store().user_words("stopword"))


@st.cache_resource(show_spinner="正在读取省界…")
def provinces_geojson() -> dict:
    return province_geojson()


@st.cache_resource(show_spinner="正在读取市界…")
def cities_geojson(province: str) -> dict:
    return city_geojson(province)


# Analyses over the selection, cached per store version and selection: a rerun that only
# changes a picker below them does not recompute them.


@st.cache_data(show_spinner="正在对照目标与结果…", max_entries=32)
def _attainment(version: str, members: pd.DataFrame) -> pd.DataFrame:
    quantities = selected_quantities()
    return attainment(quantities[quantities["doc_id"].isin(members["doc_id"])], members)


def attainment_for(members: pd.DataFrame) -> pd.DataFrame:
    return _attainment(store_version(), members)


@st.cache_data(show_spinner="正在计算特色词汇…", max_entries=32)
def _distinctive(version: str, members: pd.DataFrame) -> pd.DataFrame:
    counts = selected_counts(members)
    return distinctive_by_group(counts, members, stopwords=stopwords())


def distinctive_for(members: pd.DataFrame) -> pd.DataFrame:
    return _distinctive(store_version(), members)


@st.cache_data(show_spinner="正在计算相似度…", max_entries=32)
def _group_similarity(version: str, members: pd.DataFrame) -> pd.DataFrame:
    counts = selected_counts(members)
    return similarity_matrix(counts, members, stopwords=stopwords())


def group_similarity_for(members: pd.DataFrame) -> pd.DataFrame:
    return _group_similarity(store_version(), members)


@st.cache_data(show_spinner="正在查找最相似的文档…", max_entries=32)
def _nearest(version: str, doc_ids: tuple[str, ...], doc_id: str) -> pd.DataFrame:
    counts = selected_counts(pd.DataFrame({"doc_id": list(doc_ids)}))
    return nearest_documents(counts, doc_id, stopwords=stopwords())


def nearest_for(doc_ids: pd.Series, doc_id: str) -> pd.DataFrame:
    return _nearest(store_version(), tuple(doc_ids), doc_id)


@st.cache_data(show_spinner="正在计算文档间相似度…", max_entries=32)
def _document_similarity(version: str, doc_ids: tuple[str, ...]) -> pd.DataFrame:
    counts = selected_counts(pd.DataFrame({"doc_id": list(doc_ids)}))
    return similarity_matrix(counts, stopwords=stopwords())


def document_similarity_for(doc_ids: pd.Series) -> pd.DataFrame:
    return _document_similarity(store_version(), tuple(doc_ids))
