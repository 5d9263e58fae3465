"""Chinese administrative divisions (province, city, district) with the short names people write.

The table comes from the gazetteer shipped with the `cpca` package (`adcodes.csv`,
12-digit adcodes `PP CC DD 000000`), so nothing is hand-typed and a package update
brings new divisions with it. What this module adds is the *short* name a text uses
(陕西省 → 陕西, 西安市 → 西安, 广西壮族自治区 → 广西) and the parent of every row.

Decisions, made once here so every caller agrees:

* Municipalities (北京/上海/天津/重庆) are provinces that are also their own city: the
  province row and all their districts carry ``city = <the municipality>``.
* Placeholder rows of the source (``市辖区``, ``县``, ``省直辖县级行政区划``…) are dropped.
  County-level units directly under a province (济源市, 仙桃市, 石河子市…) stay
  ``level = "district"`` with ``city = None``: no prefecture sits between them and the
  province.
* Districts and counties keep their full name only (海珠区 stays 海珠区): ``鼓楼区`` without
  ``区`` is a building, ``忠`` is a virtue.
* A short name is dropped when it is one character, when two divisions would share it
  (the province keeps it: 吉林 means 吉林省, 海南 means 海南省), or when it is an everyday
  word (``朝阳产业``, ``阿里巴巴``, ``白银`` the metal) — see `AMBIGUOUS_SHORTS`.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources
from typing import Final, Literal, NamedTuple

import pandas as pd

Level = Literal["province", "city", "district"]

GAZETTEER_COLUMNS: Final[tuple[str, ...]] = ("adcode", "name", "short", "level", "province", "city")

# Rows of adcodes.csv that group divisions but are not places anyone names.
PLACEHOLDER_NAMES: Final[frozenset[str]] = frozenset(
    {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
)

# Suffixes stripped to get a short name, longest first so 自治区 wins over 区.
PROVINCE_SUFFIXES: Final[tuple[str, ...]] = ("特别行政区", "自治区", "省", "市")
CITY_SUFFIXES: Final[tuple[str, ...]] = ("自治州", "地区", "市", "盟")

# Short names that are also common words or company names in industrial-policy prose;
# the full name (朝阳市, 白银市) still matches.
AMBIGUOUS_SHORTS: Final[frozenset[str]] = frozenset(
    {
        "朝阳",  # 朝阳产业 (sunrise industry)
        "阿里",  # 阿里巴巴, 阿里云
        "白银",  # silver
        "长治",  # 长治久安
        "大同",  # 世界大同
        "玉树",  # 玉树临风
        "海西",  # 海峡西岸经济区 (Fujian) as often as 海西州 (Qinghai)
        "海北",
        "海东",
        "山南",  # 山南海北
        "兴安",  # 大兴安岭
        "日照",  # sunshine
        "德州",  # Texas
        "普洱",  # the tea
        "黄南",
        "果洛",
        "那曲",
        "吕梁",
        "三沙",
        "来宾",  # 各位来宾 (speeches)
        "安康",  # wellbeing
        "大庆",  # grand celebration
        "四平",  # 四平八稳
        "大理",  # 大理石 (marble)
        "文山",  # 文山会海
        "白山",  # 白山黑水
    }
)


def _ethnic_names() -> tuple[str, ...]:
    """Ethnic-group names from cpca (壮族, 维吾尔族…), longest first, to strip from names."""
    text = resources.files("cpca.resources").joinpath("56_nations.csv").read_text("utf-8")
    names = {line.strip() for line in text.splitlines() if line.strip()}
    # 维吾尔自治区 and 蒙古自治州 drop the 族: match the stem too.
    stems = {name.removesuffix("族") for name in names if len(name) > 2}
    return tuple(sorted(names | stems, key=len, reverse=True))


def _strip_ethnic(stem: str, ethnic: tuple[str, ...]) -> str:
    """Remove trailing ethnic names (黔西南布依族苗族 → 黔西南) while two characters remain.

    The two-character floor keeps 内蒙古 whole (蒙古 is also an ethnic stem).
    """
    changed = True
    while changed:
        changed = False
        for name in ethnic:
            if stem.endswith(name) and len(stem) - len(name) >= 2:
                stem = stem[: -len(name)]
                changed = True
                break
    return stem


def short_name(name: str, level: Level, *, ethnic: tuple[str, ...] | None = None) -> str:
    """The name a text writes without the administrative suffix, or the name itself.

    >>> short_name("广西壮族自治区", "province"), short_name("西安市", "city")
    ('广西', '西安')
    """
    if level == "district":
        return name
    ethnic = _ethnic_names() if ethnic is None else ethnic
    suffixes = PROVINCE_SUFFIXES if level == "province" else CITY_SUFFIXES
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                stem = _strip_ethnic(stem, ethnic)
            return stem if len(stem) >= 2 else name
    return name


def _read_rows() -> list[tuple[str, str]]:
    """(adcode, name) rows of cpca's adcodes.csv, placeholders dropped."""
    path = resources.files("cpca.resources").joinpath("adcodes.csv")
    with path.open("r", encoding="utf-8") as handle:
        rows = [(row["adcode"], row["name"]) for row in csv.DictReader(handle)]
    return [(code, name) for code, name in rows if name not in PLACEHOLDER_NAMES]


