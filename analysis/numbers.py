"""Numerals as they appear in Chinese policy texts: Arabic, full-width, Chinese, magnitudes.

Policy texts write the same quantity as `200万辆`, `２００万辆` or `二百万辆`, and the
dashboard compares them, so every number is turned into one float in base units here.
Length-preserving normalisation (`to_halfwidth`) keeps offsets valid for the extractor.

Older texts write numbers in ways a plain digit pattern misreads: digits separated by
spaces (`1 9 9 7 年`, `7 4 7 7 2 亿元`, the 1998 work report throughout), a full-width comma
as thousands separator (`4，735万吨`), a middle dot as decimal point (`12·5％`), a space
before the magnitude (`45.2 万亿元`) and Chinese numerals with inner 亿/万 groups
(`二亿四千万`, `一万三千五百亿`). `numeral_repairs` finds these spellings so the cleaner can
rewrite them (recording each repair) and the metadata detector can read years from them;
`chinese_years` rewrites `一九八五年` as `1985年` for the same reason.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

# Full-width digits, signs and letters map 1:1 to ASCII, so offsets survive normalisation.
_FULLWIDTH: Final = {
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
    **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
    "％": "%",
    "．": ".",
    "－": "-",
    "～": "~",
    "／": "/",
    "\u3000": " ",
    "\u2003": " ",
    "\xa0": " ",
}
_HALFWIDTH_TABLE: Final = str.maketrans(_FULLWIDTH)
# Runs of the characters to map: a Chinese text holds few, and `str.translate` looks every
# character up in the table (ten times slower over a whole text than finding the runs).
_FULLWIDTH_RUN_RE: Final = re.compile(f"[{''.join(re.escape(c) for c in _FULLWIDTH)}]+")

CN_DIGITS: Final[dict[str, int]] = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS: Final[dict[str, int]] = {"十": 10, "百": 100, "千": 1000}

# Magnitude words written after a number (`200万`, `5.67万亿`), longest first in patterns.
MAGNITUDES: Final[dict[str, float]] = {
    "万亿": 1e12,
    "千亿": 1e11,
    "百亿": 1e10,
    "十亿": 1e9,
    "亿": 1e8,
    "千万": 1e7,
    "百万": 1e6,
    "十万": 1e5,
    "万": 1e4,
    "千": 1e3,
    "百": 1e2,
}
MAGNITUDE_PATTERN: Final = "|".join(sorted(MAGNITUDES, key=len, reverse=True))

ARABIC_PATTERN: Final = r"\d+(?:,\d{3})*(?:\.\d+)?"
# A year of the documents' era written in digits (1900–2099): every year pattern uses it.
YEAR: Final = r"(?:19|20)\d{2}"
# A Chinese numeral must contain a digit character or start with 十 (`十五`), so a bare
# magnitude (`百万`, `千亿`) is left to the scale-slogan rule.
_CN_GROUP: Final = (
    r"(?:[零〇一二两三四五六七八九][零〇一二两三四五六七八九十百千]*"
    r"|十[零〇一二两三四五六七八九十百千]*)"
)
# Groups joined by an inner 亿/万 (`二亿四千`, `一万三千五百`), then optional 点 decimals.
CHINESE_PATTERN: Final = rf"(?:{_CN_GROUP}(?:[亿万]{_CN_GROUP})*(?:点[零〇一二三四五六七八九]+)?)"
_ARABIC_RE: Final = re.compile(ARABIC_PATTERN)
# No real numeral is longer; a longer run (4,300 digits before a unit) is not read at all,
# which also keeps int() under Python's digit limit and the 万/亿 recursion shallow.
_MAX_NUMERAL_CHARS: Final = 40
# Larger numbers are not quantities (and times a magnitude word they would overflow a float).
_MAX_VALUE: Final = 1e18
_CHINESE_RE: Final = re.compile(CHINESE_PATTERN)


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters, `％` and wide spaces as ASCII, same length.

    >>> to_halfwidth("增长５．５％")
    '增长5.5%'
    """
    return _FULLWIDTH_RUN_RE.sub(_halfwidth_run, text)


def _halfwidth_run(m: re.Match[str]) -> str:
    return m.group().translate(_HALFWIDTH_TABLE)


