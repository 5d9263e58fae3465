"""Data access of the regions page, in one thin place: every table it shows is a query in
the store (`analysis.profiles`, `analysis.queries`) over the chosen groups only, cached per
store version and choice as a second layer.

With the shipped codebooks, themes and instruments are aggregations of the codes stored at
ingest; a codebook the user loads (its TOML text is part of the cache key) is applied on the
fly to the chosen documents' texts, read for those documents only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import profiles
from analysis.attainment import attainment
from analysis.boundaries import city_geojson, province_geojson
from analysis.chart_style import with_context
from analysis.codes import default_codebooks
from analysis.compare import compared_targets, headline
from analysis.groups import in_groups
from analysis.segmentation import stopword_set
from analysis.similarity import SimilarityError, similarity_from_counts
from analysis.themes import parse_themes, theme_hits, theme_profile, theme_sentences
from pages._common import chart_context, get_store, store_version

DISTINCTIVE_TOP = 15  # terms per group
SIMILARITY_TERMS = 20_000  # most frequent terms compared (groups, documents)


def _key(*frames: pd.DataFrame | pd.Series) -> str:
    """The cache key of an analysis of `frames` in this store version: a digest of their
    rows. The frames themselves are passed as `_`-named (unhashed) arguments: Streamlit
    hashing a membership frame on every lookup cost tens of milliseconds per table.
    """
    digest = hashlib.sha1(store_version().encode())
    for frame in frames:
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
        digest.update(b"|")
    return digest.hexdigest()


def stopwords() -> set[str]:
    return stopword_set(user=get_store().user_words("stopword"))


# -- themes and instruments -------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=16)
def _uploaded_hits(key: str, _doc_ids: pd.Series, codebook_text: str) -> pd.DataFrame:
    """A user's theme codebook applied to the chosen documents' texts (nothing stored)."""
    return theme_hits(get_store().texts(_doc_ids.tolist()), parse_themes(codebook_text))


def uploaded_hits(doc_ids: pd.Series, codebook_text: str) -> pd.DataFrame:
    return _uploaded_hits(_key(doc_ids), doc_ids, codebook_text)


@st.cache_data(show_spinner="正在统计主题…", max_entries=32)
def _theme_profile(
    key: str, _members: pd.DataFrame, _docs: pd.DataFrame, codebook_text: str | None
) -> pd.DataFrame:
    if codebook_text is None:
        return profiles.theme_profile(get_store(), _members, _docs, default_codebooks()[0])
    hits = uploaded_hits(_members["doc_id"], codebook_text)
    return theme_profile(hits, _members, _docs, parse_themes(codebook_text))


def theme_profile_for(
    members: pd.DataFrame, docs: pd.DataFrame, codebook_text: str | None = None
) -> pd.DataFrame:
    """themes.PROFILE_COLUMNS of the groups in `members` (`docs` give the characters)."""
    sizes = _sizes_input(docs, members)
    return _theme_profile(_key(members, sizes), members, sizes, codebook_text)


def _sizes_input(docs: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Only the columns and rows group sizes read: a smaller cache key."""
    return in_groups(docs[["doc_id", "chars"]], members)


@st.cache_data(show_spinner="正在统计政策工具…", max_entries=32)
def _instrument_mix(key: str, _members: pd.DataFrame, _docs: pd.DataFrame) -> pd.DataFrame:
    return profiles.instrument_mix(get_store(), _members, _docs, default_codebooks()[1])


