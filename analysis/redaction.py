"""Redacted placeholders: text a publisher blanked out (`XX亿元`, `XXX万辆`, `*汽车`, `N*9031`).

They are kept in the clean text (a reader should see that something was withheld) but
every later step must treat them as opaque: no number is read from `XX`, no name from
`*市`. This module is the one place that knows what a placeholder looks like.
"""

from __future__ import annotations

import re
from typing import Final

from analysis.types import Span

# Two or more X/x/×/Ｘ (a lone "X" is a real letter: "X光", "Model X"), or a run of ○/□/■/＊.
_MASK_RUN: Final = r"(?:[XxＸｘ×]{2,}|[○□■◯＊*]{2,})"
# One mask character glued to CJK or digits: "*汽车", "*市", "N*9031", "X市", "×区".
# "×" between digits is multiplication ("7×24小时"), so it only masks at a word start ("×区").
_MASK_GLUED: Final = (
    r"(?:(?<=[A-Za-z0-9\u4e00-\u9fff])[*＊](?=[A-Za-z0-9\u4e00-\u9fff])"
    r"|(?<![A-Za-z0-9*＊])[*＊×](?=[\u4e00-\u9fff]))"
)
# A masked code: letters/digits around a mask ("N*9031", "XX-123") is one opaque token.
# Its letters/digits are only scanned from the start of their run (or right after an X, where
# a mask run may have ended): trying every position inside a long digit run made a search
# quadratic in the run's length (4,000 digits: 0.2 s), with the same matches.
_MASKED_CODE: Final = r"(?:(?:(?:(?<![A-Za-z0-9])|(?<=[XxＸｘ]))[A-Za-z0-9]+)?[*＊][A-Za-z0-9]+)"

# A star glued to the name it hides (`*汽车`, `＊经开区`); the segmenter keeps it with it.
GLUED_MASK_CHARS: Final = "*＊"
# Characters that are a placeholder on their own, whatever their number.
MASK_CHARS: Final = frozenset(GLUED_MASK_CHARS + "×○□■◯")
# Cheap pre-check: a text without any of these characters holds no placeholder.
MAY_HOLD_PLACEHOLDER: Final = re.compile(f"[XxＸｘ{''.join(sorted(MASK_CHARS))}]")
PLACEHOLDER_RE: Final = re.compile(f"{_MASKED_CODE}|{_MASK_RUN}|{_MASK_GLUED}")


def placeholder_spans(text: str) -> list[Span]:
    """Where the placeholders are, so extractors can refuse numbers that touch them.

    >>> [text for text in ("营收XX亿元",) for s in placeholder_spans(text)]
    ['营收XX亿元']
    """
    if MAY_HOLD_PLACEHOLDER.search(text) is None:
        return []  # most texts hold none, and the full pattern is tried at every character
    return [Span(m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(text)]


def touches_placeholder(spans: list[Span], start: int, end: int, *, margin: int = 1) -> bool:
    """True if [start, end) overlaps or directly abuts a placeholder (`1XX`, `XX.5`)."""
    return any(s.start - margin < end and start < s.end + margin for s in spans)


def is_placeholder(token: str) -> bool:
    """True for a token that is nothing but a placeholder (`XX`, `*`, `N*9031`)."""
    if not token:
        return False
    # A segmenter cuts "*汽车" into "*" + "汽车": a bare mask character is a placeholder too.
    return PLACEHOLDER_RE.fullmatch(token) is not None or set(token) <= MASK_CHARS
