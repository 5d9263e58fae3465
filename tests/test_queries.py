"""The SQL keyword queries give the same tables as the pandas functions they replaced.

The reference is the previous pandas implementation, kept verbatim in
tests/keywords_reference.py. Each analysis runs three ways: the reference on a counts frame,
the SQL on the same frame (in memory), and the SQL on a store's tables; all must agree row
for row (z and TF-IDF to floating-point rounding).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import corpus, keywords, queries
from analysis.filters import Filters, apply_filters
from analysis.segmentation import stopword_set
from analysis.store import Store

from . import keywords_reference as reference

STOP = stopword_set()
FEW_STOPS = {"发展", "推进"}


def same(new: pd.DataFrame, old: pd.DataFrame) -> None:
    assert list(new.columns) == list(old.columns)
    assert len(new) == len(old)
    pd.testing.assert_frame_equal(
        new.reset_index(drop=True).astype(object),
        old.reset_index(drop=True).astype(object),
        check_exact=False,
        rtol=1e-9,
        check_dtype=False,
    )


# --------------------------------------------------------------------------- a hand-made corpus


def hand_docs() -> pd.DataFrame:
    rows = [
        ("a", "安徽省", "合肥市", 2023, "speech", 1200),
        ("b", "安徽省", "合肥市", 2025, "plan", 800),
        ("c", "湖北省", "武汉市", 2023, "meeting_news", 1500),
        ("d", "湖北省", None, None, "other", 400),
        ("e", "上海市", "上海市", 2025, "work_report", 2000),
        ("f", "广东省", "广州市", 2024, "speech", 0),  # no text, no counts
    ]
    docs = pd.DataFrame(rows, columns=["doc_id", "province", "city", "year", "doc_type", "chars"])
    docs["year"] = docs["year"].astype("Int64")
    return docs.assign(source=docs["doc_id"] + ".txt", title="", district="", date="")


def hand_counts() -> pd.DataFrame:
    terms = ["新能源汽车", "换电站", "车谷", "发展", "推进", "的", "2025", "，", "充电桩", "产业"]
    rows = []
    for i, doc in enumerate("abcde"):
        for j, term in enumerate(terms):
            n = (i * 7 + j * 3) % 6  # some zeros: those terms are absent from the document
            if n:
                rows.append((doc, term, n))
    rows.append(("c", "车谷", 2))  # a repeated (doc, term) row is summed, as before
    return pd.DataFrame(rows, columns=["doc_id", "term", "count"])


@pytest.fixture(scope="module")
def hand_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store holding exactly the hand-made counts (documents written directly)."""
    path = tmp_path_factory.mktemp("q") / "hand.duckdb"
    store = Store(path)
    counts = hand_counts()
    with store._transaction() as con:  # token counts and their term flags, as at ingest
        from analysis.store import _index_counts, _insert_frame

        _insert_frame(con, "token_counts", counts, "doc_id, term, count")
        _index_counts(con, counts)
    return store


SOURCES = ["frame", "store"]


def source(kind: str, counts: pd.DataFrame, store: Store) -> pd.DataFrame | Store:
    return counts if kind == "frame" else store


@pytest.mark.parametrize("kind", SOURCES)
@pytest.mark.parametrize("by", [None, "region", "year", "doc"])
@pytest.mark.parametrize("top", [None, 2])
@pytest.mark.parametrize("stops", [STOP, FEW_STOPS, set()])
def test_frequencies_match_on_hand_corpus(kind, by, top, stops, hand_store) -> None:
    docs, counts = hand_docs(), hand_counts()
    new = keywords.keyword_frequencies(
        source(kind, counts, hand_store), docs, stopwords=stops, by=by, top=top
    )
    old = reference.keyword_frequencies(counts, docs, stopwords=stops, by=by, top=top)
    same(new, old)


@pytest.mark.parametrize("kind", SOURCES)
@pytest.mark.parametrize(
    "options",
    [
        {"by": "region"},
        {"by": "year", "top": 3},
        {"by": "doc_type", "prior_scale": 0.3},
        {"by": "region", "group": "湖北省 武汉市"},
        {"by": "region", "group": "安徽省 合肥市", "other": "上海市", "top": 4},
        {"by": "year", "group": "未知年份", "other": "2023"},
        {"by": "region", "group": "广东省 广州市"},  # a group with no counts
    ],
)
def test_distinctive_terms_match_on_hand_corpus(kind, options, hand_store) -> None:
    docs, counts = hand_docs(), hand_counts()
    new = keywords.distinctive_terms(
        source(kind, counts, hand_store), docs, stopwords=FEW_STOPS, **options
    )
    old = reference.distinctive_terms(counts, docs, stopwords=FEW_STOPS, **options)
    same(new, old)


@pytest.mark.parametrize("kind", SOURCES)
def test_distinctive_terms_refuse_like_before(kind, hand_store) -> None:
    docs, counts = hand_docs(), hand_counts()
    one_region = docs[docs["province"] == "安徽省"]
    with pytest.raises(keywords.KeywordError, match="只有一个地区"):
        keywords.distinctive_terms(
            source(kind, counts, hand_store), one_region, by="region", stopwords=set()
        )
    with pytest.raises(reference.KeywordError, match="只有一个地区"):
        reference.distinctive_terms(counts, one_region, by="region", stopwords=set())