def instrument_mix_for(members: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    """instruments.MIX_COLUMNS of the groups in `members`, from the stored codes."""
    sizes = _sizes_input(docs, members)
    return _instrument_mix(_key(members, sizes), members, sizes)


@st.cache_data(show_spinner=False, max_entries=32)
def _target_counts(key: str, _members: pd.DataFrame) -> pd.DataFrame:
    return profiles.target_counts(get_store(), _members)


def target_counts_for(members: pd.DataFrame) -> pd.DataFrame:
    """group, targets of the groups in `members`."""
    return _target_counts(_key(members), members)


@st.cache_data(show_spinner=False, max_entries=32)
def _headline(
    key: str, _members: pd.DataFrame, _docs: pd.DataFrame, codebook_text: str | None
) -> pd.DataFrame:
    return headline(
        _docs,
        _members,
        profile=theme_profile_for(_members, _docs, codebook_text),
        mix=instrument_mix_for(_members, _docs),
        targets=target_counts_for(_members),
    )


def headline_for(
    members: pd.DataFrame, docs: pd.DataFrame, codebook_text: str | None
) -> pd.DataFrame:
    """compare.HEADLINE_COLUMNS: size, targets, strongest theme and instrument split."""
    sizes = _sizes_input(docs, members)
    return _headline(_key(members, sizes), members, sizes, codebook_text)


@st.cache_data(show_spinner=False, max_entries=64)
def _theme_sentences(
    key: str, _members: pd.DataFrame, theme: str, group: str, codebook_text: str | None
) -> pd.DataFrame:
    if codebook_text is None:
        return profiles.theme_cell_sentences(get_store(), _members, theme=theme, group=group)
    chosen = _members[_members["group"] == group]
    hits = uploaded_hits(_members["doc_id"], codebook_text)
    texts = get_store().texts(chosen["doc_id"].tolist())
    return theme_sentences(
        hits, chosen, dict(zip(texts["doc_id"], texts["text"], strict=True)), theme=theme
    )


def theme_sentences_for(
    members: pd.DataFrame, theme: str, group: str, codebook_text: str | None
) -> pd.DataFrame:
    """The sentences behind one heatmap cell, fetched when the cell is chosen."""
    return _theme_sentences(_key(members), members, theme, group, codebook_text)


@st.cache_data(show_spinner=False, max_entries=64)
def _instrument_sentences(
    key: str, _members: pd.DataFrame, instrument: str, group: str
) -> pd.DataFrame:
    return profiles.instrument_cell_sentences(
        get_store(), _members, instrument=instrument, group=group
    )


def instrument_sentences_for(members: pd.DataFrame, instrument: str, group: str) -> pd.DataFrame:
    """The coded sentences behind one bar segment, fetched when the segment is chosen."""
    return _instrument_sentences(_key(members), members, instrument, group)


# -- targets and attainment -------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=32)
def _targets(key: str, _members: pd.DataFrame, _docs: pd.DataFrame) -> pd.DataFrame:
    quantities = get_store().quantities(_members["doc_id"].tolist(), documents=_docs)
    return compared_targets(quantities, _members)


def targets_for(members: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    """compare.TARGET_COLUMNS of the chosen groups' documents."""
    docs = in_groups(docs, members)
    return _targets(_key(members, docs), members, docs)


@st.cache_data(show_spinner="正在对照目标与结果…", max_entries=32)
def _attainment(key: str, _members: pd.DataFrame, _docs: pd.DataFrame) -> pd.DataFrame:
    quantities = profiles.quantities_for_attainment(get_store(), _members, _docs)
    return attainment(quantities, _members)


def attainment_for(members: pd.DataFrame, selection: pd.DataFrame) -> pd.DataFrame:
    """attainment.ATTAINMENT_COLUMNS of the chosen groups (results looked up in `selection`)."""
    return _attainment(_key(members, selection), members, selection)


# -- vocabulary and similarity ----------------------------------------------------------


@st.cache_data(show_spinner="正在计算特色词汇…", max_entries=32)
def _distinctive(key: str, _members: pd.DataFrame) -> pd.DataFrame:
    return profiles.distinctive_terms(get_store(), _members, stopwords(), top=DISTINCTIVE_TOP)


def distinctive_for(members: pd.DataFrame) -> pd.DataFrame:
    """compare.DISTINCTIVE_COLUMNS: each group's terms against the other chosen groups."""
    return _distinctive(_key(members), members)


@st.cache_data(show_spinner="正在计算相似度…", max_entries=32)
def _similarity(key: str, _members: pd.DataFrame) -> pd.DataFrame:
    labels, matrix = profiles.term_matrix(
        get_store(), _members, stopwords(), max_terms=SIMILARITY_TERMS
    )
    return similarity_from_counts(labels, matrix)


def group_similarity_for(members: pd.DataFrame) -> pd.DataFrame:
    """Groups × groups TF-IDF cosine similarity, from the stored term counts."""
    return _similarity(_key(members), members)


def _by_document(doc_ids: pd.Series) -> pd.DataFrame:
    ids = doc_ids.astype(str)
    return pd.DataFrame({"doc_id": ids, "group": ids})


def document_similarity_for(doc_ids: pd.Series) -> pd.DataFrame:
    """Documents × documents similarity (the page asks only for a few documents)."""
    by_document = _by_document(doc_ids)
    return _similarity(_key(by_document), by_document)


@st.cache_data(show_spinner="正在查找最相似的文档…", max_entries=32)
def _nearest(key: str, _doc_ids: pd.Series, doc_id: str) -> pd.DataFrame:
    return profiles.nearest_documents(get_store(), _doc_ids, doc_id, stopwords())


def nearest_for(doc_ids: pd.Series, doc_id: str) -> pd.DataFrame:
    """The documents of `doc_ids` most similar to `doc_id` (SimilarityError if it has no
    content terms).
    """
    if doc_id not in set(doc_ids):
        raise SimilarityError(f"文档 {doc_id} 不在所选文档中（或没有可比较的词）")
    return _nearest(_key(doc_ids), doc_ids, doc_id)


# -- map ----------------------------------------------------------------------------------


def map_table(
    kind: str, areas: pd.DataFrame, docs: pd.DataFrame, codebook_text: str | None
) -> pd.DataFrame:
    """The one table a map measure needs (`compare.map_input`), over the map's areas."""
    if kind == "members":
        return areas
    if kind == "targets":
        return target_counts_for(areas)
    if kind == "profile":
        return theme_profile_for(areas, docs, codebook_text)
    return instrument_mix_for(areas, docs)


# -- figures ------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=64)
def _figure(
    key: str, context_key: str, _build: Callable[..., go.Figure], _table, _context, _options
) -> go.Figure:
    return with_context(_build(_table, **_options), _context)


def figure(
    build: Callable[..., go.Figure], table: pd.DataFrame, *, extra_key: str = "", **options
) -> go.Figure:
    """`build(table, **options)` with the selection's subtitle and source, built once per
    data and selection and kept as the object itself (Plotly builds and validates a figure
    in 40–250 ms, on every rerun otherwise). Shared, so never changed after: `show_figure`
    sees its context already set. `extra_key` names options that are not plain values.
    """
    context = chart_context()
    plain = {k: v for k, v in options.items() if isinstance(v, str | int | float | bool)}
    key = "|".join(
        [build.__name__, _key(table), "|".join(map(str, table.columns)), repr(plain), extra_key]
    )
    return _figure(key, repr(context), build, table, context, options)


@st.cache_resource(show_spinner="正在读取省界…")
def provinces_geojson() -> dict:
    return province_geojson()


@st.cache_resource(show_spinner="正在读取市界…")
def cities_geojson(province: str) -> dict:
    return city_geojson(province)


__all__ = [
    "attainment_for",
    "cities_geojson",
    "distinctive_for",
    "document_similarity_for",
    "figure",
    "group_similarity_for",
    "headline_for",
    "instrument_mix_for",
    "instrument_sentences_for",
    "map_table",
    "nearest_for",
    "provinces_geojson",
    "stopwords",
    "target_counts_for",
    "targets_for",
    "theme_profile_for",
    "theme_sentences_for",
]
