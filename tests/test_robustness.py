"""No text makes cleaning, metadata detection or extraction raise, and none makes them slow.

Property tests over arbitrary text salted with the pieces the rules look for (Chinese
numerals and units, dates, tail markers, line breaks), plus the inputs that once raised.
"""

from __future__ import annotations

import datetime
import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from analysis import cleaning, metadata
from analysis.numbers import parse_chinese_numeral, parse_number
from analysis.targets import extract_quantities

PIECES = [
    "相关报道\n",
    "责任编辑：张三\n",
    "二〇二五年",
    "十十月",
    "一日",
    "年",
    "月",
    "日",
    "万辆",
    "亿元",
    "%",
    "到2025年",
    "力争",
    "达到",
    "十",
    "点",
    "万",
    "亿",
    "〇",
    "九",
    "5.5",
    "１２",
    "\n",
    "\r",
    "。",
    "XX",
    "*",
    "省",
    "湖北省武汉市",
]
salted_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=60).map(
    "".join
)
numeral_run = st.builds(
    lambda ch, n, unit: f"产量达到{ch * n}{unit}。",
    st.sampled_from(["1", "９", "三", "〇", "十", "万", "亿", "点"]),
    st.integers(min_value=1, max_value=6000),
    st.sampled_from(["万辆", "亿元", "%", "个", ""]),
)


def _run_everything(text: str) -> None:
    cleaned = cleaning.clean_text(text).text
    found = metadata.detect_metadata(cleaned, filename="x.txt", raw_text=text)
    year = found["year"].value
    assert year is None or 1900 <= int(year) <= 2100
    date = found["date"].value
    if date is not None:
        datetime.date.fromisoformat(str(date))  # a real day
    quantities = extract_quantities(cleaned, doc_year=2025)
    assert all(math.isfinite(v) for v in quantities["value"].dropna())


@given(salted_text)
def test_no_text_makes_the_pipeline_raise(text: str) -> None:
    _run_everything(text)


@given(numeral_run)
@example(f"产量达到{'1' * 302}亿元。")  # finite digits, infinite once times 亿
def test_huge_numerals_are_not_read_and_do_not_raise(text: str) -> None:
    _run_everything(text)
    for run in (text[4:-1], text[4:-3]):
        value = parse_number(run)
        assert value is None or math.isfinite(value)


@pytest.mark.parametrize(
    "text",
    [
        "二〇二五年十十月一日召开会议。",
        "二〇二三年二月三十日发布。",
        "2023年2月30日发布。",
    ],
)
def test_malformed_or_impossible_dates_are_not_dates(text: str) -> None:
    found = metadata.detect_metadata(text, filename="x.txt", raw_text=text)
    assert found["date"].value is None


@pytest.mark.parametrize("digits", ["1" * 5000, "三" * 4400, "〇" * 4301, "亿" * 3000])
def test_numerals_past_the_int_digit_limit_give_no_value(digits: str) -> None:
    assert parse_chinese_numeral(digits) is None or digits.startswith("1")
    assert parse_number(digits) is None
    extract_quantities(f"新能源汽车产量达到{digits}万辆。", doc_year=2025)


def test_tail_markers_cost_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many `相关报道` lines each followed by body text: the tail search compacts each
    prefix of the text at most a logarithmic number of times (it once did it per marker)."""
    body = "新能源汽车产业发展取得明显成效，" * 5
    text = "".join(f"相关报道\n第{i}段正文，{body}{i}。\n" for i in range(1000))
    compacted = 0
    original = cleaning._compact

    def counting(part: str) -> str:
        nonlocal compacted
        compacted += len(part)
        return original(part)

    monkeypatch.setattr(cleaning, "_compact", counting)
    cleaning._tail_edits(text)
    assert compacted < 20 * len(text)