# Two neighbouring numerals are a vague count, not digits: `一两个` is one or two, `三五年`
# three to five. Read as the lower bound, so `一两个` stays rhetoric (below ten) and never 12.
VAGUE_PAIRS: Final[dict[str, int]] = {
    "一两": 1, "一二": 1, "两三": 2, "二三": 2, "三四": 3, "三五": 3, "四五": 4,
    "五六": 5, "六七": 6, "七八": 7, "八九": 8,
}  # fmt: skip


def _chinese_integer(text: str) -> int | None:
    """Value of a Chinese integer below 万 (`三百二十`, `十五`, `一九五五`)."""
    if not text:
        return None
    if text in VAGUE_PAIRS:
        return VAGUE_PAIRS[text]
    if all(ch in CN_DIGITS for ch in text):
        # Digit-by-digit reading: 一九五五 -> 1955, 二〇二五 -> 2025.
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row without a unit: not a numeral
            digit = CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def date_numeral(text: str) -> int:
    """A year, month or day in Chinese: digit by digit (`二〇二六` 2026) or with one 十
    (`十二` 12, `二十七` 27). A malformed one (`十十`) is 0, which no date accepts.

    >>> [date_numeral(t) for t in ("二〇二六", "十", "十二", "二十七", "十十")]
    [2026, 10, 12, 27, 0]
    """
    if text.count("十") > 1 or not all(ch in CN_DIGITS or ch == "十" for ch in text):
        return 0
    return _chinese_integer(text) or 0


def parse_chinese_numeral(text: str) -> float | None:
    """Value of a Chinese numeral with optional 万/亿 sections and 点 decimals.

    Returns None when the text is not a numeral, so callers can skip it.

    >>> [parse_chinese_numeral(t) for t in ("三百万", "一九五五", "三点五")]
    [3000000.0, 1955.0, 3.5]
    """
    text = text.strip()
    if not text or len(text) > _MAX_NUMERAL_CHARS:
        return None
    if "点" in text:
        whole, _, frac = text.partition("点")
        head = parse_chinese_numeral(whole) if whole else 0.0
        if head is None or not frac or any(ch not in CN_DIGITS for ch in frac):
            return None
        return head + float("0." + "".join(str(CN_DIGITS[ch]) for ch in frac))
    for word, factor in (("亿", 1e8), ("万", 1e4)):
        if word in text:
            high, _, low = text.partition(word)
            high_value = parse_chinese_numeral(high) if high else 1.0
            low_value = parse_chinese_numeral(low) if low else 0.0
            if high_value is None or low_value is None:
                return None
            return high_value * factor + low_value
    value = _chinese_integer(text)
    return None if value is None else float(value)


def parse_number(text: str) -> float | None:
    """Value of an Arabic or Chinese numeral, full-width allowed, with a magnitude suffix.

    >>> parse_number("200万"), parse_number("５０００亿"), parse_number("1,234.5")
    (2000000.0, 500000000000.0, 1234.5)
    """
    text = to_halfwidth(text).strip()
    if not text:
        return None
    magnitude = 1.0
    for word in sorted(MAGNITUDES, key=len, reverse=True):
        if text.endswith(word) and len(text) > len(word):
            head = text[: -len(word)]
            if _ARABIC_RE.fullmatch(head):
                magnitude, text = MAGNITUDES[word], head
            break
    if _ARABIC_RE.fullmatch(text):
        value: float | None = float(text.replace(",", "")) * magnitude
    else:
        value = parse_chinese_numeral(text)
    return value if value is not None and abs(value) < _MAX_VALUE else None


def magnitude_value(word: str | None) -> float:
    """Factor of a magnitude word (`万` -> 1e4); 1 when there is none."""
    return MAGNITUDES.get(word or "", 1.0)


def is_chinese_numeral(text: str) -> bool:
    """True for a numeral written in Chinese characters (so rhetoric like `三个` can be vetted)."""
    return bool(text) and _CHINESE_RE.fullmatch(text) is not None


# ---------------------------------------------------------------------------------------
# Repairs of unusual spellings (shared by cleaning and metadata)
# ---------------------------------------------------------------------------------------

