"""The embedded corpus store: one DuckDB file holding every processed document.

Documents are keyed by the hash of their text, so ingesting a file twice adds nothing.
Each ingest is one transaction: a batch killed halfway leaves the store as it was.
Connections are short-lived (open, work, close) so the dashboard and the command line
can take turns on the same file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import duckdb
import pandas as pd
from platformdirs import user_data_dir

from analysis.errors import InvalidField, UnknownDocument
from analysis.loading import LoadedDocument
from analysis.types import (
    CHANGE_COLUMNS,
    DOC_COLUMNS,
    DOC_TYPES,
    EVIDENCE_COLUMNS,
    META_FIELDS,
)

STORE_ENV: Final = "POLICYLENS_STORE"
SCHEMA_VERSION: Final = "1"

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY,
    sha256 VARCHAR UNIQUE NOT NULL,
    source VARCHAR NOT NULL,
    encoding VARCHAR,
    raw_text VARCHAR NOT NULL,
    clean_text VARCHAR NOT NULL,
    pipeline VARCHAR NOT NULL,
    ingested_at TIMESTAMP DEFAULT current_timestamp
);
CREATE TABLE IF NOT EXISTS changes (
    doc_id VARCHAR, seq INTEGER, step VARCHAR, reason VARCHAR,
    start INTEGER, "end" INTEGER, removed VARCHAR
);
CREATE TABLE IF NOT EXISTS detections (
    doc_id VARCHAR, field VARCHAR, value VARCHAR, evidence VARCHAR, confidence DOUBLE
);
CREATE TABLE IF NOT EXISTS overrides (
    doc_id VARCHAR, field VARCHAR, value VARCHAR, origin VARCHAR,
    updated_at TIMESTAMP DEFAULT current_timestamp,
    PRIMARY KEY (doc_id, field, origin)
);
CREATE TABLE IF NOT EXISTS token_counts (doc_id VARCHAR, term VARCHAR, count INTEGER);
CREATE TABLE IF NOT EXISTS quantities (
    doc_id VARCHAR, deadline INTEGER, horizon INTEGER, metric VARCHAR, family VARCHAR,
    value DOUBLE, value_high DOUBLE, unit VARCHAR, comparator VARCHAR, kind VARCHAR,
    scale BOOLEAN, cue VARCHAR, raw VARCHAR, sentence VARCHAR, start INTEGER, "end" INTEGER,
    canonical_metric VARCHAR, metric_words VARCHAR
);
ALTER TABLE quantities ADD COLUMN IF NOT EXISTS canonical_metric VARCHAR;
ALTER TABLE quantities ADD COLUMN IF NOT EXISTS metric_words VARCHAR;
CREATE TABLE IF NOT EXISTS user_words (word VARCHAR, kind VARCHAR, PRIMARY KEY (word, kind));
"""

# Which origin wins when several say something about one field (later wins).
ORIGIN_ORDER: Final = ("detected", "file", "seed metadata", "user")


def default_store_path() -> Path:
    """`$POLICYLENS_STORE`, else a file in the user's data directory."""
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env).expanduser()
    return Path(user_data_dir("policylens", appauthor=False)) / "corpus.duckdb"


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """Everything the pipeline produced for one document, ready to write."""

    doc_id: str
    sha256: str
    source: str
    encoding: str
    raw_text: str
    clean_text: str
    pipeline: str
    changes: pd.DataFrame  # CHANGE_COLUMNS
    detections: pd.DataFrame  # field, value, evidence, confidence
    overrides: Mapping[str, tuple[str, str]]  # field -> (value, origin)
    token_counts: pd.DataFrame | None = None  # term, count
    quantities: pd.DataFrame | None = None  # targets.TARGET_COLUMNS


