"""Turning files (bytes) into raw texts, one per document, or a precise reason why not.

Encodings are detected by charset-normalizer, restricted to the encodings Chinese text
actually comes in, so a short GBK file is never mistaken for Korean or Cyrillic.
Each format is a small reader registered in `READERS`; adding a format is adding one.

Every input is bounded before it is expanded: a file's size is checked before it is read
(and never more than the limit is read), a .docx archive's declared sizes before it is
unzipped, a CSV's rows as they stream, and a PDF's extraction time (PDF_SECONDS).
Whatever else goes wrong inside a reader becomes a `RejectedFile` for that one file, so one
bad file never stops a batch.
"""

from __future__ import annotations

import csv
import fnmatch
import hashlib
import io
import json
import re
import signal
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Final

from charset_normalizer import from_bytes

from analysis import pdf_text
from analysis.errors import RejectedFile

MAX_BYTES: Final = 50 * 1024 * 1024
# A .docx is a zip archive: refuse one that would unzip to more than this in total, or whose
# members expand by more than MAX_ZIP_RATIO (a zip bomb), before anything is decompressed.
MAX_UNZIPPED_BYTES: Final = 4 * MAX_BYTES
MAX_ZIP_RATIO: Final = 200
_ZIP_RATIO_FLOOR: Final = 1024 * 1024  # members this small may compress as well as they like
# Documents one CSV may hold; a longer table is refused as it streams, before it fills memory.
MAX_CSV_ROWS: Final = 20_000
# A PDF whose text takes longer than this to extract is refused (a crafted content stream
# of a few kilobytes can take minutes); ordinary PDFs take well under a second a page.
PDF_SECONDS: Final = 30.0
# Encodings Chinese text comes in; charset-normalizer chooses among them.
CHINESE_ENCODINGS: Final = ["utf_8", "gb18030", "big5", "utf_16", "utf_16_le", "utf_16_be"]
# CSV columns that hold a document's body, in order of preference.
TEXT_COLUMNS: Final = ("full_text", "text", "content", "正文", "全文", "内容")
# CSV columns that carry metadata a publisher already filled in.
HINT_COLUMNS: Final = {
    "title": "title",
    "标题": "title",
    "publish_date": "date",
    "date": "date",
    "日期": "date",
}
_BOMS: Final = (
    (b"\xef\xbb\xbf", "utf_8_sig"),
    (b"\xff\xfe", "utf_16"),
    (b"\xfe\xff", "utf_16"),
)


@dataclass(frozen=True, slots=True)
class LoadedDocument:
    """A document's raw text as read from a file, before any cleaning."""

    source: str  # file name, plus `#row` for one row of a CSV
    raw_text: str
    encoding: str
    sha256: str  # of the UTF-8 text, so the same text in GBK and UTF-8 is one document
    hints: dict[str, str] = field(default_factory=dict)  # metadata the file itself states


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decode_bytes(data: bytes, *, name: str = "") -> tuple[str, str]:
    """Text and encoding of `data`; raises RejectedFile when it is not text."""
    if not data.strip():
        raise RejectedFile(name, "empty", "文件为空")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), encoding
    try:
        return data.decode("utf-8"), "utf_8"
    except UnicodeDecodeError:
        pass
    if _looks_binary(data):
        raise RejectedFile(name, "binary", "二进制文件，不是文本")
    best = from_bytes(data, cp_isolation=CHINESE_ENCODINGS).best()
    if best is None:
        raise RejectedFile(
            name, "undecodable", "无法识别编码（支持 UTF-8、GB18030/GBK、Big5、UTF-16）"
        )
    return str(best), best.encoding


