"""Turning files (bytes) into raw texts, one per document, or a precise reason why not.

Encodings are detected by charset-normalizer, restricted to the encodings Chinese text
actually comes in, so a short GBK file is never mistaken for Korean or Cyrillic.
Each format is a small reader registered in `READERS`; adding a format is adding one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Final

from charset_normalizer import from_bytes

from analysis.errors import RejectedFile

MAX_BYTES: Final = 50 * 1024 * 1024
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
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise RejectedFile(name, "empty", "CSV 没有数据行")
    column = next((c for c in TEXT_COLUMNS if c in rows[0]), None)
    if column is None:
        raise RejectedFile(
            name, "no_text_column", f"CSV 缺少正文列（应为 {'、'.join(TEXT_COLUMNS)} 之一）"
        )
    for i, row in enumerate(rows, start=1):
        body = (row.get(column) or "").strip()
        if not body:
            continue
        hints = {key: row[col].strip() for col, key in HINT_COLUMNS.items() if row.get(col)}
        source = name if len(rows) == 1 else f"{name}#{i}"
        yield _document(source, body, encoding, hints)


def _read_docx(data: bytes, name: str) -> Iterator[LoadedDocument]:
    import docx  # python-docx; imported here so plain-text users never pay for it

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


def _read_pdf(data: bytes, name: str) -> Iterator[LoadedDocument]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
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
    """Documents in one file's bytes; `name` picks the reader by its suffix."""
    suffix = Path(name).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        supported = "、".join(SUPPORTED_SUFFIXES)
        raise RejectedFile(
            name, "unsupported", f"不支持的文件类型 {suffix or '(无扩展名)'}（支持 {supported}）"
        )
    if len(data) > MAX_BYTES:
        raise RejectedFile(name, "too_large", f"文件超过 {MAX_BYTES // 1024 // 1024} MB")
    return list(reader(data, name))


def read_path(path: Path) -> list[LoadedDocument]:
    """Documents in one file on disk."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RejectedFile(path.name, "unreadable", f"无法读取文件：{exc.strerror}") from exc
    return read_bytes(data, path.name)


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, plus supported files found under folders, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READERS
            )
        else:
            yield path
