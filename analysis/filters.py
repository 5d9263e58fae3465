"""The shared selection (region, years, document type) applied to any document-keyed frame.

One definition serves the sidebar, the command line and the tests, so "安徽省, 2025" means
the same documents everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.labels import UNKNOWN_REGION as UNKNOWN


@dataclass(frozen=True, slots=True)
class Filters:
    """A selection of documents; empty tuples and None mean "all"."""

    provinces: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    doc_types: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return self == Filters()


def region_label(province: str | None, city: str | None) -> str:
    """`湖北省 武汉市`, or the province alone; a stable label for grouping and colours.

    >>> region_label("湖北省", "武汉市")
    '湖北省 武汉市'
    """
    parts = [p for p in (province, city) if isinstance(p, str) and p]
    if parts[1:] and parts[1] == parts[0]:  # municipalities: 上海市 上海市 -> 上海市
        parts = parts[:1]
    return " ".join(parts) or UNKNOWN


def with_region(docs: pd.DataFrame) -> pd.DataFrame:
    """docs plus a `region` column (province + city label).

    Labelled once per distinct (province, city) pair: a quantities table of 400,000 rows
    holds a few hundred pairs, and a label per row took half a second.
    """
    if docs.empty:
        return docs.assign(region=pd.Series(dtype=object, index=docs.index))
    p_codes, provinces = pd.factorize(docs["province"])  # missing: -1
    c_codes, cities = pd.factorize(docs["city"])
    width = len(cities) + 1  # a pair is one integer: province code * width + city code
    pairs, codes = np.unique((p_codes + 1) * width + c_codes + 1, return_inverse=True)
    names_p, names_c = [None, *provinces], [None, *cities]
    labels = [region_label(names_p[p // width], names_c[p % width]) for p in pairs.tolist()]
    return docs.assign(region=pd.Series(labels, dtype=object).to_numpy()[codes])


def apply_filters(docs: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows of `docs` (DOC_COLUMNS at least) inside the selection.

    A region filter matches a province as a whole or a named city inside it; documents of
    unknown year are kept only when no year bound is set, so they are never silently lost.
    """
    mask = pd.Series(True, index=docs.index)
    if filters.provinces or filters.cities:
        mask &= _region_mask(docs, filters.provinces, filters.cities)
    years = pd.to_numeric(docs["year"], errors="coerce")
    if filters.year_from is not None:
        mask &= years >= filters.year_from
    if filters.year_to is not None:
        mask &= years <= filters.year_to
    if filters.doc_types:
        mask &= docs["doc_type"].isin(filters.doc_types)
    return docs[mask.fillna(False).astype(bool)]


def _region_mask(docs: pd.DataFrame, provinces: Sequence[str], cities: Sequence[str]) -> pd.Series:
    """Cities narrow their own province; other selected provinces stay whole."""
    provinces_with_city = set(docs.loc[docs["city"].isin(cities), "province"])
    whole = [p for p in provinces if p not in provinces_with_city]
    return docs["province"].isin(whole) | docs["city"].isin(cities)


def describe_filters(filters: Filters, *, documents: int | None = None) -> str:
    """One line naming a selection, for chart subtitles and export settings.

    >>> describe_filters(Filters(provinces=("湖北省",), year_from=2023, year_to=2025), documents=3)
    '湖北省；2023–2025 年；全部类型；3 篇文档'
    """
    from analysis.types import DOC_TYPE_LABELS

    regions = "、".join((*filters.provinces, *filters.cities)) or "全部地区"
    if filters.year_from is None and filters.year_to is None:
        years = "全部年份"
    elif filters.year_from == filters.year_to:
        years = f"{filters.year_from} 年"
    else:
        years = f"{filters.year_from or ''}–{filters.year_to or ''} 年"
    types = "、".join(DOC_TYPE_LABELS.get(t, t) for t in filters.doc_types) or "全部类型"
    parts = [regions, years, types]
    if documents is not None:
        parts.append(f"{documents:,} 篇文档")
    return "；".join(parts)
