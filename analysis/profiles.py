"""Group profiles where the data is: SQL over the store's stored codes, quantities and
term counts, for the regions comparison.

Every function takes the store and a membership frame (doc_id, group; see
`analysis.groups`) of the chosen groups only, registers it with DuckDB (the selection is
pushed down into the scan) and returns a small table; the per-group finishing (zeros
filled, per 10,000 characters, shares) is the same code the pandas path runs
(`themes.profile_table`, `instruments.mix_table`), so the two cannot drift. Only the
shipped codebooks are stored (see `analysis.codes`); a user's own codebook is applied on
the fly by `themes` / `instruments`.

Tables (columns as documented in the modules named):

* `theme_profile` -> themes.PROFILE_COLUMNS; `instrument_mix` -> instruments.MIX_COLUMNS
* `target_counts` -> group, targets (with the two above, the input of `compare.headline`)
* `theme_cell_sentences` -> themes.SENTENCE_COLUMNS; `instrument_cell_sentences` ->
  group, doc_id, category, instrument, label, cues, sentence (a chart cell's sentences,
  the sentence text cut out of the clean text in SQL)
* `stored_theme_hits` / `stored_codes` -> themes.HIT_COLUMNS / instruments.CODED_COLUMNS
* `distinctive_terms` -> compare.DISTINCTIVE_COLUMNS, by the keywords' SQL path
* `nearest_documents` -> similarity.NEAREST_COLUMNS, in SQL (ten rows come back)
* `term_matrix` -> labels, term ids and counts for similarity (`similarity.similarity_from_counts`)
* `quantities_for_attainment` -> what `attainment.attainment` needs for the chosen groups
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from analysis.compare import DISTINCTIVE_COLUMNS
from analysis.groups import group_sizes, in_groups
from analysis.instruments import CODED_COLUMNS, InstrumentCodebook, mix_table
from analysis.queries import registered, selection_frame, stopword_frame, term_source
from analysis.similarity import NEAREST_COLUMNS, NEAREST_TERMS, SimilarityError
from analysis.themes import HIT_COLUMNS, SENTENCE_COLUMNS, ThemeCodebook, profile_table

if TYPE_CHECKING:
    from analysis.store import Store

CODED_SENTENCE_COLUMNS: Final[tuple[str, ...]] = (
    "group",
    "doc_id",
    "category",
    "instrument",
    "label",
    "cues",
    "sentence",
)
SENTENCE_LIMIT: Final = 200  # sentences listed under a chart cell


def _query(
    store: Store, sql: str, params: dict | None = None, **frames: pd.DataFrame
) -> pd.DataFrame:
    """Run `sql` (with {name} placeholders for the registered `frames`) and return a frame."""
    with store.reader() as con, registered(con, **frames) as names:
        return con.execute(sql.format(**names), params or {}).df()


def theme_counts(store: Store, members: pd.DataFrame) -> pd.DataFrame:
    """group, theme, hits, docs, sentences (themes.THEME_COUNT_COLUMNS) from stored hits."""
    return _query(
        store,
        """SELECT s.grp AS "group", h.theme, count(*)::BIGINT AS hits,
                  count(DISTINCT h.doc_id)::BIGINT AS docs,
                  count(DISTINCT (h.doc_id, h.start))::BIGINT AS sentences
           FROM theme_hits h JOIN {sel} s ON s.doc_id = h.doc_id
           GROUP BY ALL""",
        sel=selection_frame(members),
    )


def instrument_counts(store: Store, members: pd.DataFrame) -> pd.DataFrame:
    """group, instrument, sentences from the stored instrument codes."""
    return _query(
        store,
        """SELECT s.grp AS "group", c.instrument, count(*)::BIGINT AS sentences
           FROM instrument_codes c JOIN {sel} s ON s.doc_id = c.doc_id
           GROUP BY ALL""",
        sel=selection_frame(members),
    )


def theme_profile(
    store: Store, members: pd.DataFrame, docs: pd.DataFrame, codebook: ThemeCodebook
) -> pd.DataFrame:
    """themes.PROFILE_COLUMNS of the groups in `members`, from the stored hits."""
    return profile_table(theme_counts(store, members), group_sizes(docs, members), codebook)


def instrument_mix(
    store: Store, members: pd.DataFrame, docs: pd.DataFrame, codebook: InstrumentCodebook
) -> pd.DataFrame:
    """instruments.MIX_COLUMNS of the groups in `members`, from the stored codes."""
    return mix_table(instrument_counts(store, members), group_sizes(docs, members), codebook)


def target_counts(store: Store, members: pd.DataFrame) -> pd.DataFrame:
    """group, targets: how many target quantities each group's documents state."""
    return _query(
        store,
        """SELECT s.grp AS "group", count(*)::BIGINT AS targets
           FROM quantities q JOIN {sel} s ON s.doc_id = q.doc_id
           WHERE q.kind = 'target' GROUP BY ALL""",
        sel=selection_frame(members),
    )


