"""Theme hits and policy-instrument codes of one document, as stored at ingest.

The shipped codebooks are applied to every document once, when it is ingested (the
`code` stage, with its own version in `analysis.versions`: a codebook change recodes
only this stage), so the regions comparison aggregates stored rows in SQL instead of
coding 14 M characters on a page's first visit. A codebook a user loads in the dashboard
is still applied on the fly by `themes.theme_hits` / `instruments.code_sentences`; both
paths run the same functions, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from analysis.instruments import CODED_COLUMNS, InstrumentCodebook, code_sentences, load_instruments
from analysis.themes import HIT_COLUMNS, ThemeCodebook, load_themes, theme_hits


@dataclass(frozen=True, slots=True)
class DocumentCodes:
    """What the codebooks found in one document.

    theme_hits: HIT_COLUMNS (doc_id, theme, term, start, end, pos), one row per
    occurrence of a theme word; instrument_codes: CODED_COLUMNS, one row per coded sentence.
    """

    theme_hits: pd.DataFrame
    instrument_codes: pd.DataFrame


@lru_cache(maxsize=1)
def default_codebooks() -> tuple[ThemeCodebook, InstrumentCodebook]:
    """The shipped theme and instrument codebooks, read once per process."""
    return load_themes(), load_instruments()


def document_codes(doc_id: str, text: str) -> DocumentCodes:
    """The shipped codebooks applied to one clean text (the `code` stage of ingest)."""
    themes, instruments = default_codebooks()
    corpus = pd.DataFrame({"doc_id": [doc_id], "text": [text]})
    hits = theme_hits(corpus, themes)
    coded = code_sentences(corpus, instruments)
    return DocumentCodes(
        hits[list(HIT_COLUMNS)].reset_index(drop=True),
        coded[list(CODED_COLUMNS)].reset_index(drop=True),
    )


__all__ = ["DocumentCodes", "default_codebooks", "document_codes"]
