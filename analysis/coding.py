"""Finding a codebook's words in sentences: the shared engine of themes and policy instruments.

A codebook is a list of entries (a theme, an instrument sub-type), each with the words
that signal it. All words are matched in one pass per document with an Aho–Corasick
automaton, keeping the longest match at each place (`新能源汽车` is one match, not also
`汽车`), so the whole corpus (14 M characters) is coded in seconds. Matches are reported
with the sentence they fall in, so every count leads back to text a reader can check.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from typing import Final

import ahocorasick
import pandas as pd

from analysis.sentences import split_sentences
from analysis.types import Span

MATCH_COLUMNS: Final[tuple[str, ...]] = ("doc_id", "sentence_no", "start", "end", "term", "pos")


def build_automaton(terms: Iterable[str]) -> ahocorasick.Automaton:
    """An automaton over `terms` (blank ones skipped) that returns each term as its value."""
    automaton = ahocorasick.Automaton()
    for term in {t.strip() for t in terms if t and t.strip()}:
        automaton.add_word(term, term)
    if len(automaton) == 0:
        automaton.add_word("\x00", "\x00")  # an empty automaton cannot be built
    automaton.make_automaton()
    return automaton


Match = tuple[int, int, int, str, int]  # sentence_no, start, end (of the sentence), term, pos


def sentence_matches(
    text: str, automaton: ahocorasick.Automaton, sentences: list[Span] | None = None
) -> list[Match]:
    """Every longest match of the automaton's words in `text`, in text order, with the
    sentence it falls in. `sentences` (`split_sentences(text)`) may be passed when several
    codebooks read the same text, so it is split once.
    """
    if not isinstance(text, str) or not text:
        return []
    found = [(end - len(term) + 1, term) for end, term in automaton.iter_long(text)]
    if not found:
        return []
    spans = split_sentences(text) if sentences is None else sentences
    starts = [s.start for s in spans]
    rows: list[Match] = []
    for pos, term in found:
        index = bisect.bisect_right(starts, pos) - 1
        if index >= 0:
            span = spans[index]
            rows.append((index, span.start, span.end, term, pos))
    return rows


def match_sentences(
    texts: Iterable[tuple[str, str]], automaton: ahocorasick.Automaton
) -> tuple[pd.DataFrame, dict[tuple[str, int], tuple[int, int]]]:
    """Every longest match of the automaton's words in each (doc_id, text).

    Returns the matches (MATCH_COLUMNS: doc_id, sentence_no, start and end of the
    sentence, term, pos = offset of the match in the text) and a lookup
    (doc_id, sentence_no) -> (start, end) of every sentence that has a match.
    """
    rows: list[tuple[str, int, int, int, str, int]] = []
    spans: dict[tuple[str, int], tuple[int, int]] = {}
    for doc_id, text in texts:
        for index, start, end, term, pos in sentence_matches(text, automaton):
            rows.append((doc_id, index, start, end, term, pos))
            spans[(doc_id, index)] = (start, end)
    frame = pd.DataFrame(rows, columns=list(MATCH_COLUMNS))
    return frame.astype(
        {"sentence_no": "int64", "start": "int64", "end": "int64", "pos": "int64"}
    ), spans


def attach_sentences(frame: pd.DataFrame, texts: Mapping[str, str]) -> pd.DataFrame:
    """`frame` (doc_id, start, end) plus `sentence`, the text of each row's sentence."""
    return frame.assign(
        sentence=[
            texts.get(d, "")[s:e].strip()
            for d, s, e in zip(frame["doc_id"], frame["start"], frame["end"], strict=True)
        ]
    )


__all__ = [
    "MATCH_COLUMNS",
    "Match",
    "attach_sentences",
    "build_automaton",
    "match_sentences",
    "sentence_matches",
]