def _looks_binary(data: bytes) -> bool:
    """NUL bytes mean binary (an image, an archive) unless the bytes read as UTF-16 text."""
    sample = data[:4096]
    if b"\x00" not in sample:
        return False
    sample = sample[: len(sample) // 2 * 2]
    for encoding in ("utf_16_le", "utf_16_be"):
        text = sample.decode(encoding, errors="replace")
        printable = sum(ch.isprintable() or ch.isspace() for ch in text if ch != "\ufffd")
        if printable >= 0.95 * len(text):
            return False
    return True


def _read_text(data: bytes, name: str) -> Iterator[LoadedDocument]:
    text, encoding = decode_bytes(data, name=name)
    yield _document(name, text, encoding)


def _read_csv(data: bytes, name: str) -> Iterator[LoadedDocument]:
    text, encoding = decode_bytes(data, name=name)
    # The default cap (131,072 characters a field) is below what one document can be; the
    # file itself is already within MAX_BYTES, so that is the only bound a field needs.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
    rows = csv.DictReader(io.StringIO(_csv_line_endings(text), newline=""))
    if rows.fieldnames is None:
        raise RejectedFile(name, "empty", "CSV 没有数据行")
    column = next((c for c in TEXT_COLUMNS if c in rows.fieldnames), None)
    if column is None and next(rows, None) is None:
        raise RejectedFile(name, "empty", "CSV 没有数据行")
    if column is None:
        raise RejectedFile(
            name, "no_text_column", f"CSV 缺少正文列（应为 {'、'.join(TEXT_COLUMNS)} 之一）"
        )
    bodies: list[tuple[int, str, dict[str, str]]] = []
    count = 0
    for count, row in enumerate(rows, start=1):
        if count > MAX_CSV_ROWS:
            raise RejectedFile(
                name,
                "too_many_rows",
                f"CSV 超过 {MAX_CSV_ROWS:,} 行（每行一篇文档）；请拆分成几个文件再导入",
            )
        body = (row.get(column) or "").strip()
        if body:
            hints = {key: row[col].strip() for col, key in HINT_COLUMNS.items() if row.get(col)}
            bodies.append((count, body, hints))
    if count == 0:
        raise RejectedFile(name, "empty", "CSV 没有数据行")
    for i, body, hints in bodies:
        yield _document(name if count == 1 else f"{name}#{i}", body, encoding, hints)


def _csv_line_endings(text: str) -> str:
    """Text the csv module can split: old-Mac CR line endings become LF; in a file with LF
    line endings a stray CR (a line break pasted into a cell) becomes a space, so it cannot
    cut a row in two."""
    text = text.replace("\r\n", "\n")
    if "\n" in text:
        return text.replace("\r", " ")
    return text.replace("\r", "\n")


def _read_docx(data: bytes, name: str) -> Iterator[LoadedDocument]:
    import docx  # python-docx; imported here so plain-text users never pay for it

    _check_zip_sizes(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for a corrupt zip
        raise RejectedFile(
            name,
            "corrupt",
            "无法打开 Word 文件：文件已损坏，或不是 .docx 格式（旧版 .doc 请先另存为 .docx）",
        ) from exc
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        paragraphs.extend(" ".join(cell.text for cell in row.cells) for row in table.rows)
    yield _document(name, "\n".join(paragraphs), "docx")


def _check_zip_sizes(data: bytes, name: str) -> None:
    """Refuse an archive that would expand past the limits, from its directory alone.

    The sizes checked are the declared ones; zipfile never inflates a member past its
    declared size (it stops and fails the CRC), so they bound what python-docx can unzip.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip at all: python-docx gives the "corrupt" message below
    total = sum(m.file_size for m in members)
    bomb = any(
        m.file_size > _ZIP_RATIO_FLOOR and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1)
        for m in members
    )
    if total > MAX_UNZIPPED_BYTES or bomb:
        raise RejectedFile(
            name,
            "zip_bomb",
            f"Word 文件解压后过大（{total / 1024 / 1024:,.0f} MB，"
            f"上限 {MAX_UNZIPPED_BYTES // 1024 // 1024} MB）或压缩比异常，已拒绝以保护内存",
        )


class _TooSlow(BaseException):
    """A reader ran out of time (BaseException: no library's `except Exception` eats it)."""


def _can_alarm() -> bool:
    """Whether a signal can interrupt this thread (the main thread of the command line and
    of every ingest worker; not a server's thread).
    """
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` with _TooSlow (main thread only)."""

    def ring(_signum: int, _frame: object) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _pdf_pages_in_child(data: bytes, name: str, seconds: float) -> list[str]:
    """`pdf_pages` in a child process, killed after `seconds` (see analysis.pdf_text)."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "analysis.pdf_text"],
            input=data,
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise _TooSlow from None
    if done.returncode == pdf_text.TOO_LARGE:
        raise _TooSlow
    message = done.stderr.decode("utf-8", "replace")[:300]
    if done.returncode == pdf_text.CORRUPT:
        raise RejectedFile(name, "corrupt", f"无法读取 PDF：{message}")
    if done.returncode != 0:
        raise RejectedFile(
            name, "unreadable", f"读取 PDF 时出错（{message or done.returncode}），文件可能已损坏"
        )
    return list(json.loads(done.stdout))


def _read_pdf(data: bytes, name: str) -> Iterator[LoadedDocument]:
    from pypdf.errors import LimitReachedError, PdfReadError

    try:
        if _can_alarm():
            with _alarm(PDF_SECONDS):
                pages = pdf_text.pdf_pages(data)
        else:
            pages = _pdf_pages_in_child(data, name, PDF_SECONDS)
    except (_TooSlow, LimitReachedError):
        raise RejectedFile(
            name,
            "too_slow",
            f"PDF 的文字未能在 {PDF_SECONDS:g} 秒内、在读取器的限度内提取完"
            "（结构异常或内容过于复杂），已跳过",
        ) from None
    except (PdfReadError, ValueError, KeyError) as exc:
        raise RejectedFile(name, "corrupt", f"无法读取 PDF：{exc}") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise RejectedFile(name, "no_text", "PDF 中没有可提取的文字（可能是扫描件，需要先做 OCR）")
    yield _document(name, text, "pdf")


class _TextExtractor(HTMLParser):
    """Visible text of an HTML page, one line per block element."""

    _SKIP: Final = {"script", "style", "noscript", "template", "svg"}
    _BLOCK: Final = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _read_html(data: bytes, name: str) -> Iterator[LoadedDocument]:
    html, encoding = decode_bytes(data, name=name)
    parser = _TextExtractor()
    parser.feed(html)
    text = re.sub(r"[ \t]*\n[\s]*\n+", "\n\n", "".join(parser.parts)).strip()
    yield _document(name, text, encoding)


Reader = Callable[[bytes, str], Iterable[LoadedDocument]]
READERS: Final[dict[str, Reader]] = {
    ".txt": _read_text,
    ".md": _read_text,
    ".text": _read_text,
    ".csv": _read_csv,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".html": _read_html,
    ".htm": _read_html,
}
SUPPORTED_SUFFIXES: Final = tuple(READERS)


def _document(
    source: str, text: str, encoding: str, hints: dict[str, str] | None = None
) -> LoadedDocument:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise RejectedFile(source, "empty", "没有文字内容")
    return LoadedDocument(source, text, encoding, text_sha256(text), hints or {})


def read_bytes(data: bytes, name: str) -> list[LoadedDocument]:
    """Documents in one file's bytes; `name` picks the reader by its suffix.

    Every failure is a RejectedFile naming this file, including an unexpected error inside
    a third-party reader, so the caller can report it and go on with the next file.
    """
    suffix = Path(name).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        supported = "、".join(SUPPORTED_SUFFIXES)
        raise RejectedFile(
            name, "unsupported", f"不支持的文件类型 {suffix or '(无扩展名)'}（支持 {supported}）"
        )
    if len(data) > MAX_BYTES:
        raise _too_large(name, len(data))
    try:
        return list(reader(data, name))
    except RejectedFile:
        raise
    except MemoryError as exc:
        raise RejectedFile(name, "too_large", "文件展开后内存不足，已拒绝") from exc
    except Exception as exc:  # a boundary: any reader failure is this file's rejection
        raise RejectedFile(
            name,
            "unreadable",
            f"读取文件时出错（{type(exc).__name__}），文件可能已损坏；其他文件不受影响",
        ) from exc


def _too_large(name: str, size: int) -> RejectedFile:
    return RejectedFile(
        name,
        "too_large",
        f"文件有 {size / 1024 / 1024:,.1f} MB，超过 {MAX_BYTES // 1024 // 1024} MB 的上限",
    )


def read_path(path: Path) -> list[LoadedDocument]:
    """Documents in one file on disk; a file over the limit is refused before it is read."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise _too_large(path.name, path.stat().st_size)
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)  # bounded even if the file grows meanwhile
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise RejectedFile(path.name, "unreadable", f"无法读取文件：{reason}") from exc
    return read_bytes(data, path.name)


def expand_paths(paths: Iterable[Path], *, exclude: Sequence[str] = ()) -> Iterator[Path]:
    """Files named directly, plus supported files found under folders, in a stable order.

    `exclude` globs (`README*`, `*/derived/*`, `MANIFEST.csv`) drop a file whose name or
    path matches, so a corpus folder's own notes never become documents.
    """
    for path in paths:
        found = (
            sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READERS)
            if path.is_dir()
            else [path]
        )
        yield from (p for p in found if not is_excluded(p, exclude))


def is_excluded(path: Path, patterns: Sequence[str]) -> bool:
    """Whether a glob matches the file's name or its path (as given, with / separators).

    >>> is_excluded(Path("corpus/README.md"), ["README*"])
    True
    >>> is_excluded(Path("corpus/derived/index.csv"), ["*/derived/*"])
    True
    >>> is_excluded(Path("corpus/2025_湖北.txt"), ["README*"])
    False
    """
    return any(
        fnmatch.fnmatch(path.name, pattern) or fnmatch.fnmatch(path.as_posix(), pattern)
        for pattern in patterns
    )
