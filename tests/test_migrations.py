"""Stores written by every released schema open with the current code, keeping their data.

Each fixture builds a store the way that release did, with its own SQL (copied from the
store module of that release in git history), so the test does not depend on the code it
checks.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from analysis import corpus
from analysis.schema import SCHEMA_VERSION
from analysis.store import Store, StoreTooNew

_COMMON = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE changes (
    doc_id VARCHAR, seq INTEGER, step VARCHAR, reason VARCHAR,
    start INTEGER, "end" INTEGER, removed VARCHAR
);
CREATE TABLE detections (
    doc_id VARCHAR, field VARCHAR, value VARCHAR, evidence VARCHAR, confidence DOUBLE
);
CREATE TABLE overrides (
    doc_id VARCHAR, field VARCHAR, value VARCHAR, origin VARCHAR,
    updated_at TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (doc_id, field, origin)
);
CREATE TABLE token_counts (doc_id VARCHAR, term VARCHAR, count INTEGER);
CREATE TABLE user_words (word VARCHAR, kind VARCHAR, PRIMARY KEY (word, kind));
"""
_DOCUMENTS_1 = """
CREATE TABLE documents (
    doc_id VARCHAR PRIMARY KEY, sha256 VARCHAR UNIQUE NOT NULL, source VARCHAR NOT NULL,
    encoding VARCHAR, raw_text VARCHAR NOT NULL, clean_text VARCHAR NOT NULL,
    pipeline VARCHAR NOT NULL, ingested_at TIMESTAMP DEFAULT current_timestamp
);
"""
_DOCUMENTS_2 = """
CREATE TABLE documents (
    doc_id VARCHAR PRIMARY KEY, sha256 VARCHAR UNIQUE NOT NULL, source VARCHAR NOT NULL,
    encoding VARCHAR, raw_text VARCHAR NOT NULL, clean_text VARCHAR NOT NULL,
    pipeline VARCHAR NOT NULL, ingested_at TIMESTAMP DEFAULT current_timestamp,
    chars INTEGER, raw_chars INTEGER
);
"""
_QUANTITIES_16 = """
CREATE TABLE quantities (
    doc_id VARCHAR, deadline INTEGER, horizon INTEGER, metric VARCHAR, family VARCHAR,
    value DOUBLE, value_high DOUBLE, unit VARCHAR, comparator VARCHAR, kind VARCHAR,
    scale BOOLEAN, cue VARCHAR, raw VARCHAR, sentence VARCHAR, start INTEGER, "end" INTEGER
);
"""
_QUANTITIES_18 = _QUANTITIES_16.replace(
    '"end" INTEGER\n', '"end" INTEGER, canonical_metric VARCHAR, metric_words VARCHAR\n'
)
_KEYWORD_TABLES = """
CREATE TABLE terms (
    term_id INTEGER PRIMARY KEY, term VARCHAR UNIQUE NOT NULL, content BOOLEAN NOT NULL
);
CREATE TABLE doc_index (doc_id VARCHAR PRIMARY KEY, doc_idx INTEGER NOT NULL);
CREATE TABLE doc_terms (doc_idx INTEGER, term_id INTEGER, count INTEGER);
"""

# name -> (schema number it recorded, its tables): every layout a release wrote.
RELEASED: dict[str, tuple[str, str]] = {
    "1-first": ("1", _COMMON + _DOCUMENTS_1),  # 436d8ec: no quantities yet
    "1-quantities": ("1", _COMMON + _DOCUMENTS_1 + _QUANTITIES_16),  # fb5e7e9
    "1-metrics": ("1", _COMMON + _DOCUMENTS_1 + _QUANTITIES_18),  # 85d7a1c
    "2-keywords": ("2", _COMMON + _DOCUMENTS_2 + _QUANTITIES_16 + _KEYWORD_TABLES),  # 699f11a
    "2-metrics": ("2", _COMMON + _DOCUMENTS_2 + _QUANTITIES_18 + _KEYWORD_TABLES),  # 9508a32
}

TEXT = "合肥市人民政府关于新能源汽车产业的通知。到2025年，全市新能源汽车产量达到100万辆。"
DOC_ID = "abcdef0123"


