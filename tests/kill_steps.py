"""The writing work of a session on one store, for the kill -9 test: ingest the seeds, a
correction through the command line, a dictionary save, and reprocessing after new
quantity rules. `python -m tests.kill_steps STORE` runs it all; so does `run(STORE)`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from io import StringIO
from pathlib import Path

from analysis import cli, corpus
from analysis.loading import read_path
from analysis.store import Store

from .conftest import seed_path

WORD = "新能源汽车产业高质量发展"  # a user word that changes the seeds' counts
STOPWORD = "同志们"


def corrected_doc_id() -> str:
    """The seed the `set` step corrects (001, Hefei 2025)."""
    return corpus.doc_id_for(read_path(seed_path("001"))[0].sha256)


@contextmanager
def new_quantity_rules() -> Iterator[None]:
    """As if the target rules had changed: the quantities stage has another version."""
    real = corpus.stage_versions

    def changed() -> dict[str, str]:
        return {**real(), "qty": "newrules0000"}

    corpus.stage_versions = changed  # type: ignore[assignment]
    try:
        yield
    finally:
        corpus.stage_versions = real  # type: ignore[assignment]


def run(path: Path | str, *, say: bool = False) -> None:
    """Every step in order; with `say`, a line on stdout before each one (for the test)."""

    def step(name: str) -> None:
        if say:
            print(name, flush=True)

    step("ingest")
    corpus.open_corpus(path).close()
    step("set")
    with redirect_stdout(StringIO()):
        code = cli.main(
            ["set", corrected_doc_id(), "year=2020", "city=芜湖市", "--store", str(path)]
        )
    if code != 0:
        raise SystemExit(f"set failed with exit code {code}")
    step("dictionary")
    corpus.save_dictionary(Store(path), [WORD], [STOPWORD])
    step("reprocess")
    with new_quantity_rules():
        corpus.refresh(Store(path))
    corpus.refresh(Store(path))
    step("done")


if __name__ == "__main__":
    run(sys.argv[1], say=True)
