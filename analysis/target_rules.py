"""The target extractor's rules: the words of `analysis/data/target_rules.toml`, compiled once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from analysis.numbers import (
    ARABIC_PATTERN,
    CHINESE_PATTERN,
    MAGNITUDE_PATTERN,
)

RULES_PATH: Final = Path(__file__).parent / "data" / "target_rules.toml"
_SCALE_WORDS: Final = "十万|百万|千万|十亿|百亿|千亿|万亿"
_NO_DIGIT_BEFORE: Final = r"(?<![A-Za-z0-9.第零〇一二两三四五六七八九十百千万亿])"
# Every character a quantity can open with: a digit, a Chinese numeral (`十五`), 百 of `百分之`,
# 翻 of `翻一番` and the first character of a scale word (`千亿`). A pattern that opened with
# the lookbehind tried all its alternatives at every character of a sentence.
QUANTITY_START: Final = r"[\d零〇一二两三四五六七八九十百千万翻]"


@dataclass(frozen=True, slots=True)
class Rules:
    """The compiled contents of target_rules.toml."""

    units: dict[str, str]
    unit_aliases: dict[str, str]
    growth_words: tuple[str, ...]
    family_overrides: tuple[tuple[frozenset[str], re.Pattern[str], str], ...]
    suffix_comparators: dict[str, str]
    prefix_comparators: dict[str, str]
    infix_comparators: dict[str, str]
    base_gap_re: re.Pattern[str]
    base_gap_max: int
    cue_res: tuple[tuple[str, re.Pattern[str]], ...]
    plan_defers: frozenset[str]
    fiscal_re: re.Pattern[str]
    fiscal_units: frozenset[str]
    money_units: frozenset[str]
    money_verb_re: re.Pattern[str]
    future_markers: tuple[str, ...]
    weak_re: re.Pattern[str]
    baseline_before: re.Pattern[str]
    baseline_after: re.Pattern[str]
    baseline_compared: re.Pattern[str]
    heading_re: re.Pattern[str]
    review_heading_re: re.Pattern[str]
    review_heading_weak_re: re.Pattern[str]
    notes_heading_re: re.Pattern[str]
    review_openers: tuple[re.Pattern[str], ...]
    plan_openers: tuple[re.Pattern[str], ...]
    period_opener: re.Pattern[str]
    notes_openers: tuple[re.Pattern[str], ...]
    heading_levels: tuple[re.Pattern[str], ...]
    year_opener: re.Pattern[str]
    annual_title: re.Pattern[str]
    this_year: tuple[str, ...]
    next_year: tuple[str, ...]
    last_year: tuple[str, ...]
    implied_this_year: tuple[str, ...]
    year_baseline_before: tuple[str, ...]
    year_baseline_after: tuple[str, ...]
    plan_periods: dict[str, int]
    metric_max_chars: int
    strip_leading: tuple[str, ...]
    strip_trailing: tuple[str, ...]
    strip_inside: tuple[str, ...]
    trivial: frozenset[str]
    heads: tuple[str, ...]
    count_verbs: tuple[str, ...]
    empty_nouns: frozenset[str]
    rhetoric_units: frozenset[str]
    implied_people_re: re.Pattern[str]
    penalty_re: re.Pattern[str]
    time_limit_units: frozenset[str]
    obligation_re: re.Pattern[str]
    relative_horizons: dict[str, int]
    absolute_horizons: dict[str, int]
    quantity_re: re.Pattern[str] = field(repr=False)
    # strip_leading and strip_trailing by length, longest first (see `by_length`)
    leading_by_length: WordsByLength = field(repr=False)
    trailing_by_length: WordsByLength = field(repr=False)


WordsByLength = tuple[tuple[int, frozenset[str]], ...]


def by_length(words: tuple[str, ...]) -> WordsByLength:
    """Words grouped by length, longest first: which of them starts or ends a text is one
    set look-up per length, not a comparison per word.

    >>> [(n, sorted(words)) for n, words in by_length(("全市", "新增", "年"))]
    [(2, ['全市', '新增']), (1, ['年'])]
    """
    lengths = sorted({len(w) for w in words}, reverse=True)
    return tuple((n, frozenset(w for w in words if len(w) == n)) for n in lengths)


def _longest_first(words: Any) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


def _alternation(words: Any) -> str:
    return "|".join(re.escape(w) for w in _longest_first(words))


def _unit_alternation(units: Any, context: dict[str, str]) -> str:
    """Units longest first, each with its own context rule (`台` not before `湾`)."""
    return "|".join(re.escape(u) + context.get(u, "") for u in _longest_first(units))


def _quantity_regex(
    units: Any, suffixes: Any, context: dict[str, str], people: str
) -> re.Pattern[str]:
    """One pattern for ranges, single quantities, `百分之X`, `翻一番`, fines `X元以上Y元以下`,
    numbers whose unit is implied by the noun after them (`3000万贫困人口`), bare list
    items and slogans."""
    num = f"(?:{ARABIC_PATTERN}|{CHINESE_PATTERN})"
    unit, suf, mag = _unit_alternation(units, context), _alternation(suffixes), MAGNITUDE_PATTERN
    gap = r"[ \t]?"
    between = (
        rf"(?P<f1>{num})(?P<fm1>{mag})?(?P<fu1>{unit})以上[、，,]?"
        rf"(?P<f2>{num})(?P<fm2>{mag})?(?P<fu2>{unit})以下"
    )
    range_ = (
        rf"(?P<r1>{num})(?P<rm1>{mag})?(?P<ru1>{unit})?{gap}[-—–~至到]{{1,2}}{gap}"
        rf"(?P<r2>{num})(?P<rm2>{mag})?{gap}(?P<ru2>{unit})(?P<rs>{suf})?"
    )
    single = (
        rf"(?P<n>{num})(?P<x1>多|余)?{gap}(?P<m>{mag})?(?P<x2>多|余)?{gap}"
        rf"(?P<u>{unit})(?P<s>{suf})?"
    )
    percent = (
        rf"百分之(?P<p>{num})(?:[到至—–-]{{1,2}}(?:百分之)?(?P<p2>{num})(?!{unit}))?(?P<ps>{suf})?"
    )
    doubling = r"翻(?P<fan>[一两二三四五])番"
    implied = (
        rf"(?P<i>{ARABIC_PATTERN}|{CHINESE_PATTERN})(?P<ix>多|余)?(?P<im>万|亿)(?P<is>多|余)?"
        rf"(?=[\u4e00-\u9fff]{{0,4}}?(?:{people}))"
    )
    bare = rf"(?P<b>{ARABIC_PATTERN})(?P<bm>{mag})(?=、|和)"
    scale = rf"(?P<sc>{_SCALE_WORDS})(?P<su>辆|台|元)?(?P<sj>级)?"
    alternatives = "|".join((between, range_, single, percent, doubling, implied, bare, scale))
    # A match may not run into a code (`5G`, `3A`), unless it ends on a Chinese unit
    # (`13.07万户46万群众`: the digits after 户 start the next number).
    end = r"(?:(?<=[\u4e00-\u9fff])|(?![A-Za-z0-9]))"
    return re.compile(rf"(?={QUANTITY_START}){_NO_DIGIT_BEFORE}(?:{alternatives}){end}")


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> Rules:
    """Read and compile the rules file (cached: the extractor runs once per document).

    >>> load_rules().units["辆"]
    'vehicles'
    """
    source = Path(path) if path else RULES_PATH
    with source.open("rb") as fh:
        data = tomllib.load(fh)
    cues = data["cues"]
    cue_res = tuple(
        (kind, re.compile("|".join(f"(?:{p})" for p in _longest_first(cues[kind]["strong"]))))
        for kind in ("target", "achievement", "instrument", "forecast", "estimate", "section")
    )
    sections, deadline, metric = data["sections"], data["deadline"], data["metric"]
    comparators = data["comparators"]
    return Rules(
        units=dict(data["units"]),
        unit_aliases=dict(data["unit_aliases"]),
        growth_words=_longest_first(data["growth_words"]["words"]),
        family_overrides=tuple(
            (frozenset(o["units"]), re.compile(o["subject_pattern"]), o["family"])
            for o in data.get("family_overrides", [])
        ),
        suffix_comparators=dict(comparators["suffix"]),
        prefix_comparators=dict(comparators["prefix"]),
        infix_comparators=dict(comparators["infix"]),
        base_gap_re=re.compile(comparators["base_gap"]["pattern"]),
        base_gap_max=int(comparators["base_gap"]["max_chars"]),
        cue_res=cue_res,
        plan_defers=frozenset(cues["achievement"].get("plan_defers", [])),
        fiscal_re=re.compile(_alternation(cues["instrument"]["fiscal_subjects"])),
        fiscal_units=frozenset(cues["instrument"]["fiscal_units"]),
        money_units=frozenset(cues["instrument"]["money_units"]),
        money_verb_re=re.compile(
            "|".join(f"(?:{p})" for p in _longest_first(cues["instrument"]["money_verbs"]))
        ),
        future_markers=tuple(cues["estimate"]["future_markers"]),
        weak_re=re.compile(_alternation(cues["weak"]["words"])),
        baseline_before=re.compile(data["baseline"]["before"]),
        baseline_after=re.compile(data["baseline"]["after"]),
        baseline_compared=re.compile(data["baseline"]["compared"]),
        heading_re=re.compile(sections["heading"]),
        review_heading_re=re.compile(sections["review_heading"]),
        review_heading_weak_re=re.compile(sections["review_heading_weak"]),
        notes_heading_re=re.compile(sections["notes_heading"]),
        review_openers=tuple(re.compile(p) for p in sections["review_openers"]),
        plan_openers=tuple(re.compile(p) for p in sections["plan_openers"]),
        period_opener=re.compile(sections["period_opener"]),
        notes_openers=tuple(re.compile(p) for p in sections["notes_openers"]),
        heading_levels=tuple(re.compile(p) for p in sections["heading_levels"]),
        year_opener=re.compile(sections["year_opener"]),
        annual_title=re.compile(sections["annual_title"]),
        this_year=tuple(deadline["this_year"]),
        next_year=tuple(deadline["next_year"]),
        last_year=tuple(deadline["last_year"]),
        implied_this_year=tuple(deadline["implied_this_year"]),
        year_baseline_before=tuple(deadline["baseline_before"]),
        year_baseline_after=tuple(deadline["baseline_after"]),
        plan_periods={k: int(v) for k, v in deadline["plan_periods"].items()},
        metric_max_chars=int(metric["max_chars"]),
        strip_leading=_longest_first(metric["strip_leading"]),
        strip_trailing=_longest_first(metric["strip_trailing"]),
        leading_by_length=by_length(_longest_first(metric["strip_leading"])),
        trailing_by_length=by_length(_longest_first(metric["strip_trailing"])),
        strip_inside=_longest_first(metric["strip_inside"]),
        trivial=frozenset(metric["trivial"]),
        heads=_longest_first(metric["heads"]),
        count_verbs=_longest_first(metric["count_verbs"]),
        empty_nouns=frozenset(metric["empty_nouns"]),
        rhetoric_units=frozenset(data["numbers"]["rhetoric_units"]),
        implied_people_re=re.compile(_alternation(data["numbers"]["people_nouns"])),
        penalty_re=re.compile(data["penalty"]["pattern"]),
        time_limit_units=frozenset(data["penalty"]["time_limit_units"]),
        obligation_re=re.compile(data["penalty"]["obligation"]),
        relative_horizons={k: int(v) for k, v in deadline["relative"].items()},
        absolute_horizons={k: int(v) for k, v in deadline["absolute"].items()},
        quantity_re=_quantity_regex(
            data["units"],
            comparators["suffix"],
            dict(data.get("unit_context", {})),
            _alternation(data["numbers"]["people_nouns"]),
        ),
    )