def _old_store(path: Path, name: str) -> Path:
    """A store as release `name` left it: one document with a correction, counts, a user
    word and (where the table existed) one quantity."""
    version, tables = RELEASED[name]
    con = duckdb.connect(str(path))
    con.execute(tables)
    con.execute("INSERT INTO meta VALUES ('schema', ?), ('seeded', '1')", [version])
    con.execute(
        """INSERT INTO documents (doc_id, sha256, source, encoding, raw_text, clean_text,
           pipeline) VALUES (?, ?, 'old.txt', 'utf-8', ?, ?, 'an-old-pipeline')""",
        [DOC_ID, DOC_ID + "0" * 54, TEXT + "\n责任编辑：某人", TEXT],
    )
    if "chars INTEGER" in tables:  # schema 2 wrote the lengths with the document
        con.execute("UPDATE documents SET chars = length(clean_text), raw_chars = length(raw_text)")
    con.execute(
        "INSERT INTO detections VALUES (?, 'city', '合肥市', '合肥市人民政府', 0.9)", [DOC_ID]
    )
    con.execute(
        "INSERT INTO overrides (doc_id, field, value, origin) VALUES (?, 'year', '2024', 'user')",
        [DOC_ID],
    )
    con.execute(
        "INSERT INTO token_counts VALUES (?, '新能源汽车', 2), (?, '产量', 1)", [DOC_ID, DOC_ID]
    )
    con.execute("INSERT INTO user_words VALUES ('产业链', 'word')")
    if "quantities" in tables:
        con.execute(
            """INSERT INTO quantities (doc_id, deadline, metric, value, unit, kind, scale, raw,
               sentence, start, "end") VALUES (?, 2025, '新能源汽车产量', 1000000, '辆',
               'target', false, '100万辆', '到2025年…', 30, 36)""",
            [DOC_ID],
        )
    con.close()
    return path


@pytest.mark.parametrize("name", list(RELEASED))
def test_a_store_of_every_released_schema_opens_with_its_data(tmp_path: Path, name: str) -> None:
    path = _old_store(tmp_path / f"{name}.duckdb", name)
    store = Store(path)
    assert store.get_meta("schema") == str(SCHEMA_VERSION)
    row = store.documents().set_index("doc_id").loc[DOC_ID]
    assert (row["source"], row["city"], row["year"]) == ("old.txt", "合肥市", 2024)
    assert (row["chars"], row["raw_chars"]) == (len(TEXT), len(TEXT) + len("\n责任编辑：某人"))
    assert store.text(DOC_ID) == TEXT
    counts = dict(store.token_counts()[["term", "count"]].itertuples(index=False))
    assert counts == {"新能源汽车": 2, "产量": 1}
    assert store.user_words("word") == ["产业链"]
    quantities = store.quantities()
    assert list(quantities["value"]) == ([] if name == "1-first" else [1_000_000.0])
    assert {"canonical_metric", "metric_words"} <= set(quantities.columns)


@pytest.mark.parametrize("name", list(RELEASED))
def test_an_upgraded_store_is_reprocessed_and_keeps_its_corrections(
    tmp_path: Path, name: str
) -> None:
    path = _old_store(tmp_path / f"{name}.duckdb", name)
    store = corpus.open_corpus(path)
    assert set(store.known_hashes().values()) == {corpus.pipeline_for(store)}
    row = store.documents().set_index("doc_id").loc[DOC_ID]
    assert row["year"] == 2024  # the user's correction survived reprocessing
    quantities = store.quantities()
    assert (quantities["deadline"] == 2025).any()
    assert quantities["canonical_metric"].notna().any()


def test_opening_twice_runs_no_step_again(tmp_path: Path) -> None:
    path = _old_store(tmp_path / "old.duckdb", "1-quantities")
    Store(path).set_fields(DOC_ID, {"city": "芜湖市"})
    reopened = Store(path)
    assert reopened.get_meta("schema") == str(SCHEMA_VERSION)
    assert reopened.documents().set_index("doc_id").loc[DOC_ID, "city"] == "芜湖市"


def test_a_store_newer_than_the_code_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "future.duckdb"
    Store(path).set_meta("schema", str(SCHEMA_VERSION + 1))
    before = path.read_bytes()
    with pytest.raises(StoreTooNew, match="更新版本"):
        Store(path)
    with pytest.raises(StoreTooNew):
        Store(path, read_only=True)
    assert path.read_bytes() == before


def test_a_failed_step_leaves_the_old_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis import migrations

    path = _old_store(tmp_path / "old.duckdb", "1-metrics")

    def broken(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("ALTER TABLE quantities ADD COLUMN half_done VARCHAR")
        raise RuntimeError("killed mid-step")

    monkeypatch.setitem(migrations.STEPS, 2, broken)  # type: ignore[index]
    with pytest.raises(RuntimeError):
        Store(path)
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("1",)
    columns = {r[0] for r in con.execute("DESCRIBE quantities").fetchall()}
    documents = {r[0] for r in con.execute("DESCRIBE documents").fetchall()}
    con.close()
    assert "half_done" not in columns and "chars" not in documents


def test_the_quantity_columns_have_one_definition() -> None:
    from analysis.quantity_columns import QUANTITY_NAMES
    from analysis.targets import TARGET_COLUMNS, extract_quantities

    con = duckdb.connect()
    from analysis.schema import TABLES

    con.execute(TABLES)
    table = [r[0] for r in con.execute("DESCRIBE quantities").fetchall()]
    assert table == ["doc_id", *QUANTITY_NAMES]
    assert TARGET_COLUMNS == QUANTITY_NAMES
    found = extract_quantities("到2025年，产量达到100万辆。", doc_year=2023)
    assert tuple(found.columns) == QUANTITY_NAMES
    pd.testing.assert_frame_equal(found.iloc[:0], extract_quantities("").iloc[:0])
