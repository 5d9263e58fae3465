"""Bring a store written by an earlier release up to the current schema, in one transaction.

Every release's schema is a number kept in `meta` (key `schema`). Opening a store reads it,
creates the tables it lacks (`schema.TABLES`), then runs, in order, the step of every
version from the stored one up to `SCHEMA_VERSION`, and records the new number; a failure
anywhere leaves the store as it was. A store newer than the code is refused (StoreTooNew)
rather than written with tables this code does not know.

To change an existing table: raise `SCHEMA_VERSION`, and add `STEPS[old]`, a function that
takes a store of version `old` (with any table missing from it already created in its
current form) to `old + 1`. Steps only add (`ADD COLUMN IF NOT EXISTS`), so each is safe to
run on a table `TABLES` has just created.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

import duckdb

from analysis.schema import SCHEMA_VERSION, TABLES
from analysis.store_errors import CORRUPT, StoreCorrupt, StoreTooNew

Step = Callable[[duckdb.DuckDBPyConnection], None]

FIRST_VERSION: Final = 1


def _add_columns(con: duckdb.DuckDBPyConnection, table: str, *columns: str) -> None:
    for column in columns:
        con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column}")


def _from_1(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 1 kept no document lengths (the keyword tables are new, made by TABLES)."""
    _add_columns(con, "documents", "chars INTEGER", "raw_chars INTEGER")
    con.execute(
        """UPDATE documents SET chars = length(clean_text), raw_chars = length(raw_text)
           WHERE chars IS NULL OR raw_chars IS NULL"""
    )


def _from_2(con: duckdb.DuckDBPyConnection) -> None:
    """Schema 1 and 2 stores from before the metric catalogue lack its two columns."""
    _add_columns(con, "quantities", "canonical_metric VARCHAR", "metric_words VARCHAR")


# Version -> the step taking a store of that version to the next one.
STEPS: Final[Mapping[int, Step]] = {1: _from_1, 2: _from_2}


def stored_version(con: duckdb.DuckDBPyConnection, path: Path) -> int | None:
    """The schema number a store records; None for a file with no tables yet (a new store).

    A store with documents but no number is taken as the first release's.
    """
    tables = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
        ).fetchall()
    }
    if "meta" not in tables:
        return FIRST_VERSION if "documents" in tables else None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if row is None:
        return FIRST_VERSION if "documents" in tables else None
    try:
        return int(row[0])
    except (TypeError, ValueError):
        raise StoreCorrupt(path, CORRUPT) from None


def check_version(con: duckdb.DuckDBPyConnection, path: Path) -> int | None:
    """`stored_version`, refusing a store newer than this code."""
    found = stored_version(con, path)
    if found is not None and found > SCHEMA_VERSION:
        raise StoreTooNew(path, found, SCHEMA_VERSION)
    return found


def upgrade(con: duckdb.DuckDBPyConnection, path: Path) -> int | None:
    """Create missing tables and run every step from the stored version up, atomically;
    returns the version found (None: a new store).
    """
    found = check_version(con, path)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(TABLES)
        for version in range(found or SCHEMA_VERSION, SCHEMA_VERSION):
            STEPS[version](con)
        if found != SCHEMA_VERSION:
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", [str(SCHEMA_VERSION)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return found
