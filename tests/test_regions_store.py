"""The regions comparison from the store (codes stored at ingest, SQL aggregations) gives
the same tables as the on-the-fly pandas path on the seeds, so the two cannot drift.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import profiles
from analysis.attainment import attainment
from analysis.codes import default_codebooks
from analysis.compare import MEASURES, compare, compare_stored, distinctive_by_group
from analysis.groups import group_names, membership, restrict
from analysis.instruments import code_sentences, coded_sentence_table, instrument_mix
from analysis.similarity import (
    nearest_documents,
    nearest_from_counts,
    similarity_from_counts,
    similarity_matrix,
)
from analysis.themes import theme_hits, theme_profile, theme_sentences

GROUPINGS = [
    ("region", "province"),
    ("region", "city"),
    ("year", "province"),
    ("doc_type", "province"),
]


@pytest.fixture(scope="module")
def seeds(seed_store):
    corpus = seed_store.corpus()
    return seed_store, corpus, corpus.drop(columns=["text"])


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys).reset_index(drop=True)


def test_stored_codes_are_the_on_the_fly_codes(seeds) -> None:
    store, corpus, _ = seeds
    themes, instruments = default_codebooks()
    ids = corpus["doc_id"].tolist()
    hits = theme_hits(corpus, themes)
    assert len(hits) > 100
    pd.testing.assert_frame_equal(
        _sorted(profiles.stored_theme_hits(store, ids), ["doc_id", "pos"]),
        _sorted(hits, ["doc_id", "pos"]),
    )
    pd.testing.assert_frame_equal(
        profiles.stored_codes(store, ids),
        _sorted(code_sentences(corpus, instruments), ["doc_id", "start"]),
    )


@pytest.mark.parametrize(("by", "level"), GROUPINGS)
def test_profiles_in_sql_match_pandas(seeds, by: str, level: str) -> None:
    store, corpus, docs = seeds
    themes, instruments = default_codebooks()
    members = membership(docs, by=by, level=level)
    pd.testing.assert_frame_equal(
        profiles.theme_profile(store, members, docs, themes),
        theme_profile(theme_hits(corpus, themes), members, docs, themes),
    )
    pd.testing.assert_frame_equal(
        profiles.instrument_mix(store, members, docs, instruments),
        instrument_mix(code_sentences(corpus, instruments), members, docs, instruments),
    )


@pytest.mark.parametrize("measure", MEASURES)
@pytest.mark.parametrize(("by", "level"), GROUPINGS[:3])
def test_compare_on_the_store_matches_compare(seeds, measure: str, by: str, level: str) -> None:
    store, corpus, docs = seeds
    themes, instruments = default_codebooks()
    members = membership(docs, by=by, level=level)
    chosen = restrict(members, group_names(members)[:3])
    stopwords = {"发展"}
    expected = compare(
        measure,
        corpus=corpus[corpus["doc_id"].isin(chosen["doc_id"])],
        members=chosen,
        counts=store.token_counts(),
        quantities=store.quantities(),
        themes=themes,
        instruments=instruments,
        stopwords=stopwords,
    )
    stored = compare_stored(measure, store, docs=docs, members=chosen, stopwords=stopwords)
    if measure == "similarity":
        pd.testing.assert_frame_equal(stored, expected, rtol=1e-12)
    else:
        pd.testing.assert_frame_equal(stored, expected)
    assert len(stored) or measure == "attainment"  # the seeds have no consecutive reports


def test_a_users_codebook_is_applied_to_the_chosen_texts(seeds) -> None:
    store, _, docs = seeds
    themes, _ = default_codebooks()
    members = membership(docs, level="city")
    chosen = restrict(members, group_names(members)[:2])
    stored = compare_stored(
        "themes", store, docs=docs, members=chosen, stopwords=set(), themes=themes
    )
    assert stored.equals(profiles.theme_profile(store, chosen, docs, themes))


def test_a_cells_sentences_are_the_same_from_the_store(seeds) -> None:
    store, corpus, docs = seeds
    themes, instruments = default_codebooks()
    members = membership(docs)
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    hits = theme_hits(corpus, themes)
    coded = code_sentences(corpus, instruments)
    checked = 0
    for group in group_names(members):
        for theme in hits["theme"].unique():
            expected = theme_sentences(hits, members, texts, theme=theme, group=group)
            got = profiles.theme_cell_sentences(store, members, theme=theme, group=group)
            pd.testing.assert_frame_equal(got, expected, check_dtype=False)
            checked += len(got)
        for inst in coded["instrument"].unique():
            expected = coded_sentence_table(coded, members, texts, instrument=inst, group=group)
            got = profiles.instrument_cell_sentences(store, members, instrument=inst, group=group)
            pd.testing.assert_frame_equal(got, expected, check_dtype=False)
            checked += len(got)
    assert checked > 100


def test_distinctive_terms_by_the_keywords_sql_match_pandas(seeds) -> None:
    store, _, docs = seeds
    members = membership(docs, level="city")
    stopwords = {"发展", "推进"}
    got = profiles.distinctive_terms(store, members, stopwords)
    expected = distinctive_by_group(store.token_counts(), members, stopwords=stopwords)
    pd.testing.assert_frame_equal(
        got[["group", "rank", "term", "count"]], expected[["group", "rank", "term", "count"]]
    )
    assert np.allclose(got["z"], expected["z"])


def test_similarity_and_neighbours_from_stored_counts(seeds) -> None:
    store, _, docs = seeds
    counts = store.token_counts()
    by_doc = pd.DataFrame({"doc_id": docs["doc_id"], "group": docs["doc_id"]})
    labels, matrix = profiles.term_matrix(store, by_doc, set(), max_terms=20_000)
    pd.testing.assert_frame_equal(
        similarity_from_counts(labels, matrix), similarity_matrix(counts), rtol=1e-12
    )
    labels, matrix = profiles.term_matrix(store, by_doc, set(), max_terms=5_000)
    doc = docs["doc_id"].iloc[0]
    pd.testing.assert_frame_equal(
        nearest_from_counts(labels, matrix, doc), nearest_documents(counts, doc), rtol=1e-12
    )


REPORTS = {  # file -> (province, year, text)
    "hubei2025.txt": (
        "湖北省",
        "2025",
        "2025年主要预期目标是：全省地区生产总值增长5.5%左右，规模以上工业增加值增长6%。",
    ),
    "hubei2026.txt": (
        "湖北省",
        "2026",
        "过去一年，全省地区生产总值增长5.7%，规模以上工业增加值增长5.1%。",
    ),
    "shaanxi2025.txt": ("陕西省", "2025", "2025年主要预期目标是：全省地区生产总值增长5.5%左右。"),
}


@pytest.mark.parametrize(("by", "first"), [("region", 1), ("year", 1), ("region", 2)])
def test_attainment_reads_only_what_it_needs(tmp_path, by: str, first: int) -> None:
    from analysis.corpus import ingest_paths
    from analysis.store import Store

    store = Store(tmp_path / "reports.duckdb")
    for name, (_, _, text) in REPORTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    given = {
        name: {"province": (p, "user"), "year": (y, "user"), "doc_type": ("work_report", "user")}
        for name, (p, y, _) in REPORTS.items()
    }
    ingest_paths(store, [tmp_path / n for n in REPORTS], overrides=given, workers=1)
    docs = store.documents()
    members = membership(docs, by=by)
    chosen = restrict(members, group_names(members)[:first])
    everything = attainment(store.quantities(), members)
    expected = everything[everything["group"].isin(chosen["group"])].reset_index(drop=True)
    got = attainment(profiles.quantities_for_attainment(store, chosen, docs), chosen)
    pd.testing.assert_frame_equal(got, expected)
    assert {"met", "missed"} <= set(got["status"])  # the 2026 report was linked


def test_nearest_documents_in_sql_match_numpy(seeds) -> None:
    store, _, docs = seeds
    counts = store.token_counts()
    for doc in docs["doc_id"]:
        got = profiles.nearest_documents(store, docs["doc_id"], doc, {"发展"})
        expected = nearest_documents(counts, doc, stopwords={"发展"})
        pd.testing.assert_frame_equal(got, expected, rtol=1e-12)
