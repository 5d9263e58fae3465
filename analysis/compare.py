"""Comparing groups side by side: headline figures, targets, distinctive terms, and one
entry point (`compare`) that the command line uses for every measure.

Every table is tidy and starts with `group`. Inputs are the frames the store gives
(documents, corpus texts, token counts, quantities); a caller may compute the expensive
per-document parts (theme hits, coded sentences) once and pass them in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import pandas as pd

from analysis.attainment import attainment
from analysis.errors import PolicyLensError
from analysis.groups import group_sizes
from analysis.instruments import InstrumentCodebook, category_mix, code_sentences, instrument_mix
from analysis.keywords import log_odds_z
from analysis.segmentation import is_content_term
from analysis.similarity import count_matrix, similarity_from_counts, similarity_matrix
from analysis.themes import ThemeCodebook, theme_hits, theme_profile

if TYPE_CHECKING:
    from analysis.store import Store

Measure = Literal["themes", "instruments", "targets", "attainment", "similarity"]
MEASURES: Final[tuple[Measure, ...]] = (
    "themes",
    "instruments",
    "targets",
    "attainment",
    "similarity",
)
HEADLINE_COLUMNS: Final[tuple[str, ...]] = (
    "group",
    "documents",
    "chars",
    "targets",
    "top_theme",
    "supply",
    "demand",
    "environment",
)
TARGET_COLUMNS: Final[tuple[str, ...]] = (
    "group",
    "family",
    "unit",
    "metric",
    "comparator",
    "value",
    "value_high",
    "deadline",
    "year",
    "doc_id",
    "sentence",
)
DISTINCTIVE_COLUMNS: Final[tuple[str, ...]] = ("group", "rank", "term", "z", "count")


class CompareError(PolicyLensError, ValueError):
    """A comparison that cannot be made: which option, and what is allowed."""


def compared_targets(quantities: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """The targets of each group (TARGET_COLUMNS), by family and unit so like meets like.

    Values are in the extractor's base units (万辆 → 辆, 亿元 → 元), so two rows with the
    same family and unit are directly comparable.
    """
    targets = quantities[quantities["kind"] == "target"].merge(members, on="doc_id", how="inner")
    return targets.sort_values(["family", "unit", "group", "value"], ignore_index=True)[
        list(TARGET_COLUMNS)
    ]


def distinctive_by_group(
    counts: pd.DataFrame, members: pd.DataFrame, *, stopwords: set[str], top: int = 15
) -> pd.DataFrame:
    """Each group's terms against the other chosen groups (weighted log-odds z, Monroe et al.),
    ranked (DISTINCTIVE_COLUMNS), ready to show in one column per group.
    """
    terms = pd.Series(counts["term"].astype(str).unique())
    keep = set(terms[terms.map(is_content_term)]) - stopwords
    kept = counts[counts["term"].isin(keep)].merge(members, on="doc_id", how="inner")
    if kept["group"].nunique() < 2:
        return pd.DataFrame(columns=list(DISTINCTIVE_COLUMNS))
    groups, terms, table = count_matrix(kept, "group")
    alpha = table.sum(axis=0)
    frames = []
    for index, group in enumerate(groups):
        mine = table[index]
        rest = alpha - mine
        z = log_odds_z(mine, rest, alpha)
        frame = pd.DataFrame({"group": group, "term": terms, "z": z, "count": mine})
        frame = frame[frame["count"] > 0].nlargest(top, "z")
        frames.append(frame.assign(rank=np.arange(1, len(frame) + 1)))
    result = pd.concat(frames, ignore_index=True).astype({"count": "int64"})
    return result[list(DISTINCTIVE_COLUMNS)]


def target_counts(quantities: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """group, targets: how many target quantities each group's documents state (the pandas
    form of `profiles.target_counts`).
    """
    targets = quantities[quantities["kind"] == "target"].merge(members, on="doc_id", how="inner")
    return targets.groupby("group").size().rename("targets").reset_index()


def headline(
    docs: pd.DataFrame,
    members: pd.DataFrame,
    *,
    profile: pd.DataFrame,
    mix: pd.DataFrame,
    targets: pd.DataFrame,
) -> pd.DataFrame:
    """One row per group (HEADLINE_COLUMNS): size, targets, strongest theme, instrument split.

    `targets` is group, targets (`target_counts` or `profiles.target_counts`).
    """
    sizes = group_sizes(docs, members).set_index("group")
    targets = targets.set_index("group")["targets"]
    top_theme = (
        profile.sort_values("per_10k", ascending=False).drop_duplicates("group").set_index("group")
    )
    split = category_mix(mix).pivot(index="group", columns="category", values="share")
    table = sizes.assign(
        targets=targets.reindex(sizes.index, fill_value=0).astype("int64"),
        top_theme=top_theme["label"].where(top_theme["hits"] > 0).reindex(sizes.index),
    )
    for category in ("supply", "demand", "environment"):
        table[category] = split.get(category, pd.Series(dtype=float)).reindex(sizes.index).fillna(0)
    return table.reset_index()[list(HEADLINE_COLUMNS)]


def compare(
    measure: Measure,
    *,
    corpus: pd.DataFrame,
    members: pd.DataFrame,
    counts: pd.DataFrame,
    quantities: pd.DataFrame,
    themes: ThemeCodebook,
    instruments: InstrumentCodebook,
    stopwords: set[str],
) -> pd.DataFrame:
    """The tidy table of one measure, first column `group` (similarity: group, other, similarity).

    `corpus` is the selected documents with text; `members` their groups.
    """
    if measure not in MEASURES:
        raise CompareError(f"measure={measure!r} 无效；可选：{', '.join(MEASURES)}")
    docs = corpus.drop(columns=["text"], errors="ignore")
    if measure == "themes":
        return theme_profile(theme_hits(corpus, themes), members, docs, themes)
    if measure == "instruments":
        return instrument_mix(code_sentences(corpus, instruments), members, docs, instruments)
    chosen = quantities[quantities["doc_id"].isin(members["doc_id"])]
    if measure == "targets":
        return compared_targets(chosen, members)
    if measure == "attainment":
        return attainment(chosen, members)
    matrix = similarity_matrix(counts, members, stopwords=stopwords)
    tidy = matrix.rename_axis(index="group", columns="other").stack().rename("similarity")
    return tidy.reset_index()


def compare_stored(
    measure: Measure,
    store: Store,
    *,
    docs: pd.DataFrame,
    members: pd.DataFrame,
    stopwords: set[str],
    themes: ThemeCodebook | None = None,
    instruments: InstrumentCodebook | None = None,
) -> pd.DataFrame:
    """`compare` on a store: the same tables, computed where the data is.

    `docs` is the filtered selection (documents() rows), `members` the chosen groups of it.
    With the shipped codebooks (`themes` / `instruments` None) themes and instruments are
    SQL aggregations of the codes stored at ingest; a codebook given is applied on the fly
    to the chosen documents' texts only.
    """
    from analysis import profiles
    from analysis.codes import default_codebooks

    if measure not in MEASURES:
        raise CompareError(f"measure={measure!r} 无效；可选：{', '.join(MEASURES)}")
    ids = members["doc_id"].astype(str).tolist()
    if measure == "themes":
        if themes is None:
            return profiles.theme_profile(store, members, docs, default_codebooks()[0])
        return theme_profile(theme_hits(store.texts(ids), themes), members, docs, themes)
    if measure == "instruments":
        if instruments is None:
            return profiles.instrument_mix(store, members, docs, default_codebooks()[1])
        coded = code_sentences(store.texts(ids), instruments)
        return instrument_mix(coded, members, docs, instruments)
    if measure == "targets":
        return compared_targets(store.quantities(ids, documents=docs), members)
    if measure == "attainment":
        return attainment(profiles.quantities_for_attainment(store, members, docs), members)
    labels, matrix = profiles.term_matrix(store, members, stopwords, max_terms=SIMILARITY_TERMS)
    tidy = similarity_from_counts(labels, matrix).rename_axis(index="group", columns="other")
    return tidy.stack().rename("similarity").reset_index()


SIMILARITY_TERMS: Final = 20_000  # most frequent terms group similarity compares


__all__ = [
    "DISTINCTIVE_COLUMNS",
    "HEADLINE_COLUMNS",
    "MAP_MEASURES",
    "MAP_MEASURE_LABELS",
    "MEASURES",
    "TARGET_COLUMNS",
    "CompareError",
    "compare",
    "compare_stored",
    "compared_targets",
    "distinctive_by_group",
    "headline",
    "map_input",
    "province_values",
    "target_counts",
]


MAP_MEASURES: Final[tuple[str, ...]] = (
    "documents",
    "targets",
    "theme",
    "supply",
    "demand",
    "environment",
)
MAP_MEASURE_LABELS: Final[dict[str, str]] = {
    "documents": "文档数",
    "targets": "目标数",
    "theme": "主题强度（每万字）",
    "supply": "供给型工具占比",
    "demand": "需求型工具占比",
    "environment": "环境型工具占比",
}


def map_input(measure: str) -> str:
    """Which table `province_values` needs for `measure`: members, targets, profile or mix."""
    if measure not in MAP_MEASURES:
        raise CompareError(f"measure={measure!r} 无效；可选：{', '.join(MAP_MEASURES)}")
    return {"documents": "members", "targets": "targets", "theme": "profile"}.get(measure, "mix")


def province_values(measure: str, table: pd.DataFrame, *, theme: str | None = None) -> pd.DataFrame:
    """province, value: one measure per area (provinces, or the cities of one province,
    see `groups.area_membership`), for the map, from the one table the measure needs
    (`map_input`): the areas' membership, target counts, theme profile or instrument mix.
    """
    kind = map_input(measure)
    if kind == "members":
        values = table.groupby("group").size().astype(float)
    elif kind == "targets":
        values = table.set_index("group")["targets"].astype(float)
    elif kind == "profile":
        values = table[table["theme"] == theme].set_index("group")["per_10k"]
    else:
        split = category_mix(table)
        values = split[split["category"] == measure].set_index("group")["share"]
    return pd.DataFrame({"province": values.index, "value": values.to_numpy(dtype=float)})
