from __future__ import annotations

import pytest

from analysis.redaction import (
    PLACEHOLDER_RE,
    is_placeholder,
    placeholder_spans,
    touches_placeholder,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("实现税收XX亿元", ["XX"]),
        ("累计整车销量突破XXXX万辆", ["XXXX"]),
        ("*汽车集团", ["*"]),
        ("*市新能源汽车", ["*"]),
        ("神玑N*9031芯片", ["N*9031"]),
        ("××区人民政府", ["××"]),
        ("Model X和X光都是真字母", []),
        ("7×24小时服务", []),  # multiplication, not a mask
        ("增长5%", []),
    ],
)
def test_placeholder_spans(text: str, expected: list[str]) -> None:
    assert [text[s.start : s.end] for s in placeholder_spans(text)] == expected


def test_a_number_touching_a_placeholder_is_refused() -> None:
    text = "同比增长1XX%"
    spans = placeholder_spans(text)
    assert touches_placeholder(spans, text.index("1"), text.index("1") + 1)
    assert not touches_placeholder(spans, 0, 2)


@pytest.mark.parametrize(
    ("token", "expected"),
    [("XX", True), ("*", True), ("N*9031", True), ("汽车", False), ("", False), ("X", False)],
)
def test_is_placeholder(token: str, expected: bool) -> None:
    assert is_placeholder(token) is expected


@pytest.mark.parametrize(
    "text", ["XX亿元", "ｘｘ", "ＸＸ万辆", "*汽车", "N*9031", "××区", "○○", "■■■"]
)
def test_the_cheap_pre_check_sees_every_placeholder(text: str) -> None:
    from analysis.redaction import MAY_HOLD_PLACEHOLDER

    match = PLACEHOLDER_RE.search(text)
    assert match is not None
    assert MAY_HOLD_PLACEHOLDER.search(match.group())
