"""Keyword queries that run where the data is: SQL over the stored token counts.

Every keyword view (frequencies, distinctive terms, trends, TF-IDF, KWIC) is an aggregation
of `token_counts (doc_id, term, count)` over a selection of documents, with each document
in a group. Here that aggregation runs inside DuckDB, and only the rows a table or chart
shows come back to Python: on the whole corpus that is a few thousand rows instead of the
1.7 M token-count rows the pandas version pulled into memory on every change.

The API, for pages and other analyses:

* `selected_doc_ids(store, filters)` -> the doc_ids inside a `Filters` selection.
* `term_source(counts)` -> a `TermSource` over a `Store` (its tables) or a counts
  DataFrame (registered in an in-memory database), so the same SQL serves the dashboard,
  the command line and hand-made test frames.
* `TermSource.group_term_counts(groups, stopwords)` -> group, term, count, docs for an
  arbitrary grouping of documents (a `groups` frame of doc_id and group, e.g. built from
  any column of `Store.documents()`); the basis of per-region or per-year comparisons.
* `TermSource.top_terms / log_odds / tfidf / counts_of` -> the aggregations behind
  `analysis.keywords`, which keeps the documented public functions.
* `texts_containing(store, doc_ids, term)` -> only the clean texts that hold a term (KWIC).

A selection is passed to DuckDB as a small registered frame (doc_id, group); stopwords are
applied at query time the same way. The scans run over `doc_terms (doc_idx, term_id,
count)`, the content-term rows of token_counts with integer keys, kept by the store at
ingest (`terms` maps ids to terms, `doc_index` doc_ids to doc_idx).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import count as _counter
from typing import TYPE_CHECKING, Final

import duckdb
import pandas as pd

from analysis.filters import Filters, apply_filters

if TYPE_CHECKING:
    from analysis.store import Store

GROUP_TERM_COLUMNS: Final = ("group", "term", "count", "docs")

_names = _counter()
_names_lock = threading.Lock()


def _unique(prefix: str) -> str:
    """A view name no other query on the same connection is using."""
    with _names_lock:
        return f"{prefix}_{next(_names)}"


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, **frames: pd.DataFrame) -> Iterator[dict[str, str]]:
    """Register `frames` on `con` under unique view names (key -> name), for one query."""
    names = {key: _unique(f"_{key}") for key in frames}
    for key, frame in frames.items():
        con.register(names[key], frame)
    try:
        yield names
    finally:
        for name in names.values():
            con.unregister(name)


def selection_frame(groups: pd.DataFrame) -> pd.DataFrame:
    """doc_id, grp (object columns) of a membership frame, as the SQL here reads a selection."""
    return pd.DataFrame(
        {
            "doc_id": groups["doc_id"].astype(str).to_numpy(dtype=object),
            "grp": groups["group"].astype(str).to_numpy(dtype=object),
        }
    )


def stopword_frame(stopwords: Iterable[str]) -> pd.DataFrame:
    """term: the stopwords as a frame to register (sorted, unique)."""
    return pd.DataFrame({"term": pd.Series(sorted(set(stopwords)), dtype="object")})


def selected_doc_ids(store: Store, filters: Filters) -> list[str]:
    """The doc_ids inside `filters`, by the same rules as every page and command."""
    return apply_filters(store.documents(), filters)["doc_id"].astype(str).tolist()


def _top_sql(rows: str, part: str, score: str, n: str) -> str:
    """CTEs ending in `top_rows`: the rows of `rows` whose `score` reaches its partition's
    n-th best. A hash aggregate finds that floor, so the exact ordering (with ties broken
    by term) later sorts only a few rows per partition, not every (group, term) pair.
    """
    return f"""
        floors AS (SELECT {part} AS part, list_min(max({score}, {n})) AS floor
                   FROM {rows} GROUP BY {part}),
        top_rows AS (SELECT r.* FROM {rows} r JOIN floors f ON f.part = r.{part}
                     WHERE r.{score} >= f.floor)
    """


# Each chosen group against all other selected groups: theirs = term total - mine.
_REST_ROWS: Final = """
    SELECT p.grp, yg.term, yg.y, tot.t - yg.y AS r, mine.n AS n_i,
           whole.n_all - mine.n AS n_j, tot.t * $ps AS a
    FROM {pairs} p
    JOIN yg ON yg.grp = p.grp
    JOIN tot ON tot.term = yg.term
    JOIN ng mine ON mine.grp = p.grp
    CROSS JOIN whole
    WHERE yg.y > 0
