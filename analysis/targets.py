"""Quantities in policy texts, each with its subject, deadline and kind (target, achievement…).

A reader of a plan or work report wants the commitments (`到2025年底本地配套率达到80%以上`)
apart from last year's results, the money on offer and the slogans. The extractor reads
every quantity, then decides its kind from the cue words around it and the section it
stands in; the cue that decided is kept in the `cue` column so every row explains itself.
The words it relies on are data: `analysis/data/target_rules.toml`.

This module reads sentences, sections, quantities and their subjects (metrics); its other
parts have their own modules: `target_rules` (the rules file, compiled), `target_parts`
(what a sentence is read into), `target_kinds` (the kind of a quantity) and
`target_deadlines` (its deadline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from analysis.metrics import CANONICAL_COLUMNS, canonical_columns
from analysis.numbers import (
    ARABIC_PATTERN,
    CHINESE_PATTERN,
    YEAR,
    chinese_years,
    is_chinese_numeral,
    magnitude_value,
    parse_number,
    to_halfwidth,
)
from analysis.quantity_columns import QUANTITY_DTYPES, QUANTITY_NAMES
from analysis.redaction import PLACEHOLDER_RE, placeholder_spans, touches_placeholder
from analysis.sentences import split_sentences
from analysis.target_deadlines import _deadline
from analysis.target_kinds import (
    _allocated,
    _classify,
    _cues,
    _dated_in_the_past,
    _fiscal,
    _named_goal,
    _not_a_goal,
    _rule_of_law,
)
from analysis.target_parts import (
    _CLAUSE_BOUNDARY_RE,
    _YEAR_RE,
    KINDS,
    Kind,
    SectionState,
    _Quantity,
    _Section,
)
from analysis.target_rules import _NO_DIGIT_BEFORE, QUANTITY_START, Rules, load_rules
from analysis.types import Span

TARGET_COLUMNS: Final[tuple[str, ...]] = QUANTITY_NAMES
CORPUS_KEY_COLUMNS: Final[tuple[str, ...]] = ("doc_id", "source", "province", "city", "year")

_QUANTITY_START_RE: Final = re.compile(QUANTITY_START)
_LIST_GAP_RE: Final = re.compile(r"^[、和及与]$|^、和$")
_QUOTES_BEFORE: Final = "“「《\"'‘"
_MIN_CHINESE_VALUE: Final = 10.0  # `一个`, `三大`, `两个覆盖` are rhetoric, not quantities


def _heading_year(heading: str, rules: Rules) -> int | None:
    """The year a heading is about (`2025年工作安排`, `“十五五”时期目标任务`)."""
    years = [int(m.group("y") or m.group("y2")) for m in _YEAR_RE.finditer(heading)]
    if years:
        return years[0]
    for name, year in rules.plan_periods.items():
        if name in heading:
            return year
    return None


def _period_state(
    sentence: str, rules: Rules, doc_year: int | None
) -> tuple[SectionState, int | None] | None:
    """`“十四五”时期是…` plans for 2025 in a 2021 report but reviews it in a 2026 one."""
    m = rules.period_opener.match(sentence)
    year = rules.plan_periods.get(m.group(1)) if m else None
    if year is None or doc_year is None:
        return None
    return ("plan", year) if year >= doc_year else ("review", None)


_YEAR_IS_RE: Final = re.compile(rf"\s*(?:各位代表[，,：:]\s*)?({YEAR})年是")  # `2025年是…`


def _opener_state(
    sentence: str, rules: Rules, doc_year: int | None
) -> tuple[SectionState, int | None] | None:
    """Section and plan year opened by a paragraph opener (`过去一年，`, `今年经济社会…`).

    A plan opener speaks of the document's own year, so its targets get that deadline.
    """
    if any(p.search(sentence) for p in rules.notes_openers):
        return "notes", None
    period = _period_state(sentence, rules, doc_year)
    if period:
        return period
    if any(p.search(sentence) for p in rules.review_openers):
        return "review", None
    if any(p.search(sentence) for p in rules.plan_openers):
        return "plan", doc_year
    m = _YEAR_IS_RE.match(sentence)
    if m and doc_year:
        year = int(m.group(1))
        return ("plan", year) if year >= doc_year else ("review", None)
    return None


def _heading_text(sentence: str, rules: Rules) -> str | None:
    """A heading at the start of a sentence, also when a one-line text runs it into the
    paragraph after a space (`一、2023年工作回顾 过去一年，…`)."""
    if not rules.heading_re.match(sentence):
        return None
    if len(sentence) <= 40:
        return sentence
    head = sentence.split(maxsplit=1)[0]
    return head if len(head) < len(sentence) and len(head) <= 40 else None


_TOP_HEADING_RE: Final = re.compile(r"\s*[一二三四五六七八九十]+[、.．]")


def _heading_section(heading: str, current: _Section, rules: Rules) -> _Section | None:
    """The section a numbered heading opens, or None for a heading that opens none."""
    year = _heading_year(heading, rules)
    if rules.notes_heading_re.search(heading):
        return _Section("notes", heading[:16], None)
    # In a dated plan (`二、2025年工作安排`) a sub-heading's `成效` is an aim, not a review.
    dated_plan = current.state == "plan" and current.year is not None
    weak_review = not dated_plan and rules.review_heading_weak_re.search(heading)
    if rules.review_heading_re.search(heading) or weak_review:
        return _Section("review", heading[:16], year)
    if _TOP_HEADING_RE.match(heading):
        if year is None and current.state == "plan":
            year = current.year  # a numbered list inside the plan keeps the plan's year
        return _Section("plan", heading[:16], year)
    return None


def _section_of(sentence: str, current: _Section, rules: Rules, doc_year: int | None) -> _Section:
    """The section a sentence opens, or the current one if it opens none."""
    stripped = sentence.strip()
    heading = _heading_text(stripped, rules)
    opened_by_heading = heading and _heading_section(heading, current, rules)
    if opened_by_heading:
        return opened_by_heading
    opened = _opener_state(stripped, rules, doc_year)
    if opened is None or opened == (current.state, current.year):
        return current
    if opened[0] == current.state and opened[1] is None:
        return current
    return _Section(opened[0], stripped[:8], opened[1])


def _sections(
    text: str, sentences: list[Span], rules: Rules, doc_year: int | None
) -> list[_Section]:
    current = _Section("unknown", "", None)
    out = []
    for s in sentences:
        current = _section_of(text[s.start : s.end], current, rules, doc_year)
        out.append(current)
    return _dated_sections(text, sentences, out, rules, doc_year)


def _heading_level(sentence: str, rules: Rules) -> int | None:
    """Level of a numbered heading (1 for `一、`, 2 for `（一）`, 3 for `1.`), else None."""
    for level, pattern in enumerate(rules.heading_levels, start=1):
        if pattern.match(sentence):
            return level
    return None


def _opener_year(sentence: str, level: int | None, rules: Rules) -> int | None:
    """Year of a deadline opener (`到2023年，`), also right after a heading number."""
    body = rules.heading_levels[level - 1].sub("", sentence, count=1) if level else sentence
    m = rules.year_opener.match(body)
    if m is None or not (level or m.group("sep")):
        return None
    return int(m.group(1) or m.group(2))


def _is_line_start(text: str, span: Span) -> bool:
    """Whether a sentence opens a line (a paragraph, in texts that keep their newlines)."""
    start = span.start
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    return start == 0 or text[start - 1] == "\n"


def _title_year(text: str, span: Span, rules: Rules) -> int | None:
    """Year of an annual plan's title line (`包头市2022年数字政府建设考评办法`)."""
    # most sentences run on after their end: that test first, then the costlier ones
    if text[span.end : span.end + 1] not in ("", "\n") or not _is_line_start(text, span):
        return None
    sentence = text[span.start : span.end].strip()
    if len(sentence) > 60:
        return None
    m = rules.annual_title.match(sentence)
    return int(m.group(1)) if m else None


