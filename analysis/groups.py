"""Which group each document belongs to when places, years or document types are compared.

One rule for every comparison, so the themes, instruments, targets and vocabulary of
"湖北省" are computed over the same documents:

* Regions form a hierarchy chosen by `level`. At province level a province's group holds
  the documents of its cities and districts too (a Wuhan speech is also Hubei's). At city
  level a document that names only its province forms the province's own group
  (`湖北省（省级）`), so it is neither dropped nor mixed into a city. At district level the
  same holds one step down (`湖北省 武汉市（市级）`).
* National documents (province `全国`) are a group of their own, `全国`, at every level.
* Documents of unknown region or year form the group `（未知）` / `未知年份`: never dropped.

The result is a membership frame (`MEMBERSHIP_COLUMNS`: doc_id, group), one row per
document, that every analysis in this package takes alongside its data.
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
import pandas as pd

from analysis.errors import PolicyLensError
from analysis.filters import UNKNOWN, region_label
from analysis.labels import UNKNOWN_YEAR
from analysis.types import DOC_TYPE_LABELS

Grouping = Literal["region", "year", "doc_type"]
Level = Literal["province", "city", "district"]

GROUPINGS: Final[tuple[Grouping, ...]] = ("region", "year", "doc_type")
LEVELS: Final[tuple[Level, ...]] = ("province", "city", "district")
MEMBERSHIP_COLUMNS: Final[tuple[str, ...]] = ("doc_id", "group")
SIZE_COLUMNS: Final[tuple[str, ...]] = ("group", "documents", "chars")

NATIONAL: Final = "全国"
UNKNOWN_REGION: Final = UNKNOWN
GROUPING_LABELS: Final[dict[str, str]] = {"region": "地区", "year": "年份", "doc_type": "文档类型"}
LEVEL_LABELS: Final[dict[str, str]] = {"province": "省", "city": "市", "district": "区县"}


class GroupingError(PolicyLensError, ValueError):
    """A grouping option that does not exist: which one, and what is allowed."""


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def region_group(
    province: object, city: object = None, district: object = None, *, level: Level = "province"
) -> str:
    """The group of one document's region at `level`.

    >>> region_group("湖北省", "武汉市", level="province")
    '湖北省'
    >>> region_group("湖北省", None, level="city")
    '湖北省（省级）'
    >>> region_group("全国", None, level="city")
    '全国'
    """
    prov, cty, dist = _text(province), _text(city), _text(district)
    if prov is None:
        return UNKNOWN_REGION
    if prov == NATIONAL:
        return NATIONAL
    if level == "province":
        return prov
    if cty is None:
        return f"{prov}（省级）"
    city_label = region_label(prov, cty)
    if level == "city":
        return city_label
    return f"{city_label} {dist}" if dist else f"{city_label}（市级）"


def _year_groups(years: pd.Series) -> pd.Series:
    """Each year as its group label (one conversion for the column, not one per row)."""
    numbers = pd.to_numeric(years, errors="coerce")
    return numbers.map(lambda y: UNKNOWN_YEAR if pd.isna(y) else str(int(y))).astype(object)


def group_of(
    docs: pd.DataFrame, *, by: Grouping = "region", level: Level = "province"
) -> pd.Series:
    """The group label of each document, indexed like `docs` (DOC_COLUMNS at least)."""
    if by not in GROUPINGS:
        raise GroupingError(f"by={by!r} 无效；可选：{', '.join(GROUPINGS)}")
    if level not in LEVELS:
        raise GroupingError(f"level={level!r} 无效；可选：{', '.join(LEVELS)}")
    if by == "year":
        return _year_groups(docs["year"])
    if by == "doc_type":
        return docs["doc_type"].fillna("other").map(lambda t: DOC_TYPE_LABELS.get(t, str(t)))
    district = docs["district"] if "district" in docs else pd.Series(None, index=docs.index)
    return pd.Series(
        [
            region_group(p, c, d, level=level)
            for p, c, d in zip(docs["province"], docs["city"], district, strict=True)
        ],
        index=docs.index,
        dtype="object",
    )


def membership(
    docs: pd.DataFrame, *, by: Grouping = "region", level: Level = "province"
) -> pd.DataFrame:
    """doc_id, group: one row per document (MEMBERSHIP_COLUMNS), the input of every comparison.

    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "province": ["湖北省", None],
    ...                      "city": ["武汉市", None], "year": [2025, None]})
    >>> membership(docs).values.tolist()
    [['a', '湖北省'], ['b', '（未知）']]
    """
    return pd.DataFrame(
        {
            "doc_id": _objects(docs["doc_id"].astype(str)),
            "group": group_of(docs, by=by, level=level).to_numpy(dtype=object),
        },
        dtype=object,
    )


def _objects(values: pd.Series) -> np.ndarray:
    """Strings as a plain object array: pandas' Arrow-backed strings are ~50× slower in
    isin and dictionary lookups, which the pages run on every rerun.
    """
    return values.to_numpy(dtype=object)


def in_groups(docs: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """The rows of `docs` whose document is in `members` (fast on Arrow-backed strings)."""
    wanted = pd.Series(_objects(members["doc_id"]), dtype=object)
    mask = pd.Series(_objects(docs["doc_id"]), dtype=object).isin(wanted).to_numpy()
    return docs[mask]


def group_sizes(docs: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """group, documents, chars (SIZE_COLUMNS), largest group first: the denominators."""
    chars = pd.Series(
        pd.to_numeric(docs["chars"], errors="coerce").to_numpy(),
        index=pd.Index(_objects(docs["doc_id"].astype(str)), dtype=object),
    )
    frame = pd.DataFrame(
        {
            "group": _objects(members["group"]),
            "doc_id": _objects(members["doc_id"]),
            "chars": pd.Series(_objects(members["doc_id"]), dtype=object)
            .map(chars)
            .fillna(0)
            .astype("int64")
            .to_numpy(),
        }
    )
    grouped = frame.groupby("group")
    table = pd.DataFrame(
        {"documents": grouped["doc_id"].nunique(), "chars": grouped["chars"].sum()}
    ).reset_index()
    return table.sort_values(["documents", "group"], ascending=[False, True], ignore_index=True)[
        list(SIZE_COLUMNS)
    ]


def restrict(members: pd.DataFrame, groups: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """The membership rows of the chosen groups, in the order given (all when none chosen)."""
    if not groups:
        return members
    unknown = sorted(set(groups) - set(members["group"]))
    if unknown:
        raise GroupingError(
            f"没有这些组：{', '.join(unknown)}；可选：{', '.join(group_names(members))}"
        )
    return members[members["group"].isin(groups)].reset_index(drop=True)


def area_membership(docs: pd.DataFrame, *, province: str | None = None) -> pd.DataFrame:
    """doc_id, group for a map: the province of each document (province=None), or the city
    (武汉市) of each document of `province`; documents without such an area are left out,
    since they have no shape to colour.

    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "province": ["湖北省", "湖北省"],
    ...                      "city": ["武汉市", None]})
    >>> area_membership(docs, province="湖北省").values.tolist()
    [['a', '武汉市']]
    """
    if province is None:
        chosen = docs[docs["province"].notna() & (docs["province"] != NATIONAL)]
        area = chosen["province"]
    else:
        chosen = docs[(docs["province"] == province) & docs["city"].notna()]
        area = chosen["city"]
    return pd.DataFrame({"doc_id": chosen["doc_id"].astype(str), "group": area}).reset_index(
        drop=True
    )


def group_names(members: pd.DataFrame) -> list[str]:
    """Every group of a membership frame: named groups sorted, then 全国, then unknown."""
    names = set(members["group"])
    last = [g for g in (NATIONAL, UNKNOWN_REGION, UNKNOWN_YEAR) if g in names]
    return sorted(names - set(last)) + last


__all__ = [
    "GROUPINGS",
    "LEVELS",
    "MEMBERSHIP_COLUMNS",
    "NATIONAL",
    "SIZE_COLUMNS",
    "UNKNOWN_REGION",
    "UNKNOWN_YEAR",
    "GroupingError",
    "area_membership",
    "group_names",
    "group_of",
    "group_sizes",
    "in_groups",
    "membership",
    "region_group",
    "restrict",
]
