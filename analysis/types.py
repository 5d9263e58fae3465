"""Shared vocabulary of the analysis package: column names, document types, records.

Every layer passes pandas DataFrames whose columns are named here, so a page, the
command line and a test all speak of the same `province` or `doc_type`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

DocType = Literal["speech", "meeting_news", "plan", "work_report", "regulation", "other"]

DOC_TYPES: Final[tuple[DocType, ...]] = (
    "speech",
    "meeting_news",
    "plan",
    "work_report",
    "regulation",
    "other",
)

DOC_TYPE_LABELS: Final[dict[str, str]] = {
    "speech": "讲话",
    "meeting_news": "会议报道",
    "plan": "规划/方案",
    "work_report": "工作报告",
    "regulation": "法规/办法",
    "other": "其他",
}

# Metadata fields a user may correct, in display order.
META_FIELDS: Final[tuple[str, ...]] = (
    "title",
    "province",
    "city",
    "district",
    "year",
    "date",
    "doc_type",
    "source_site",
)

# Columns of the documents table (`docs` on the command line, the Overview table).
DOC_COLUMNS: Final[tuple[str, ...]] = (
    "doc_id",
    "source",
    "title",
    "province",
    "city",
    "district",
    "year",
    "date",
    "doc_type",
    "chars",
    "raw_chars",
    "sha256",
)

# A corpus frame = DOC_COLUMNS + "text" (the clean text). This is what keyword and target
# analyses take as input.
CORPUS_COLUMNS: Final[tuple[str, ...]] = (*DOC_COLUMNS, "text")

# Cleaning record: one row per change, offsets into the *raw* text.
CHANGE_COLUMNS: Final[tuple[str, ...]] = ("step", "reason", "start", "end", "removed")

# Metadata evidence: one row per detected field.
EVIDENCE_COLUMNS: Final[tuple[str, ...]] = (
    "field",
    "value",
    "evidence",
    "confidence",
    "origin",  # "detected" | "seed metadata" | "user"
)


@dataclass(frozen=True, slots=True)
class Change:
    """One thing the cleaner did to the raw text, so a reader can audit it."""

    step: str  # machine name of the rule, e.g. "site_chrome", "duplicate_document"
    reason: str  # human sentence in Chinese, shown in the UI
    start: int  # offset into the raw text
    end: int
    removed: str  # the raw text that was removed or repaired


@dataclass(frozen=True, slots=True)
class Detection:
    """A detected metadata value together with why we believe it."""

    field: str
    value: str | int | None
    evidence: str  # the snippet of text (or file name) it came from
    confidence: float  # 0..1


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range in a text."""

    start: int
    end: int