@dataclass(slots=True)
class _YearScope:
    """Years that date later sentences: a deadline paragraph's (with the heading level it
    reaches to) and an annual plan's title."""

    level: int = 0
    year: int | None = None
    title_year: int | None = None
    open_level: int = 0
    lead: bool = False  # the next sentence opens the paragraph right under a heading

    def update(self, text: str, span: Span, rules: Rules) -> None:
        """Open, keep or close the scope at one sentence."""
        sentence = text[span.start : span.end].strip()
        level = _heading_level(sentence, rules)
        if level is not None:
            self.open_level = level
            if self.year is not None and level <= self.level:
                self.year = None  # a heading of the same or a higher level ends the list
        year = _opener_year(sentence, level, rules)
        scoped = self.year is not None and _is_line_start(text, span)
        if year is not None and (level is not None or self.lead or scoped):
            self.level, self.year = level or self.open_level, year
        if level is None:
            self.title_year = _title_year(text, span, rules) or self.title_year
        self.lead = level is not None and len(sentence) <= 40

    def date(self, section: _Section, doc_year: int | None) -> _Section:
        """The section with the scope's year; a title's year only where none is known.

        Goals listed under a deadline paragraph are a plan even before any plan heading.
        """
        if section.state == "notes":
            return section
        if self.year is not None:
            ahead = doc_year is None or self.year >= doc_year
            state: SectionState = "plan" if section.state == "unknown" and ahead else section.state
            return _Section(state, section.marker, self.year)
        if section.year is None and self.title_year is not None and section.state != "review":
            return _Section(section.state, section.marker, self.title_year)
        return section


