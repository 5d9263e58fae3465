"""Writes that belong together land together: a correction with its re-dated targets, the
user's words with the counts made from them."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import corpus
from analysis import store as store_module
from analysis.segmentation import Segmenter, corpus_token_counts
from analysis.store import Store


@pytest.fixture
def store(seeded_copy: Path) -> Store:
    return Store(seeded_copy)


def _sorted_counts(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[["doc_id", "term", "count"]].astype(
        {"doc_id": object, "term": object, "count": "int64"}
    )
    return frame.sort_values(["doc_id", "term"]).reset_index(drop=True)


def _fail_on(monkeypatch: pytest.MonkeyPatch, table: str) -> None:
    """Make the store's bulk insert into `table` fail, as a kill inside the write would."""
    original = store_module._insert_frame

    def failing(con, name, frame, columns):  # type: ignore[no-untyped-def]
        if name == table:
            raise RuntimeError(f"killed while writing {table}")
        original(con, name, frame, columns)

    monkeypatch.setattr(store_module, "_insert_frame", failing)


def test_a_correction_and_the_redating_of_its_targets_are_one_write(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc_id = next(d for d in store.documents()["doc_id"] if not store.quantities([d]).empty)
    before = store.evidence(doc_id)
    quantities = store.quantities([doc_id])
    _fail_on(monkeypatch, "quantities")
    with pytest.raises(RuntimeError):
        corpus.correct_fields(store, doc_id, {"year": "2001"})
    pd.testing.assert_frame_equal(store.evidence(doc_id), before)
    pd.testing.assert_frame_equal(store.quantities([doc_id]), quantities)


def _new_word(store: Store) -> str:
    """Six Chinese characters of a seed that the segmenter does not count as one word."""
    counted = set(store.token_counts()["term"])
    text = store.text(store.documents()["doc_id"].iloc[0])
    return next(
        run[:6] for run in re.findall(r"[\u4e00-\u9fff]{6,}", text) if run[:6] not in counted
    )


def test_words_saved_without_their_recount_are_recounted_at_the_next_opening(
    store: Store,
) -> None:
    word = _new_word(store)
    store.set_user_words("word", [word])  # what a save killed before recounting leaves
    reopened = corpus.open_corpus(store.path)
    texts = reopened.corpus()[["doc_id", "text"]]
    expected = corpus_token_counts(texts, Segmenter(user_words=(word,)))
    pd.testing.assert_frame_equal(_sorted_counts(reopened.token_counts()), _sorted_counts(expected))
    assert word in set(reopened.token_counts()["term"])
    assert corpus.refresh(reopened) == 0


def test_a_dictionary_save_that_fails_keeps_the_old_words_and_their_counts(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    word = _new_word(store)
    counts, pipelines = _sorted_counts(store.token_counts()), store.known_hashes()
    _fail_on(monkeypatch, "token_counts")
    with pytest.raises(RuntimeError):
        corpus.save_dictionary(store, [word], [])
    assert store.user_words("word") == []
    pd.testing.assert_frame_equal(_sorted_counts(store.token_counts()), counts)
    assert store.known_hashes() == pipelines


def test_a_dictionary_save_records_the_words_in_every_documents_version(store: Store) -> None:
    word = _new_word(store)
    assert corpus.save_dictionary(store, [word, f" {word} "], ["停用"]) == 4
    assert store.user_words("word") == [word] and store.user_words("stopword") == ["停用"]
    assert set(store.known_hashes().values()) == {corpus.pipeline_version([word])}
    assert word in set(store.token_counts()["term"])
    assert corpus.refresh(store) == 0  # nothing left to recount
    assert corpus.save_dictionary(store, [word], ["停用"]) == 0  # unchanged words: no recount
