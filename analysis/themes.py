"""Themes: how much each group's texts talk about NEVs, charging, talent, growth …

The codebook is data (`analysis/data/themes.toml`, documented there) that a user can
read, extend or replace. A theme's weight in a group is the number of occurrences of its
words per 10,000 characters of the group's clean text, so a long work report and a short
speech are compared fairly; every cell leads to the sentences behind it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

import ahocorasick
import pandas as pd

from analysis.coding import attach_sentences, build_automaton, sentence_matches
from analysis.errors import PolicyLensError
from analysis.groups import group_sizes
from analysis.types import Span

THEMES_PATH: Final = Path(__file__).parent / "data" / "themes.toml"
CODEBOOK_COLUMNS: Final[tuple[str, ...]] = ("theme", "label", "group", "description", "terms")
HIT_COLUMNS: Final[tuple[str, ...]] = ("doc_id", "theme", "term", "start", "end", "pos")
PROFILE_COLUMNS: Final[tuple[str, ...]] = (
    "group",
    "theme",
    "label",
    "hits",
    "sentences",
    "docs",
    "chars",
    "per_10k",
    "share",
)
SENTENCE_COLUMNS: Final[tuple[str, ...]] = ("group", "doc_id", "theme", "terms", "sentence")
THEME_COUNT_COLUMNS: Final[tuple[str, ...]] = ("group", "theme", "hits", "docs", "sentences")


class CodebookError(PolicyLensError, ValueError):
    """A codebook file that cannot be used: what is wrong and where."""


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    label: str
    group: str
    description: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ThemeCodebook:
    themes: tuple[Theme, ...]

    def term_index(self) -> dict[str, str]:
        """term -> theme id."""
        return {term: theme.id for theme in self.themes for term in theme.terms}

    def labels(self) -> dict[str, str]:
        return {theme.id: theme.label for theme in self.themes}

    def frame(self) -> pd.DataFrame:
        """The codebook as a table (CODEBOOK_COLUMNS), terms joined by '、'."""
        return pd.DataFrame(
            [(t.id, t.label, t.group, t.description, "、".join(t.terms)) for t in self.themes],
            columns=list(CODEBOOK_COLUMNS),
        )


def parse_themes(text: str, *, source: str = "主题词表") -> ThemeCodebook:
    """A theme codebook from TOML text; CodebookError says what is wrong.

    >>> book = parse_themes('[[theme]]\\nid = "x"\\nlabel = "换电"\\nterms = ["换电站"]')
    >>> book.term_index()
    {'换电站': 'x'}
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CodebookError(f"{source} 不是有效的 TOML：{exc}") from exc
    entries = data.get("theme")
    if not isinstance(entries, list) or not entries:
        raise CodebookError(f"{source} 里没有 [[theme]] 条目")
    themes = tuple(_theme(entry, number, source) for number, entry in enumerate(entries, 1))
    _check_unique(themes, source)
    return ThemeCodebook(themes)


def _theme(entry: object, number: int, source: str) -> Theme:
    if not isinstance(entry, dict):
        raise CodebookError(f"{source} 第 {number} 个主题不是表")
    missing = [k for k in ("id", "label", "terms") if not entry.get(k)]
    if missing:
        raise CodebookError(f"{source} 第 {number} 个主题缺少 {', '.join(missing)}")
    terms = entry["terms"]
    if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
        raise CodebookError(f"{source} 主题 {entry['id']} 的 terms 应为非空字符串列表")
    return Theme(
        id=str(entry["id"]),
        label=str(entry["label"]),
        group=str(entry.get("group", "")),
        description=str(entry.get("description", "")),
        terms=tuple(dict.fromkeys(t.strip() for t in terms)),
    )


def _check_unique(themes: tuple[Theme, ...], source: str) -> None:
    """A word in two themes would be counted for whichever matched first: refuse it."""
    seen: dict[str, str] = {}
    ids: set[str] = set()
    for theme in themes:
        if theme.id in ids:
            raise CodebookError(f"{source} 中主题编号 {theme.id} 出现了两次")
        ids.add(theme.id)
        for term in theme.terms:
            if term in seen:
                raise CodebookError(
                    f"{source} 中“{term}”同时属于 {seen[term]} 和 {theme.id}；"
                    "每个词只能属于一个主题"
                )
            seen[term] = theme.id


def read_codebook(file: Path, what: str) -> str:
    """A codebook file's text; a missing or non-UTF-8 file is a CodebookError naming it."""
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(f"无法读取{what} {file}：{exc}") from exc


def load_themes(path: str | Path | None = None) -> ThemeCodebook:
    """The shipped codebook, or the one at `path`."""
    file = Path(path) if path is not None else THEMES_PATH
    return parse_themes(read_codebook(file, "主题词表"), source=str(file))


@lru_cache(maxsize=8)
def _automaton(codebook: ThemeCodebook) -> ahocorasick.Automaton:
    """One automaton per codebook: ingest codes each document on its own."""
    return build_automaton(codebook.term_index())


HitRow = tuple[str, str, str, int, int, int]  # HIT_COLUMNS


def hit_rows(
    doc_id: str, text: str, codebook: ThemeCodebook, sentences: list[Span] | None = None
) -> list[HitRow]:
    """The theme-word occurrences of one text as HIT_COLUMNS tuples, in text order."""
    index = codebook.term_index()
    return [
        (doc_id, index[term], term, start, end, pos)
        for _, start, end, term, pos in sentence_matches(text, _automaton(codebook), sentences)
        if term in index
    ]