def _dated_sections(
    text: str,
    sentences: list[Span],
    sections: list[_Section],
    rules: Rules,
    doc_year: int | None,
) -> list[_Section]:
    """Sections with the year of a deadline paragraph (`到2023年，` under `（二）发展目标`
    dates the goals listed after it) or of an annual plan's title (`…2022年…考评办法`).

    Work reports keep their own years: their plan sections are dated by heading or opener,
    and a deadline paragraph only reaches on when it leads a heading's block.
    """
    scope = _YearScope()
    out = []
    for span, section in zip(sentences, sections, strict=True):
        scope.update(text, span, rules)
        out.append(scope.date(section, doc_year))
    return out


def _clause_bounds(norm: str, sentence: Span) -> list[int]:
    """Offsets where clauses of the sentence start (the sentence start included)."""
    chunk = norm[sentence.start : sentence.end]
    return [sentence.start] + [
        sentence.start + m.end() for m in _CLAUSE_BOUNDARY_RE.finditer(chunk)
    ]


def _clause_start(bounds: list[int], pos: int) -> int:
    return max(b for b in bounds if b <= pos)


# --------------------------------------------------------------------------- quantities


def _comparator_suffix(suffix: str | None, infix: str | None, rules: Rules) -> str:
    if suffix:
        return rules.suffix_comparators[suffix]
    if infix:
        return rules.infix_comparators[infix]
    return "="


def _prefix_comparator(norm: str, lo: int, pos: int, rules: Rules) -> str | None:
    """Comparator word just before the number (`不低于60%`, `最高给予5亿元`)."""
    window = norm[max(lo, pos - 7) : pos]
    best: tuple[int, int, str] | None = None
    for word, comp in rules.prefix_comparators.items():
        idx = window.rfind(word)
        if idx < 0 or len(window) - (idx + len(word)) > 2:
            continue
        if len(word) == 1 and (
            window[max(0, idx - 1) : idx + 1] in _WORDS_NOT_COMPARATORS
            or window[idx : idx + 2] in _WORDS_NOT_COMPARATORS
        ):
            continue  # 条约, 节约, 最近, 超收: the character belongs to another word
        key = (idx + len(word), len(word), comp)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


_WORDS_NOT_COMPARATORS: Final = frozenset(
    {
        "条约",
        "节约",
        "合约",
        "契约",
        "签约",
        "预约",
        "制约",
        "公约",
        "相约",
        "最近",
        "附近",
        "靠近",
        "赶超",
        "超收",
        "超支",
        "约束",
    }
)


def _base_comparator(norm: str, lo: int, q: _Quantity, rules: Rules) -> str | None:
    """`不超过项目投资额30%`: a prefix before the base a rate is taken of, so the words between
    it and the number must name that base."""
    if q.unit != "%":
        return None
    window = norm[max(lo, q.start - rules.base_gap_max - 3) : q.start]
    best: tuple[int, int, str] | None = None
    for word, comp in rules.prefix_comparators.items():
        idx = window.rfind(word)
        # one-character words (`约`, `超`) are too often part of another word (`节约`)
        if len(word) < 2 or idx < 0 or not rules.base_gap_re.match(window[idx + len(word) :]):
            continue
        key = (idx + len(word), len(word), comp)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


