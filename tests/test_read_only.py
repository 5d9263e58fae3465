"""Commands that only read open the store read-only: they run beside another reader of the
same file, never change it, and a file that cannot be written can still be read."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from io import StringIO
from pathlib import Path

import duckdb
import pytest

from analysis import cli, corpus
from analysis.schema import SCHEMA_VERSION
from analysis.store import Store, StoreReadOnly

READ_COMMANDS: list[list[str]] = [
    ["docs"],
    ["targets", "--kind", "target"],
    ["keywords", "--top", "5"],
    ["distinctive", "--by", "region", "--top", "3"],
    ["kwic", "汽车"],
    ["compare", "--measure", "themes"],
    ["segment", "新能源汽车产业"],
    ["codebook", "themes"],
]


@pytest.fixture
def store_path(seeded_copy: Path) -> Path:
    return seeded_copy


@contextmanager
def another_reader(path: Path) -> Iterator[None]:
    """Another program reading the file (a read-only connection: a shared lock)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(path)!r}, read_only=True);"
            " print('open', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        yield
    finally:
        holder.kill()
        holder.wait(timeout=10)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(argv: list[str]) -> tuple[int, str]:
    out = StringIO()
    with redirect_stdout(out):
        code = cli.main(argv)
    return code, out.getvalue()


def test_read_commands_run_beside_another_reader_and_change_nothing(
    store_path: Path, tmp_path: Path
) -> None:
    before = _digest(store_path)
    doc_id = Store(store_path, read_only=True).documents()["doc_id"].iloc[0]
    commands = [
        *READ_COMMANDS,
        ["text", doc_id],
        ["export", "--view", "overview", "--format", "csv", "--out", str(tmp_path / "views")],
        ["export-store", str(tmp_path / "parquet")],
    ]
    with another_reader(store_path):
        for argv in commands:
            code, out = _run([*argv, "--store", str(store_path)])
            assert code == 0, argv
            assert out.strip(), argv
    assert _digest(store_path) == before


def test_a_read_only_store_refuses_writes(store_path: Path) -> None:
    store = Store(store_path, read_only=True)
    assert len(store.documents()) == 4
    with pytest.raises(duckdb.Error):
        store.set_meta("x", "y")


def test_a_store_that_needs_no_writing_is_opened_read_only(store_path: Path) -> None:
    assert corpus.open_corpus(store_path, read_only=True).read_only
    assert not corpus.open_corpus(store_path).read_only


def test_a_reader_of_an_older_store_upgrades_it_first(store_path: Path) -> None:
    Store(store_path).set_meta("schema", "2")
    store = corpus.open_corpus(store_path, read_only=True)
    assert store.read_only and store.get_meta("schema") == str(SCHEMA_VERSION)


def test_an_older_store_that_cannot_be_written_is_a_clear_error(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store(store_path).set_meta("schema", "2")
    monkeypatch.setattr(corpus.os, "access", lambda *_: False)  # as for a read-only file
    with pytest.raises(StoreReadOnly, match="升级"):
        corpus.open_corpus(store_path, read_only=True)


def test_a_stale_store_that_cannot_be_written_is_still_read(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Store(store_path).set_user_words("word", ["新能源汽车产业"])  # counts now stale
    monkeypatch.setattr(corpus.os, "access", lambda *_: False)
    store = corpus.open_corpus(store_path, read_only=True)
    assert store.read_only and len(store.documents()) == 4
