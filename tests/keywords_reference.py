"""The pandas keyword analyses as they were before the queries moved into DuckDB.

Kept verbatim as the reference the SQL versions in `analysis.keywords` must reproduce
(tests/test_queries.py) and as the named baseline of bench/page_latency.py. Not product
code: nothing in analysis/ or pages/ imports it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal

import numpy as np
import pandas as pd

from analysis.errors import PolicyLensError
from analysis.filters import with_region
from analysis.segmentation import is_content_term

FrequencyGrouping = Literal[None, "region", "year", "doc"]
Grouping = Literal["region", "year", "doc_type"]

FREQUENCY_COLUMNS: Final = ("group", "term", "count", "per_10k", "docs")
DISTINCTIVE_COLUMNS: Final = ("group", "term", "z", "count", "count_other")
TREND_COLUMNS: Final = ("year", "region", "term", "count", "per_10k")
KWIC_COLUMNS: Final = (
    "doc_id",
    "source",
    "province",
    "city",
    "year",
    "left",
    "term",
    "right",
    "start",
)
DOC_KEYWORD_COLUMNS: Final = ("doc_id", "term", "tfidf", "count")

UNKNOWN_YEAR: Final = "未知年份"


class KeywordError(PolicyLensError, ValueError):
    """An analysis option that cannot be used: which parameter, what value, what is allowed."""


# --------------------------------------------------------------------------- groups


def region_labels(docs: pd.DataFrame) -> pd.Series:
    """One label per document (`湖北省 武汉市`), the same labels the filters and charts use."""
    return with_region(docs)["region"]


def _year_labels(docs: pd.DataFrame) -> pd.Series:
    years = pd.to_numeric(docs["year"], errors="coerce")
    return years.map(lambda y: UNKNOWN_YEAR if pd.isna(y) else str(int(y)))


def group_labels(docs: pd.DataFrame, by: str | None) -> pd.Series:
    """The group of each document for a grouping option, indexed like `docs`."""
    if by is None:
        return pd.Series("", index=docs.index)
    if by == "region":
        return region_labels(docs)
    if by == "year":
        return _year_labels(docs)
    if by == "doc":
        return docs["doc_id"].astype(str)
    if by == "doc_type":
        return docs["doc_type"].fillna("other").astype(str)
    raise KeywordError(f"by={by!r} 无效；可选：None, region, year, doc, doc_type")


def _check_columns(frame: pd.DataFrame, name: str, needed: Iterable[str]) -> None:
    missing = sorted(set(needed) - set(frame.columns))
    if missing:
        raise KeywordError(f"{name} 缺少列 {missing}")


def _content_counts(
    counts: pd.DataFrame, docs: pd.DataFrame, stopwords: Iterable[str], by: str | None
) -> pd.DataFrame:
    """Counts of the selected documents' content terms, with each row's group."""
    _check_columns(counts, "counts", ("doc_id", "term", "count"))
    _check_columns(docs, "docs", ("doc_id",))
    groups = pd.DataFrame({"doc_id": docs["doc_id"].astype(str), "group": group_labels(docs, by)})
    terms = counts["term"].astype(str)
    unique = pd.Series(terms.unique())
    keep = set(unique[unique.map(is_content_term)]) - set(stopwords)
    kept = counts[terms.isin(keep)].assign(doc_id=lambda f: f["doc_id"].astype(str))
    return kept.merge(groups, on="doc_id", how="inner")


def _group_chars(docs: pd.DataFrame, by: str | None) -> pd.Series:
    chars = pd.to_numeric(docs["chars"], errors="coerce").fillna(0)
    return chars.groupby(group_labels(docs, by).to_numpy()).sum()


def _per_10k(count: pd.Series, chars: pd.Series) -> pd.Series:
    return (count * 10_000 / chars.where(chars > 0)).fillna(0.0).astype(float)


def _top_per_group(frame: pd.DataFrame, sort: list[str], top: int | None) -> pd.DataFrame:
    ascending = [col in ("group", "term", "doc_id") for col in sort]
    frame = frame.sort_values(sort, ascending=ascending, kind="stable")
    if top is not None:
        if top < 1:
            raise KeywordError(f"top={top} 无效：至少为 1，或 None 表示全部")
        frame = frame.groupby(sort[0], sort=False).head(top)
    return frame.reset_index(drop=True)


# --------------------------------------------------------------------------- frequencies


def keyword_frequencies(
    counts: pd.DataFrame,
    docs: pd.DataFrame,
    *,
    stopwords: set[str],
    by: FrequencyGrouping = None,
    top: int | None = None,
) -> pd.DataFrame:
    """The most frequent content terms, overall or per region/year/document.

    per_10k makes groups of different length comparable (occurrences per 10,000
    characters of the group's clean text); docs says how many documents use the term.

    >>> counts = pd.DataFrame({"doc_id": ["a", "a", "a"], "term": ["换电站", "的", "2025"],
    ...                        "count": [3, 9, 1]})
    >>> docs = pd.DataFrame({"doc_id": ["a"], "chars": [1000]})
    >>> keyword_frequencies(counts, docs, stopwords={"的"}).values.tolist()
    [['', '换电站', 3, 30.0, 1]]
    """
    _check_columns(docs, "docs", ("doc_id", "chars"))
    kept = _content_counts(counts, docs, stopwords, by)
    table = kept.groupby(["group", "term"], as_index=False).agg(
        count=("count", "sum"), docs=("doc_id", "nunique")
    )
    chars = table["group"].map(_group_chars(docs, by))
    table["per_10k"] = _per_10k(table["count"], chars)
    table = table.astype({"count": "int64", "docs": "int64"})[list(FREQUENCY_COLUMNS)]
    return _top_per_group(table, ["group", "count", "term"], top)


# --------------------------------------------------------------------------- distinctive terms


def log_odds_z(y_i: np.ndarray, y_j: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Weighted log-odds z-scores with an informative Dirichlet prior (Monroe et al. 2008).

    delta = log((y_i+a)/(n_i+a0-y_i-a)) - log((y_j+a)/(n_j+a0-y_j-a)),
    var = 1/(y_i+a) + 1/(y_j+a), z = delta / sqrt(var); n = sum(y), a0 = sum(a).
    """
    n_i, n_j, a0 = y_i.sum(), y_j.sum(), alpha.sum()
    delta = np.log((y_i + alpha) / (n_i + a0 - y_i - alpha)) - np.log(
        (y_j + alpha) / (n_j + a0 - y_j - alpha)
    )
    return delta / np.sqrt(1.0 / (y_i + alpha) + 1.0 / (y_j + alpha))


def _compare(
    table: pd.DataFrame, mine: pd.Series, theirs: pd.Series, prior_scale: float, label: str
) -> pd.DataFrame:
    """z of every term for `mine` against `theirs`, prior = background counts × prior_scale."""
    background = table.sum(axis=1).to_numpy(dtype=float)
    alpha = background * prior_scale
    z = log_odds_z(mine.to_numpy(dtype=float), theirs.to_numpy(dtype=float), alpha)
    return pd.DataFrame(
        {
            "group": label,
            "term": table.index.to_numpy(),
            "z": z,
            "count": mine.to_numpy(dtype="int64"),
            "count_other": theirs.to_numpy(dtype="int64"),
        }
    )


def distinctive_terms(
    counts: pd.DataFrame,
    docs: pd.DataFrame,
    *,
    by: Grouping,
    group: str | None = None,
    other: str | None = None,
    stopwords: set[str],
    top: int = 20,
    prior_scale: float = 1.0,
) -> pd.DataFrame:
    """Terms a group uses markedly more than the rest (or than `other`), as log-odds z-scores.

    The prior is the selection's own term counts times `prior_scale` (1.0 = as many
    pseudo-counts as observed counts), which damps rare terms so a word used twice by one
    city does not outrank one it uses fifty times. |z| > 1.96 is the usual 95 % threshold.
    With two groups, each gets its own rows (z > 0 means "more in this row's group").
    Example: `distinctive_terms(counts, docs, by="region", group="湖北省 武汉市")` ranks 世界车谷
    near the top.
    """
    if prior_scale <= 0:
        raise KeywordError(f"prior_scale={prior_scale} 无效：必须大于 0")
    if by not in ("region", "year", "doc_type"):
        raise KeywordError(f"by={by!r} 无效；可选：region, year, doc_type")
    kept = _content_counts(counts, docs, stopwords, by)
    table = kept.pivot_table(
        index="term", columns="group", values="count", aggfunc="sum", fill_value=0
    )
    labels = sorted(group_labels(docs, by).unique())
    for name, value in (("group", group), ("other", other)):
        if value is not None and value not in labels:
            raise KeywordError(f"{name}={value!r} 不在所选文档中；可选：{', '.join(labels)}")
    if other is not None and group is None:
        raise KeywordError("给出 other 时也要给出 group（两组对比）")
    if table.empty:
        return pd.DataFrame(columns=list(DISTINCTIVE_COLUMNS))
    table = table.reindex(columns=labels, fill_value=0)
    if other is not None and group is not None:
        pairs = [(group, [other]), (other, [group])]
    else:
        chosen = [group] if group is not None else labels
        pairs = [(g, [x for x in labels if x != g]) for g in chosen]
    frames = [
        _compare(table, table[g], table[rest].sum(axis=1), prior_scale, g)
        for g, rest in pairs
        if rest
    ]
    if not frames:
        raise KeywordError(f"只有一个{_GROUPING_NAMES[by]}（{labels[0]}），无从比较")
    result = pd.concat(frames, ignore_index=True)
    result = result[result["count"] > 0]
    return _top_per_group(result, ["group", "z", "term"], top)


_GROUPING_NAMES: Final = {"region": "地区", "year": "年份", "doc_type": "文档类型"}


# --------------------------------------------------------------------------- trends


def term_trends(
    counts: pd.DataFrame,
    docs: pd.DataFrame,
    *,
    terms: list[str],
    by_region: bool = False,
) -> pd.DataFrame:
    """Yearly counts of chosen terms (per region if asked), zeros included for a complete line.

    >>> counts = pd.DataFrame({"doc_id": ["a", "b"], "term": ["换电站", "换电站"], "count": [2, 4]})
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "year": [2023, 2025], "chars": [1000, 2000],
    ...                      "province": ["安徽省", "安徽省"], "city": ["合肥市", "合肥市"]})
    >>> term_trends(counts, docs, terms=["换电站"]).values.tolist()
    [['2023', '', '换电站', 2, 20.0], ['2025', '', '换电站', 4, 20.0]]
    """
    _check_columns(docs, "docs", ("doc_id", "year", "chars"))
    if not terms:
        raise KeywordError("terms 为空：至少给出一个词")
    keys = pd.DataFrame(
        {
            "doc_id": docs["doc_id"].astype(str),
            "year": _year_labels(docs),
            "region": region_labels(docs) if by_region else "",
            "chars": pd.to_numeric(docs["chars"], errors="coerce").fillna(0),
        }
    )
    chars = keys.groupby(["year", "region"], as_index=False)["chars"].sum()
    grid = chars.merge(pd.DataFrame({"term": list(dict.fromkeys(terms))}), how="cross")
    hits = counts[counts["term"].isin(terms)].assign(doc_id=lambda f: f["doc_id"].astype(str))
    summed = (
        hits.merge(keys, on="doc_id")
        .groupby(["year", "region", "term"], as_index=False)["count"]
        .sum()
    )
    table = grid.merge(summed, on=["year", "region", "term"], how="left")
    table["count"] = table["count"].fillna(0).astype("int64")
    table["per_10k"] = _per_10k(table["count"], table["chars"])
    table = table.sort_values(["year", "region", "term"], kind="stable")
    return table[list(TREND_COLUMNS)].reset_index(drop=True)


# --------------------------------------------------------------------------- KWIC


def keyword_in_context(corpus: pd.DataFrame, term: str, *, width: int = 20) -> pd.DataFrame:
    """Every occurrence of `term` in the clean texts with `width` characters either side.

    >>> corpus = pd.DataFrame({"doc_id": ["a"], "source": ["s.txt"], "province": ["安徽省"],
    ...                        "city": ["合肥市"], "year": [2025], "text": ["加快推进换电站建设"]})
    >>> keyword_in_context(corpus, "换电站", width=2)[["left", "term", "right"]].values.tolist()
    [['推进', '换电站', '建设']]
    """
    _check_columns(corpus, "corpus", ("doc_id", "source", "province", "city", "year", "text"))
    if not term.strip():
        raise KeywordError("检索词为空：请输入要查看上下文的词")
    if width < 0:
        raise KeywordError(f"width={width} 无效：不能为负数")
    rows = [
        (
            doc.doc_id,
            doc.source,
            doc.province,
            doc.city,
            doc.year,
            *_context(doc.text, pos, term, width),
        )
        for doc in corpus.itertuples(index=False)
        for pos in _occurrences(doc.text if isinstance(doc.text, str) else "", term)
    ]
    frame = pd.DataFrame(rows, columns=list(KWIC_COLUMNS))
    frame = frame.sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)
    return frame.astype({"start": "int64"})