# A text "written spaced" puts a space after every digit (`1 9 9 7 年`); one such run is
# not enough (a table row `1 2 3` is not the style), a handful is.
_SPACED_RUN_RE: Final = re.compile(r"[0-9０-９](?: [0-9０-９．.]){2,}")
SPACED_STYLE_MIN_RUNS: Final = 5
_SPACED_GAP_RE: Final = re.compile(
    r"(?<=[0-9０-９．.]) (?=[0-9０-９．.％%‰])|(?<=[0-9０-９]) (?=[\u4e00-\u9fff])"
)
# These three open with the character they match and look back at the digit after it: a
# pattern opening with a lookbehind is tried at every position, one opening with a
# character jumps from one occurrence of it to the next (same matches, a fraction the time).
_THOUSANDS_RE: Final = re.compile(r"，(?<=[0-9０-９]，)(?=[0-9０-９]{3}(?![0-9０-９]))")
_MIDDLE_DOT_RE: Final = re.compile(
    r"[·・•](?<=[0-9０-９][·・•])(?=[0-9０-９]+\s?(?:[%％‰倍]|[万亿千百]|元|吨|个百分点))"
)
_MAGNITUDE_GAP_RE: Final = re.compile(r" (?<=[0-9０-９] )(?=(?:万亿|亿|万)|[%％])")
CN_YEAR_RE: Final = re.compile(r"[一二][九〇零○0０][〇零○0０一二三四五六七八九]{2}(?=\s?年)")


class Repair(NamedTuple):
    """One respelling: text[start:end] becomes `replacement`; `kind` names the rule."""

    start: int
    end: int
    replacement: str
    kind: str


REPAIR_REASONS: Final[dict[str, str]] = {
    "spaced_digits": "数字之间的空格（整篇逐字加空格的排版），删除后才能读出数字。",
    "thousands_comma": "全角逗号用作千位分隔符（4，735万吨），改为半角逗号，免得读成两个数。",
    "middle_dot": "间隔号用作小数点（12·5％），改为小数点。",
    "magnitude_gap": "数字与“万/亿/％”之间多余的空格，删除后才能读出数量。",
}


def is_spaced_style(text: str) -> bool:
    """True when the text puts spaces between digits throughout (`1 9 9 7 年`)."""
    return len(_SPACED_RUN_RE.findall(text, 0, 200_000)) >= SPACED_STYLE_MIN_RUNS


def numeral_repairs(text: str) -> list[Repair]:
    """Where numbers are spelt in a way digit patterns misread, and how to respell them.

    >>> [r.replacement for r in numeral_repairs("产量4，735万吨，增长12·5％，总量45.2 万亿元")]
    [',', '.', '']
    """
    found: list[Repair] = []
    if is_spaced_style(text):
        found += [
            Repair(m.start(), m.end(), "", "spaced_digits") for m in _SPACED_GAP_RE.finditer(text)
        ]
    found += [
        Repair(m.start(), m.end(), ",", "thousands_comma") for m in _THOUSANDS_RE.finditer(text)
    ]
    found += [Repair(m.start(), m.end(), ".", "middle_dot") for m in _MIDDLE_DOT_RE.finditer(text)]
    taken = {r.start for r in found}
    found += [
        Repair(m.start(), m.end(), "", "magnitude_gap")
        for m in _MAGNITUDE_GAP_RE.finditer(text)
        if m.start() not in taken
    ]
    return sorted(found)


def apply_repairs(text: str, repairs: list[Repair] | None = None) -> str:
    """The text with every repair applied."""
    repairs = numeral_repairs(text) if repairs is None else repairs
    pieces, pos = [], 0
    for r in repairs:
        pieces += [text[pos : r.start], r.replacement]
        pos = r.end
    return "".join(pieces) + text[pos:]


def chinese_years(text: str) -> str:
    """`一九八五年` as `1985年` (same length, so offsets survive).

    >>> chinese_years("到一九八五年，二〇二〇年")
    '到1985年，2020年'
    """
    return CN_YEAR_RE.sub(lambda m: str(_chinese_integer(m.group().translate(_ZEROS))), text)


_ZEROS: Final = str.maketrans({"0": "〇", "０": "〇"})
