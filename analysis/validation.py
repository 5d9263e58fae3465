"""Checking a user's metadata corrections: parse each value, store its normal form, refuse
the rest with a message that says what is allowed.

A value is parsed, never only pattern-matched: `２０２０` (full-width digits, as a Chinese
input method types them) is the year 2020, while `²` or `1e400` is no year at all, and a
date must be a day that exists (`2023-02-30` does not).
"""

from __future__ import annotations

import datetime
import re
from typing import Final

from analysis.errors import InvalidField
from analysis.numbers import to_halfwidth  # the one full-width table
from analysis.types import DOC_TYPES, META_FIELDS

YEAR_RANGE: Final = (1900, 2100)  # policy texts of the automotive era, with room for plans
MAX_TEXT_CHARS: Final = 200  # a title, a place name or a site name is never longer
_DATE_RE: Final = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", re.ASCII)
_YEAR_RE: Final = re.compile(r"\d{4}", re.ASCII)
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


def validate_field(name: str, value: str) -> str | None:
    """The stored form of a corrected value (None clears it), or InvalidField.

    >>> validate_field("year", "２０２０"), validate_field("date", "2025年3月8日")
    ('2020', '2025-03-08')
    """
    if name not in META_FIELDS:
        raise InvalidField(
            f"不能更正字段 {name!r}；可更正的字段：{', '.join(META_FIELDS)}"
            f" (field {name!r} cannot be corrected)"
        )
    value = value.strip()
    if value == "":
        return None
    if name == "year":
        return str(parse_year(value))
    if name == "date":
        return parse_date(value).isoformat()
    if name == "doc_type":
        if value not in DOC_TYPES:
            raise InvalidField(
                f"doc_type 应为 {', '.join(DOC_TYPES)} 之一，收到 {value!r}"
                f" (doc_type must be one of {', '.join(DOC_TYPES)})"
            )
        return value
    return _plain_text(name, value)


def parse_year(value: str) -> int:
    """A year in YEAR_RANGE written with four digits, full-width allowed."""
    ascii_value = to_halfwidth(value).strip()
    low, high = YEAR_RANGE
    if not _YEAR_RE.fullmatch(ascii_value):
        raise InvalidField(
            f"year 应为 {low}–{high} 之间的四位年份，收到 {value!r}"
            f" (year must be a four-digit year from {low} to {high})"
        )
    year = int(ascii_value)
    if not low <= year <= high:
        raise InvalidField(
            f"year 应在 {low}–{high} 之间，收到 {year} (year must be from {low} to {high})"
        )
    return year


def parse_date(value: str) -> datetime.date:
    """A real day written YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日."""
    ascii_value = to_halfwidth(value).strip()
    m = _DATE_RE.fullmatch(ascii_value)
    day = None
    if m:
        try:
            day = datetime.date(*(int(g) for g in m.groups()))
        except ValueError:
            day = None
    if day is None:
        raise InvalidField(
            f"date 应为真实存在的日期，写成 YYYY-MM-DD（如 2025-03-08），收到 {value!r}"
            " (date must be a real day written YYYY-MM-DD)"
        )
    parse_year(str(day.year))
    return day


def _plain_text(name: str, value: str) -> str:
    if len(value) > MAX_TEXT_CHARS or _CONTROL.search(value):
        raise InvalidField(
            f"{name} 应为一行不超过 {MAX_TEXT_CHARS} 字的文字"
            f" ({name} must be one line of at most {MAX_TEXT_CHARS} characters)"
        )
    return value