"""
# Two groups against each other: theirs = the other group's counts (0 where it lacks a term).
_PAIR_ROWS: Final = """
    SELECT p.grp, yg.term, yg.y, coalesce(yo.y, 0) AS r, mine.n AS n_i,
           coalesce(theirs.n, 0) AS n_j, tot.t * $ps AS a
    FROM {pairs} p
    JOIN yg ON yg.grp = p.grp
    JOIN tot ON tot.term = yg.term
    JOIN ng mine ON mine.grp = p.grp
    LEFT JOIN ng theirs ON theirs.grp = p.other
    LEFT JOIN yg yo ON yo.grp = p.other AND yo.term = yg.term
    WHERE yg.y > 0
"""


class TermSource:
    """Token counts and term flags on one DuckDB connection, queried by selection.

    doc_terms holds one row per (document, term), so `count(*)` counts documents.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    @contextmanager
    def _registered(self, **frames: pd.DataFrame) -> Iterator[dict[str, str]]:
        with registered(self.con, **frames) as names:
            yield names

    def _kept_sql(self, sel: str, stop: str) -> str:
        """CTEs ending in `kept`: the selected documents' content-term counts (ids), with
        each row's group; stopwords dropped.
        """
        return f"""
            chosen AS (SELECT i.doc_idx, s.grp FROM {sel} s
                       JOIN doc_index i ON i.doc_id = s.doc_id),
            stop_ids AS (SELECT t.term_id FROM terms t JOIN {stop} st ON st.term = t.term),
            kept AS (
                SELECT chosen.grp, d.doc_idx, d.term_id, d.count
                FROM doc_terms d JOIN chosen ON chosen.doc_idx = d.doc_idx
                WHERE d.term_id NOT IN (SELECT term_id FROM stop_ids)
            )
        """

    def _frames(self, groups: pd.DataFrame, stopwords: Iterable[str]) -> dict[str, pd.DataFrame]:
        return {"sel": selection_frame(groups), "stop": stopword_frame(stopwords)}

    def group_term_counts(
        self, groups: pd.DataFrame, stopwords: Iterable[str], *, top: int | None = None
    ) -> pd.DataFrame:
        """group, term, count (summed), docs (using it) per group, most frequent first.

        `groups` has doc_id and group (one row per selected document); `top` keeps that
        many rows per group (count descending, then term), in SQL.
        """
        top_rows = (
            "top_rows AS (SELECT * FROM summed)"
            if top is None
            else _top_sql("summed", "grp", "count", str(int(top)))
        )
        limit = (
            ""
            if top is None
            else "QUALIFY row_number() OVER (PARTITION BY grp ORDER BY count DESC, t.term) "
            f"<= {int(top)}"
        )
        with self._registered(**self._frames(groups, stopwords)) as n:
            return self.con.execute(
                f"""
                WITH {self._kept_sql(n["sel"], n["stop"])},
                summed AS (
                    SELECT grp, term_id, sum(count)::BIGINT AS count, count(*)::BIGINT AS docs
                    FROM kept GROUP BY grp, term_id
                ),
                {top_rows}
                SELECT grp AS "group", t.term, count, docs
                FROM top_rows JOIN terms t USING (term_id)
                {limit}
                ORDER BY "group", count DESC, t.term
                """
            ).df()

    def log_odds(
        self,
        groups: pd.DataFrame,
        stopwords: Iterable[str],
        pairs: list[tuple[str, str | None]],
        *,
        prior_scale: float,
        top: int,
    ) -> pd.DataFrame:
        """group, term, z, count, count_other for each (group, other) pair, in one pass.

        `other` None means "every other selected group": its counts are the term's total
        minus the group's, so no group is summed once per other group. Per-group counts are
        summed only for the groups compared; term totals over the whole selection. The prior
        is the selection's term totals × prior_scale (see `keywords.log_odds_z`).
        """
        pair_frame = pd.DataFrame(
            {
                "grp": pd.Series([p[0] for p in pairs], dtype="object"),
                "other": pd.Series([p[1] for p in pairs], dtype="object"),
            }
        )
        frames = {**self._frames(groups, stopwords), "pairs": pair_frame}
        rows_sql = _REST_ROWS if all(p[1] is None for p in pairs) else _PAIR_ROWS
        with self._registered(**frames) as n:
            return self.con.execute(
                f"""
                WITH {self._kept_sql(n["sel"], n["stop"])},
                yg AS (SELECT grp, term_id AS term, sum(count)::DOUBLE AS y FROM kept
                       WHERE grp IN (SELECT grp FROM {n["pairs"]}) GROUP BY grp, term_id),
                tot AS (SELECT term_id AS term, sum(count)::DOUBLE AS t
                        FROM kept GROUP BY term_id),
                ng AS (SELECT grp, sum(y) AS n FROM yg GROUP BY grp),
                whole AS (SELECT sum(t) AS n_all FROM tot),
                prior AS (SELECT sum(t * $ps) AS a0 FROM tot),
                rows AS ({rows_sql.format(pairs=n["pairs"])}),
                scored AS (
                    SELECT grp, term,
                           (ln((y + a) / (n_i + a0 - y - a)) - ln((r + a) / (n_j + a0 - r - a)))
                             / sqrt(1.0 / (y + a) + 1.0 / (r + a)) AS z,
                           y, r
                    FROM rows CROSS JOIN prior
                ),
                {_top_sql("scored", "grp", "z", "$top")}
                SELECT grp AS "group", names.term, z,
                       y::BIGINT AS count, r::BIGINT AS count_other
                FROM top_rows JOIN terms names ON names.term_id = top_rows.term
                QUALIFY row_number() OVER (PARTITION BY grp ORDER BY z DESC, names.term) <= $top
                ORDER BY "group", z DESC, names.term
                """,
                {"ps": float(prior_scale), "top": int(top)},
            ).df()

    def tfidf(
        self,
        groups: pd.DataFrame,
        stopwords: Iterable[str],
        *,
        top: int,
        only: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """doc_id, term, tfidf, count: each document's `top` terms against the selection.

        tf = count / content tokens of the document, idf = ln((1 + N) / (1 + df)) + 1 with N
        the number of selected documents (`groups` holds one row per document). `only`
        scores just those documents (idf still counts the whole selection).
        """
        # One row per document: kept then holds one row per (document, term), so df is a
        # row count and no per-(document, term) regrouping is needed (3x faster).
        groups = groups.drop_duplicates("doc_id")
        n_docs = int(groups["doc_id"].astype(str).nunique())
        frames = self._frames(groups, stopwords)
        wanted = frames["sel"] if only is None else pd.DataFrame({"doc_id": list(only)})
        frames["only"] = wanted.astype({"doc_id": object})[["doc_id"]]
        with self._registered(**frames) as n:
            return self.con.execute(
                f"""
                WITH {self._kept_sql(n["sel"], n["stop"])},
                df AS (SELECT term_id, count(*) AS df FROM kept GROUP BY term_id),
                dt AS (SELECT grp AS doc_id, term_id, count FROM kept
                       WHERE grp IN (SELECT doc_id FROM {n["only"]})),
                totals AS (SELECT doc_id, sum(count) AS total FROM dt GROUP BY doc_id),
                scored AS (
                    SELECT dt.doc_id, dt.term_id,
                           dt.count / totals.total * (ln((1 + $n) / (1 + df.df)) + 1) AS tfidf,
                           dt.count
                    FROM dt JOIN df USING (term_id) JOIN totals USING (doc_id)
                ),
                {_top_sql("scored", "doc_id", "tfidf", "$top")}
                SELECT top_rows.doc_id, t.term, tfidf, count::BIGINT AS count
                FROM top_rows JOIN terms t USING (term_id)
                QUALIFY row_number() OVER (PARTITION BY top_rows.doc_id ORDER BY tfidf DESC, t.term)
                        <= $top
                ORDER BY top_rows.doc_id, tfidf DESC, t.term
                """,
                {"n": n_docs, "top": int(top)},
            ).df()

    def counts_of(self, terms: list[str], doc_ids: Iterable[str]) -> pd.DataFrame:
        """doc_id, term, count of the given terms in the given documents (stopwords apply not)."""
        frames = {
            "sel": pd.DataFrame({"doc_id": pd.Series(list(doc_ids), dtype="object").astype(str)}),
            "terms": pd.DataFrame({"term": pd.Series(terms, dtype="object")}),
        }
        with self._registered(**frames) as n:
            return self.con.execute(
                f"""SELECT c.doc_id, c.term, c.count FROM token_counts c
                    WHERE c.doc_id IN (SELECT doc_id FROM {n["sel"]})
                      AND c.term IN (SELECT term FROM {n["terms"]})"""
            ).df()


@contextmanager
def term_source(counts: Store | pd.DataFrame) -> Iterator[TermSource]:
    """A `TermSource` over a store's tables, or over a counts frame (doc_id, term, count)."""
    if isinstance(counts, pd.DataFrame):
        with _frame_connection(counts) as con:
            yield TermSource(con)
        return
    with counts.reader() as con:
        yield TermSource(con)


@contextmanager
def _frame_connection(counts: pd.DataFrame) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory database holding `counts` in the store's query tables (terms,
    doc_index, doc_terms), so the same SQL runs on a frame.
    """
    from analysis.store import content_flags

    frame = pd.DataFrame(
        {
            "doc_id": counts["doc_id"].astype(str).to_numpy(dtype=object),
            "term": counts["term"].astype(str).to_numpy(dtype=object),
            "count": pd.to_numeric(counts["count"]).to_numpy(),
        }
    )
    terms = content_flags(frame["term"])
    terms.insert(0, "term_id", range(1, len(terms) + 1))
    doc_ids = pd.Series(frame["doc_id"].unique(), dtype="object")
    doc_index = pd.DataFrame({"doc_id": doc_ids, "doc_idx": range(1, len(doc_ids) + 1)})
    rows = frame.merge(doc_index, on="doc_id").merge(terms, on="term")
    # One row per (document, term), as in a store: a repeated row is summed.
    doc_terms = (
        rows.loc[rows["content"]].groupby(["doc_idx", "term_id"], as_index=False)["count"].sum()
    )
    con = duckdb.connect(":memory:")
    try:
        con.register("token_counts", frame)
        con.register("terms", terms)
        con.register("doc_index", doc_index)
        con.register("doc_terms", doc_terms)
        yield con
    finally:
        con.close()


def texts_containing(store: Store, doc_ids: Iterable[str], term: str) -> pd.DataFrame:
    """doc_id, text of the selected documents whose clean text contains `term` (for KWIC)."""
    ids = pd.DataFrame({"doc_id": pd.Series(list(doc_ids), dtype="object").astype(str)})
    name = _unique("_kwic")
    with store.reader() as con:
        con.register(name, ids)
        try:
            return con.execute(
                f"""SELECT doc_id, clean_text AS text FROM documents
                    WHERE doc_id IN (SELECT doc_id FROM {name}) AND contains(clean_text, ?)""",
                [term],
            ).df()
        finally:
            con.unregister(name)