def _apply_prefixes(norm: str, qs: list[_Quantity], bounds: list[int], rules: Rules) -> None:
    """Prefix comparators, carried forward along a `、` list (`分别超过8万元、4.5万元`: both
    `>`); a comparator read from the number's own suffix wins."""
    carried: str | None = None
    previous: _Quantity | None = None
    for q in qs:
        lo = _clause_start(bounds, q.start)
        prefix = _prefix_comparator(norm, lo, q.start, rules) or _base_comparator(
            norm, lo, q, rules
        )
        if prefix is None and previous and _LIST_GAP_RE.match(norm[previous.end : q.start]):
            prefix = carried
        if q.comparator == "=" and prefix:
            q.comparator = prefix
        carried, previous = prefix, q


def _scaled(number: str | None, magnitude: str | None) -> float | None:
    """Value of a numeral with its magnitude word; a Chinese numeral reads the magnitude as
    its last group (`二亿四千` + `万` is 240,000,000, not 200,004,000 × 10,000)."""
    if number is None:
        return None
    if magnitude and is_chinese_numeral(number):
        return parse_number(number + magnitude)
    value = parse_number(number)
    return None if value is None else value * magnitude_value(magnitude)


def _from_match(m: re.Match[str], rules: Rules) -> _Quantity | None:
    """A quantity from one regex match, or None for rhetoric (`三个`) and empty slogans."""
    g = m.groupdict()
    nan = float("nan")
    if g["f1"] is not None:
        low = _scaled(g["f1"], g["fm1"])
        high = _scaled(g["f2"], g["fm2"])
        if low is None or high is None:
            return None
        return _Quantity(m.start(), m.end(), low, high, g["fu2"], "range", False)
    if g["fan"] is not None:
        value = parse_number(g["fan"])
        return _Quantity(m.start(), m.end(), value or 1.0, nan, "番", "=", False)
    if g["i"] is not None:
        value = _scaled(g["i"], g["im"])
        if value is None:
            return None
        comp = _comparator_suffix(None, g["ix"] or g["is"], rules)
        return _Quantity(m.start(), m.end(), value, nan, "人", comp, False)
    if g["r1"] is not None:
        high = _scaled(g["r2"], g["rm2"])
        low = _scaled(g["r1"], g["rm1"] or g["rm2"])
        if high is None or low is None:
            return None
        unit = g["ru2"]
        return _Quantity(m.start(), m.end(), low, high, unit, "range", False)
    if g["n"] is not None:
        value = _scaled(g["n"], g["m"])
        if value is None:
            return None
        rhetoric = is_chinese_numeral(g["n"]) and not g["m"] and g["u"] in rules.rhetoric_units
        if rhetoric and value < _MIN_CHINESE_VALUE:
            return None
        comp = _comparator_suffix(g["s"], g["x1"] or g["x2"], rules)
        return _Quantity(m.start(), m.end(), value, nan, g["u"], comp, False)
    if g["p"] is not None:
        value = parse_number(g["p"])
        if value is None:
            return None
        if g["p2"] is not None:
            high = parse_number(g["p2"])
            if high is not None:
                return _Quantity(m.start(), m.end(), value, high, "%", "range", False)
        comp = _comparator_suffix(g["ps"], None, rules)
        return _Quantity(m.start(), m.end(), value, nan, "%", comp, False)
    if g["b"] is not None:
        value = parse_number(g["b"])
        if value is None:
            return None
        return _Quantity(
            m.start(), m.end(), value * magnitude_value(g["bm"]), nan, "", "=", False, True
        )
    if not (g["su"] or g["sj"]):
        return None
    unit = g["su"] or ("元" if "亿" in g["sc"] else "")
    return _Quantity(m.start(), m.end(), magnitude_value(g["sc"]), nan, unit, "=", True)


def _sentence_quantities(
    text: str, norm: str, sentence: Span, spans: list[Span], rules: Rules
) -> list[_Quantity]:
    """Quantities of one sentence, placeholders and rhetoric left out."""
    if _QUANTITY_START_RE.search(norm, sentence.start, sentence.end) is None:
        return []  # no digit and no numeral: most sentences of a regulation
    out: list[_Quantity] = []
    chunk = norm[sentence.start : sentence.end]
    for m in rules.quantity_re.finditer(chunk):
        q = _from_match(m, rules)
        if q is None:
            continue
        q.start += sentence.start
        q.end += sentence.start
        if touches_placeholder(spans, q.start, q.end):
            continue
        quoted = q.start > 0 and text[q.start - 1] in _QUOTES_BEFORE
        if quoted and is_chinese_numeral(m.group(0)[:1]):
            continue
        q.unit = rules.unit_aliases.get(q.unit, q.unit)
        out.append(q)
    out += _people_after_noun(norm, sentence, out, spans, rules)
    out.sort(key=lambda q: q.start)
    return _resolve_lists(out, norm)