def _level(adcode: str) -> Level:
    if adcode[2:] == "0" * 10:
        return "province"
    return "city" if adcode[4:] == "0" * 8 else "district"


class _Row(NamedTuple):
    adcode: str
    name: str
    level: Level
    province: str | None
    city: str | None


def _parents(rows: list[tuple[str, str]]) -> list[_Row]:
    """Attach level, province and city to every row (municipalities are their own city)."""
    by_code = dict(rows)
    records = []
    for code, name in rows:
        level = _level(code)
        province = by_code.get(code[:2] + "0" * 10)
        city = None if level == "province" else by_code.get(code[:4] + "0" * 8)
        if code[:2] in _MUNICIPALITY_CODES:
            city = province
        records.append(_Row(code, name, level, province, city))
    return records


# Provincial codes of the four municipalities (北京 11, 天津 12, 上海 31, 重庆 50).
_MUNICIPALITY_CODES: Final[frozenset[str]] = frozenset({"11", "12", "31", "50"})
_LEVEL_RANK: Final[dict[str, int]] = {"province": 0, "city": 1, "district": 2}


def _assign_shorts(records: list[_Row]) -> list[str]:
    """Short names, dropping collisions (the higher level keeps it) and `AMBIGUOUS_SHORTS`."""
    ethnic = _ethnic_names()
    shorts = [short_name(r.name, r.level, ethnic=ethnic) for r in records]
    full_names = {r.name for r in records}
    claims: dict[str, list[int]] = {}
    for i, (short, record) in enumerate(zip(shorts, records, strict=True)):
        if short != record.name:
            claims.setdefault(short, []).append(i)
    for short, rows in claims.items():
        best = min(_LEVEL_RANK[records[i].level] for i in rows)
        winners = [i for i in rows if _LEVEL_RANK[records[i].level] == best]
        keep = len(winners) == 1 and short not in AMBIGUOUS_SHORTS and short not in full_names
        for i in rows:
            if not (keep and i == winners[0]):
                shorts[i] = records[i].name
    return shorts


@lru_cache(maxsize=1)
def division_table() -> pd.DataFrame:
    """All provinces, cities and districts with short names and parents (cached; ~3,200 rows).

    >>> row = division_table().set_index("name").loc["海珠区"]
    >>> row["province"], row["city"], row["level"]
    ('广东省', '广州市', 'district')
    """
    records = _parents(_read_rows())
    frame = pd.DataFrame(records, columns=list(_Row._fields))
    frame["short"] = _assign_shorts(records)
    frame = frame.sort_values("adcode", ignore_index=True)
    return frame[list(GAZETTEER_COLUMNS)]


@lru_cache(maxsize=1)
def municipalities() -> frozenset[str]:
    """北京市, 天津市, 上海市, 重庆市: provinces whose city is the province itself."""
    table = division_table()
    provinces = table[table["level"] == "province"]
    return frozenset(provinces.loc[provinces["adcode"].str[:2].isin(_MUNICIPALITY_CODES), "name"])


def is_municipality(province: str) -> bool:
    """True for 北京市/上海市/天津市/重庆市."""
    return province in municipalities()
