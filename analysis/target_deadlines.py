"""By when a target is due: the year it names, the year its section or sentence names, or
the document's own year for `今年` and `全年`."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from analysis.target_parts import _YEAR_RE, Kind, _Quantity, _Section
from analysis.target_rules import Rules
from analysis.types import Span

_NOT_AFTER_NUMERAL: Final = r"(?<![\d一二两三四五六七八九十几])"  # 五年内 is no 年内


def _compared_before(chunk: str, pos: int, rules: Rules) -> bool:
    """`比“六五”期间增长`: a period named as the base of a comparison is no deadline."""
    before = chunk[max(0, pos - 2) : pos].rstrip('“"')
    return any(before.endswith(w) for w in rules.year_baseline_before)


@lru_cache(maxsize=512)
def _word_re(word: str, context: bool = False) -> re.Pattern[str]:
    """A time word's pattern, compiled once (escaping and compiling it per quantity cost more
    than the search); `context` keeps `五年内` and `今年以来` out."""
    escaped = re.escape(word)
    return re.compile(_NOT_AFTER_NUMERAL + escaped + "(?!以来)" if context else escaped)


def _year_mentions(
    norm: str, lo: int, hi: int, rules: Rules, doc_year: int | None, kind: Kind
) -> list[tuple[int, int]]:
    """(position, year) of every time expression in norm[lo:hi] that can be a deadline."""
    found: list[tuple[int, int]] = []
    chunk = norm[lo:hi]
    for m in _YEAR_RE.finditer(chunk):
        before = chunk[max(0, m.start() - 1) : m.start()]
        after = chunk[m.end() : m.end() + 2]
        if before in rules.year_baseline_before or after in rules.year_baseline_after:
            continue
        found.append((lo + m.start(), int(m.group("y2") or m.group("y"))))
    # `name in chunk` first: most chunks name no period, and the test is cheaper than a search
    for name, year in rules.plan_periods.items():
        if name in chunk:
            found += [
                (lo + m.start(), year)
                for m in _word_re(name).finditer(chunk)
                if not _compared_before(chunk, m.start(), rules)
            ]
    for name, year in rules.absolute_horizons.items():
        if (doc_year is None or year >= doc_year) and name in chunk:
            found += [(lo + m.start(), year) for m in _word_re(name).finditer(chunk)]
    if doc_year:
        for name, offset in rules.relative_horizons.items():
            if name in chunk:
                found += [
                    (lo + m.start(), doc_year + offset) for m in _word_re(name).finditer(chunk)
                ]
        relative: list[tuple[tuple[str, ...], int]] = [
            (rules.this_year, doc_year),
            (rules.next_year, doc_year + 1),
            (rules.last_year, doc_year - 1),
        ]
        for words, year in relative:
            for word in words:
                if kind == "achievement" and word == "全年":
                    continue  # a review's 全年 is the reviewed year, not the document's
                if word not in chunk:
                    continue
                found += [
                    (lo + m.start(), year)
                    for m in _word_re(word, True).finditer(chunk)
                    if chunk[max(0, m.start() - 1) : m.start()] not in rules.year_baseline_before
                ]
    return sorted(found)


def _deadline(
    norm: str,
    q: _Quantity,
    sentence: Span,
    section: _Section,
    rules: Rules,
    doc_year: int | None,
) -> int | None:
    """The year a quantity is for: the nearest time expression before it, else the section's."""
    mentions = _year_mentions(norm, sentence.start, q.start, rules, doc_year, q.kind)
    if mentions:
        return mentions[-1][1]
    if section.year is not None and q.kind in ("target", "achievement", "forecast"):
        return section.year
    if q.kind == "target":
        # A paragraph that opens on its horizon (`到一九五七年，铁路…；旅客…`) dates every
        # target of its later sentences.
        paragraph = norm.rfind("\n", 0, sentence.start) + 1
        earlier = _year_mentions(norm, paragraph, sentence.start, rules, doc_year, q.kind)
        if earlier:
            # a past year there makes the "target" a result (see _dated_in_the_past)
            return earlier[-1][1]
    sentence_text = norm[sentence.start : sentence.end]
    if doc_year and q.kind == "target" and any(w in sentence_text for w in rules.implied_this_year):
        return doc_year
    return None