def _occurrences(text: str, term: str) -> list[int]:
    positions, pos = [], text.find(term)
    while pos != -1:
        positions.append(pos)
        pos = text.find(term, pos + len(term))
    return positions


def _context(text: str, pos: int, term: str, width: int) -> tuple[str, str, str, int]:
    end = pos + len(term)
    return text[max(0, pos - width) : pos], term, text[end : end + width], pos


# --------------------------------------------------------------------------- per document


def document_keywords(
    counts: pd.DataFrame,
    docs: pd.DataFrame,
    *,
    stopwords: set[str],
    top: int = 10,
) -> pd.DataFrame:
    """Each document's characteristic terms by TF-IDF against the selected documents.

    tf = count / content tokens of the document, idf = ln((1 + N) / (1 + df)) + 1 (the
    smoothed form, so a term in every document still counts a little). A Wuhan news item
    gets 世界车谷 on top, not 汽车, which every document shares.
    """
    kept = _content_counts(counts, docs, stopwords, "doc")
    if kept.empty:
        return pd.DataFrame(columns=list(DOC_KEYWORD_COLUMNS))
    n_docs = docs["doc_id"].nunique()
    df = kept.groupby("term")["doc_id"].nunique()
    idf = np.log((1 + n_docs) / (1 + df)) + 1
    totals = kept.groupby("doc_id")["count"].transform("sum")
    table = kept.assign(tfidf=kept["count"] / totals * kept["term"].map(idf).to_numpy())
    table = table.groupby(["doc_id", "term"], as_index=False).agg(
        tfidf=("tfidf", "sum"), count=("count", "sum")
    )
    table = table.astype({"count": "int64"})[list(DOC_KEYWORD_COLUMNS)]
    return _top_per_group(table, ["doc_id", "tfidf", "term"], top)
