"""Numerals as they appear in Chinese policy texts: Arabic, full-width, Chinese, magnitudes.

Policy texts write the same quantity as `200万辆`, `２００万辆` or `二百万辆`, and the
dashboard compares them, so every number is turned into one float in base units here.
Length-preserving normalisation (`to_halfwidth`) keeps offsets valid for the extractor.
"""

from __future__ import annotations

import re
from typing import Final

# Full-width digits, signs and letters map 1:1 to ASCII, so offsets survive normalisation.
_FULLWIDTH: Final = {
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
    **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
    "％": "%",
    "．": ".",
    "－": "-",
    "～": "~",
    "\u3000": " ",
    "\u2003": " ",
    "\xa0": " ",
}
_HALFWIDTH_TABLE: Final = str.maketrans(_FULLWIDTH)

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
# A Chinese numeral must contain a digit character or start with 十 (`十五`), so a bare
# magnitude (`百万`, `千亿`) is left to the scale-slogan rule.
CHINESE_PATTERN: Final = (
    r"(?:[零〇一二两三四五六七八九][零〇一二两三四五六七八九十百千]*(?:点[零〇一二三四五六七八九]+)?"
    r"|十[零〇一二两三四五六七八九]?(?:点[零〇一二三四五六七八九]+)?)"
)
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
    return text.translate(_HALFWIDTH_TABLE)


def _chinese_integer(text: str) -> int | None:
    """Value of a Chinese integer below 万 (`三百二十`, `十五`, `一九五五`)."""
    if not text:
        return None
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