_UNITLESS_RE: Final = re.compile(
    rf"(?={QUANTITY_START}){_NO_DIGIT_BEFORE}(?P<n>{ARABIC_PATTERN}|{CHINESE_PATTERN})(?P<m>万|亿)"
    r"(?P<s>左右|以上|以下|多)?(?=[，,。；;、）)]|$)"
)


def _people_after_noun(
    norm: str, sentence: Span, found: list[_Quantity], spans: list[Span], rules: Rules
) -> list[_Quantity]:
    """`城镇新增人口8000万左右`, `贫困人口减少了三千二百万`: a count of people whose noun
    stands before it, the number ending its clause with no unit."""
    out = []
    for m in _UNITLESS_RE.finditer(norm, sentence.start, sentence.end):
        if any(q.start <= m.start() < q.end for q in found):
            continue
        if not rules.implied_people_re.search(norm, max(sentence.start, m.start() - 10), m.start()):
            continue
        value = _scaled(m.group("n"), m.group("m"))
        if value is None or touches_placeholder(spans, m.start(), m.end()):
            continue
        comp = _comparator_suffix(m.group("s"), None, rules)
        out.append(_Quantity(m.start(), m.end(), value, float("nan"), "人", comp, False))
    return out


def _resolve_lists(qs: list[_Quantity], norm: str) -> list[_Quantity]:
    """Share units and comparators along `、` lists (`1.28万亿、8200亿元`, `80%、70%以上`)."""
    for i in range(len(qs) - 2, -1, -1):
        q, nxt = qs[i], qs[i + 1]
        if not _LIST_GAP_RE.match(norm[q.end : nxt.start]):
            continue
        if q.bare and nxt.unit:
            q.unit, q.bare = nxt.unit, False
        if q.comparator == "=" and nxt.comparator not in ("=", "range"):
            q.comparator = nxt.comparator
    return [q for q in qs if not q.bare]


# --------------------------------------------------------------------------- kinds


# --------------------------------------------------------------------------- deadlines


# --------------------------------------------------------------------------- metrics


def is_placeholder_text(subject: str) -> bool:
    """A subject that contains a redaction (`XXX等`) names nothing a reader can use."""
    return PLACEHOLDER_RE.search(subject) is not None


_LEADING_TIME_RE: Final = re.compile(
    r"^(?:力争)?(?:到)?(?:\d{4}年(?:底|末)?前?|今年|全年|明年|年内)"
)


def _strip_subject(subject: str, rules: Rules) -> str:
    """Subject words without cues, deadlines, verbs and punctuation around them."""
    previous = None
    while previous != subject:
        previous = subject
        subject = subject.strip(" \t、，,：:；;“”\"'（）()—-")
        subject = _LEADING_TIME_RE.sub("", subject)
        # the longest word that starts the subject and is not all of it, then the longest
        # that ends it (`subject[:-0]` is "": an empty word would empty it, as it always did)
        for n, words in rules.leading_by_length:
            if len(subject) > n and subject[:n] in words:
                subject = subject[n:]
                break
        for n, words in rules.trailing_by_length:
            if n <= len(subject) and subject[len(subject) - n :] in words:
                subject = subject[:-n]
                break
    for word in rules.strip_inside:
        subject = subject.replace(word, "")
    if subject in ("和", "及", "与", "并") or is_placeholder_text(subject):
        return ""
    return subject


# Words that date or compare but name nothing (`比1980年`, `2024年底`, `本世纪末`), and
# quotes, so a metric reads as a noun phrase.
_METRIC_NOISE_RE: Final = re.compile(
    r"(?:比|较|与|同)(?:\d{4}年(?:底|末)?|上年|去年|同期|五年前)(?:相比)?$"
    r"|\d{4}年(?:底|末)?(?:的)?|本世纪末|本世纪中叶|今后五年|五年内|[“”\"「」]"
)


