"""Inputs that used to take quadratic or unbounded time: long runs in metadata detection,
and PDFs whose text takes long to extract."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import threading
import time
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis import loading, metadata
from analysis.errors import RejectedFile

from .conftest import ROOT

RUNS = ("1", "１", "a", "一", "-", "1.", "a-", "a.", ".1", "http://1.")


def test_metadata_on_a_megabyte_run_is_quick() -> None:
    """Before: DOMAIN_RE alone took 3 s on 16,000 digits and 45 s on 64,000."""
    script = (
        "from analysis.metadata import detect_metadata\n"
        f"for unit in {RUNS!r}:\n"
        "    detect_metadata(unit * (1_000_000 // len(unit)))\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=60)


_OLD_DOMAIN_RE = re.compile(
    r"(?:https?://)?((?:[a-z0-9-]+\.)+(?:com|cn|net|org|gov|edu)(?:\.cn)?)(?![a-z0-9])", re.I
)
_PIECES = st.sampled_from(
    ["a", "b", "1", ".", "-", "/", ":", "cn", "gov", "com", ".cn", "http://", "https://", "网"]
)


@given(st.lists(_PIECES, max_size=16).map("".join))
def test_the_linear_domain_search_finds_what_the_old_pattern_found(text: str) -> None:
    old = _OLD_DOMAIN_RE.search(text)
    assert metadata.find_domain(text) == ((old.group(1), old.start(), old.end()) if old else None)


def slow_pdf(repeats: int) -> bytes:
    """A one-page PDF of `repeats` text operators: 8 KB for 100,000 of them, which pypdf
    takes 12 s to read (the time grows faster than the count)."""
    content = zlib.compress(b"BT /F1 12 Tf 10 10 Td (a) Tj ET\n" * repeats, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def test_an_ordinary_pdf_is_read() -> None:
    (doc,) = loading.read_bytes(slow_pdf(50), "ok.pdf")
    assert doc.raw_text.count("a") == 50


@pytest.mark.parametrize("where", ["main thread", "server thread"])
def test_a_pdf_too_slow_to_read_is_rejected_in_bounded_time(
    where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loading, "PDF_SECONDS", 2.0)
    outcome: list[BaseException | None] = []

    def read() -> None:
        try:
            loading.read_bytes(slow_pdf(400_000), "slow.pdf")
            outcome.append(None)
        except RejectedFile as exc:
            outcome.append(exc)

    start = time.monotonic()
    if where == "main thread":
        read()
    else:
        thread = threading.Thread(target=read)
        thread.start()
        thread.join(timeout=60)
    assert time.monotonic() - start < 15
    (error,) = outcome
    assert isinstance(error, RejectedFile) and error.code == "too_slow", error


def test_a_damaged_pdf_read_in_a_server_thread_is_rejected_as_damaged() -> None:
    outcome: list[RejectedFile] = []

    def read() -> None:
        with pytest.raises(RejectedFile) as caught:
            loading.read_bytes(b"%PDF-1.4 garbage", "broken.pdf")
        outcome.append(caught.value)

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(timeout=60)
    assert [e.code for e in outcome] == ["corrupt"]
