"""kill -9 at random points of a session's writes (ingest, a `set` correction, a dictionary
save, reprocessing) never leaves a store that will not open or disagrees with itself, and
running the session again ends where an uninterrupted one does.

The kill points are drawn from a seeded generator (POLICYLENS_KILL_SEED, default 0); set
POLICYLENS_KILL_TRIALS for more than the default five (each costs about ten seconds).
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis import corpus
from analysis.quantity_columns import QUANTITY_NAMES, QUANTITY_SELECT
from analysis.segmentation import Segmenter, token_counts
from analysis.store import Store
from analysis.targets import extract_quantities
from analysis.versions import stage_versions, with_user_words

from . import kill_steps
from .conftest import ROOT

TRIALS = int(os.environ.get("POLICYLENS_KILL_TRIALS", "5"))
SEED = int(os.environ.get("POLICYLENS_KILL_SEED", "0"))


def _killed_run(path: Path, delay: float) -> tuple[str, float]:
    """Start the steps in a child (and its workers), SIGKILL them all `delay` seconds after
    the first step began (never, if it ends first); returns the last step it announced and
    when, in seconds after the first.
    """
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.kill_steps", str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the kill reaches forked workers
    )
    assert child.stdout is not None
    last = child.stdout.readline().strip()  # "ingest": imports done, writing starts
    began = time.monotonic()
    said = began
    deadline = began + delay
    os.set_blocking(child.stdout.fileno(), False)
    while time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.01)
        for line in child.stdout.readlines():
            last, said = line.strip() or last, time.monotonic()
    with contextlib.suppress(ProcessLookupError):  # it finished first: fine too
        os.killpg(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    return last, said - began


def _check_consistent(path: Path) -> None:
    """Every document has its clean text, and counts and quantities that match its text,
    its year and the versions it records."""
    store = Store(path)
    code_seg = stage_versions()["seg"]
    word_seg = with_user_words(stage_versions(), [kill_steps.WORD])["seg"]
    segmenters = {code_seg: Segmenter(), word_seg: Segmenter(user_words=(kill_steps.WORD,))}
    docs = store.documents().set_index("doc_id")
    with store.reader() as con:
        rows = con.execute("SELECT doc_id, clean_text, chars, pipeline FROM documents").fetchall()
        indexed = dict(
            con.execute(
                """SELECT i.doc_id, sum(d.count) FROM doc_terms d
                   JOIN doc_index i USING (doc_idx) GROUP BY i.doc_id"""
            ).fetchall()
        )
        content = dict(
            con.execute(
                """SELECT c.doc_id, sum(c.count) FROM token_counts c
                   JOIN terms t USING (term) WHERE t.content GROUP BY c.doc_id"""
            ).fetchall()
        )
    assert len(rows) in (0, 4), f"a batch was half written: {len(rows)} documents"
    counts = store.token_counts()
    for doc_id, clean, chars, pipeline in rows:
        assert clean and chars == len(clean), doc_id
        versions = dict(part.split("=", 1) for part in pipeline.split(";"))
        assert versions["seg"] in segmenters, f"{doc_id}: counts of an unknown dictionary"
        expected = token_counts(doc_id, clean, segmenters[versions["seg"]])
        stored = counts[counts["doc_id"] == doc_id]
        assert _counts(stored) == _counts(expected), f"{doc_id}: counts not of {pipeline}"
        assert indexed.get(doc_id) == content.get(doc_id), f"{doc_id}: keyword index stale"
        year = docs.loc[doc_id, "year"]
        found = extract_quantities(clean, doc_year=None if pd.isna(year) else int(year))
        pd.testing.assert_frame_equal(
            _sorted(store.quantities([doc_id])[list(QUANTITY_NAMES)]),
            _sorted(found),
            check_dtype=False,
            obj=f"{doc_id}: quantities not of year {year}",
        )
    store.close()


def _counts(frame: pd.DataFrame) -> dict[str, int]:
    return {str(t): int(c) for t, c in zip(frame["term"], frame["count"], strict=True)}


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["start", "end", "metric"]).reset_index(drop=True)


def _state(path: Path) -> dict[str, object]:
    """What a user could see of the store, independent of row order and internal ids."""
    store = Store(path)
    with store.reader() as con:
        tables = {
            name: con.execute(query).df()
            for name, query in {
                "overrides": "SELECT doc_id, field, value, origin FROM overrides ORDER BY ALL",
                "user_words": "SELECT word, kind FROM user_words ORDER BY ALL",
                "detections": "SELECT * FROM detections ORDER BY ALL",
                "changes": "SELECT * FROM changes ORDER BY ALL",
                "token_counts": "SELECT * FROM token_counts ORDER BY ALL",
                "doc_terms": """SELECT i.doc_id, t.term, d.count FROM doc_terms d
                                JOIN doc_index i USING (doc_idx) JOIN terms t USING (term_id)
                                ORDER BY ALL""",
                "quantities": f"SELECT doc_id, {QUANTITY_SELECT} FROM quantities ORDER BY ALL",
            }.items()
        }
    tables["documents"] = store.documents().sort_values("doc_id")
    state: dict[str, object] = {n: _records(t) for n, t in tables.items()}
    state["pipelines"] = store.known_hashes()
    store.close()
    return state


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as dicts with every missing value None (NaN is not equal to itself)."""
    frame = frame.astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], float]:
    """The state an uninterrupted session ends in, and how long its steps took here (until
    it says "done")."""
    path = tmp_path_factory.mktemp("whole") / "whole.duckdb"
    _, seconds = _killed_run(path, delay=3600.0)
    return _state(path), seconds


@pytest.mark.parametrize("trial", range(TRIALS))
def test_a_session_killed_anywhere_leaves_a_consistent_store_that_a_rerun_completes(
    tmp_path: Path, trial: int, uninterrupted: tuple[dict[str, object], float]
) -> None:
    final, seconds = uninterrupted
    # Trial i kills somewhere in the i-th of TRIALS equal slices of the session.
    delay = seconds * (trial + random.Random(f"{SEED}:{trial}").random()) / TRIALS
    path = tmp_path / "killed.duckdb"
    step, _ = _killed_run(path, delay)
    where = f"killed {delay:.2f} s into the session, during {step!r}"
    print(where)
    if path.exists():
        try:
            _check_consistent(path)
        except AssertionError as exc:
            raise AssertionError(f"{where}: {exc}") from exc
    kill_steps.run(path)
    assert _state(path) == final, where
    assert corpus.refresh(Store(path)) == 0