def _sentences(store: Store, members: pd.DataFrame, sql: str, **params: object) -> pd.DataFrame:
    frame = _query(store, sql, {**params, "limit": SENTENCE_LIMIT}, sel=selection_frame(members))
    return frame.assign(sentence=frame["sentence"].fillna("").str.strip())


def theme_cell_sentences(
    store: Store, members: pd.DataFrame, *, theme: str, group: str
) -> pd.DataFrame:
    """The sentences behind one heatmap cell (themes.SENTENCE_COLUMNS), documents in
    `Store.corpus` order and sentences in text order, as `themes.theme_sentences` lists
    them; only those sentences are read from the store.
    """
    return _sentences(
        store,
        members,
        """WITH cell AS (
             SELECT s.grp, h.doc_id, d.source, h.start, h."end",
                    string_agg(h.term, '、' ORDER BY h.pos) AS words, min(h.pos) AS first
             FROM theme_hits h JOIN {sel} s ON s.doc_id = h.doc_id
             JOIN documents d ON d.doc_id = h.doc_id
             WHERE h.theme = $theme AND s.grp = $grp
             GROUP BY ALL ORDER BY d.source, h.doc_id, first LIMIT $limit)
           SELECT c.grp AS "group", c.doc_id, $theme AS theme, c.words AS terms,
                  substr(d.clean_text, c.start + 1, c."end" - c.start) AS sentence
           FROM cell c JOIN documents d ON d.doc_id = c.doc_id
           ORDER BY c.source, c.doc_id, c.first""",
        theme=theme,
        grp=group,
    ).pipe(_unique_words, "terms")[list(SENTENCE_COLUMNS)]


