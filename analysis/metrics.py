"""Canonical metrics: which tracked indicator a quantity is about (GDP growth, NEV output …).

The extractor's `metric` is the text's own words (`全市地区生产总值`, `经济增长`,
`生产总值`); to follow a target across regions and years like with like, each quantity is
also mapped to one entry of a catalogue (`analysis/data/metric_catalogue.toml`, extendable:
set POLICYLENS_METRIC_CATALOGUE to a TOML file of further `[[metric]]` blocks). The
synonym that decided is kept in `metric_words`, so every mapping explains itself.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

import pandas as pd

from analysis.settings import setting

CATALOGUE_PATH: Final = Path(__file__).parent / "data" / "metric_catalogue.toml"
CATALOGUE_ENV: Final = "POLICYLENS_METRIC_CATALOGUE"
CANONICAL_COLUMNS: Final = ("canonical_metric", "metric_words")
LEFT_CONTEXT: Final = 16  # characters left of the number searched when the metric says nothing
_PERCENT_UNITS: Final = frozenset({"%", "个百分点"})


@dataclass(frozen=True, slots=True)
class CatalogueMetric:
    """One tracked indicator: its id, label, naming words and admissible units."""

    id: str
    label: str
    synonyms: tuple[str, ...]  # longest first
    units: frozenset[str]
    exclude: tuple[str, ...] = ()
    kinds: frozenset[str] = frozenset()


def _read(path: Path) -> list[CatalogueMetric]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        CatalogueMetric(
            id=str(block["id"]),
            label=str(block.get("label", block["id"])),
            synonyms=tuple(sorted(block["synonyms"], key=len, reverse=True)),
            units=frozenset(block["units"]),
            exclude=tuple(block.get("exclude", ())),
            kinds=frozenset(block.get("kinds", ())),
        )
        for block in data.get("metric", [])
    ]


@lru_cache(maxsize=4)
def load_catalogue(extra: str | None = None) -> tuple[CatalogueMetric, ...]:
    """The bundled catalogue plus a user's file (argument or POLICYLENS_METRIC_CATALOGUE)."""
    metrics = _read(CATALOGUE_PATH)
    extra = extra or setting(CATALOGUE_ENV)
    if extra and Path(extra).is_file():
        metrics += _read(Path(extra))
    return tuple(metrics)


def metric_labels() -> dict[str, str]:
    """id -> label, for tables and legends."""
    return {m.id: m.label for m in load_catalogue()}


def _fits(entry: CatalogueMetric, unit: str, kind: str) -> bool:
    if entry.kinds and kind not in entry.kinds:
        return False
    return unit in entry.units or (unit in _PERCENT_UNITS and "%" in entry.units)


def _found(entry: CatalogueMetric, text: str) -> str | None:
    """The entry's longest synonym in the text, unless an exclusion word stands there too."""
    for word in entry.synonyms:
        if word in text:
            if any(x in text and x not in word for x in entry.exclude):
                return None
            return word
    return None


def canonical_metric(metric: str, left: str, unit: str, kind: str = "") -> tuple[str, str]:
    """(catalogue id, deciding words) for one quantity, or ("", "") when nothing fits.

    The quantity's own subject is searched first, then the words left of the number.

    >>> canonical_metric("全市地区生产总值增长", "", "%")
    ('gdp_growth', '地区生产总值')
    >>> canonical_metric("单位地区生产总值能耗", "", "%")
    ('energy_intensity', '单位地区生产总值能耗')
    """
    for text in (metric or "", left or ""):
        best: tuple[int, str, str] | None = None
        for entry in load_catalogue():
            if not _fits(entry, unit or "", kind):
                continue
            word = _found(entry, text)
            if word and (best is None or len(word) > best[0]):
                best = (len(word), entry.id, word)
        if best:
            return best[1], best[2]
    return "", ""


_CLAUSE_BREAK: Final = re.compile(r"[，,；;：:。（）()]")
# A subject made only of growth words and comparisons names nothing of its own
# (`平均每年增长`, `比上年增长`, `按可比价格计算`): it continues the previous quantity's metric.
_NO_NOUN: Final = re.compile(
    r"^(?:其中|即|按可比价格计算|扣除价格因素|实际|平均每年|每年|年均|五年|比[^，,]{0,10}?|较[^，,]{0,8}?"
    r"|增长|下降|提高|增加|减少|递增|达到|为|了|分别|保持在|以上|左右|的)*$"
)


def _left_of(sentence: object, raw: object) -> str:
    """The words left of the number inside its own clause."""
    if not isinstance(sentence, str) or not isinstance(raw, str):
        return ""
    at = sentence.find(raw)
    if at <= 0:
        return ""
    left = sentence[max(0, at - LEFT_CONTEXT) : at]
    return _CLAUSE_BREAK.split(left)[-1]


def _continued(previous: str, metric: str, unit: str, kind: str) -> tuple[str, str]:
    """The previous quantity's metric, when this one's subject names nothing itself
    (`国内生产总值达到74772亿元，…平均每年增长11%`) and the unit fits it."""
    entry = next((m for m in load_catalogue() if m.id == previous), None)
    if entry is None or not _NO_NOUN.match(metric) or not _fits(_growth_twin(entry), unit, kind):
        return "", ""
    twin = _growth_twin(entry)
    return twin.id, f"承前:{entry.synonyms[-1]}"


def _growth_twin(entry: CatalogueMetric) -> CatalogueMetric:
    """`gdp_level` continued by a rate is `gdp_growth` (same words, a % unit)."""
    if entry.id.endswith("_level"):
        twin = entry.id.removesuffix("_level") + "_growth"
        return next((m for m in load_catalogue() if m.id == twin), entry)
    return entry


def canonical_columns(
    metrics: Sequence[object],
    units: Sequence[object],
    kinds: Sequence[object],
    sentences: Sequence[object],
    raws: Sequence[object],
) -> tuple[list[str], list[str]]:
    """`canonical_metric` and `metric_words` of quantities given column by column, so the
    extractor can add them before it builds its frame (a pass over frame rows costs more
    than the mapping)."""
    ids: list[str] = []
    words: list[str] = []
    previous: tuple[object, str] = (None, "")
    for metric_value, unit_value, kind_value, sentence, raw in zip(
        metrics, units, kinds, sentences, raws, strict=True
    ):
        metric, unit, kind = str(metric_value or ""), str(unit_value or ""), str(kind_value or "")
        found = canonical_metric(metric, _left_of(sentence, raw), unit, kind)
        if not found[0] and previous[0] == sentence and previous[1]:
            found = _continued(previous[1], metric, unit, kind)
        ids.append(found[0])
        words.append(found[1])
        previous = (sentence, found[0])
    return ids, words


def add_canonical_metrics(quantities: pd.DataFrame) -> pd.DataFrame:
    """The quantities with `canonical_metric` and `metric_words` columns (strings, "" when
    no catalogue entry fits)."""
    ids, words = canonical_columns(
        *(quantities[c].tolist() for c in ("metric", "unit", "kind", "sentence", "raw"))
    )
    return quantities.assign(
        canonical_metric=pd.Series(ids, index=quantities.index, dtype=object),
        metric_words=pd.Series(words, index=quantities.index, dtype=object),
    )
