"""The columns of an extracted quantity, defined once.

The extractor's frame (`targets.TARGET_COLUMNS` and its dtypes), the store's `quantities`
table, its inserts and its readers all take their column list from here, so a new column
is one line in `QUANTITY_COLUMNS` (plus a migration step for stores made before it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Column:
    """One quantity column: its name, its SQL type in the store, its pandas dtype."""

    name: str
    sql: str
    dtype: str


QUANTITY_COLUMNS: Final[tuple[Column, ...]] = (
    Column("deadline", "INTEGER", "Int64"),
    Column("horizon", "INTEGER", "Int64"),
    Column("metric", "VARCHAR", "object"),
    Column("family", "VARCHAR", "object"),
    Column("value", "DOUBLE", "float64"),
    Column("value_high", "DOUBLE", "float64"),
    Column("unit", "VARCHAR", "object"),
    Column("comparator", "VARCHAR", "object"),
    Column("kind", "VARCHAR", "object"),
    Column("scale", "BOOLEAN", "bool"),
    Column("cue", "VARCHAR", "object"),
    Column("raw", "VARCHAR", "object"),
    Column("sentence", "VARCHAR", "object"),
    Column("start", "INTEGER", "int64"),
    Column("end", "INTEGER", "int64"),
    Column("canonical_metric", "VARCHAR", "object"),
    Column("metric_words", "VARCHAR", "object"),
)
QUANTITY_NAMES: Final[tuple[str, ...]] = tuple(c.name for c in QUANTITY_COLUMNS)
QUANTITY_DTYPES: Final[dict[str, str]] = {c.name: c.dtype for c in QUANTITY_COLUMNS}


def _quoted(name: str) -> str:
    return f'"{name}"'


# `a, b, "end", …`: the column list of every insert into and select from `quantities`.
QUANTITY_SELECT: Final = ", ".join(_quoted(c.name) for c in QUANTITY_COLUMNS)
# `a INTEGER, …`: the column definitions of the `quantities` table (after `doc_id`).
QUANTITY_DDL: Final = ", ".join(f"{_quoted(c.name)} {c.sql}" for c in QUANTITY_COLUMNS)
