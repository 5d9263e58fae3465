"""Numeral parsing: Arabic, full-width and Chinese numerals with magnitudes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.numbers import (
    is_chinese_numeral,
    magnitude_value,
    parse_chinese_numeral,
    parse_number,
    to_halfwidth,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("200万", 2_000_000.0),
        ("5000亿", 500_000_000_000.0),
        ("5.67万亿", 5.67e12),
        ("1,234.5", 1234.5),
        ("２００万", 2_000_000.0),
        ("４．５", 4.5),
        ("三百万", 3_000_000.0),
        ("十五", 15.0),
        ("一百二十", 120.0),
        ("两千", 2000.0),
        ("一千零五", 1005.0),
        ("三点五", 3.5),
        ("一九五五", 1955.0),
        ("二〇二五", 2025.0),
        ("一亿二千万", 120_000_000.0),
    ],
)
def test_parse_number(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "abc", "三五十", "点"])
def test_parse_number_rejects_non_numerals(text: str) -> None:
    assert parse_number(text) is None


def test_to_halfwidth_keeps_length() -> None:
    text = "增长５．５％，ＸＸ亿元\u3000"
    assert to_halfwidth(text) == "增长5.5%，XX亿元 "
    assert len(to_halfwidth(text)) == len(text)


def test_magnitudes_and_chinese_detection() -> None:
    assert magnitude_value("万") == 1e4
    assert magnitude_value(None) == 1.0
    assert is_chinese_numeral("三百")
    assert not is_chinese_numeral("300")
    assert parse_chinese_numeral("百") == 100.0


@given(st.text())
def test_parsers_never_raise(text: str) -> None:
    parse_number(text)
    parse_chinese_numeral(text)
    assert len(to_halfwidth(text)) == len(text)


@given(st.integers(min_value=0, max_value=10**9))
def test_arabic_roundtrip(n: int) -> None:
    assert parse_number(str(n)) == float(n)
