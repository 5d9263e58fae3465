"""Resource limits of loading: every input is bounded before it is expanded, and whatever a
reader raises becomes a rejection of that one file with a reason a user can read."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis import loading
from analysis.errors import RejectedFile
from analysis.loading import read_bytes, read_path

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _peak_bytes(call: Callable[[], object]) -> int:
    """Peak Python allocation while `call` runs (a RejectedFile is expected and swallowed)."""
    tracemalloc.start()
    try:
        call()
    except RejectedFile:
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def _rejection(call: Callable[[], object]) -> RejectedFile:
    with pytest.raises(RejectedFile) as info:
        call()
    assert CHINESE.search(info.value.message), info.value.message
    return info.value


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:  # sparse: no disk used, but 60 MB if read
        handle.truncate(loading.MAX_BYTES + 10 * 1024 * 1024)
    assert _rejection(lambda: read_path(big)).code == "too_large"
    assert _peak_bytes(lambda: read_path(big)) < 2 * 1024 * 1024


def _docx_with(member: str, payload: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, payload)
    return buffer.getvalue()


def test_a_docx_zip_bomb_is_refused_without_unzipping_it() -> None:
    bomb = _docx_with("word/document.xml", b"\0" * (32 * 1024 * 1024))
    assert len(bomb) < 100 * 1024  # a small file that would grow 1,000-fold
    assert _rejection(lambda: read_bytes(bomb, "bomb.docx")).code == "zip_bomb"
    started = time.perf_counter()
    peak = _peak_bytes(lambda: read_bytes(bomb, "bomb.docx"))
    assert peak < 4 * 1024 * 1024
    assert time.perf_counter() - started < 5


def test_a_docx_declaring_more_than_the_unzipped_limit_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(loading, "MAX_UNZIPPED_BYTES", 1000)
    data = _docx_with("word/document.xml", "正文".encode() * 1000)
    assert _rejection(lambda: read_bytes(data, "big.docx")).code == "zip_bomb"


def test_csv_with_old_mac_line_endings_is_read_row_by_row() -> None:
    data = "full_text,title\r第一篇正文。,甲\r第二篇正文。,乙\r".encode()
    docs = read_bytes(data, "cr.csv")
    assert [(d.raw_text, d.hints["title"]) for d in docs] == [
        ("第一篇正文。", "甲"),
        ("第二篇正文。", "乙"),
    ]


def test_a_stray_carriage_return_in_a_csv_cell_does_not_split_the_row() -> None:
    data = "full_text,title\n第一段\r第二段,甲\n另一篇,乙\n".encode()
    docs = read_bytes(data, "stray.csv")
    assert [d.hints["title"] for d in docs] == ["甲", "乙"]
    assert "第一段" in docs[0].raw_text and "第二段" in docs[0].raw_text


def test_a_csv_field_longer_than_the_csv_module_default_is_read() -> None:
    body = "新能源汽车产量增长。" * 20_000  # 200,000 characters, above 131,072
    docs = read_bytes(f"full_text\n{body}\n".encode(), "long.csv")
    assert docs[0].raw_text == body


def test_a_csv_with_too_many_rows_is_refused_with_a_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(loading, "MAX_CSV_ROWS", 5)
    data = ("full_text\n" + "一篇文档。\n" * 6).encode()
    rejected = _rejection(lambda: read_bytes(data, "rows.csv"))
    assert rejected.code == "too_many_rows"
    assert "5" in rejected.message
    assert len(read_bytes(("full_text\n" + "一篇文档。\n" * 5).encode(), "ok.csv")) == 5


def test_any_error_inside_a_reader_is_a_rejection_of_that_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(data: bytes, name: str) -> list[loading.LoadedDocument]:
        raise KeyError("十")

    monkeypatch.setitem(loading.READERS, ".txt", broken)
    rejected = _rejection(lambda: read_bytes("正文".encode(), "bad.txt"))
    assert (rejected.source, rejected.code) == ("bad.txt", "unreadable")
    assert "KeyError" in rejected.message