_BARE_METRIC_RE: Final = re.compile(
    r"(?:即|都|均|并)?(?:(?:比|较|同)[^，,]{0,10}?)?(?:平均每年|每年|年均)?"
    r"(?:增长|下降|提高|增加|减少|降低|提出|达到|实现|完成|新增|递增)?"
)


def _tidy(subject: str) -> str:
    """The subject without dating/comparing words and stray particles at its ends."""
    tidy = _METRIC_NOISE_RE.sub("", subject).strip("了的是将要和及与从由、，, ")
    return tidy or subject


def _shorten(subject: str, rules: Rules) -> str:
    """Keep the tail of an over-long subject, cut at a natural break."""
    subject = _tidy(subject)
    limit = rules.metric_max_chars
    if len(subject) <= limit:
        return subject
    tail = subject[-limit:]
    cut = max(tail.rfind(ch) for ch in "的、中对在")
    return tail[cut + 1 :] if 0 <= cut < len(tail) - 2 else tail


_FOLLOWING_NOUN_RE: Final = re.compile(
    r"的?((?:(?!进行|开展|目标|任务|汇报|的)[^，,。；;！？!?、和\s（(“”])+)"
)


def _following_noun(norm: str, q: _Quantity) -> str:
    """The noun right after a quantity (`设立200亿元产业发展基金` -> `产业发展基金`)."""
    m = _FOLLOWING_NOUN_RE.match(norm, q.end, q.end + 12)
    return m.group(1) if m else ""


def _subject_left(norm: str, q: _Quantity, lo: int, rules: Rules) -> str:
    return _strip_subject(norm[lo : q.start], rules)


_LIST_SEPARATOR_RE: Final = re.compile(r"[、和]")


def _split_respectively(subject: str, count: int, rules: Rules) -> list[str] | None:
    """`动力电池、驱动电机、电控系统本地配套率` -> one subject per value, sharing the head."""
    parts = [p for p in _LIST_SEPARATOR_RE.split(subject) if p]
    if len(parts) != count:
        return None
    last = parts[-1]
    shared = ""
    for i in range(1, len(last)):
        if any(last[i:].startswith(h) for h in rules.heads):
            shared = last[i:]
            break
    if not shared:
        return parts
    return [p if any(p.endswith(h) for h in rules.heads) else p + shared for p in parts[:-1]] + [
        last
    ]


def _list_groups(norm: str, qs: list[_Quantity]) -> list[list[int]]:
    groups: list[list[int]] = []
    for i, q in enumerate(qs):
        if groups and _LIST_GAP_RE.match(norm[qs[groups[-1][-1]].end : q.start]):
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _assign_metrics(norm: str, qs: list[_Quantity], bounds: list[int], rules: Rules) -> None:
    """Subject of each quantity, including `A、B、C…分别达到x、y、z`."""
    previous = ""
    for group in _list_groups(norm, qs):
        first = qs[group[0]]
        lo = _clause_start(bounds, first.start)
        left = norm[lo : first.start]
        split = None
        if len(group) > 1 and "分别" in left:
            split = _split_respectively(
                _strip_subject(left[: left.rfind("分别")], rules), len(group), rules
            )
        for n, i in enumerate(group):
            q = qs[i]
            if split:
                q.metric = split[n]
                continue
            before = qs[i - 1] if i > 0 and qs[i - 1].end > lo else None
            item_lo = before.end if before else lo
            if before:
                noun = _following_noun(norm, before)
                if norm.startswith(noun, item_lo) and noun:
                    item_lo += len(noun)
            q.metric = _metric_for(norm, q, item_lo, previous, rules)
            previous = q.metric or previous
        if split:
            previous = split[-1]


def _metric_for(norm: str, q: _Quantity, lo: int, previous: str, rules: Rules) -> str:
    """Subject words left of the number; the noun after it when they say nothing."""
    if q.scale:
        return _following_noun(norm, q)
    left = norm[lo : q.start]
    subject = _subject_left(norm, q, lo, rules)
    bare_left = _strip_comparators(left, rules)
    verb = next((v for v in rules.count_verbs if bare_left.endswith(v)), "")
    following = _following_noun(norm, q)
    if verb and following and q.unit not in ("%", "元"):
        return _shorten(verb + following, rules)
    subject = _COMPARISON_RE.sub("", subject)
    if previous and (subject in rules.growth_words or subject.startswith("占")):
        base = previous
        for word in rules.growth_words:
            if base.endswith(word):
                base = base[: -len(word)]
                break
        return _shorten(base + subject, rules)
    if following in rules.empty_nouns:
        following = ""
    if not subject or subject in rules.trivial:
        return following or previous or subject
    shortened = _shorten(subject, rules)
    if previous and _BARE_METRIC_RE.fullmatch(shortened):
        # `比上年增长`, `提出`: no noun of its own; it continues the previous subject
        return _shorten(previous + shortened, rules)
    return shortened


