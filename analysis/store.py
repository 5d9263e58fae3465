"""The embedded corpus store: one DuckDB file holding every processed document.

Documents are keyed by the hash of their text, so ingesting a file twice adds nothing.
Each batch of documents is written in one transaction: a batch killed halfway leaves the
store as it was before that batch. By default connections are short-lived (open, work,
close) so command-line runs can take turns on the same file; a long-running reader (the
dashboard, a benchmark) asks for `keep_open=True` and keeps one connection, handing each
call its own cursor, so DuckDB's buffer cache survives between queries.

A store opened with `read_only=True` never writes (no migration, no index refresh): several
readers can share the file, and a file the user may not write can still be read. Opening
for writing brings an older store's schema up to date first (`analysis.migrations`).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import duckdb
import pandas as pd
import pyarrow as pa
from platformdirs import user_data_dir

from analysis.errors import UnknownDocument
from analysis.loading import LoadedDocument
from analysis.migrations import check_version, upgrade
from analysis.quantity_columns import QUANTITY_SELECT
from analysis.schema import DOCUMENT_INSERT, SCHEMA_VERSION
from analysis.store_errors import (
    StoreBusy,
    StoreCorrupt,
    StoreNotAFile,
    StoreReadOnly,
    StoreTooNew,
    StoreUnavailable,
    check_path,
    translated,
)
from analysis.types import (
    CHANGE_COLUMNS,
    DOC_COLUMNS,
    EVIDENCE_COLUMNS,
    META_FIELDS,
)
from analysis.validation import validate_field  # re-exported: corrections are checked there

if TYPE_CHECKING:
    from analysis.codes import DocumentCodes

STORE_ENV: Final = "POLICYLENS_STORE"
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
    codes: DocumentCodes | None = None  # theme hits and instrument codes


@dataclass(frozen=True, slots=True)
class DocumentParts:
    """Recomputed outputs of some stages of one stored document; None = keep what is stored."""

    doc_id: str
    detections: pd.DataFrame | None = None  # field, value, evidence, confidence
    token_counts: pd.DataFrame | None = None  # doc_id, term, count
    quantities: pd.DataFrame | None = None  # targets.TARGET_COLUMNS
    codes: DocumentCodes | None = None  # theme hits and instrument codes


# A program that finds the store busy waits this long before giving up (writers hold it for
# one batch at a time), trying again every BUSY_RETRY_SECONDS.
BUSY_WAIT_SECONDS: Final = 10.0
BUSY_RETRY_SECONDS: Final = 0.2


class Store:
    """A corpus on disk: short connections by default, one kept connection if asked."""

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        keep_open: bool = False,
        busy_wait: float = BUSY_WAIT_SECONDS,
        on_wait: Callable[[str], None] | None = None,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.read_only = read_only
        self._keep_open = keep_open
        self._held = False
        self._con: duckdb.DuckDBPyConnection | None = None
        self._con_opened = 0.0  # time.monotonic() when the kept connection was opened
        self._lock = threading.Lock()
        self._users = 0
        self._busy_wait = busy_wait
        self._on_wait = on_wait
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        check_path(self.path, write=not read_only)
        try:
            with self._connect() as con:
                if read_only:
                    self.schema_version = check_version(con, self.path)
                else:
                    upgrade(con, self.path)
                    self.schema_version = SCHEMA_VERSION
                    _refresh_term_index(con)
        except duckdb.Error as exc:  # a file DuckDB opened but cannot use as a store
            self.close()
            raise translated(self.path, exc) from exc
        except StoreUnavailable:
            self.close()
            raise

    def _open(self) -> duckdb.DuckDBPyConnection:
        """A connection; while another program holds the file, retried for `busy_wait`
        seconds (it writes in short batches), then StoreBusy.
        """
        deadline = time.monotonic() + self._busy_wait
        told = False
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=self.read_only)
            except duckdb.Error as exc:
                problem = translated(self.path, exc)
                if not isinstance(problem, StoreBusy) or time.monotonic() >= deadline:
                    raise problem from exc
                if self._on_wait and not told:
                    self._on_wait(f"文档库 {self.path} 正被另一个程序写入，等待中…")
                    told = True
                time.sleep(BUSY_RETRY_SECONDS)

    @contextmanager
    def in_use(self) -> Iterator[None]:
        """Hold the kept connection for a stretch of work (a page run); when the last user
        lets go it is closed, so another program (the command line) can write in between.
        """
        with self._lock:
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0 and self._con is not None:
                    self._con.close()
                    self._con = None

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Keep one connection across the writes inside (an ingest's batches): closing a
        DuckDB connection checkpoints the file, which cost more than a batch's inserts.
        `let_go(older_than=…)` closes it between batches so another program can get in.
        """
        if self._keep_open:  # a server's store keeps its connection anyway
            yield
            return
        self._keep_open = self._held = True
        try:
            yield
        finally:
            self._keep_open = self._held = False
            self.close()

    def let_go(self, *, older_than: float = 0.0) -> None:
        """Close the connection `holding` keeps once it has been open `older_than` seconds
        (the next call opens a new one).
        """
        if self._held and time.monotonic() - self._con_opened >= older_than:
            self.close()

    @contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one call: a cursor on the kept connection, or a fresh one."""
        if self._keep_open:
            with self._lock:
                if self._con is None:
                    self._con = self._open()
                    self._con_opened = time.monotonic()
                cursor = self._con.cursor()
            try:
                yield cursor
            finally:
                cursor.close()
            return
        con = self._open()
        try:
            yield con
        finally:
            con.close()

    def close(self) -> None:
        """Release the kept connection (other processes may then open the file)."""
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for read-only queries (`analysis.queries` runs its SQL on it)."""
        with self._connect() as con:
            yield con

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

    def is_current(self) -> bool:
        """Whether opening for writing would change nothing (schema and keyword index are
        this code's), so a reader may open the file read-only.
        """
        if self.schema_version != SCHEMA_VERSION:
            return False
        return self.get_meta("term_index") == _term_index_version()

    def version(self) -> str:
        """A cache key for the UI: every committed write bumps it (see `_transaction`)."""
        return self.get_meta("generation") or "0"

    def documents(self) -> pd.DataFrame:
        """One row per document with its effective metadata (DOC_COLUMNS)."""
        with self._connect() as con:
            docs = con.execute(
                """SELECT doc_id, source, sha256, chars, raw_chars
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

    def texts(self, doc_ids: Sequence[str]) -> pd.DataFrame:
        """doc_id, text (clean) of `doc_ids` only, in `documents()` order: an analysis of a
        few groups reads their texts, not the whole corpus's.
        """
        with self._connect() as con:
            con.register("text_ids", pd.DataFrame({"doc_id": list(doc_ids)}, dtype=object))
            try:
                return con.execute(
                    """SELECT doc_id, clean_text AS text FROM documents
                       WHERE doc_id IN (SELECT doc_id FROM text_ids) ORDER BY source"""
                ).df()
            finally:
                con.unregister("text_ids")

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
            con.register("wanted_shas", pd.DataFrame({"sha256": list(sha256s)}, dtype=object))
            rows = con.execute(
                """SELECT source, raw_text, encoding, sha256 FROM documents
                   WHERE sha256 IN (SELECT sha256 FROM wanted_shas) ORDER BY source"""
            ).fetchall()
            con.unregister("wanted_shas")
        return [LoadedDocument(source, raw, enc or "", sha) for source, raw, enc, sha in rows]

    def stored_texts(self, sha256s: list[str]) -> list[tuple[LoadedDocument, str]]:
        """Raw documents with their stored clean text, to redo stages after cleaning.

        The wanted hashes are a registered frame, not a list parameter: `list_contains` on
        a bound list took ~30 s for 128 of 2,058 documents.
        """
        with self._connect() as con:
            con.register("wanted_shas", pd.DataFrame({"sha256": list(sha256s)}, dtype=object))
            rows = con.execute(
                """SELECT source, raw_text, encoding, sha256, clean_text FROM documents
                   WHERE sha256 IN (SELECT sha256 FROM wanted_shas) ORDER BY source"""
            ).fetchall()
            con.unregister("wanted_shas")
        return [
            (LoadedDocument(source, raw, enc or "", sha), clean)
            for source, raw, enc, sha, clean in rows
        ]

    def overrides(self, doc_id: str) -> dict[str, tuple[str | None, str]]:
        """field -> (value, origin) of the strongest correction of each field."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT field, value, origin FROM overrides WHERE doc_id = ?", [doc_id]
            ).fetchall()
        rows.sort(key=lambda r: ORIGIN_ORDER.index(r[2]))
        return {name: (value, origin) for name, value, origin in rows}

    def all_overrides(self) -> dict[str, dict[str, tuple[str | None, str]]]:
        """doc_id -> `overrides(doc_id)` for every document, in one query (reprocessing)."""
        with self._connect() as con:
            rows = con.execute("SELECT doc_id, field, value, origin FROM overrides").fetchall()
        rows.sort(key=lambda r: ORIGIN_ORDER.index(r[3]))
        result: dict[str, dict[str, tuple[str | None, str]]] = {}
        for doc_id, name, value, origin in rows:
            result.setdefault(doc_id, {})[name] = (value, origin)
        return result

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
        """Add or replace documents, all or nothing: one transaction, one insert per table."""
        if not documents:
            return
        with self._transaction() as con:
            self._write_rows(con, documents)

    def _write_rows(self, con: duckdb.DuckDBPyConnection, documents: list[StoredDocument]) -> None:
        """Every row of `documents` in bulk: a delete per table only for documents already
        stored (a reprocess), never a scan per document.
        """
        ids = pd.DataFrame({"doc_id": [doc.doc_id for doc in documents]})
        con.register("incoming_ids", ids)
        try:
            (stored,) = con.execute(
                "SELECT count(*) FROM documents WHERE doc_id IN (SELECT doc_id FROM incoming_ids)"
            ).fetchall()[0]
            if stored:
                con.execute(
                    """DELETE FROM doc_terms WHERE doc_idx IN (SELECT doc_idx FROM doc_index
                       WHERE doc_id IN (SELECT doc_id FROM incoming_ids))"""
                ).fetchall()
                for table in (
                    "documents",
                    "changes",
                    "detections",
                    "token_counts",
                    "quantities",
                    *CODE_TABLES,
                ):
                    con.execute(
                        f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM incoming_ids)"
                    ).fetchall()
        finally:
            con.unregister("incoming_ids")
        _insert_frame(con, "documents", _documents_frame(documents), DOCUMENT_INSERT)
        changes = _stacked(
            documents, lambda d: d.changes.assign(doc_id=d.doc_id, seq=range(len(d.changes)))
        )
        _insert_frame(con, "changes", changes, 'doc_id, seq, step, reason, start, "end", removed')
        detections = _stacked(documents, lambda d: d.detections.assign(doc_id=d.doc_id))
        if not detections.empty:
            detections["value"] = detections["value"].map(_as_text)
        _insert_frame(con, "detections", detections, "doc_id, field, value, evidence, confidence")
        overrides = pd.DataFrame(
            [
                (doc.doc_id, name, value, origin)
                for doc in documents
                for name, (value, origin) in doc.overrides.items()
            ],
            columns=["doc_id", "field", "value", "origin"],
            dtype="object",
        )
        if not overrides.empty:
            con.register("incoming", overrides)
            con.execute(
                """INSERT OR REPLACE INTO overrides (doc_id, field, value, origin)
                   SELECT doc_id, field, value, origin FROM incoming"""
            ).fetchall()
            con.unregister("incoming")
        counts = _stacked(
            documents,
            lambda d: None if d.token_counts is None else d.token_counts.assign(doc_id=d.doc_id),
        )
        _insert_frame(con, "token_counts", counts, "doc_id, term, count")
        _index_counts(con, counts)
        quantities = _stacked(
            documents,
            lambda d: None if d.quantities is None else d.quantities.assign(doc_id=d.doc_id),
        )
        _insert_frame(con, "quantities", quantities, f"doc_id, {QUANTITY_SELECT}")
        _insert_codes(con, [d.codes for d in documents if d.codes is not None])

    def write_parts(self, parts: list[DocumentParts], *, pipeline: str) -> None:
        """Replace the recomputed parts of stored documents and record `pipeline` for them,
        in one transaction; parts left None stay as stored.
        """
        if not parts:
            return
        with self._transaction() as con:
            for table, column in (
                ("detections", "detections"),
                ("token_counts", "token_counts"),
                ("quantities", "quantities"),
            ):
                frames = [(p.doc_id, getattr(p, column)) for p in parts]
                frames = [(d, f) for d, f in frames if f is not None]
                if not frames:
                    continue
                ids = pd.DataFrame({"doc_id": [d for d, _ in frames]}, dtype=object)
                con.register("changed_ids", ids)
                if table == "token_counts":
                    con.execute(
                        """DELETE FROM doc_terms WHERE doc_idx IN (SELECT doc_idx FROM doc_index
                           WHERE doc_id IN (SELECT doc_id FROM changed_ids))"""
                    ).fetchall()
                con.execute(
                    f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM changed_ids)"
                ).fetchall()
                con.unregister("changed_ids")
                rows = [f.assign(doc_id=d) for d, f in frames if not f.empty]
                if not rows:
                    continue
                stacked = pd.concat(rows, ignore_index=True)
                if table == "detections":
                    stacked["value"] = stacked["value"].map(_as_text)
                    _insert_frame(con, table, stacked, "doc_id, field, value, evidence, confidence")
                elif table == "token_counts":
                    _insert_frame(con, table, stacked, "doc_id, term, count")
                    _index_counts(con, stacked)
                else:
                    _insert_frame(con, table, stacked, f"doc_id, {QUANTITY_SELECT}")
            coded = [p for p in parts if p.codes is not None]
            if coded:
                _delete_codes(con, [p.doc_id for p in coded])
                _insert_codes(con, [p.codes for p in coded if p.codes is not None])
            con.register("changed_ids", pd.DataFrame({"doc_id": [p.doc_id for p in parts]}))
            con.execute(
                """UPDATE documents SET pipeline = ?
                   WHERE doc_id IN (SELECT doc_id FROM changed_ids)""",
                [pipeline],
            ).fetchall()
            con.unregister("changed_ids")

    def replace_token_counts(self, counts: pd.DataFrame) -> None:
        """Swap in a whole new segmentation (after a dictionary change), atomically."""
        with self._transaction() as con:
            con.execute("DELETE FROM token_counts")
            con.execute("DELETE FROM doc_terms")
            _insert_frame(con, "token_counts", counts, "doc_id, term, count")
            _index_counts(con, counts)

    def quantities(
        self, doc_ids: Sequence[str] | None = None, *, documents: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """Every stored quantity (of `doc_ids` only, if given) with its document's keys
        (doc_id, source, province, city, year) in front: the Targets page and `targets`
        command read this, never re-extract. `documents` (a `documents()` frame the caller
        already holds) saves assembling the metadata again.
        """
        docs = self.documents() if documents is None else documents
        keys = docs[["doc_id", "source", "province", "city", "year"]]
        if doc_ids is not None:
            keys = keys[keys["doc_id"].isin(set(doc_ids))]
        keys = keys.reset_index(drop=True)
        # Rows come back in the documents' order, so only the five key columns are reordered
        # in pandas; reordering the text columns of 400,000 rows after a merge took seconds.
        wanted = pd.DataFrame({"doc_id": keys["doc_id"].to_numpy(object), "ord": keys.index})
        with self._connect() as con:
            con.register("wanted_docs", wanted)
            try:
                rows = _frame(
                    con,
                    f"""SELECT w.ord AS _ord, {QUANTITY_SELECT} FROM quantities
                        JOIN wanted_docs w USING (doc_id) ORDER BY w.ord, start""",
                )
            finally:
                con.unregister("wanted_docs")
        head = keys.iloc[rows.pop("_ord").to_numpy()].reset_index(drop=True)
        return pd.concat([head, rows], axis=1)

    def export_parquet(self, folder: Path | str) -> pd.DataFrame:
        """Write the per-document stage outputs as Parquet under `folder`, partitioned by
        province and year (hive style, names URL-encoded: `documents/province=…/year=2023/`;
        an existing export is replaced), for tools
        that scale past one machine (DuckDB, Spark, Dask, Polars read them directly).

        Tables: documents (effective metadata + clean text), token_counts, quantities,
        detections, changes, theme_hits, instrument_codes. Returns table, rows, path.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        keys = self.documents()
        keys = keys.assign(
            province=keys["province"].fillna(UNKNOWN_PARTITION),
            year=keys["year"].astype("Int64").astype("string").fillna(UNKNOWN_PARTITION),
        ).astype({"year": object, "province": object})
        report = []
        with self._connect() as con:
            con.register("doc_keys", keys)
            sources = {
                "documents": """SELECT k.*, d.clean_text FROM doc_keys k
                                JOIN documents d USING (doc_id)""",
                "token_counts": """SELECT k.province, k.year, c.* FROM token_counts c
                                   JOIN doc_keys k USING (doc_id)""",
                "quantities": f"""SELECT k.province, k.year, q.doc_id, {QUANTITY_SELECT}
                                  FROM quantities q JOIN doc_keys k USING (doc_id)""",
                "detections": """SELECT k.province, k.year, t.* FROM detections t
                                 JOIN doc_keys k USING (doc_id)""",
                "changes": """SELECT k.province, k.year, t.* FROM changes t
                              JOIN doc_keys k USING (doc_id)""",
                **{
                    table: f"""SELECT k.province, k.year, t.* FROM {table} t
                               JOIN doc_keys k USING (doc_id)"""
                    for table in CODE_TABLES
                },
            }
            for table, query in sources.items():
                target = folder / table
                con.execute(
                    f"""COPY ({query}) TO '{_sql_path(target)}'
                        (FORMAT parquet, PARTITION_BY (province, year), OVERWRITE)"""
                ).fetchall()
                (rows,) = con.execute(f"SELECT count(*) FROM ({query})").fetchall()[0]
                report.append((table, int(rows), str(target)))
            con.unregister("doc_keys")
        return pd.DataFrame(report, columns=["table", "rows", "path"])

    def set_fields(
        self,
        doc_id: str,
        values: Mapping[str, str],
        *,
        origin: str = "user",
        quantities: pd.DataFrame | None = None,
    ) -> None:
        """Correct metadata fields (the correction outlives re-ingests and re-detection) and,
        if given, swap in the document's re-dated quantities: one transaction.
        """
        self._require(doc_id)
        checked = {name: validate_field(name, value) for name, value in values.items()}
        with self._transaction() as con:
            for name, value in checked.items():
                con.execute(
                    """INSERT OR REPLACE INTO overrides (doc_id, field, value, origin, updated_at)
                       VALUES (?, ?, ?, ?, current_timestamp)""",
                    [doc_id, name, value, origin],
                )
            if quantities is not None:
                con.execute("DELETE FROM quantities WHERE doc_id = ?", [doc_id])
                frame = quantities.assign(doc_id=doc_id)
                _insert_frame(con, "quantities", frame, f"doc_id, {QUANTITY_SELECT}")

    def set_user_words(self, kind: str, words: Sequence[str]) -> None:
        with self._transaction() as con:
            _replace_user_words(con, kind, words)

    def replace_segmentation(
        self, words: Sequence[str], counts: pd.DataFrame, *, seg_version: str
    ) -> None:
        """Save the user's words, every document's counts made with them, and the new
        segmentation version in each document's pipeline: all or nothing.
        """
        with self._transaction() as con:
            _replace_user_words(con, "word", words)
            con.execute("DELETE FROM token_counts")
            con.execute("DELETE FROM doc_terms")
            _insert_frame(con, "token_counts", counts, "doc_id, term, count")
            _index_counts(con, counts)
            con.execute(
                "UPDATE documents SET pipeline = regexp_replace(pipeline, 'seg=[^;]*', ?)",
                [f"seg={seg_version}"],
            ).fetchall()

    def absorb(self, part: Path | str) -> int:
        """Copy the documents of another store (a part built elsewhere, see
        `analysis.scaleout`) that this one lacks, with every per-document row, in one
        transaction; the term index is extended, not rebuilt. Returns documents added.

        Tables are found by their `doc_id` column, so per-document tables added later are
        copied too; the derived index tables (terms, doc_index, doc_terms) are rebuilt here.
        """
        source = _sql_path(Path(part))
        with self._transaction() as con:
            con.execute(f"ATTACH '{source}' AS part (READ_ONLY)")
            try:
                return self._absorb_attached(con)
            finally:
                con.execute("DETACH part")

    def _absorb_attached(self, con: duckdb.DuckDBPyConnection) -> int:
        con.execute(
            """CREATE OR REPLACE TEMP TABLE absorbed AS
               SELECT doc_id FROM part.documents
               WHERE sha256 NOT IN (SELECT sha256 FROM documents)"""
        )
        (added,) = con.execute("SELECT count(*) FROM absorbed").fetchone() or (0,)
        tables = [
            row[0]
            for row in con.execute(
                """SELECT DISTINCT table_name FROM information_schema.columns
                   WHERE table_catalog = 'part' AND column_name = 'doc_id'
                     AND table_name NOT IN ('doc_index', 'doc_terms')"""
            ).fetchall()
        ]
        for table in sorted(tables, key=lambda t: t != "documents"):  # documents first
            con.execute(
                f"""INSERT INTO {table} BY NAME
                    SELECT * FROM part.{table} WHERE doc_id IN (SELECT doc_id FROM absorbed)"""
            )
        con.execute(
            """CREATE OR REPLACE TEMP VIEW absorbed_counts AS
               SELECT doc_id, term, count FROM token_counts
               WHERE doc_id IN (SELECT doc_id FROM absorbed)"""
        )
        _index_from(con, "absorbed_counts")
        con.execute("DROP VIEW absorbed_counts")
        con.execute("DROP TABLE absorbed")
        return int(added)

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


UNKNOWN_PARTITION: Final = "unknown"


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _frame(con: duckdb.DuckDBPyConnection, query: str) -> pd.DataFrame:
    """The result of `query` as pandas, typed the way `.df()` types it (an integer column
    holding a NULL becomes nullable Int32/Int64, others stay numpy) but through Arrow, which
    is several times faster on text columns.
    """
    table = con.sql(query).to_arrow_table()
    nullable = {pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype()}
    frame = table.to_pandas(types_mapper=nullable.get)
    for field, column in zip(table.schema, table.columns, strict=True):
        if field.type in nullable and not column.null_count:
            frame[field.name] = frame[field.name].astype(nullable[field.type].numpy_dtype)
    return frame


def _replace_user_words(con: duckdb.DuckDBPyConnection, kind: str, words: Sequence[str]) -> None:
    con.execute("DELETE FROM user_words WHERE kind = ?", [kind])
    for word in dict.fromkeys(w.strip() for w in words if w.strip()):
        con.execute("INSERT INTO user_words VALUES (?, ?)", [word, kind])


def _insert_frame(
    con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, columns: str
) -> None:
    """Bulk-insert `frame` (columns named as in `table`) through a registered view."""
    if frame.empty:
        return
    con.register("incoming", frame)
    con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming").fetchall()
    con.unregister("incoming")


CODE_TABLES: Final = ("theme_hits", "instrument_codes")
THEME_HIT_INSERT: Final = 'doc_id, theme, term, start, "end", pos'
INSTRUMENT_CODE_INSERT: Final = 'doc_id, start, "end", instrument, category, label, score, cues'


def _delete_codes(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> None:
    """Drop the stored codes of `doc_ids` (they are about to be recoded)."""
    con.register("recoded_ids", pd.DataFrame({"doc_id": doc_ids}, dtype=object))
    try:
        for table in CODE_TABLES:
            con.execute(
                f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM recoded_ids)"
            ).fetchall()
    finally:
        con.unregister("recoded_ids")


def _insert_codes(con: duckdb.DuckDBPyConnection, codes: list[DocumentCodes]) -> None:
    """Theme hits and instrument codes of a batch, one insert per table."""
    from analysis.codes import codes_frames

    hits, coded = codes_frames(codes)
    _insert_frame(con, "theme_hits", hits, THEME_HIT_INSERT)
    _insert_frame(con, "instrument_codes", coded, INSTRUMENT_CODE_INSERT)


def _documents_frame(documents: list[StoredDocument]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": [d.doc_id for d in documents],
            "sha256": [d.sha256 for d in documents],
            "source": [d.source for d in documents],
            "encoding": [d.encoding for d in documents],
            "raw_text": [d.raw_text for d in documents],
            "clean_text": [d.clean_text for d in documents],
            "pipeline": [d.pipeline for d in documents],
            "chars": [len(d.clean_text) for d in documents],
            "raw_chars": [len(d.raw_text) for d in documents],
        },
        dtype="object",
    ).astype({"chars": "int64", "raw_chars": "int64"})


def _stacked(
    documents: list[StoredDocument], part: Callable[[StoredDocument], pd.DataFrame | None]
) -> pd.DataFrame:
    """One frame of a per-document part (changes, counts ...) over a batch; empty if none."""
    frames = [f for f in (part(d) for d in documents) if f is not None and not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _term_index_version() -> str:
    """Hash of the code deciding what a content term is; a change re-indexes every term."""
    from analysis import redaction, segmentation

    digest = hashlib.sha256()
    for module in (segmentation, redaction):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:12]


def content_flags(terms: pd.Series) -> pd.DataFrame:
    """term, content: whether each distinct term can be a keyword (`is_content_term`)."""
    from analysis.segmentation import is_content_term

    unique = pd.Series(terms.astype(str).unique(), dtype="object")
    return pd.DataFrame({"term": unique, "content": unique.map(is_content_term).astype(bool)})


def _index_counts(con: duckdb.DuckDBPyConnection, counts: pd.DataFrame) -> None:
    """Add the content-term rows of `counts` to doc_terms (see `_index_from`)."""
    if counts.empty:
        return
    con.register("incoming_counts", counts[["doc_id", "term", "count"]])
    try:
        _index_from(con, "incoming_counts")
    finally:
        con.unregister("incoming_counts")


def _index_from(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Give new terms and documents of `source` (doc_id, term, count) integer ids and add
    its content-term rows to doc_terms, the table every keyword query scans (integer keys
    and no non-content rows make those scans ~4× faster than over token_counts). One row
    per (document, term), so a count of rows is a count of documents.
    """
    new = con.execute(
        f"SELECT DISTINCT term FROM {source} WHERE term NOT IN (SELECT term FROM terms)"
    ).df()
    if not new.empty:
        con.register("new_terms", content_flags(new["term"]))
        con.execute(
            """INSERT INTO terms SELECT
                 (SELECT coalesce(max(term_id), 0) FROM terms) + row_number() OVER (),
                 term, content FROM new_terms"""
        ).fetchall()
        con.unregister("new_terms")
    con.execute(
        f"""INSERT INTO doc_index
            SELECT doc_id, (SELECT coalesce(max(doc_idx), 0) FROM doc_index)
                           + row_number() OVER (ORDER BY doc_id)
            FROM (SELECT DISTINCT doc_id FROM {source}
                  WHERE doc_id NOT IN (SELECT doc_id FROM doc_index))"""
    ).fetchall()
    con.execute(
        f"""INSERT INTO doc_terms
            SELECT i.doc_idx, t.term_id, sum(c.count) FROM {source} c
            JOIN doc_index i ON i.doc_id = c.doc_id
            JOIN terms t ON t.term = c.term
            WHERE t.content GROUP BY i.doc_idx, t.term_id"""
    ).fetchall()


def _refresh_term_index(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild terms and doc_terms from token_counts when missing or their code changed."""
    version = _term_index_version()
    row = con.execute("SELECT value FROM meta WHERE key = 'term_index'").fetchall()
    if row and row[0][0] == version:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM doc_terms")
        con.execute("DELETE FROM terms")
        _index_from(con, "token_counts")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('term_index', ?)", [version])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


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


__all__ = [
    "BUSY_WAIT_SECONDS",
    "ORIGIN_ORDER",
    "SCHEMA_VERSION",
    "STORE_ENV",
    "DocumentParts",
    "Store",
    "StoreBusy",
    "StoreCorrupt",
    "StoreNotAFile",
    "StoreReadOnly",
    "StoreTooNew",
    "StoreUnavailable",
    "StoredDocument",
    "content_flags",
    "default_store_path",
    "validate_field",
]
