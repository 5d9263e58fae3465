"""Theme hits and policy-instrument codes of one document, as stored at ingest.

The shipped codebooks are applied to every document once, when it is ingested (the
`code` stage, with its own version in `analysis.versions`: a codebook change recodes
only this stage), so the regions comparison aggregates stored rows in SQL instead of
coding 14 M characters on a page's first visit. A codebook a user loads in the dashboard
is still applied on the fly by `themes.theme_hits` / `instruments.code_sentences`; both
paths run the same per-document coders (`hit_rows`, `coded_rows`), so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from analysis.instruments import (
    CodedRow,
    InstrumentCodebook,
    coded_frame,
    coded_rows,
    load_instruments,
)
from analysis.sentences import split_sentences
from analysis.themes import HitRow, ThemeCodebook, hit_rows, hits_frame, load_themes


@dataclass(frozen=True, slots=True)
class DocumentCodes:
    """What the codebooks found in one document, as row tuples (a frame per document cost
    three times the coding itself; the store builds one frame per batch, `codes_frames`).

    theme_hits: themes.HIT_COLUMNS (doc_id, theme, term, start, end, pos), one per
    occurrence of a theme word; instrument_codes: instruments.CODED_COLUMNS, one per coded
    sentence.
    """

    theme_hits: list[HitRow]
    instrument_codes: list[CodedRow]


def codes_frames(codes: Iterable[DocumentCodes]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The theme hits (HIT_COLUMNS) and coded sentences (CODED_COLUMNS) of many documents."""
    codes = list(codes)
    return (
        hits_frame([row for c in codes for row in c.theme_hits]),
        coded_frame([row for c in codes for row in c.instrument_codes]),
    )


@lru_cache(maxsize=1)
def default_codebooks() -> tuple[ThemeCodebook, InstrumentCodebook]:
    """The shipped theme and instrument codebooks, read once per process."""
    return load_themes(), load_instruments()


def document_codes(doc_id: str, text: str) -> DocumentCodes:
    """The shipped codebooks applied to one clean text (the `code` stage of ingest)."""
    themes, instruments = default_codebooks()
    sentences = split_sentences(text) if isinstance(text, str) else []
    return DocumentCodes(
        hit_rows(doc_id, text, themes, sentences),
        coded_rows(doc_id, text, instruments, sentences),
    )


__all__ = ["DocumentCodes", "codes_frames", "default_codebooks", "document_codes"]