# `即比1952年增长`, `比上年增长`, `比“六五”期间增长`: a comparison names no subject.
_COMPARISON_RE: Final = re.compile(
    r"^(?:即|都|均|分别)?(?:比|较|同)(?:\d{4}年(?:底|末)?|上年|去年|同期|[“\"][^”\"]{1,6}[”\"](?:期间|末)?)"
    r"(?:相比|比较)?(?=增长|下降|提高|增加|减少|降低|上升|回落)"
)


def _strip_comparators(left: str, rules: Rules) -> str:
    """Left context without the comparator words right before the number."""
    previous = None
    while previous != left:
        previous = left
        for word in rules.prefix_comparators:
            if left.endswith(word):
                left = left[: -len(word)]
    return left


def _family(norm: str, q: _Quantity, lo: int, rules: Rules) -> str:
    family = rules.units.get(q.unit, "scale" if q.scale else "")
    if q.unit == "%":
        context = q.metric + norm[max(lo, q.start - 6) : q.start]
        if any(w in context for w in rules.growth_words):
            return "growth_rate"
    for units, pattern, override in rules.family_overrides:
        if q.unit in units and pattern.search(q.metric + _following_noun(norm, q)):
            return override
    return family


# --------------------------------------------------------------------------- public API


def _empty_frame() -> pd.DataFrame:
    return _typed(pd.DataFrame({c: [] for c in TARGET_COLUMNS}))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(QUANTITY_DTYPES)


_CANONICAL_INPUTS: Final = ("metric", "unit", "kind", "sentence", "raw")
_COLUMN_INDEX: Final = pd.Index(TARGET_COLUMNS)  # immutable, so every frame can share it
_TYPED_AT: Final = tuple(
    (i, name) for i, name in enumerate(TARGET_COLUMNS) if QUANTITY_DTYPES[name] != "object"
)


def _array(values: list[Any], name: str) -> Any:
    """A typed column's values as an array of its dtype (nullable for `Int64`)."""
    dtype = QUANTITY_DTYPES[name]
    return pd.array(values, dtype=dtype) if dtype == "Int64" else np.array(values, dtype)


