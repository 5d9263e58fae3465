"""Keyword analyses on stored token counts: frequencies, distinctive terms, trends, KWIC.

Inputs are the token counts (doc_id, term, count) made once at ingest by
`analysis.segmentation.token_counts` — either a `Store` (the SQL runs on its tables) or a
counts DataFrame (the same SQL runs on it in memory) — and the `docs` table (doc_id,
province, city, year, doc_type, chars ...) of the current selection; only documents in
`docs` are counted, so a filtered `docs` is a filtered analysis. Group labels are made
here from `docs`; the counting runs in DuckDB (`analysis.queries`), and only the rows shown
come back. Stopwords are applied at query time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import pandas as pd

from analysis.errors import PolicyLensError
from analysis.filters import with_region
from analysis.labels import UNKNOWN_YEAR
from analysis.queries import term_source, texts_containing
from analysis.segmentation import is_content_term

if TYPE_CHECKING:
    from PIL.Image import Image

    from analysis.store import Store


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

FONT_ENV: Final = "POLICYLENS_FONT"
COMMON_FONT_PATHS: Final = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)


class KeywordError(PolicyLensError, ValueError):
    """An analysis option that cannot be used: which parameter, what value, what is allowed."""


class FontNotFoundError(PolicyLensError):
    """No font with Chinese glyphs, so a word cloud would draw empty boxes."""

    def __init__(self) -> None:
        super().__init__(
            "没有找到中文字体，词云无法显示汉字。请安装一个中文字体包"
            "（Debian/Ubuntu：apt-get install fonts-wqy-microhei 或 fonts-noto-cjk），"
            f"或把环境变量 {FONT_ENV} 设为一个 .ttf/.ttc/.otf 字体文件的路径。"
        )


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


def _groups(docs: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """doc_id and group label of every selected document (the selection sent to SQL)."""
    _check_columns(docs, "docs", ("doc_id",))
    return pd.DataFrame({"doc_id": docs["doc_id"].astype(str), "group": group_labels(docs, by)})


def _check_counts(counts: pd.DataFrame | Store) -> None:
    if isinstance(counts, pd.DataFrame):
        _check_columns(counts, "counts", ("doc_id", "term", "count"))


def _check_top(top: int | None) -> None:
    if top is not None and top < 1:
        raise KeywordError(f"top={top} 无效：至少为 1，或 None 表示全部")


def _group_chars(docs: pd.DataFrame, by: str | None) -> pd.Series:
    chars = pd.to_numeric(docs["chars"], errors="coerce").fillna(0)
    return chars.groupby(group_labels(docs, by).to_numpy()).sum()


def _per_10k(count: pd.Series, chars: pd.Series) -> pd.Series:
    """Occurrences per 10,000 characters; 0 where the length is unknown or zero.

    Both sides are made numeric first: an empty selection yields empty columns whose dtype
    is not numeric, and dividing those used to raise a TypeError.
    """
    count = pd.to_numeric(count, errors="coerce").astype(float)
    chars = pd.to_numeric(chars, errors="coerce").astype(float)
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
    counts: pd.DataFrame | Store,
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
    _check_counts(counts)
    _check_top(top)
    groups = _groups(docs, by)
    with term_source(counts) as source:
        table = source.group_term_counts(groups, stopwords, top=top)
    chars = table["group"].map(_group_chars(docs, by))
    table["per_10k"] = _per_10k(table["count"], chars)
    table = table.astype({"count": "int64", "docs": "int64"})[list(FREQUENCY_COLUMNS)]
    return _top_per_group(table, ["group", "count", "term"], top)


# --------------------------------------------------------------------------- word cloud


def _fc_list_fonts() -> list[str]:
    """Font files fontconfig knows with Chinese coverage, sans and regular first."""
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "file", "style"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = {line.split(":", 1)[0].strip() for line in out.splitlines() if line.strip()}

    def rank(path: str) -> tuple[bool, bool, bool, bool, str]:
        name = Path(path).name.lower()
        # Noto CJK .ttc files open on their Japanese face; WenQuanYi's first face is Chinese.
        chinese_first = "wqy" in name or name.endswith(("sc.otf", "sc-regular.otf"))
        bold = "bold" in name or "light" in name
        return ("serif" in name, bold, "mono" in name, not chinese_first, path)

    return sorted(files, key=rank)


def find_cjk_font() -> str | None:
    """A font file that can draw Chinese: $POLICYLENS_FONT, then fontconfig, then usual paths."""
    env = os.environ.get(FONT_ENV, "").strip()
    candidates = [env] if env else []
    candidates += _fc_list_fonts()
    candidates += COMMON_FONT_PATHS
    return next((path for path in candidates if Path(path).is_file()), None)


def wordcloud_image(
    freqs: pd.DataFrame,
    *,
    font_path: str | None = None,
    width: int = 800,
    height: int = 450,
    max_words: int = 150,
    background_color: str = "white",
    scale: float = 1.0,
    font_step: int = 1,
) -> Image:
    """A word cloud of term counts (summed over groups), drawn with a Chinese font.

    Layout time grows with the canvas and the number of font sizes tried: a small canvas
    drawn at `scale` (the image is width × scale pixels wide) with `font_step` 2 gives the
    same picture in a fraction of the time (the dashboard's budget: 400 × 200 at 2.5).

    >>> freqs = pd.DataFrame({"term": ["新能源汽车", "换电站"], "count": [12, 5]})
    >>> wordcloud_image(freqs, width=200, height=100).size
    (200, 100)
    """
    from wordcloud import WordCloud

    _check_columns(freqs, "freqs", ("term", "count"))
    weights = freqs.groupby("term")["count"].sum()
    weights = weights[weights > 0]
    if weights.empty:
        raise KeywordError("词云没有可画的词：当前筛选下没有词频大于 0 的词")
    font = font_path or find_cjk_font()
    if font is None:
        raise FontNotFoundError()
    cloud = WordCloud(
        font_path=font,
        width=width,
        height=height,
        max_words=max_words,
        background_color=background_color,
        scale=scale,
        font_step=font_step,
        collocations=False,
        random_state=0,  # same picture for the same data
    )
    return cloud.generate_from_frequencies(weights.astype(float).to_dict()).to_image()


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


def distinctive_terms(
    counts: pd.DataFrame | Store,
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
    _check_counts(counts)
    _check_top(top)
    groups = _groups(docs, by)
    labels = sorted(groups["group"].unique())
    for name, value in (("group", group), ("other", other)):
        if value is not None and value not in labels:
            raise KeywordError(f"{name}={value!r} 不在所选文档中；可选：{', '.join(labels)}")
    if other is not None and group is None:
        raise KeywordError("给出 other 时也要给出 group（两组对比）")
    pairs: list[tuple[str, str | None]]
    if other is not None and group is not None:
        pairs = [(group, other), (other, group)]
    else:
        pairs = [(g, None) for g in ([group] if group is not None else labels)]
    with term_source(counts) as source:
        result = source.log_odds(groups, stopwords, pairs, prior_scale=prior_scale, top=top)
    if len(labels) < 2 and not result.empty:
        raise KeywordError(f"只有一个{_GROUPING_NAMES[by]}（{labels[0]}），无从比较")
    if result.empty:
        return pd.DataFrame(columns=list(DISTINCTIVE_COLUMNS))
    result = result.astype({"z": "float64", "count": "int64", "count_other": "int64"})
    return _top_per_group(result[list(DISTINCTIVE_COLUMNS)], ["group", "z", "term"], top)


_GROUPING_NAMES: Final = {"region": "地区", "year": "年份", "doc_type": "文档类型"}


# --------------------------------------------------------------------------- trends


def term_trends(
    counts: pd.DataFrame | Store,
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
    _check_counts(counts)
    with term_source(counts) as source:
        hits = source.counts_of(list(dict.fromkeys(terms)), keys["doc_id"])
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


def stored_keyword_in_context(
    store: Store, docs: pd.DataFrame, term: str, *, width: int = 20
) -> pd.DataFrame:
    """`keyword_in_context` over the stored clean texts of `docs`, reading only the texts
    that contain `term` (the database finds them; a rare term reads a handful of texts).
    """
    _check_columns(docs, "docs", ("doc_id", "source", "province", "city", "year"))
    if not term.strip():
        raise KeywordError("检索词为空：请输入要查看上下文的词")
    texts = texts_containing(store, docs["doc_id"].astype(str), term)
    keys = docs[["doc_id", "source", "province", "city", "year"]].assign(
        doc_id=docs["doc_id"].astype(str)
    )
    return keyword_in_context(keys.merge(texts, on="doc_id"), term, width=width)


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
    counts: pd.DataFrame | Store,
    docs: pd.DataFrame,
    *,
    stopwords: set[str],
    top: int = 10,
    only: list[str] | None = None,
) -> pd.DataFrame:
    """Each document's characteristic terms by TF-IDF against the selected documents.

    tf = count / content tokens of the document, idf = ln((1 + N) / (1 + df)) + 1 (the
    smoothed form, so a term in every document still counts a little). A Wuhan news item
    gets 世界车谷 on top, not 汽车, which every document shares. `only` (doc_ids) limits the
    rows to those documents, e.g. the ones a page shows; idf still uses all of `docs`.
    """
    _check_counts(counts)
    _check_top(top)
    with term_source(counts) as source:
        table = source.tfidf(_groups(docs, "doc"), stopwords, top=top, only=only)
    if table.empty:
        return pd.DataFrame(columns=list(DOC_KEYWORD_COLUMNS))
    table = table.astype({"tfidf": "float64", "count": "int64"})[list(DOC_KEYWORD_COLUMNS)]
    return _top_per_group(table, ["doc_id", "tfidf", "term"], top)


__all__ = [
    "DISTINCTIVE_COLUMNS",
    "DOC_KEYWORD_COLUMNS",
    "FREQUENCY_COLUMNS",
    "KWIC_COLUMNS",
    "TREND_COLUMNS",
    "FontNotFoundError",
    "KeywordError",
    "distinctive_terms",
    "document_keywords",
    "find_cjk_font",
    "group_labels",
    "is_content_term",
    "keyword_frequencies",
    "keyword_in_context",
    "log_odds_z",
    "region_labels",
    "stored_keyword_in_context",
    "term_trends",
    "wordcloud_image",
]