def theme_hits(corpus: pd.DataFrame, codebook: ThemeCodebook) -> pd.DataFrame:
    """Every occurrence of a theme word (HIT_COLUMNS), with its sentence's span.

    `corpus` needs doc_id and text. Computed once per corpus and codebook (at ingest for
    the shipped codebook, see `analysis.codes`); the profiles of any grouping are
    aggregations of it.
    """
    rows = [
        row
        for doc_id, text in zip(corpus["doc_id"].astype(str), corpus["text"], strict=True)
        for row in hit_rows(doc_id, text, codebook)
    ]
    return hits_frame(rows)


def hits_frame(rows: list[HitRow]) -> pd.DataFrame:
    """HIT_COLUMNS from `hit_rows` tuples."""
    frame = pd.DataFrame(rows, columns=list(HIT_COLUMNS))
    return frame.astype({"start": "int64", "end": "int64", "pos": "int64"})


def theme_profile(
    hits: pd.DataFrame, members: pd.DataFrame, docs: pd.DataFrame, codebook: ThemeCodebook
) -> pd.DataFrame:
    """Per group and theme: hits, sentences, docs, chars, per_10k and share (PROFILE_COLUMNS).

    per_10k = hits × 10,000 / characters of the group; share = the theme's hits over all
    theme hits of the group (a profile that sums to 1). Every theme appears for every
    group, with zeros, so heatmaps have no holes.

    >>> from analysis.groups import membership
    >>> docs = pd.DataFrame({"doc_id": ["a"], "province": ["安徽省"], "city": ["合肥市"],
    ...                      "year": [2025], "doc_type": ["speech"], "chars": [100]})
    >>> book = parse_themes('[[theme]]\\nid = "c"\\nlabel = "充换电"\\nterms = ["换电站"]')
    >>> hits = theme_hits(docs.assign(text="建设换电站。换电站。"), book)
    >>> table = theme_profile(hits, membership(docs), docs, book)
    >>> table[["group", "hits", "per_10k"]].values.tolist()
    [['安徽省', 2, 200.0]]
    """
    return profile_table(theme_counts(hits, members), group_sizes(docs, members), codebook)


def theme_counts(hits: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """group, theme, hits, docs, sentences (THEME_COUNT_COLUMNS) of the groups' hits.

    The pandas form of `profiles.theme_counts`, which runs the same count in the store.
    """
    joined = hits.merge(members, on="doc_id", how="inner")
    keys = ["group", "theme"]
    counted = joined.groupby(keys).agg(hits=("term", "size"), docs=("doc_id", "nunique"))
    distinct = joined.drop_duplicates([*keys, "doc_id", "start"])
    counted["sentences"] = distinct.groupby(keys).size()
    return counted.reset_index()[list(THEME_COUNT_COLUMNS)]


def profile_table(
    counts: pd.DataFrame, sizes: pd.DataFrame, codebook: ThemeCodebook
) -> pd.DataFrame:
    """PROFILE_COLUMNS from per-group counts (THEME_COUNT_COLUMNS) and group sizes
    (`groups.SIZE_COLUMNS`): every group × theme, zeros filled, per_10k and share added.
    """
    sizes = sizes.set_index("group")
    grid = pd.MultiIndex.from_product(
        [sizes.index, [t.id for t in codebook.themes]], names=["group", "theme"]
    )
    keys = ["group", "theme"]
    counted = counts.set_index(keys)[["hits", "docs", "sentences"]]
    table = counted.reindex(grid, fill_value=0).reset_index()
    table["chars"] = table["group"].map(sizes["chars"]).astype("int64")
    table["per_10k"] = (table["hits"] * 10_000 / table["chars"].where(table["chars"] > 0)).fillna(
        0.0
    )
    totals = table.groupby("group")["hits"].transform("sum")
    table["share"] = (table["hits"] / totals.where(totals > 0)).fillna(0.0)
    table["label"] = table["theme"].map(codebook.labels())
    return table.astype({"hits": "int64", "sentences": "int64", "docs": "int64"})[
        list(PROFILE_COLUMNS)
    ]


def theme_sentences(
    hits: pd.DataFrame,
    members: pd.DataFrame,
    texts: Mapping[str, str],
    *,
    theme: str,
    group: str | None = None,
    limit: int | None = 200,
) -> pd.DataFrame:
    """The sentences behind one heatmap cell (SENTENCE_COLUMNS), each with its matched words."""
    chosen = hits[hits["theme"] == theme].merge(members, on="doc_id", how="inner")
    if group is not None:
        chosen = chosen[chosen["group"] == group]
    table = chosen.groupby(["group", "doc_id", "start", "end"], as_index=False, sort=False).agg(
        terms=("term", lambda t: "、".join(dict.fromkeys(t)))
    )
    if limit is not None:
        table = table.head(limit)
    table = attach_sentences(table.assign(theme=theme), texts)
    return table[list(SENTENCE_COLUMNS)].reset_index(drop=True)


__all__ = [
    "CODEBOOK_COLUMNS",
    "HIT_COLUMNS",
    "PROFILE_COLUMNS",
    "SENTENCE_COLUMNS",
    "THEME_COUNT_COLUMNS",
    "CodebookError",
    "HitRow",
    "Theme",
    "ThemeCodebook",
    "hit_rows",
    "hits_frame",
    "load_themes",
    "parse_themes",
    "profile_table",
    "theme_counts",
    "theme_hits",
    "theme_profile",
    "theme_sentences",
]