def _unique_words(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """'、'-joined words with repeats dropped, first occurrence first (as the pandas path)."""
    return frame.assign(
        **{column: frame[column].map(lambda w: "、".join(dict.fromkeys(w.split("、"))))}
    )


def instrument_cell_sentences(
    store: Store, members: pd.DataFrame, *, instrument: str, group: str
) -> pd.DataFrame:
    """The coded sentences behind one bar segment (CODED_SENTENCE_COLUMNS), in text order."""
    return _sentences(
        store,
        members,
        """WITH cell AS (
             SELECT s.grp, c.* FROM instrument_codes c JOIN {sel} s ON s.doc_id = c.doc_id
             WHERE c.instrument = $instrument AND s.grp = $grp
             ORDER BY c.doc_id, c.start LIMIT $limit)
           SELECT c.grp AS "group", c.doc_id, c.category, c.instrument, c.label, c.cues,
                  substr(d.clean_text, c.start + 1, c."end" - c.start) AS sentence
           FROM cell c JOIN documents d ON d.doc_id = c.doc_id
           ORDER BY c.doc_id, c.start""",
        instrument=instrument,
        grp=group,
    )[list(CODED_SENTENCE_COLUMNS)]


def stored_theme_hits(store: Store, doc_ids: Iterable[str]) -> pd.DataFrame:
    """themes.HIT_COLUMNS of `doc_ids`, as stored at ingest (doc_id, pos order)."""
    return _stored(store, "theme_hits", HIT_COLUMNS, "doc_id, pos", doc_ids)


def stored_codes(store: Store, doc_ids: Iterable[str]) -> pd.DataFrame:
    """instruments.CODED_COLUMNS of `doc_ids`, as stored at ingest (doc_id, start order)."""
    return _stored(store, "instrument_codes", CODED_COLUMNS, "doc_id, start", doc_ids)


def _stored(
    store: Store, table: str, columns: Sequence[str], order: str, doc_ids: Iterable[str]
) -> pd.DataFrame:
    ids = pd.DataFrame({"doc_id": pd.Series(list(doc_ids), dtype="object").astype(str)})
    listed = ", ".join(f'"{c}"' for c in columns)
    frame = _query(
        store,
        f"SELECT {listed} FROM {table} WHERE doc_id IN (SELECT doc_id FROM {{ids}}) "
        f"ORDER BY {order}",
        ids=ids,
    )
    ints = [c for c in ("start", "end", "pos", "score") if c in frame]
    return frame.astype(dict.fromkeys(ints, "int64"))


def term_matrix(
    store: Store, members: pd.DataFrame, stopwords: Iterable[str], *, max_terms: int | None
) -> tuple[list[str], np.ndarray]:
    """Row labels (groups, sorted) and the dense group × term count matrix of the content
    terms of `members`' documents (stopwords dropped), over the `max_terms` most frequent
    terms (ties by term, as `similarity.similarity_matrix` keeps them).
    """
    limit = "" if max_terms is None else f"LIMIT {int(max_terms)}"
    frame = _query(
        store,
        f"""WITH chosen AS (SELECT i.doc_idx, s.grp FROM {{sel}} s
                            JOIN doc_index i ON i.doc_id = s.doc_id),
            stop_ids AS (SELECT t.term_id FROM terms t JOIN {{stop}} st ON st.term = t.term),
            summed AS (SELECT c.grp, d.term_id, sum(d.count)::DOUBLE AS count
                       FROM doc_terms d JOIN chosen c ON c.doc_idx = d.doc_idx
                       WHERE d.term_id NOT IN (SELECT term_id FROM stop_ids)
                       GROUP BY ALL),
            top AS (SELECT s.term_id, row_number() OVER (ORDER BY sum(s.count) DESC, t.term)
                           AS col
                    FROM summed s JOIN terms t ON t.term_id = s.term_id
                    GROUP BY s.term_id, t.term ORDER BY sum(s.count) DESC, t.term {limit})
            SELECT s.grp, top.col, s.count FROM summed s JOIN top ON top.term_id = s.term_id""",
        sel=selection_frame(members),
        stop=stopword_frame(stopwords),
    )
    rows, labels = pd.factorize(frame["grp"], sort=True)
    matrix = np.zeros((len(labels), int(frame["col"].max()) if len(frame) else 0))
    np.add.at(matrix, (rows, frame["col"].to_numpy() - 1), frame["count"].to_numpy(float))
    return [str(label) for label in labels], matrix


def nearest_documents(
    store: Store,
    doc_ids: Iterable[str],
    doc_id: str,
    stopwords: Iterable[str],
    *,
    top: int = 10,
    max_terms: int = NEAREST_TERMS,
) -> pd.DataFrame:
    """similarity.NEAREST_COLUMNS: the `top` documents of `doc_ids` most similar to
    `doc_id`, computed in SQL as `similarity.nearest_documents` computes it (TF-IDF over
    the `max_terms` most frequent content terms of `doc_ids`, cosine), so only ten rows
    come back however many documents are compared. SimilarityError if `doc_id` has no
    content term among them.
    """
    ids = pd.Series(list(doc_ids), dtype="object").astype(str)
    frame = _query(
        store,
        f"""WITH chosen AS (SELECT i.doc_idx, s.doc_id FROM {{sel}} s
                            JOIN doc_index i ON i.doc_id = s.doc_id),
            stop_ids AS (SELECT t.term_id FROM terms t JOIN {{stop}} st ON st.term = t.term),
            kept AS (SELECT d.doc_idx, d.term_id, d.count::DOUBLE AS count
                     FROM doc_terms d JOIN chosen c ON c.doc_idx = d.doc_idx
                     WHERE d.term_id NOT IN (SELECT term_id FROM stop_ids)),
            top AS (SELECT k.term_id FROM kept k JOIN terms t ON t.term_id = k.term_id
                    GROUP BY k.term_id, t.term ORDER BY sum(k.count) DESC, t.term
                    LIMIT {int(max_terms)}),
            rows AS (SELECT * FROM kept WHERE term_id IN (SELECT term_id FROM top)),
            n AS (SELECT count(DISTINCT doc_idx) AS n FROM rows),
            df AS (SELECT term_id, count(*) AS df FROM rows GROUP BY term_id),
            tot AS (SELECT doc_idx, sum(count) AS total FROM rows GROUP BY doc_idx),
            w AS (SELECT r.doc_idx, r.term_id,
                         r.count / tot.total * (ln((1 + n.n) / (1 + df.df)) + 1) AS w
                  FROM rows r JOIN tot USING (doc_idx) JOIN df USING (term_id) CROSS JOIN n),
            norms AS (SELECT doc_idx, sqrt(sum(w * w)) AS norm FROM w GROUP BY doc_idx),
            me AS (SELECT w.term_id, w.w / norms.norm AS w FROM w JOIN norms USING (doc_idx)
                   WHERE w.doc_idx = (SELECT doc_idx FROM chosen WHERE doc_id = $doc)),
            dots AS (SELECT w.doc_idx, sum(w.w * me.w) AS dot FROM w JOIN me USING (term_id)
                     GROUP BY w.doc_idx)
            SELECT c.doc_id, coalesce(dots.dot / norms.norm, 0.0) AS similarity,
                   (SELECT count(*) FROM me) AS mine
            FROM norms JOIN chosen c USING (doc_idx) LEFT JOIN dots USING (doc_idx)
            ORDER BY similarity DESC, c.doc_id""",
        {"doc": doc_id},
        sel=pd.DataFrame({"doc_id": ids}),
        stop=stopword_frame(stopwords),
    )
    if frame.empty or not frame["mine"].iloc[0]:
        raise SimilarityError(f"文档 {doc_id} 没有可比较的实词")
    frame = frame[frame["doc_id"] != doc_id].head(top)
    return frame[list(NEAREST_COLUMNS)].reset_index(drop=True)


def distinctive_terms(
    store: Store, members: pd.DataFrame, stopwords: Iterable[str], *, top: int = 15
) -> pd.DataFrame:
    """compare.DISTINCTIVE_COLUMNS: each group's terms against the other groups of
    `members` (weighted log-odds z, prior = their term totals), by the keywords' SQL path
    (`queries.TermSource.log_odds`); the same table `compare.distinctive_by_group` gives.
    """
    if members["group"].nunique() < 2:
        return pd.DataFrame(columns=list(DISTINCTIVE_COLUMNS))
    pairs: list[tuple[str, str | None]] = [(g, None) for g in sorted(members["group"].unique())]
    with term_source(store) as source:
        table = source.log_odds(members, stopwords, pairs, prior_scale=1.0, top=top)
    ranked = table.assign(rank=table.groupby("group").cumcount() + 1)
    return ranked.astype({"count": "int64", "rank": "int64"})[list(DISTINCTIVE_COLUMNS)]


def quantities_for_attainment(
    store: Store, chosen: pd.DataFrame, selection: pd.DataFrame
) -> pd.DataFrame:
    """The quantities `attainment.attainment` reads for the chosen groups: the targets of
    their documents, and the achievements of documents of the whole selection (a result
    for 2025 is in a 2026 report, which may be outside the chosen groups) one year after
    a target year, in provinces the chosen documents belong to. Same columns and row order
    as `Store.quantities`, so the attainment table is the one the whole selection gives.
    """
    mine = in_groups(selection, chosen)
    years = pd.to_numeric(mine["year"], errors="coerce").dropna().astype(int) + 1
    same_province = selection["province"].isin(set(mine["province"].dropna())) | (
        selection["province"].isna() & mine["province"].isna().any()
    )
    later = selection[
        pd.to_numeric(selection["year"], errors="coerce").isin(set(years)) & same_province
    ]
    wanted = pd.concat(
        [
            pd.DataFrame({"doc_id": mine["doc_id"], "kind": "target"}),
            pd.DataFrame({"doc_id": later["doc_id"], "kind": "achievement"}),
        ],
        ignore_index=True,
    ).astype(object)
    rows = store.quantities(wanted["doc_id"].unique().tolist(), documents=selection)
    keep = rows.merge(wanted.drop_duplicates(), on=["doc_id", "kind"], how="left", indicator=True)
    return rows[(keep["_merge"] == "both").to_numpy()].reset_index(drop=True)


__all__ = [
    "CODED_SENTENCE_COLUMNS",
    "SENTENCE_LIMIT",
    "distinctive_terms",
    "instrument_cell_sentences",
    "instrument_counts",
    "instrument_mix",
    "nearest_documents",
    "quantities_for_attainment",
    "stored_codes",
    "stored_theme_hits",
    "target_counts",
    "term_matrix",
    "theme_cell_sentences",
    "theme_counts",
    "theme_profile",
]
