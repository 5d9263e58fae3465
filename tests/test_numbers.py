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
        ("一两", 1.0),  # `一两个`: one or two, never 12
        ("三五", 3.0),
        ("三四万", 30_000.0),
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


# ---------------------------------------------------------------------------------------
# Every way the corpus writes a number, read end to end (clean text, then extract).
# (written text, raw text of the quantity found, value, unit)
# ---------------------------------------------------------------------------------------
WRITTEN_NUMBERS = [
    ("粮食产量达到4，735万吨。", "4,735万吨", 47_350_000.0, "吨"),
    ("产值1，000元。", "1,000元", 1000.0, "元"),
    ("城镇居民人均可支配收入达到5 1 6 0 元，增长7 5 ％。" * 5, "5160元", 5160.0, "元"),
    ("城镇居民人均可支配收入达到5 1 6 0 元，增长7 5 ％。" * 5, "75%", 75.0, "%"),
    ("增长12·5％。", "12.5%", 12.5, "%"),
    ("粮食产量达到二亿四千万吨。", "二亿四千万吨", 240_000_000.0, "吨"),
    ("财政收入一万三千五百亿元。", "一万三千五百亿元", 1.35e12, "元"),
    ("全国人口十一亿二千万人。", "十一亿二千万人", 1.12e9, "人"),
    ("货运量增长一点五倍。", "一点五倍", 1.5, "倍"),
    ("比重提高六点四个百分点。", "六点四个百分点", 6.4, "个百分点"),
    ("平均预期寿命七十六点三岁。", "七十六点三岁", 76.3, "岁"),
    ("国内生产总值翻一番。", "翻一番", 1.0, "番"),
    ("电视机产量增长一倍。", "一倍", 1.0, "倍"),
    ("国内生产总值达到45.2 万亿元。", "45.2万亿元", 4.52e13, "元"),
    ("城镇新增人口8000万左右。", "8000万左右", 8.0e7, "人"),
    ("帮助近三百万毕业生就业。", "三百万", 3.0e6, "人"),
    ("向2300万台湾同胞问好。", "2300万", 2.3e7, "人"),
    ("发电量三千六百二十亿度。", "三千六百二十亿度", 3.62e11, "度"),
    ("货物周转量五十七亿五千万吨海里。", "五十七亿五千万吨海里", 5.75e9, "吨海里"),
]


@pytest.mark.parametrize(("text", "raw", "value", "unit"), WRITTEN_NUMBERS)
def test_every_written_number_is_read(text: str, raw: str, value: float, unit: str) -> None:
    from analysis.cleaning import clean_text
    from analysis.targets import extract_quantities

    found = extract_quantities(clean_text(text).text, doc_year=2020)
    hits = found[found.raw.str.replace(" ", "") == raw]
    assert not hits.empty, found[["raw", "value", "unit"]].to_string()
    assert hits.iloc[0].value == pytest.approx(value)
    assert hits.iloc[0].unit == unit


@pytest.mark.parametrize(
    ("text", "repaired"),
    [
        ("4，735万吨", "4,735万吨"),
        ("12·5％", "12.5％"),
        ("45.2 万亿元", "45.2万亿元"),
        ("1，2，3", "1，2，3"),  # a list, not thousands
        ("5·12汶川地震", "5·12汶川地震"),  # a date name, not a decimal
        (
            "1 9 9 7 年 7 4 7 7 2 亿元 8 ．8 ％ 1 1 ％ 5 1 6 0 元 2 0 9 0 元 1 2 3 4 元",
            "1997年 74772亿元 8．8％ 11％ 5160元 2090元 1234元",
        ),
        ("表中1 2 3", "表中1 2 3"),  # one spaced run is not the style of the text
    ],
)
def test_numeral_repairs(text: str, repaired: str) -> None:
    from analysis.numbers import apply_repairs

    assert apply_repairs(text) == repaired


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一九八五年", "1985年"),
        ("二〇二〇年", "2020年"),
        ("二0二0年", "2020年"),
        ("一九五七年底", "1957年底"),
        ("十九年", "十九年"),  # a duration, not a year
    ],
)
def test_chinese_years_read_as_digits(text: str, expected: str) -> None:
    from analysis.numbers import chinese_years

    assert chinese_years(text) == expected
    assert len(chinese_years(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "family"),
    [
        ("加装电梯3000台。", "equipment"),
        ("整车产量100万台。", "vehicles"),
        ("新能源汽车产量20万台。", "vehicles"),
        ("新建充电桩2万个。", "infrastructure"),
    ],
)
def test_a_counters_family_is_decided_by_its_noun(text: str, family: str) -> None:
    from analysis.targets import extract_quantities

    assert extract_quantities(text, doc_year=2025).iloc[0].family == family


def test_a_fine_range_is_one_penalty() -> None:
    from analysis.targets import extract_quantities

    found = extract_quantities("处一万元以上十万元以下的罚款。", doc_year=2020)
    assert len(found) == 1
    row = found.iloc[0]
    assert (row.kind, row.value, row.value_high, row.comparator) == (
        "penalty",
        10_000.0,
        100_000.0,
        "range",
    )


@pytest.mark.parametrize(
    ("text", "kind", "comparator"),
    [
        ("纲要设置了20项主要指标。", "other", "="),  # an outline's count of indicators
        ("今年要确保完成任务，距冬奥会开幕还有95天。", "other", "="),  # a countdown
        ("今年超收1000亿元。", "target", "="),  # 超收 is excess revenue, not "more than"
        ("应当在三十日内备案。", "other", "<="),  # a time limit of an obligation
        ("今后五年要做好以下十个方面的工作。", "other", "="),  # the speech's own points
        ("今后五年，我国有十亿多人，要保证吃饭。", "achievement", ">"),  # the country's size
    ],
)
def test_things_that_look_like_goals_but_are_not(text: str, kind: str, comparator: str) -> None:
    from analysis.targets import extract_quantities

    row = extract_quantities(text, doc_year=2021).iloc[0]
    assert (row.kind, row.comparator) == (kind, comparator)
