"""Sentences of a clean text as character spans: the unit targets are read in and every
codebook (themes, policy instruments) counts in.

Kept apart from the target rules so that the stages built on it have their own versions:
a change to the target rules does not recode themes and instruments (see `versions`).
"""

from __future__ import annotations

import re
from typing import Final

from analysis.types import Span

SENTENCE_RE: Final = re.compile(r"[^。！？；;!?\n]+[。！？；;!?]?")


def split_sentences(text: str) -> list[Span]:
    """Sentences as spans, split on 。！？； and newlines (some texts are one line).

    >>> [ "一。二"[s.start:s.end] for s in split_sentences("一。二")]
    ['一。', '二']
    """
    spans = []
    for m in SENTENCE_RE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        if start < end:
            spans.append(Span(start, end))
    return spans


__all__ = ["SENTENCE_RE", "split_sentences"]