@pytest.mark.parametrize("kind", SOURCES)
@pytest.mark.parametrize("by_region", [False, True])
def test_trends_match_on_hand_corpus(kind, by_region, hand_store) -> None:
    docs, counts = hand_docs(), hand_counts()
    terms = ["车谷", "换电站", "不存在的词"]
    new = keywords.term_trends(
        source(kind, counts, hand_store), docs, terms=terms, by_region=by_region
    )
    old = reference.term_trends(counts, docs, terms=terms, by_region=by_region)
    same(new, old)


@pytest.mark.parametrize("kind", SOURCES)
@pytest.mark.parametrize("top", [1, 3, 10])
def test_document_keywords_match_on_hand_corpus(kind, top, hand_store) -> None:
    docs, counts = hand_docs(), hand_counts()
    new = keywords.document_keywords(
        source(kind, counts, hand_store), docs, stopwords=FEW_STOPS, top=top
    )
    old = reference.document_keywords(counts, docs, stopwords=FEW_STOPS, top=top)
    same(new, old)


def test_a_filtered_selection_counts_only_its_documents(hand_store) -> None:
    docs, counts = hand_docs(), hand_counts()
    chosen = docs[docs["doc_id"].isin(["a", "c"])]
    new = keywords.keyword_frequencies(hand_store, chosen, stopwords=set(), by="doc")
    assert set(new["group"]) == {"a", "c"}
    same(new, reference.keyword_frequencies(counts, chosen, stopwords=set(), by="doc"))


# --------------------------------------------------------------------------- on the seeds


@pytest.fixture(scope="module")
def seeds(seed_store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    return seed_store.documents(), seed_store.token_counts()


@pytest.mark.parametrize("by", [None, "region", "year", "doc"])
def test_seed_frequencies_match(by, seeds, seed_store) -> None:
    docs, counts = seeds
    old = reference.keyword_frequencies(counts, docs, stopwords=STOP, by=by, top=30)
    for counts_source in (counts, seed_store):
        new = keywords.keyword_frequencies(counts_source, docs, stopwords=STOP, by=by, top=30)
        same(new, old)


@pytest.mark.parametrize(
    "options",
    [
        {"by": "region"},
        {"by": "year"},
        {"by": "doc_type"},
        {"by": "region", "group": "湖北省 武汉市"},
        {"by": "region", "group": "湖北省 武汉市", "other": "安徽省 合肥市", "top": 10},
    ],
)
def test_seed_distinctive_terms_match(options, seeds, seed_store) -> None:
    docs, counts = seeds
    old = reference.distinctive_terms(counts, docs, stopwords=STOP, **options)
    for counts_source in (counts, seed_store):
        same(keywords.distinctive_terms(counts_source, docs, stopwords=STOP, **options), old)


def test_seed_document_keywords_and_trends_match(seeds, seed_store) -> None:
    docs, counts = seeds
    same(
        keywords.document_keywords(seed_store, docs, stopwords=STOP),
        reference.document_keywords(counts, docs, stopwords=STOP),
    )
    terms = ["新能源汽车", "换电站"]
    same(
        keywords.term_trends(seed_store, docs, terms=terms, by_region=True),
        reference.term_trends(counts, docs, terms=terms, by_region=True),
    )


def test_stored_kwic_matches_the_corpus_frame_version(seed_store: Store) -> None:
    corpus_frame = seed_store.corpus()
    docs = seed_store.documents()
    for term in ["换电站", "汽车产业", "不存在的词"]:
        same(
            keywords.stored_keyword_in_context(seed_store, docs, term, width=12),
            keywords.keyword_in_context(corpus_frame, term, width=12),
        )


def test_selected_doc_ids_follow_the_filters(seed_store: Store) -> None:
    filters = Filters(provinces=("湖北省",))
    expected = apply_filters(seed_store.documents(), filters)["doc_id"].tolist()
    assert queries.selected_doc_ids(seed_store, filters) == expected
    assert len(expected) == 1


def test_group_term_counts_group_by_any_document_column(seed_store: Store) -> None:
    docs = seed_store.documents()
    groups = pd.DataFrame({"doc_id": docs["doc_id"], "group": docs["doc_type"]})
    with queries.term_source(seed_store) as src:
        table = src.group_term_counts(groups, STOP, top=3)
    assert list(table.columns) == list(queries.GROUP_TERM_COLUMNS)
    assert set(table["group"]) == set(docs["doc_type"])
    assert (table.groupby("group").size() <= 3).all()


def test_a_store_opened_twice_in_one_process_shares_its_kept_connection(tmp_path: Path) -> None:
    kept = corpus.open_corpus(tmp_path / "k.duckdb")
    reader = Store(kept.path, keep_open=True)
    assert reader.version() == kept.version()
    before = reader.version()
    doc_id = kept.documents()["doc_id"].iloc[0]
    kept.set_fields(doc_id, {"city": "测试市"})
    assert reader.version() != before
    assert reader.documents().set_index("doc_id").loc[doc_id, "city"] == "测试市"
    reader.close()


@pytest.mark.parametrize("kind", SOURCES)
def test_document_keywords_of_some_documents_keep_the_selection_idf(kind, hand_store) -> None:
    docs, counts = hand_docs(), hand_counts()
    full = reference.document_keywords(counts, docs, stopwords=FEW_STOPS, top=3)
    some = keywords.document_keywords(
        source(kind, counts, hand_store), docs, stopwords=FEW_STOPS, top=3, only=["b", "d"]
    )
    same(some, full[full["doc_id"].isin(["b", "d"])])