def _frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The records as a frame of the quantity dtypes: one object block, its typed columns
    then replaced by position. Letting pandas infer string columns and then converting
    them, or a Series per column, cost more than reading a short text."""
    read = [c for c in TARGET_COLUMNS if c not in CANONICAL_COLUMNS]
    columns = {name: [r[name] for r in records] for name in read}
    derived = canonical_columns(*(columns[c] for c in _CANONICAL_INPUTS))
    columns.update(zip(CANONICAL_COLUMNS, derived, strict=True))
    block = np.array([columns[c] for c in TARGET_COLUMNS], dtype=object).T
    frame = pd.DataFrame(block, columns=_COLUMN_INDEX, dtype=object, copy=False)
    for i, name in _TYPED_AT:
        frame.isetitem(i, _array(columns[name], name))
    return frame


def _sentence_records(
    text: str,
    norm: str,
    sentence: Span,
    section: _Section,
    spans: list[Span],
    rules: Rules,
    doc_year: int | None,
) -> list[dict[str, Any]]:
    qs = _sentence_quantities(text, norm, sentence, spans, rules)
    if not qs:
        return []
    bounds = _clause_bounds(norm, sentence)
    cues = _cues(norm, sentence, rules, doc_year)
    _assign_metrics(norm, qs, bounds, rules)
    _apply_prefixes(norm, qs, bounds, rules)
    sentence_text = text[sentence.start : sentence.end].strip()
    records = []
    for q in qs:
        clause_lo = _clause_start(bounds, q.start)
        q.kind, q.cue = _classify(norm, q, cues, clause_lo, section, rules)
        q.kind, q.cue = _allocated(norm, q, cues, clause_lo, rules)
        q.kind, q.cue = _fiscal(norm, q, bounds, clause_lo, rules)
        q.kind, q.cue = _rule_of_law(norm, q, sentence, clause_lo, rules)
        q.kind, q.cue = _not_a_goal(norm, q, clause_lo)
        q.family = _family(norm, q, clause_lo, rules)
        q.deadline = _deadline(norm, q, sentence, section, rules, doc_year)
        q.kind, q.cue = _named_goal(norm, q, sentence)
        q.kind, q.cue = _dated_in_the_past(q, doc_year)
        records.append(_record(text, q, sentence_text, doc_year))
    return records


def _record(text: str, q: _Quantity, sentence_text: str, doc_year: int | None) -> dict[str, Any]:
    horizon = q.deadline - doc_year if q.deadline is not None and doc_year else None
    return {
        "deadline": q.deadline,
        "horizon": horizon,
        "metric": q.metric,
        "family": q.family,
        "value": q.value,
        "value_high": q.value_high,
        "unit": q.unit,
        "comparator": q.comparator,
        "kind": q.kind,
        "scale": q.scale,
        "cue": q.cue,
        "raw": text[q.start : q.end],
        "sentence": sentence_text,
        "start": q.start,
        "end": q.end,
    }


def extract_quantities(text: str, *, doc_year: int | None = None) -> pd.DataFrame:
    """Every quantity of a clean text with subject, deadline, comparator and kind.

    `doc_year` is the document's year: it resolves `今年`/`全年` and gives `horizon`.
    Placeholders (`XX亿元`), dates, ordinals and codes yield nothing.

    >>> df = extract_quantities("到2025年底，力争本地配套率达到80%以上。", doc_year=2024)
    >>> row = df.iloc[0]
    >>> row.metric, float(row.value), row.unit, row.comparator, int(row.deadline), row.kind, row.cue
    ('本地配套率', 80.0, '%', '>=', 2025, 'target', '力争')
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if doc_year is not None and not isinstance(doc_year, int):
        raise TypeError(f"doc_year must be an int or None, got {doc_year!r}")
    if not text.strip():
        return _empty_frame()
    rules = load_rules()
    norm = chinese_years(to_halfwidth(text))
    spans = placeholder_spans(text)
    sentences = split_sentences(norm)
    sections = _sections(norm, sentences, rules, doc_year)
    records: list[dict[str, Any]] = []
    for sentence, section in zip(sentences, sections, strict=True):
        records += _sentence_records(text, norm, sentence, section, spans, rules, doc_year)
    return _frame(records) if records else _empty_frame()


def _doc_year(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def corpus_quantities(corpus: pd.DataFrame) -> pd.DataFrame:
    """Quantities of every document of a corpus frame, keyed by the document columns.

    >>> corpus = pd.DataFrame([{"doc_id": "a", "source": "s", "province": "安徽省",
    ...     "city": "合肥市", "year": 2025, "text": "力争新能源汽车产量突破120万辆。"}])
    >>> corpus_quantities(corpus)[["doc_id", "value", "kind"]].values.tolist()
    [['a', 1200000.0, 'target']]
    """
    missing = [c for c in (*CORPUS_KEY_COLUMNS, "text") if c not in corpus.columns]
    if missing:
        raise ValueError(
            f"corpus lacks column(s) {missing}; expected {(*CORPUS_KEY_COLUMNS, 'text')}"
        )
    frames = []
    for row in corpus.itertuples(index=False):
        found = extract_quantities(str(row.text or ""), doc_year=_doc_year(row.year))
        keys = {c: getattr(row, c) for c in CORPUS_KEY_COLUMNS}
        frames.append(found.assign(**keys) if not found.empty else None)
    frames = [f for f in frames if f is not None]
    columns = [*CORPUS_KEY_COLUMNS, *TARGET_COLUMNS]
    if not frames:
        return pd.DataFrame({c: [] for c in columns}).pipe(_corpus_types)
    return pd.concat(frames, ignore_index=True)[columns]


def _corpus_types(frame: pd.DataFrame) -> pd.DataFrame:
    typed = _typed(frame[list(TARGET_COLUMNS)])
    return pd.concat([frame[list(CORPUS_KEY_COLUMNS)], typed], axis=1)


__all__ = [
    "KINDS",
    "TARGET_COLUMNS",
    "Kind",
    "Rules",
    "corpus_quantities",
    "extract_quantities",
    "load_rules",
    "split_sentences",
]