class Store:
    """A corpus on disk. Every method opens its own short connection."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.execute(_SCHEMA)
            con.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", [SCHEMA_VERSION])

    @contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = duckdb.connect(str(self.path))
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing; a committed write also bumps the generation `version()` reports."""
        with self._connect() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
                con.execute(
                    """INSERT OR REPLACE INTO meta VALUES ('generation', CAST(
                         CAST(coalesce((SELECT value FROM meta WHERE key = 'generation'), '0')
                              AS BIGINT) + 1 AS VARCHAR))"""
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    # -- reading -----------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self._connect() as con:
            row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._connect() as con:
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def known_hashes(self) -> dict[str, str]:
        """sha256 -> pipeline version of every stored document."""
        with self._connect() as con:
            rows = con.execute("SELECT sha256, pipeline FROM documents").fetchall()
        return dict(rows)

    def version(self) -> str:
        """A cache key for the UI: every committed write bumps it (see `_transaction`)."""
        return self.get_meta("generation") or "0"

    def documents(self) -> pd.DataFrame:
        """One row per document with its effective metadata (DOC_COLUMNS)."""
        with self._connect() as con:
            docs = con.execute(
                """SELECT doc_id, source, sha256, length(clean_text) AS chars,
                          length(raw_text) AS raw_chars
                   FROM documents ORDER BY source"""
            ).df()
            fields = self._effective_fields(con)
        return _assemble_documents(docs, fields)

    def corpus(self) -> pd.DataFrame:
        """DOC_COLUMNS plus `text`, the clean text: the input of every analysis."""
        docs = self.documents()
        with self._connect() as con:
            texts = con.execute("SELECT doc_id, clean_text AS text FROM documents").df()
        return docs.merge(texts, on="doc_id", how="left")

    def text(self, doc_id: str, *, raw: bool = False) -> str:
        column = "raw_text" if raw else "clean_text"
        with self._connect() as con:
            row = con.execute(
                f"SELECT {column} FROM documents WHERE doc_id = ?", [doc_id]
            ).fetchone()
        if row is None:
            raise UnknownDocument(doc_id)
        return str(row[0])

    def changes(self, doc_id: str) -> pd.DataFrame:
        """The cleaning record of one document (CHANGE_COLUMNS), in text order."""
        self._require(doc_id)
        with self._connect() as con:
            return con.execute(
                """SELECT step, reason, start, "end", removed FROM changes
                   WHERE doc_id = ? ORDER BY start, seq""",
                [doc_id],
            ).df()[list(CHANGE_COLUMNS)]

    def evidence(self, doc_id: str) -> pd.DataFrame:
        """Every field of one document: its value, where it came from and why (EVIDENCE_COLUMNS)."""
        self._require(doc_id)
        with self._connect() as con:
            detected = con.execute(
                """SELECT field, value, evidence, confidence, 'detected' AS origin
                   FROM detections WHERE doc_id = ?""",
                [doc_id],
            ).df()
            overrides = con.execute(
                """SELECT field, value, '' AS evidence, 1.0 AS confidence, origin
                   FROM overrides WHERE doc_id = ?""",
                [doc_id],
            ).df()
        rows = pd.concat([detected, overrides], ignore_index=True)
        effective = _strongest(rows, ["field"])
        detected_idx = detected.set_index("field")
        effective["evidence"] = [
            _evidence_for(row, detected_idx) for row in effective.itertuples(index=False)
        ]
        effective["order"] = effective["field"].map(
            lambda f: META_FIELDS.index(f) if f in META_FIELDS else len(META_FIELDS)
        )
        effective = effective.sort_values("order")
        values = effective["value"].astype(object)
        effective["value"] = values.where(values.notna(), None)
        return effective[list(EVIDENCE_COLUMNS)].reset_index(drop=True)

    def raw_documents(self, sha256s: list[str]) -> list[LoadedDocument]:
        """Stored raw texts, to reprocess them without the original files."""
        with self._connect() as con:
            rows = con.execute(
                """SELECT source, raw_text, encoding, sha256 FROM documents
                   WHERE list_contains(?, sha256) ORDER BY source""",
                [sha256s],
            ).fetchall()
        return [LoadedDocument(source, raw, enc or "", sha) for source, raw, enc, sha in rows]

    def overrides(self, doc_id: str) -> dict[str, tuple[str | None, str]]:
        """field -> (value, origin) of the strongest correction of each field."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT field, value, origin FROM overrides WHERE doc_id = ?", [doc_id]
            ).fetchall()
        rows.sort(key=lambda r: ORIGIN_ORDER.index(r[2]))
        return {name: (value, origin) for name, value, origin in rows}

    def token_counts(self) -> pd.DataFrame:
        """doc_id, term, count for every stored document (computed once at ingest)."""
        with self._connect() as con:
            return con.execute("SELECT doc_id, term, count FROM token_counts").df()

    def user_words(self, kind: str) -> list[str]:
        with self._connect() as con:
            rows = con.execute(
                "SELECT word FROM user_words WHERE kind = ? ORDER BY word", [kind]
            ).fetchall()
        return [r[0] for r in rows]

    # -- writing -----------------------------------------------------------------------

    def write(self, documents: list[StoredDocument]) -> None:
        """Add or replace documents, all or nothing."""
        if not documents:
            return
        with self._transaction() as con:
            for doc in documents:
                self._write_one(con, doc)

    def _write_one(self, con: duckdb.DuckDBPyConnection, doc: StoredDocument) -> None:
        for table in ("documents", "changes", "detections", "token_counts", "quantities"):
            con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc.doc_id])
        con.execute(
            """INSERT INTO documents (doc_id, sha256, source, encoding, raw_text, clean_text,
                                      pipeline) VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [
                doc.doc_id,
                doc.sha256,
                doc.source,
                doc.encoding,
                doc.raw_text,
                doc.clean_text,
                doc.pipeline,
            ],
        )
        changes = doc.changes.assign(doc_id=doc.doc_id, seq=range(len(doc.changes)))
        _insert_frame(con, "changes", changes, 'doc_id, seq, step, reason, start, "end", removed')
        detections = doc.detections.assign(doc_id=doc.doc_id)
        detections["value"] = detections["value"].map(_as_text)
        _insert_frame(con, "detections", detections, "doc_id, field, value, evidence, confidence")
        for field_name, (value, origin) in doc.overrides.items():
            con.execute(
                "INSERT OR REPLACE INTO overrides (doc_id, field, value, origin) VALUES (?,?,?,?)",
                [doc.doc_id, field_name, value, origin],
            )
        if doc.token_counts is not None:
            counts = doc.token_counts.assign(doc_id=doc.doc_id)
            _insert_frame(con, "token_counts", counts, "doc_id, term, count")
        if doc.quantities is not None:
            quantities = doc.quantities.assign(doc_id=doc.doc_id)
            _insert_frame(con, "quantities", quantities, f"doc_id, {QUANTITY_SELECT}")

    def replace_token_counts(self, counts: pd.DataFrame) -> None:
        """Swap in a whole new segmentation (after a dictionary change), atomically."""
        with self._transaction() as con:
            con.execute("DELETE FROM token_counts")
            _insert_frame(con, "token_counts", counts, "doc_id, term, count")

    def quantities(self) -> pd.DataFrame:
        """Every stored quantity with its document's keys (doc_id, source, province, city,
        year) in front: the Targets page and `targets` command read this, never re-extract.
        """
        with self._connect() as con:
            rows = con.execute(
                f"SELECT doc_id, {QUANTITY_SELECT} FROM quantities ORDER BY doc_id, start"
            ).df()
        keys = self.documents()[["doc_id", "source", "province", "city", "year"]]
        return keys.merge(rows, on="doc_id", how="inner")

    def replace_quantities(self, doc_id: str, quantities: pd.DataFrame) -> None:
        """Swap one document's quantities (after its year was corrected), atomically."""
        with self._transaction() as con:
            con.execute("DELETE FROM quantities WHERE doc_id = ?", [doc_id])
            frame = quantities.assign(doc_id=doc_id)
            _insert_frame(con, "quantities", frame, f"doc_id, {QUANTITY_SELECT}")

    def set_fields(self, doc_id: str, values: Mapping[str, str], *, origin: str = "user") -> None:
        """Correct metadata fields; the correction outlives re-ingests and re-detection."""
        self._require(doc_id)
        checked = {name: validate_field(name, value) for name, value in values.items()}
        with self._transaction() as con:
            for name, value in checked.items():
                con.execute(
                    """INSERT OR REPLACE INTO overrides (doc_id, field, value, origin, updated_at)
                       VALUES (?, ?, ?, ?, current_timestamp)""",
                    [doc_id, name, value, origin],
                )

    def set_user_words(self, kind: str, words: list[str]) -> None:
        with self._transaction() as con:
            con.execute("DELETE FROM user_words WHERE kind = ?", [kind])
            for word in dict.fromkeys(w.strip() for w in words if w.strip()):
                con.execute("INSERT INTO user_words VALUES (?, ?)", [word, kind])

    # -- helpers -----------------------------------------------------------------------

    def _require(self, doc_id: str) -> None:
        with self._connect() as con:
            row = con.execute("SELECT 1 FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
        if row is None:
            raise UnknownDocument(doc_id)

    def _effective_fields(self, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        """doc_id, field, value after applying the origin order."""
        rows = con.execute(
            """SELECT doc_id, field, value, 'detected' AS origin FROM detections
               UNION ALL SELECT doc_id, field, value, origin FROM overrides"""
        ).df()
        return rows if rows.empty else _strongest(rows, ["doc_id", "field"])


QUANTITY_SELECT: Final = (
    "deadline, horizon, metric, family, value, value_high, unit, comparator, kind, scale, cue, "
    'raw, sentence, start, "end", canonical_metric, metric_words'
)


def _insert_frame(
    con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, columns: str
) -> None:
    """Bulk-insert `frame` (columns named as in `table`) through a registered view."""
    if frame.empty:
        return
    con.register("incoming", frame)
    con.execute(f"INSERT INTO {table} SELECT {columns} FROM incoming")
    con.unregister("incoming")


def _strongest(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per key, the row whose origin ranks highest in ORIGIN_ORDER.

    drop_duplicates, not groupby().last(): a correction to "unknown" (None) must win.
    """
    ranked = rows.assign(rank=rows["origin"].map(ORIGIN_ORDER.index))
    return ranked.sort_values("rank", kind="stable").drop_duplicates(keys, keep="last")


def _as_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return str(value)


def _evidence_for(row: object, detected: pd.DataFrame) -> str:
    """An override keeps showing what detection had found, so a user sees both."""
    origin, field_name = row.origin, row.field  # type: ignore[attr-defined]
    if origin == "detected":
        return str(row.evidence or "")  # type: ignore[attr-defined]
    label = {"user": "用户更正", "seed metadata": "种子元数据", "file": "文件自带"}.get(
        origin, origin
    )
    if field_name not in detected.index or pd.isna(detected.at[field_name, "value"]):
        return f"{label}（自动识别：无结果）"
    found, snippet = detected.at[field_name, "value"], detected.at[field_name, "evidence"]
    return (
        f"{label}（自动识别为 {found}，依据：{snippet}）"
        if snippet
        else f"{label}（自动识别为 {found}）"
    )


def _assemble_documents(docs: pd.DataFrame, fields: pd.DataFrame) -> pd.DataFrame:
    if docs.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in DOC_COLUMNS})
    if not fields.empty:
        wide = fields.pivot(index="doc_id", columns="field", values="value")
        docs = docs.merge(wide, left_on="doc_id", right_index=True, how="left")
    for column in DOC_COLUMNS:
        if column not in docs:
            docs[column] = None
    docs["year"] = pd.to_numeric(docs["year"], errors="coerce").astype("Int64")
    docs["doc_type"] = docs["doc_type"].fillna("other")
    text_cols = ["title", "province", "city", "district", "date"]
    docs[text_cols] = docs[text_cols].astype("object").where(docs[text_cols].notna(), None)
    return docs[list(DOC_COLUMNS)].reset_index(drop=True)


def validate_field(name: str, value: str) -> str | None:
    """The stored form of a corrected value, or InvalidField saying what is allowed."""
    if name not in META_FIELDS:
        raise InvalidField(f"不能更正字段 {name!r}；可更正的字段：{', '.join(META_FIELDS)}")
    value = value.strip()
    if value == "":
        return None
    if name == "year":
        if not (value.isdigit() and 1900 <= int(value) <= 2100):
            raise InvalidField(f"year 应为 1900–2100 之间的四位年份，收到 {value!r}")
    elif name == "doc_type" and value not in DOC_TYPES:
        raise InvalidField(f"doc_type 应为 {', '.join(DOC_TYPES)} 之一，收到 {value!r}")
    elif name == "date":
        try:
            value = pd.Timestamp(value).date().isoformat()
        except ValueError as exc:
            raise InvalidField(f"date 应为 YYYY-MM-DD 格式的日期，收到 {value!r}") from exc
    return value
