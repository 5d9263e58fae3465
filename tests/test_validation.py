"""Corrections are parsed and stored in their normal form, or refused with a message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.errors import InvalidField
from analysis.validation import validate_field


@pytest.mark.parametrize(
    ("name", "value", "stored"),
    [
        ("year", "２０２０", "2020"),
        ("year", " 2025 ", "2025"),
        ("year", "", None),
        ("date", "2025-03-08", "2025-03-08"),
        ("date", "２０２５－０３－０８", "2025-03-08"),
        ("date", "2025/3/8", "2025-03-08"),
        ("date", "2025年3月8日", "2025-03-08"),
        ("date", "2024-02-29", "2024-02-29"),
        ("doc_type", "plan", "plan"),
        ("city", "合肥市", "合肥市"),
    ],
)
def test_values_are_stored_in_their_normal_form(name: str, value: str, stored: str | None) -> None:
    assert validate_field(name, value) == stored


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("year", "²"),
        ("year", "٢٠٢٠"),  # Arabic-Indic digits: not what anyone types for a Chinese year
        ("year", "0"),
        ("year", "2999"),
        ("year", "1e400"),
        ("year", "20201"),
        ("date", "now"),
        ("date", "８"),
        ("date", "1/2"),
        ("date", "2023-02-30"),
        ("date", "2999-01-01"),
        ("date", "yesterday"),
        ("doc_type", "novel"),
        ("title", "第一行\n第二行"),
        ("title", "长" * 500),
        ("colour", "red"),
    ],
)
def test_bad_values_are_refused_in_chinese_and_english(name: str, value: str) -> None:
    with pytest.raises(InvalidField) as info:
        validate_field(name, value)
    message = str(info.value)
    assert re.search(r"[\u4e00-\u9fff]", message) and re.search(r"must|cannot", message)


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.duckdb"
    monkeypatch.setenv("POLICYLENS_STORE", str(path))
    return path


def _first_doc(store_path: Path) -> str:
    from analysis.corpus import open_corpus

    return str(open_corpus(store_path).documents()["doc_id"].iloc[0])


def test_cli_set_stores_a_full_width_year_as_a_year(store_path, capsys) -> None:
    doc_id = _first_doc(store_path)
    assert main(["set", doc_id, "year=２０２０"]) == 0
    from analysis.store import Store

    assert Store(store_path).documents().set_index("doc_id").loc[doc_id, "year"] == 2020


@pytest.mark.parametrize("assignment", ["year=²", "date=now", "date=８", "date=1/2"])
def test_cli_set_refuses_a_bad_value_with_one_line(store_path, capsys, assignment) -> None:
    doc_id = _first_doc(store_path)
    capsys.readouterr()
    assert main(["set", doc_id, assignment]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
