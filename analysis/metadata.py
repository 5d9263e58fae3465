"""Detect a document's title, region, year, date, type and source site from its text.

Every answer is a `Detection` carrying the snippet it came from and a confidence, so a
reader can check it and the UI can rank it below a curated value. The rules favour the
*role* of a mention over its frequency: a region in the title or in
``在湖北省第十四届人民代表大会…上`` says whose document it is; a region named once in the body
does not. Works on raw or cleaned text (it normalises widths and PDF line-wrap spaces
itself).
"""

from __future__ import annotations

import datetime
import math
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.gazetteer import division_table, is_municipality
from analysis.national import (
    NATIONAL_REGION,
    national_filename,
    national_issuer,
    plan_period,
    session_years,
    speaks_nationally,
    this_year_mentions,
)
from analysis.numbers import CN_YEAR_RE, YEAR, apply_repairs, date_numeral, parse_number
from analysis.types import META_FIELDS, Detection, DocType

# Detected besides the correctable fields, shown with the evidence on the Document page.
EXTRA_FIELDS: Final[tuple[str, ...]] = ("adopted_year", "period_start", "period_end")

# ---------------------------------------------------------------------------------------
# Rules as data
# ---------------------------------------------------------------------------------------

EVIDENCE_RADIUS: Final = 15  # characters of context either side of a winning mention
HEAD_CHARS: Final = 400  # "first lines": the masthead zone after chrome is skipped
TITLE_MAX_CHARS: Final = 70

# Lines that are page furniture, not content (checked after NFKC: ':' is ASCII).
CHROME_LINE_RE: Final = re.compile(
    r"^(?:首页|当前位置|您的位置|位置|下载|打印|全屏|收藏|分享|【?字号|【?字体|加大|还原|减小|[】【]"
    r"|[大中小]|购物车|我的足迹|站内|阅读量|来源|时间|发表时间|发布时间|发布日期|更新时间|日期"
    r"|作者|编辑|责任编辑|浏览|点击|加入Vip|立即下载|登录|注册|打印本页|关闭窗口|扫一扫|>)"
    r"|>|^[\d\s:\-/年月日时分秒]+$|摄$"
)
SUBTITLE_RE: Final = re.compile(r"^(?:[—―\-]{1,2}|\()")

# Region mention weights by zone and role.
W_TITLE: Final = 6.0
W_TITLE_FIRST: Final = 2.0  # the first place in a title outranks later ones
# A title that *starts* with a place names its issuer (上海市台湾同胞…规定 is 上海's).
W_TITLE_ISSUER: Final = 5.0
W_FILENAME: Final = 4.0
W_HEAD: Final = 2.5
W_BODY: Final = 1.0
W_ROLE: Final = 3.0  # the name is followed by an organ of government: it is the issuer
W_SESSION: Final = 5.0  # the name opens a people's congress / plenum: it is the venue
BODY_CAP: Final = 10.0  # frequency helps, but a long body must not outvote the title
CITY_TO_PROVINCE: Final = 0.8  # 西安 says 陕西 almost as clearly as 陕西 does
DISTRICT_TO_PARENT: Final = 0.5
DISTRICT_MIN_SCORE: Final = 3.0  # without a title/issuer mention, a district must recur
ROLE_AFTER_RE: Final = re.compile(
    r"^(?:省|市|自治区|区|县)?(?:人民政府|政府|委员会|党委|省委|市委|区委|人大|政协|省长|市长|主席|区长|县长)"
)
SESSION_AFTER_RE: Final = re.compile(
    r"^(?:省|市|自治区)?第?[一二三四五六七八九十\d]+届[^。]{0,12}(?:会议|全会)"
)
# A place name that is really a newspaper/channel (来源：北京日报 in a 云南 report).
MEDIA_AFTER_RE: Final = re.compile(r"^(?:省|市)?(?:日报|晚报|新闻|电视|广播|卫视|客户端|发布|网)")
MEDIA_WEIGHT: Final = 0.05
# Company and institution names that contain a place but are not about it.
NOT_A_PLACE_RE: Final = re.compile(r"黄浦江|宁德时代|中山大学|中山装|中山路|中山公园|孙中山")
# The State Council or a national congress speaking: no province is the document's own.
NATIONAL_RE: Final = re.compile(
    r"我代表国务院|国务院总理|第[一二三四五六七八九十]+届全国人民代表大会|全国代表大会上|中共中央(?:、国务院)?(?:关于|印发)"
)
# Which administrative level the document speaks from (我市, 全省 …).
LEVEL_CUES: Final[dict[str, re.Pattern[str]]] = {
    "province": re.compile(r"我省|全省|本省|省委|省政府|省人大|省长|自治区人民政府|自治区党委"),
    "city": re.compile(r"我市|全市|本市|市委|市政府|市人大|市长"),
    "district": re.compile(r"我区|全区|区委|区政府|区长|我县|全县|县委|县政府"),
}

# Dates. A year not preceded by a digit is matched as `({YEAR})(?<!\d\d{4})`, the check
# made after the four digits: a pattern that opens with a lookbehind is tried at every
# position, one that opens with the year jumps from one 1 or 2 to the next (same matches).
FULL_DATE_RE: Final = re.compile(
    rf"({YEAR})(?<!\d\d{{4}})\s*(?:年|[-/.])\s*(\d{{1,2}})\s*(?:月|[-/.])\s*(\d{{1,2}})(?!\d)\s*日?"
)
CN_DATE_RE: Final = re.compile(
    r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
MONTH_DAY_RE: Final = re.compile(r"(?<![\d年/\-.])(\d{1,2})月(\d{1,2})日")
YEAR_RE: Final = re.compile(rf"({YEAR})(?<!\d\d{{4}})年(?!\d)")
PLAN_PERIOD_RE: Final = re.compile(
    rf"({YEAR})(?<!\d\d{{4}})\s*年?\s*[-—–~～至到]{{1,2}}\s*({YEAR})(?!\d)\s*年?"
)
# Work reports: "2018年工作回顾" is read in 2019; "2023年主要预期目标" is set in 2023.
REVIEW_RE: Final = re.compile(rf"({YEAR})年(?:国内)?(?:工作|政府工作)?的?(?:回顾|总结)")
# The plan part of a report: `二、2004年主要任务`, `三、2021年重点工作`, `1994年工作的基本方针`.
# A national report reviews last year's statistics (`1992年国民生产总值接近24000亿元`,
# `一九五九年的产量达到五百零二万吨` in Chinese numerals) and
# is read the year after; `1986年是开始执行…并取得显著成就的一年` says the same.
STAT_YEAR_RE: Final = re.compile(
    rf"({YEAR})(?<![\d到至从自]\d{{4}})年(?!\s*\d{{1,2}}\s*月|[一二三四五六七八九十]{{1,3}}月)(?:底|末|全年)?"
    r"(?:[^。；，,\d年]{0,14}?(?:\d|[一二三四五六七八九十两百千万亿零〇]{2,}[^月日号])"
    r"|是[^。；]{0,30}?(?:取得|完成)[^。；]{0,20}?的一年)"
)
# The budget or plan a report presents (`关于1980、1981年国民经济计划安排的报告`: 1980;
# `关于1955年国家决算和1956年国家预算的报告`: the accounts of 1955 are closed in 1956).
BUDGET_YEAR_RE: Final = re.compile(
    rf"关于({YEAR})(?:[、和]\d{{4}})?年(?:国民经济和社会发展|国民经济|国家)?(?P<what>计划|预算|决算)"
)
# Words that make a year's figure a plan, not a statistic (`1981年计划…`, `要达到`).
PLAN_WORDS_RE: Final = re.compile(r"计划|要|将|力争|争取|目标|安排|预算|规划|应")
# `刚刚过去的1992年`, `首先报告2001年的工作`: the year reviewed, the report is read after it.
PAST_YEAR_RE: Final = re.compile(rf"(?:刚刚过去的|首先报告)({YEAR})年")
# Headings of a report's parts anywhere in it (`一、2009年工作回顾`, `二、2004年主要任务`).
HEADING_YEAR_RE: Final = re.compile(
    rf"(?m)^(?:[一二三四五六七八九十]+[、.]\s*)?({YEAR})年(?:国内)?(?:工作|政府工作)?的?"
    r"(?:(?P<review>回顾|总结)|主要任务|重点工作|工作任务|工作的基本方针|工作安排|工作的总体要求|"
    r"工作总体部署|总体部署)"
)
PLAN_YEAR_RE: Final = re.compile(
    rf"({YEAR})年(?:的)?(?:主要任务|重点工作|工作任务|工作的基本方针|工作安排|工作的总体要求)"
)
TARGET_YEAR_RE: Final = re.compile(
    rf"({YEAR})年(?:经济社会发展|发展)?的?(?:主要)?(?:预期目标|目标任务|总体要求)"
)
# Regulations: the latest 通过/修正/修订 date in the header is the version in force.
ENACTED_AFTER_RE: Final = re.compile(r"(?:通过|修正|修订|修改|批准|公布|发布施行)")
# A regulation's history: the lines above `<!-- INFO END -->` or in its first lines.
HISTORY_CHARS: Final = 1500
TARGET_BEFORE_RE: Final = re.compile(r"(?:到|至|力争|预计|目标|展望)\s*$")
SESSION_NEAR_RE: Final = re.compile(r"人民代表大会|代表大会|全会|会议上|大会上")
PUBLISHED_BEFORE_RE: Final = re.compile(r"(?:发表|发布|更新|时间|日期)\s*[::]?\s*$")
W_YEAR: Final[dict[str, float]] = {
    "session": 14.0,  # the NPC session / CPC congress the text is read to
    "version": 10.0,  # latest 通过/修正 date of a regulation
    "meeting": 10.0,  # 2025年1月14日在…人民代表大会…上: the session year is the report year
    "heading": 9.0,  # 一、2009年工作回顾 (read in 2010) or 二、2004年主要任务 (2004)
    "this_year": 8.0,  # 今年是“十二五”收官之年 (2015)
    "statistic": 3.0,  # national report: 1992年国民生产总值… is reviewed in 1993
    "published": 8.0,
    "title": 7.0,
    "head_date": 5.0,
    "review": 4.0,
    "target_year": 4.0,
    "enacted": 0.3,  # earlier versions of a regulation
    "plan_start": 3.0,  # a 2018—2025 plan presented at the event: published in its first year
    "head_year": 2.0,
    "body": 0.3,
}
# Years that merely recur (a work report reviews last year a lot) add up to a cap only.
YEAR_CAPS: Final[dict[str, float]] = {
    "body": 3.0,
    "head_year": 4.0,
    "enacted": 1.0,
    "statistic": 6.0,
    "plan_start": 3.0,
}
DATE_FROM_PARTS_MIN_CONFIDENCE: Final = 0.7

# Document type cues: (pattern, weight in title, weight in head, weight in body).
DOC_TYPE_CUES: Final[dict[DocType, tuple[tuple[str, float, float, float], ...]]] = {
    "work_report": (
        (r"政府工作报告", 10, 6, 0.5),
        (r"向大会报告(?:政府)?工作", 0, 4, 2),
        (r"各位代表", 0, 2, 0.5),
    ),
    "speech": (
        (r"讲话(?!精神)|致辞|讲稿|发言(?!人)", 5, 1, 0),
        (r"同志们", 0, 3, 1.5),
    ),
    "meeting_news": (
        (r"会议|召开|座谈会|调研|传达学习|讲话精神", 1.5, 1, 0),
        (
            r"主持(?:召开)?|出席(?:会议)?|会议(?:强调|指出|要求|认为)|会上|作了?(?:重要)?讲话",
            0,
            2,
            1,
        ),
    ),
    "plan": ((r"规划|方案|行动计划|实施意见|指导意见|若干措施|政策措施|工作要点", 5, 1, 0),),
    "regulation": (
        (r"条例|办法|规定|细则", 5, 0, 0),
        (r"第[一二三四五六七八九十百]+条", 0, 1, 0.5),
    ),
}
DOC_TYPE_MIN_SCORE: Final = 2.0

# Source site.
SOURCE_RE: Final = re.compile(r"(?m)^\s*(?:信息)?来源\s*[::]\s*\n?\s*([^\s|,，]{2,30})")
DOMAIN_RE: Final = re.compile(
    r"((?:[a-z0-9-]+\.)+(?:com|cn|net|org|gov|edu)(?:\.cn)?)(?![a-z0-9])", re.I
)
# Where a domain can start: a maximal run of dot-separated labels. DOMAIN_RE is matched at
# the start of each run only; searched freely it rescanned the rest of a digit run (or of
# `1.1.1.…`) at every position, quadratic in its length (16,000 digits: 3 s).
_LABELS_RE: Final = re.compile(r"(?<![a-z0-9-])[a-z0-9-]+(?:\.[a-z0-9-]+)*", re.I)
_SCHEME_RE: Final = re.compile(r"https?://$", re.I)
# Every domain holds a dot and its top-level label: a text without one has no domain, and
# this literal-led search skips through it far faster than the run-by-run scan.
_TLD_RE: Final = re.compile(r"\.(?:com|cn|net|org|gov|edu)", re.I)
SITE_NAME_RE: Final = re.compile(r"([\u4e00-\u9fffA-Za-z0-9]{2,8}网)(?<!联网)(?<!电网)(?<!管网)")
BREADCRUMB_RE: Final = re.compile(r"位置|>")

_CJK: Final = r"\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”‘’、，。；：？！（）《》【】"
_CJK_CHAR_RE: Final = re.compile(f"[{_CJK}]")
# Spaces before a CJK character; `_join_cjk` checks the one before them. Opening with that
# check as a lookbehind, the pattern was tried at every position instead of at spaces only.
_SPACES_BEFORE_CJK_RE: Final = re.compile(rf"[ \t\u00a0\u2002-\u200b]+(?=[{_CJK}])")


# ---------------------------------------------------------------------------------------
# Normalisation and layout
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Layout:
    """The normalised text and where its title and head (first lines) are."""

    text: str
    title: str | None
    title_span: tuple[int, int] | None
    head_end: int  # offset where the "first lines" zone ends
    content_start: int  # offset of the first non-chrome line


def _normalise(text: str, *, join_cjk: bool = True) -> str:
    """NFKC (full-width digits/colons), PDF wrap spaces removed, blank lines dropped."""
    text = _nfkc(text).replace("\r", "\n")
    text = _years_as_digits(apply_repairs(text))
    if join_cjk:
        text = _join_cjk(text)
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _join_cjk(text: str) -> str:
    """The text without the spaces between two CJK characters (PDF line-wrap remnants)."""
    return _SPACES_BEFORE_CJK_RE.sub(_unless_after_cjk, text)


def _unless_after_cjk(spaces: re.Match[str]) -> str:
    start = spaces.start()
    return "" if start and _CJK_CHAR_RE.match(spaces.string, start - 1) else spaces.group()


def _nfkc(text: str) -> str:
    """`unicodedata.normalize("NFKC", text)`, about five times faster on Chinese text.

    Replacing a character by its compatibility decomposition leaves the NFKC of a text as it
    was; done for the few characters that need it (，（）：, full-width digits) the text is
    usually normalised already, which a quick check confirms; otherwise NFKC finishes it.
    """
    table, pattern = _compatibility_folds()
    for char in _FREQUENT_FOLDS:  # most of the work, at the speed of str.replace
        text = text.replace(char, table[char])
    text = pattern.sub(lambda m: table[m.group()], text)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


_FREQUENT_FOLDS: Final = "，；（）：！？％\u3000"


@lru_cache(maxsize=1)
def _compatibility_folds() -> tuple[dict[str, str], re.Pattern[str]]:
    """Characters of the Basic Multilingual Plane that NFKC folds to their decomposition."""
    table = {}
    for code in range(0x10000):
        char = chr(code)
        folded = unicodedata.normalize("NFKD", char)
        if folded != char and unicodedata.normalize("NFKC", char) == folded:
            table[char] = folded
    return table, re.compile("[" + "".join(map(re.escape, table)) + "]")


_CN_FULL_DATE_AHEAD: Final = re.compile(r"\s?年[一二三四五六七八九十]{1,3}月")


def _years_as_digits(text: str) -> str:
    """`一九八五年` as `1985年` so every year rule reads it; a full Chinese date
    (`二〇二五年一月十日`) is left to CN_DATE_RE."""
    return CN_YEAR_RE.sub(
        lambda m: (
            m.group()
            if _CN_FULL_DATE_AHEAD.match(text, m.end())
            else str(int(parse_number(m.group()) or 0))
        ),
        text,
    )


def _is_chrome(line: str) -> bool:
    return len(line) < 4 or CHROME_LINE_RE.search(line) is not None


def _layout(text: str) -> _Layout:
    """Find the title (first substantive line) and the head zone after the chrome."""
    offset, content_start, title, span = 0, None, None, None
    for line in text.split("\n"):
        if not _is_chrome(line):
            if content_start is None:
                content_start = offset
            if _looks_like_title(line):
                title, span = _strip_title(line), (offset, offset + len(line))
            break
        offset += len(line) + 1
    start = content_start if content_start is not None else 0
    return _Layout(text, title, span, start + HEAD_CHARS, start)


# Lines that open a speech or a section, never a title (`同志们！`, `各位代表：`, `一、去年`).
NOT_A_TITLE_RE: Final = re.compile(
    r"^(?:同志们|各位代表|各位委员|女士们|先生们|朋友们)[，,！!：:。]?$"
    r"|^(?:[一二三四五六七八九十]+[、.]|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+[章节条])"
    r"|[！!：:]$"
)


def _looks_like_title(line: str) -> bool:
    if SUBTITLE_RE.match(line) or len(line) > TITLE_MAX_CHARS:
        return False
    if NOT_A_TITLE_RE.search(line):
        return False
    return not line.endswith(("。", ";", ",", ":")) and "。" not in line[:-1]


def _strip_title(line: str) -> str:
    return line.strip("《》 ")


def _snippet(text: str, start: int, end: int) -> str:
    """The mention with EVIDENCE_RADIUS characters either side, on one line."""
    left, right = max(0, start - EVIDENCE_RADIUS), min(len(text), end + EVIDENCE_RADIUS)
    return text[left:right].replace("\n", " ")


def _confidence(best: float, second: float, *, scale: float) -> float:
    """Strength of the winner (saturating) times its margin over the runner-up."""
    if best <= 0:
        return 0.0
    strength = 1 - math.exp(-best / scale)
    margin = (best - max(second, 0.0)) / best
    return round(strength * (0.5 + 0.5 * margin), 2)


def _unknown(field: str) -> Detection:
    return Detection(field, None, "", 0.0)


# ---------------------------------------------------------------------------------------
# Region
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Division:
    name: str
    level: str
    province: str
    city: str | None


@dataclass(slots=True)
class _Mention:
    weight: float
    readings: tuple[_Division, ...]
    snippet: str
    strong: bool  # title, file name, issuer or session: the document speaks as this place


@dataclass(frozen=True, slots=True)
class _Matcher:
    """Every full and short name, indexed by its first two characters.

    A regex of ~3,500 alternatives is re-tried branch by branch at every character
    (~50 ms on 30k characters). Instead numpy finds, over the whole text at once, the few
    positions whose two characters open a name, and a dict confirms them.
    """

    readings: dict[str, tuple[_Division, ...]]
    lengths: dict[str, tuple[int, ...]]  # 2-char prefix -> name lengths, longest first
    firsts: npt.NDArray[np.bool_]  # by code point: the first character of a name
    seconds: npt.NDArray[np.bool_]  # by code point: the second character of a name
    pairs: npt.NDArray[np.uint64]  # sorted codes of the 2-char prefixes (see _pair_codes)

    def finditer(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Leftmost-longest, non-overlapping (start, end, name) matches."""
        end = 0
        for i in self._openings(text):
            if i < end:
                continue
            for size in self.lengths.get(text[i : i + 2], ()):
                surface = text[i : i + size]
                if surface in self.readings and not _inside_word(text, i + size, surface):
                    yield i, i + size, surface
                    end = i + size
                    break

    def _openings(self, text: str) -> list[int]:
        """Offsets where a name's first two characters stand, in order."""
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        if len(codes) < 2:
            return []
        near = np.flatnonzero(self.firsts[codes[:-1]] & self.seconds[codes[1:]])
        keys = _pair_codes(codes[near], codes[near + 1])
        found = self.pairs[np.minimum(np.searchsorted(self.pairs, keys), len(self.pairs) - 1)]
        return near[found == keys].tolist()


def _pair_codes(
    first: npt.NDArray[np.uint32], second: npt.NDArray[np.uint32]
) -> npt.NDArray[np.uint64]:
    """One number per pair of code points (each below 2**21)."""
    return (first.astype(np.uint64) << np.uint64(21)) | second.astype(np.uint64)


@lru_cache(maxsize=1)
def _matcher() -> _Matcher:
    """The gazetteer's names (full and short) and what each one can mean."""
    readings: dict[str, list[_Division]] = defaultdict(list)
    for row in division_table().itertuples(index=False):
        division = _Division(row.name, row.level, row.province, _none_if_nan(row.city))
        for surface in {row.name, row.short}:
            readings[surface].append(division)
    lengths: dict[str, set[int]] = defaultdict(set)
    for surface in readings:
        lengths[surface[:2]].add(len(surface))
    firsts = np.zeros(sys.maxunicode + 1, dtype=bool)
    seconds = np.zeros(sys.maxunicode + 1, dtype=bool)
    firsts[[ord(s[0]) for s in readings]] = True
    seconds[[ord(s[1]) for s in readings]] = True
    prefixes = np.array([[ord(p[0]), ord(p[1])] for p in lengths], dtype=np.uint32)
    return _Matcher(
        {k: tuple(v) for k, v in readings.items()},
        {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()},
        firsts,
        seconds,
        np.unique(_pair_codes(prefixes[:, 0], prefixes[:, 1])),
    )


def _none_if_nan(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _mentions(layout: _Layout) -> list[_Mention]:
    """Every gazetteer name in the text, weighted by zone and role."""
    matcher = _matcher()
    text = layout.text
    blocked = [m.span() for m in NOT_A_PLACE_RE.finditer(text)]
    found: list[_Mention] = []
    title_seen = False
    for start, end, surface in matcher.finditer(text):
        if any(b0 <= start < b1 for b0, b1 in blocked):
            continue
        weight, strong = _mention_weight(layout, start, end)
        if not title_seen and (bonus := _title_position_bonus(layout, start)):
            weight, title_seen = weight + bonus, True
        snippet = _snippet(text, start, end)
        found.append(_Mention(weight, matcher.readings[surface], snippet, strong))
    return found


def _title_position_bonus(layout: _Layout, start: int) -> float:
    """Bonus for the first place in the title, more if the title opens with it (the issuer)."""
    span = layout.title_span
    if span is None or not span[0] <= start < span[1]:
        return 0.0
    opens_title = not layout.text[span[0] : start].strip("#《 ")
    return W_TITLE_FIRST + (W_TITLE_ISSUER if opens_title else 0.0)


def _inside_word(text: str, end: int, surface: str) -> bool:
    """`河北区域`, `海南区域`: a district glued to 域 is the word 区域 (try 河北 instead)."""
    return surface[-1] in "区县" and text[end : end + 1] == "域"


def _mention_weight(layout: _Layout, start: int, end: int) -> tuple[float, bool]:
    after = layout.text[end : end + 20]
    line_start = layout.text.rfind("\n", 0, start) + 1
    if MEDIA_AFTER_RE.match(after) or layout.text.startswith("来源", line_start):
        return MEDIA_WEIGHT, False
    span = layout.title_span
    if span and span[0] <= start < span[1]:
        base = W_TITLE
    elif layout.content_start <= start < layout.head_end:
        base = W_HEAD
    else:
        base = W_BODY
    if SESSION_AFTER_RE.match(after):
        return base + W_SESSION, True
    if ROLE_AFTER_RE.match(after):
        return base + W_ROLE, True
    return base, base == W_TITLE


def _stem(filename: str) -> str:
    """A file name as its evidence reads: no folder, no extension, full-width folded."""
    return unicodedata.normalize("NFKC", PurePath(filename).stem)


def _filename_mentions(filename: str | None) -> list[_Mention]:
    if not filename:
        return []
    matcher = _matcher()
    stem = _stem(filename)
    return [
        _Mention(W_FILENAME, matcher.readings[surface], f"文件名: {stem}", True)
        for _, _, surface in matcher.finditer(stem)
    ]


def _scores(
    mentions: list[_Mention], key: str, *, parents: dict[str, float]
) -> dict[str, tuple[float, float, _Mention]]:
    """Per `key` value (province/city/name): strong weight, capped body weight, best mention."""
    strong: dict[str, float] = defaultdict(float)
    body: dict[str, float] = defaultdict(float)
    best: dict[str, _Mention] = {}
    for mention in mentions:
        for division in mention.readings:
            value = getattr(division, key)
            factor = parents.get(division.level)
            if value is None or factor is None:
                continue
            weight = mention.weight * factor / len(mention.readings)
            (strong if mention.strong else body)[value] += weight
            if value not in best or mention.weight > best[value].weight:
                best[value] = mention
    return {v: (strong[v], min(body[v], BODY_CAP), best[v]) for v in best}


def _pick(
    scores: dict[str, tuple[float, float, _Mention]], field: str, *, scale: float = 4.0
) -> tuple[Detection, bool]:
    """The best-scoring value as a Detection, and whether a strong mention backs it."""
    if not scores:
        return _unknown(field), False
    ranked = sorted(scores.items(), key=lambda kv: kv[1][0] + kv[1][1], reverse=True)
    value, (strong, body, mention) = ranked[0]
    second = ranked[1][1][0] + ranked[1][1][1] if len(ranked) > 1 else 0.0
    confidence = _confidence(strong + body, second, scale=scale)
    return Detection(field, value, mention.snippet, confidence), strong > 0


def _document_level(text: str, province: str | None) -> str:
    """Which level the text speaks from: 我市/全市 → city, 我省/全省 → province …"""
    counts = {level: len(rx.findall(text)) for level, rx in LEVEL_CUES.items()}
    if province and province.endswith("自治区"):
        counts["province"] += counts.pop("district")  # 全区 in a 广西 report is the region
    if province and is_municipality(province):
        counts["province"] += counts.pop("city")
    level = max(counts, key=lambda k: counts[k])
    return level if counts[level] else "unknown"


def _detect_region(layout: _Layout, filename: str | None) -> dict[str, Detection]:
    """Province, then a city inside it, then a district inside that (each only if supported)."""
    mentions = _mentions(layout) + _filename_mentions(filename)
    province_scores = _scores(
        mentions,
        "province",
        parents={"province": 1.0, "city": CITY_TO_PROVINCE, "district": DISTRICT_TO_PARENT},
    )
    province, strong = _pick(province_scores, "province")
    head = layout.text[: layout.head_end]
    issuer = national_issuer(head)
    if not _titled(layout, province):
        national = None
        if issuer is not None:
            snippet = _snippet(layout.text, *issuer.span())
            national = Detection("province", NATIONAL_REGION, snippet, 0.9)
        elif filed_nationally := _national_filename(filename):
            national = Detection("province", NATIONAL_REGION, filed_nationally, 0.7)
        elif speaks_nationally(layout.text):
            national = Detection(
                "province", NATIONAL_REGION, "“我国”“全国各族人民”，无“我省/我市”", 0.6
            )
        if national is not None:
            # A national issuer or voice: no province of the text is the document's own.
            return {
                "province": national,
                "city": _unknown("city"),
                "district": _unknown("district"),
            }
    if province.value is None or (NATIONAL_RE.search(head) and not strong):
        return {f: _unknown(f) for f in ("province", "city", "district")}
    inside = [m for m in mentions if any(d.province == province.value for d in m.readings)]
    inside = [_restrict(m, province.value) for m in inside]
    level = _document_level(layout.text, str(province.value))
    city = _detect_city(inside, str(province.value), province, level)
    district = _detect_district(inside, city, level)
    return {"province": province, "city": city, "district": district}


def _national_filename(filename: str | None) -> str | None:
    """Evidence that the file name files the document under a national body, if it does."""
    if not filename:
        return None
    stem = _stem(filename)
    return f"文件名: {stem}" if national_filename(stem) else None


def _titled(layout: _Layout, province: Detection) -> bool:
    """True when the title names the detected province (`湖北省…实施方案` citing 国务院)."""
    if province.value is None or not layout.title:
        return False
    name = str(province.value)
    return any(
        m[2] in layout.title
        for m in _matcher().finditer(layout.title)
        if name in {d.province for d in _matcher().readings[m[2]]}
    )


def _restrict(mention: _Mention, province: str) -> _Mention:
    """Keep only the readings of a mention that lie in the chosen province."""
    kept = tuple(d for d in mention.readings if d.province == province)
    return _Mention(mention.weight, kept, mention.snippet, mention.strong)


def _detect_city(
    mentions: list[_Mention], province: str, province_det: Detection, level: str
) -> Detection:
    if is_municipality(province):
        return Detection("city", province, province_det.evidence, province_det.confidence)
    scores = _scores(mentions, "city", parents={"city": 1.0, "district": DISTRICT_TO_PARENT})
    city, strong = _pick(scores, "city")
    if city.value is None or not (strong or level in {"city", "district"}):
        return _unknown("city")
    return _cap(city, province_det.confidence)


def _detect_district(mentions: list[_Mention], city: Detection, level: str) -> Detection:
    scoped = [
        m
        for m in mentions
        if any(
            d.level == "district" and (city.value is None or d.city == city.value)
            for d in m.readings
        )
    ]
    scores = _scores(scoped, "name", parents={"district": 1.0})
    district, strong = _pick(scores, "district")
    if district.value is None or (not strong and level != "district"):
        return _unknown("district")
    if not strong and sum(scores[str(district.value)][:2]) < DISTRICT_MIN_SCORE:
        return _unknown("district")  # one passing mention does not make it the document's district
    return _cap(district, city.confidence if city.value else district.confidence)


def _cap(detection: Detection, ceiling: float) -> Detection:
    """A child can be no surer than its parent (city ≤ province)."""
    return Detection(
        detection.field, detection.value, detection.evidence, min(detection.confidence, ceiling)
    )


# ---------------------------------------------------------------------------------------
# Year and date
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _YearCandidate:
    year: int
    kind: str  # key of W_YEAR
    snippet: str
    date: str | None  # ISO date when the mention was a full date


def _iso(year: int, month: int, day: int) -> str | None:
    """The ISO date, or None when there is no such day (2023-02-30, month 13)."""
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def _date_kind(layout: _Layout, start: int, end: int) -> str:
    """enacted, meeting (a session date), published (a dateline), head_date or body."""
    rest_of_line = layout.text[end : end + 200].split("\n")[0]
    if start < max(layout.head_end, HISTORY_CHARS) and ENACTED_AFTER_RE.search(rest_of_line):
        return "enacted"
    if SESSION_NEAR_RE.search(rest_of_line[:45]):
        return "meeting" if start < layout.head_end else "body"
    if PUBLISHED_BEFORE_RE.search(layout.text[max(0, start - 12) : start]):
        return "published"
    return "head_date" if start < layout.head_end else "body"


def _date_candidates(layout: _Layout) -> list[_YearCandidate]:
    text, found = layout.text, []
    for rx, convert in ((FULL_DATE_RE, int), (CN_DATE_RE, date_numeral)):
        for m in rx.finditer(text):
            year, month, day = (convert(g) for g in m.groups())
            iso = _iso(year, month, day)
            if iso is None:
                continue
            kind = _date_kind(layout, m.start(), m.end())
            found.append(_YearCandidate(year, kind, _snippet(text, *m.span()), iso))
    return _mark_version(found)


def _mark_version(found: list[_YearCandidate]) -> list[_YearCandidate]:
    """The latest enactment/amendment date of a regulation is its version date."""
    enacted = [c for c in found if c.kind == "enacted"]
    if not enacted:
        return found
    latest = max(enacted, key=lambda c: c.date or "")
    return [
        _YearCandidate(c.year, "version", c.snippet, c.date) if c is latest else c for c in found
    ]


# A report presenting a five-year plan (`作关于…第六个五年计划的报告`): figures for the
# plan's last year are its goals (`1985年工农业总产值达到…`), not last year's statistics
# (figures for its first years may be: the 1982 report reviews 1981).
PRESENTED_PLAN_RE: Final = re.compile(
    r"关于[^。；]{0,30}?(?P<plan>第[一二三四五六七八九十]+个五年计划|[十一二三四五六七八九]{1,2}五(?:计划|规划))"
    r"[^。；]{0,12}?(?:的报告|草案|纲要)"
)
PRESENTED_PLAN_CHARS: Final = 300


def _presented_plan(head: str) -> tuple[int, int] | None:
    """(first, last) year of the five-year plan the report presents, if its head says so."""
    m = PRESENTED_PLAN_RE.search(head)
    return plan_period(m.group("plan")) if m else None


def _statistic_years(layout: _Layout) -> list[_YearCandidate]:
    """For a national report only: last year's statistics, each saying `read the year after`."""
    if national_issuer(layout.text[: layout.head_end]) is None:
        return []
    text = layout.text
    presented = _presented_plan(text[: layout.head_end + PRESENTED_PLAN_CHARS])
    found = [
        _YearCandidate(
            int(m.group(1)) + (0 if "预计" in m.group() else 1),
            "statistic",
            _snippet(text, *m.span()),
            None,
        )
        for m in STAT_YEAR_RE.finditer(text)
        if not TARGET_BEFORE_RE.search(text[max(0, m.start() - 4) : m.start()])
        and not PLAN_WORDS_RE.search(m.group())
        and not (presented and int(m.group(1)) == presented[1])
    ]
    # Only the latest year reviewed counts: a five-year review also quotes its first year.
    latest = max((c.year for c in found), default=None)
    return [c for c in found if c.year == latest]


def _year_candidates(layout: _Layout) -> list[_YearCandidate]:
    """Bare years (2023年) and plan periods (2018—2025), weighted by where they stand."""
    text, found = layout.text, _statistic_years(layout)
    span = layout.title_span
    period_matches = list(PLAN_PERIOD_RE.finditer(text))  # read once, used twice
    periods = [m.span() for m in period_matches]
    for m in YEAR_RE.finditer(text):
        if TARGET_BEFORE_RE.search(text[max(0, m.start() - 4) : m.start()]):
            continue  # 到2025年 is a deadline, not the document's year
        if any(a <= m.start() < b for a, b in periods):
            continue  # the end of （2022—2030年） is the plan's horizon, not its year
        in_title = span is not None and span[0] <= m.start() < span[1]
        kind = "title" if in_title else "head_year" if m.start() < layout.head_end else "body"
        found.append(_YearCandidate(int(m.group(1)), kind, _snippet(text, *m.span()), None))
    for m in HEADING_YEAR_RE.finditer(text):
        year = int(m.group(1)) + (1 if m.group("review") else 0)
        found.append(_YearCandidate(year, "heading", _snippet(text, *m.span()), None))
    for m in BUDGET_YEAR_RE.finditer(text[: layout.head_end + 600]):
        year = int(m.group(1)) + (1 if m.group("what") == "决算" else 0)
        found.append(_YearCandidate(year, "heading", _snippet(text, *m.span()), None))
    for m in PAST_YEAR_RE.finditer(text):
        found.append(
            _YearCandidate(int(m.group(1)) + 1, "heading", _snippet(text, *m.span()), None)
        )
    for said in this_year_mentions(text):
        found.append(
            _YearCandidate(said.year, "this_year", _snippet(text, said.start, said.end), None)
        )
    for session in session_years(text[: layout.head_end + 600]):
        snippet = _snippet(text, session.start, session.end)
        found.append(_YearCandidate(session.year, "session", snippet, None))
    year_rules = ((REVIEW_RE, "review", 1), (TARGET_YEAR_RE, "target_year", 0))
    for rx, kind, shift in (*year_rules, (PLAN_YEAR_RE, "target_year", 0)):
        for m in rx.finditer(text[: layout.head_end + 3000]):
            year = int(m.group(1)) + shift
            found.append(_YearCandidate(year, kind, _snippet(text, *m.span()), None))
    for m in period_matches:
        first, last = int(m.group(1)), int(m.group(2))
        if 0 < last - first <= 15:
            found.append(_YearCandidate(first, "plan_start", _snippet(text, *m.span()), None))
    return found


def _detect_year_and_date(
    layout: _Layout, dates: list[_YearCandidate]
) -> tuple[Detection, Detection]:
    candidates = dates + _year_candidates(layout)
    if not candidates:
        return _unknown("year"), _unknown("date")
    scores: dict[int, float] = defaultdict(float)
    soft: dict[tuple[int, str], float] = defaultdict(float)
    for c in candidates:
        if c.kind in YEAR_CAPS:
            soft[(c.year, c.kind)] += W_YEAR[c.kind]
        else:
            scores[c.year] += W_YEAR[c.kind]
    for (year, kind), weight in soft.items():
        scores[year] += min(weight, YEAR_CAPS[kind])
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    year, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = _confidence(best, second, scale=6.0)
    ours = sorted(
        (c for c in candidates if c.year == year), key=lambda c: W_YEAR[c.kind], reverse=True
    )
    year_det = Detection("year", year, ours[0].snippet, confidence)
    return year_det, _detect_date(layout, ours, year_det)


def _detect_date(layout: _Layout, ours: list[_YearCandidate], year: Detection) -> Detection:
    """The best full date of the winning year, else 1月12日 in the head + a confident year."""
    dated = [c for c in ours if c.date and c.kind != "body"]
    if dated:
        return Detection("date", dated[0].date, dated[0].snippet, year.confidence)
    if year.confidence < DATE_FROM_PARTS_MIN_CONFIDENCE or not isinstance(year.value, int):
        return _unknown("date")
    head = layout.text[layout.content_start : layout.head_end]
    m = MONTH_DAY_RE.search(head)
    iso = _iso(year.value, int(m.group(1)), int(m.group(2))) if m else None
    if m is None or iso is None:
        return _unknown("date")
    start = layout.content_start + m.start()
    snippet = _snippet(layout.text, start, start + len(m.group()))
    return Detection("date", iso, f"{snippet} + 年份 {year.value}", round(year.confidence * 0.8, 2))


# ---------------------------------------------------------------------------------------
# Document type, title, source site
# ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _doc_type_rules() -> tuple[tuple[DocType, re.Pattern[str], float, float, float], ...]:
    return tuple(
        (doc_type, re.compile(pattern), w_title, w_head, w_body)
        for doc_type, cues in DOC_TYPE_CUES.items()
        for pattern, w_title, w_head, w_body in cues
    )


def _detect_doc_type(layout: _Layout) -> Detection:
    """Score each type from cue words in the title (most), the head and the body."""
    title = layout.title or ""
    head = layout.text[layout.content_start : layout.head_end]
    body = layout.text[layout.head_end :]
    scores: dict[str, float] = defaultdict(float)
    evidence: dict[str, tuple[float, str]] = {}
    for doc_type, rx, w_title, w_head, w_body in _doc_type_rules():
        for zone, weight, cap in ((title, w_title, 1), (head, w_head, 3), (body, w_body, 5)):
            hits = rx.findall(zone) if weight else []
            if not hits:
                continue
            gain = weight * min(len(hits), cap)
            scores[doc_type] += gain
            if gain > evidence.get(doc_type, (0.0, ""))[0]:
                evidence[doc_type] = (gain, _cue_snippet(zone, rx))
    if not scores or max(scores.values()) < DOC_TYPE_MIN_SCORE:
        return Detection("doc_type", "other", title[:40], 0.3)
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    doc_type, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    return Detection(
        "doc_type", doc_type, evidence[doc_type][1], _confidence(best, second, scale=4.0)
    )


def _cue_snippet(zone: str, rx: re.Pattern[str]) -> str:
    m = rx.search(zone)
    return _snippet(zone, *m.span()) if m else ""


def _detect_title(layout: _Layout, raw: str) -> Detection:
    """The first substantive line; surer when it names a document kind or repeats later."""
    if layout.title is None or layout.title_span is None:
        return _unknown("title")
    kind_cue = any(rx.search(layout.title) for _, rx, w, _, _ in _doc_type_rules() if w)
    repeated = layout.text.count(layout.title) > 1
    confidence = 0.6 + 0.2 * kind_cue + 0.1 * repeated
    title = _title_as_written(layout.title, raw)
    return Detection("title", title, title, round(confidence, 2))


def _title_as_written(title: str, raw: str) -> str:
    """The title with its own spaces (`精神 全力以赴`), which PDF-wrap repair removed."""
    head = _normalise(raw[: len(title) * 4 + 2000], join_cjk=False)
    for line in head.split("\n"):
        if _join_cjk(line).strip("《》 ") == title:
            return re.sub(r"\s+", " ", line.strip("《》 "))
    return title


def _detect_source_site(layout: _Layout) -> Detection:
    """来源：… line, else a site name in the breadcrumb, else a domain."""
    text = layout.text
    if "来源" in text and (m := SOURCE_RE.search(text)):  # the pattern tries every line start
        return Detection("source_site", m.group(1), _snippet(text, *m.span()), 0.8)
    for line in text[: layout.content_start + HEAD_CHARS].split("\n"):
        if BREADCRUMB_RE.search(line) and (site := SITE_NAME_RE.search(line)):
            return Detection("source_site", site.group(1), line[:60], 0.7)
    if found := find_domain(text):
        domain, start, end = found
        return Detection("source_site", domain.lower(), _snippet(text, start, end), 0.6)
    return _unknown("source_site")


def find_domain(text: str) -> tuple[str, int, int] | None:
    """The first web domain in `text` (`www.gov.cn`), with the span of it and of any
    `http(s)://` before it; linear in the length of the text.
    """
    if _TLD_RE.search(text) is None:
        return None
    for run in _LABELS_RE.finditer(text):
        if "." not in run.group():
            continue
        if m := DOMAIN_RE.match(text, run.start(), run.end()):
            scheme = _SCHEME_RE.search(text, max(0, run.start() - 8), run.start())
            return m.group(1), scheme.start() if scheme else run.start(), m.end()
    return None


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------


def detect_metadata(
    text: str, *, filename: str | None = None, raw_text: str | None = None
) -> dict[str, Detection]:
    """Title, region, year, date, type and source of a document, each with its evidence.

    Values the text does not support are `None` with confidence 0. The file name, when
    given, counts as a region hint weaker than the title. `raw_text`, when given, is
    searched for the source site if the clean text no longer names it (the cleaner removes
    the breadcrumbs and site notices that name it).

    >>> d = detect_metadata("湖北省政府工作报告\\n——2025年1月16日在湖北省第十四届人民代表大会上")
    >>> d["province"].value, d["year"].value, d["date"].value, d["doc_type"].value
    ('湖北省', 2025, '2025-01-16', 'work_report')
    """
    layout = _layout(_normalise(text))
    dates = _date_candidates(layout)  # read once: the year and the history both weigh them
    year, date = _detect_year_and_date(layout, dates)
    year = _year_from_filename(filename, year)
    found = {
        **_detect_region(layout, filename),
        "title": _detect_title(layout, text),
        "year": year,
        "date": date,
        "doc_type": _detect_doc_type(layout),
        "source_site": _detect_source_site(layout),
    }
    if found["source_site"].value is None and raw_text:
        found["source_site"] = _detect_source_site(_layout(_normalise(raw_text)))
    found.update(_detect_history(layout, dates))
    if found["title"].value is None:
        found["title"] = _implied_title(found)
    if found["title"].value is None:
        found["title"] = _filename_title(filename)
    return {field: found[field] for field in (*META_FIELDS, *EXTRA_FIELDS)}


FILENAME_YEAR_RE: Final = re.compile(rf"(?<![0-9A-Za-z])({YEAR})(?=[-_年.\s)）]|$)")
FILENAME_YEAR_CONFIDENCE: Final = 0.6
# Below this, a year read from the text (a passing mention, a licence footer) gives way to
# a year the file's name states (`1921_第1次全国代表大会_….txt`, `…(2020-09-25).md`).
WEAK_TEXT_YEAR: Final = 0.3


def _year_from_filename(filename: str | None, year: Detection) -> Detection:
    """The text's year, unless it is weak or missing and the file name states one."""
    if not filename or (year.value is not None and year.confidence >= WEAK_TEXT_YEAR):
        return year
    stem = _stem(filename)
    found = {int(m.group(1)) for m in FILENAME_YEAR_RE.finditer(stem)}
    if len(found) != 1:  # none, or several to choose from: the text's reading stands
        return year
    value = found.pop()
    return Detection("year", value, f"文件名: {stem}", FILENAME_YEAR_CONFIDENCE)


FILENAME_TITLE_NOISE_RE: Final = re.compile(
    rf"^{YEAR}[_\s-]+|[(（](?:FBM-[^)）]*|\d{{4}}-\d{{2}}-\d{{2}})[)）]$"
)
FILENAME_TITLE_CONFIDENCE: Final = 0.2


def _filename_title(filename: str | None) -> Detection:
    """A text with no title line (a congress report opening on `同志们，`) is named by its
    file name without the collection's year prefix or catalogue number, marked as such."""
    if not filename:
        return _unknown("title")
    stem = _stem(filename)
    title = FILENAME_TITLE_NOISE_RE.sub("", stem).replace("_", " ").strip()
    if len(title) < 4 or not re.search(r"[\u3400-\u9fff]", title):
        return _unknown("title")  # `000_a3948753d118a57e`: a name, not a title
    return Detection("title", title, f"无标题行：取自文件名 {stem}", FILENAME_TITLE_CONFIDENCE)


def _implied_title(found: dict[str, Detection]) -> Detection:
    """A work report with no title line (`各位代表：` opens it) is named by its issuer and
    year (`1998年国务院政府工作报告`), marked as inferred with a low confidence."""
    if found["doc_type"].value != "work_report" or found["year"].value is None:
        return _unknown("title")
    region = found["province"].value
    issuer = "国务院" if region == NATIONAL_REGION else (found["city"].value or region or "")
    title = f"{found['year'].value}年{issuer}政府工作报告"
    return Detection("title", title, "无标题行：由发文机关、年份和类型推断", 0.3)


def _detect_history(layout: _Layout, dates: list[_YearCandidate]) -> dict[str, Detection]:
    """A regulation's first adoption year (the stored `year` is its last amendment) and a
    plan's period (`（2022—2030年）`: start 2022, end 2030; its `year` is the issue year)."""
    found = {field: _unknown(field) for field in EXTRA_FIELDS}
    enacted = [c for c in dates if c.kind in ("enacted", "version")]
    if enacted:
        first = min(enacted, key=lambda c: c.date or "")
        found["adopted_year"] = Detection("adopted_year", first.year, first.snippet, 0.8)
    zone = layout.title or layout.text[layout.content_start : layout.head_end]
    if m := PLAN_PERIOD_RE.search(zone):
        first, last = int(m.group(1)), int(m.group(2))
        if 0 < last - first <= 30:
            snippet = m.group(0)
            found["period_start"] = Detection("period_start", first, snippet, 0.8)
            found["period_end"] = Detection("period_end", last, snippet, 0.8)
    return found


def detections_frame(detections: dict[str, Detection]) -> pd.DataFrame:
    """One row per field (field, value, evidence, confidence), in `META_FIELDS` order.

    >>> detections_frame(detect_metadata("西安市汽车产业大会")).loc[1, "value"]
    '陕西省'
    """
    rows = [
        {"field": d.field, "value": d.value, "evidence": d.evidence, "confidence": d.confidence}
        for d in detections.values()
    ]
    return pd.DataFrame(rows, columns=["field", "value", "evidence", "confidence"])
