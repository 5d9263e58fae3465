"""Policy instruments: which tools (supply / demand / environment) a group's texts use.

Rothwell & Zegveld's classification, as used in Chinese NEV-policy studies, coded per
sentence by the cue words of a documented codebook (`analysis/data/instruments.toml`,
which explains the rules). Each coded sentence keeps the words that decided it, so a
researcher can check and cite every count.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal

import ahocorasick
import pandas as pd

from analysis.coding import attach_sentences, build_automaton, sentence_matches
from analysis.groups import group_sizes
from analysis.themes import CodebookError, read_codebook
from analysis.types import Span

Category = Literal["supply", "demand", "environment"]

INSTRUMENTS_PATH: Final = Path(__file__).parent / "data" / "instruments.toml"
CATEGORIES: Final[tuple[Category, ...]] = ("supply", "demand", "environment")
CATEGORY_LABELS: Final[dict[str, str]] = {
    "supply": "供给型",
    "demand": "需求型",
    "environment": "环境型",
    "none": "未编码",
}
CODEBOOK_COLUMNS: Final[tuple[str, ...]] = (
    "instrument",
    "category",
    "label",
    "description",
    "terms",
    "strong",
)
CODED_COLUMNS: Final[tuple[str, ...]] = (
    "doc_id",
    "start",
    "end",
    "instrument",
    "category",
    "label",
    "score",
    "cues",
)
MIX_COLUMNS: Final[tuple[str, ...]] = (
    "group",
    "category",
    "instrument",
    "label",
    "sentences",
    "share",
    "per_10k",
)


@dataclass(frozen=True, slots=True)
class Instrument:
    id: str
    category: Category
    label: str
    description: str
    terms: tuple[str, ...]
    strong: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InstrumentCodebook:
    instruments: tuple[Instrument, ...]
    outcome_words: tuple[str, ...] = ()
    action_words: tuple[str, ...] = ()

    def cue_weights(self) -> dict[str, tuple[str, int]]:
        """cue word -> (instrument id, weight)."""
        weights: dict[str, tuple[str, int]] = {}
        for inst in self.instruments:
            weights.update({t: (inst.id, 1) for t in inst.terms})
            weights.update({t: (inst.id, 2) for t in inst.strong})
        return weights

    def by_id(self) -> dict[str, Instrument]:
        return {inst.id: inst for inst in self.instruments}

    def frame(self) -> pd.DataFrame:
        """The codebook as a table (CODEBOOK_COLUMNS), words joined by '、'."""
        return pd.DataFrame(
            [
                (i.id, i.category, i.label, i.description, "、".join(i.terms), "、".join(i.strong))
                for i in self.instruments
            ],
            columns=list(CODEBOOK_COLUMNS),
        )


def parse_instruments(text: str, *, source: str = "政策工具词表") -> InstrumentCodebook:
    """An instrument codebook from TOML text; CodebookError says what is wrong.

    >>> book = parse_instruments('[[instrument]]\\nid = "d.x"\\ncategory = "demand"\\n'
    ...                          'label = "补贴"\\nterms = ["以旧换新"]')
    >>> book.cue_weights()
    {'以旧换新': ('d.x', 1)}
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CodebookError(f"{source} 不是有效的 TOML：{exc}") from exc
    entries = data.get("instrument")
    if not isinstance(entries, list) or not entries:
        raise CodebookError(f"{source} 里没有 [[instrument]] 条目")
    instruments = tuple(_instrument(e, n, source) for n, e in enumerate(entries, 1))
    _check_unique(instruments, source)
    outcome = data.get("outcome", {})
    return InstrumentCodebook(
        instruments,
        outcome_words=tuple(outcome.get("terms", ())),
        action_words=tuple(outcome.get("actions", ())),
    )


def _words(entry: dict, key: str, source: str) -> tuple[str, ...]:
    words = entry.get(key, [])
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise CodebookError(f"{source} 工具 {entry.get('id')} 的 {key} 应为非空字符串列表")
    return tuple(dict.fromkeys(w.strip() for w in words))


def _instrument(entry: object, number: int, source: str) -> Instrument:
    if not isinstance(entry, dict):
        raise CodebookError(f"{source} 第 {number} 个工具不是表")
    missing = [k for k in ("id", "category", "label") if not entry.get(k)]
    if missing:
        raise CodebookError(f"{source} 第 {number} 个工具缺少 {', '.join(missing)}")
    if entry["category"] not in CATEGORIES:
        raise CodebookError(
            f"{source} 工具 {entry['id']} 的 category 应为 {', '.join(CATEGORIES)} 之一，"
            f"收到 {entry['category']!r}"
        )
    terms, strong = _words(entry, "terms", source), _words(entry, "strong", source)
    if not terms and not strong:
        raise CodebookError(f"{source} 工具 {entry['id']} 没有任何提示词（terms）")
    return Instrument(
        id=str(entry["id"]),
        category=entry["category"],
        label=str(entry["label"]),
        description=str(entry.get("description", "")),
        terms=terms,
        strong=strong,
    )


def _check_unique(instruments: tuple[Instrument, ...], source: str) -> None:
    seen: dict[str, str] = {}
    for inst in instruments:
        if inst.id in seen.values():
            raise CodebookError(f"{source} 中工具编号 {inst.id} 出现了两次")
        for word in (*inst.terms, *inst.strong):
            if word in seen:
                raise CodebookError(
                    f"{source} 中“{word}”同时属于 {seen[word]} 和 {inst.id}；每个词只能属于一个工具"
                )
            seen[word] = inst.id


def load_instruments(path: str | Path | None = None) -> InstrumentCodebook:
    """The shipped codebook, or the one at `path`."""
    file = Path(path) if path is not None else INSTRUMENTS_PATH
    return parse_instruments(read_codebook(file, "政策工具词表"), source=str(file))


def _outcome_mask(sentences: pd.Series, codebook: InstrumentCodebook) -> pd.Series:
    """True for reported results (产量增长25.6%) with no action word: no measure to code."""
    if not codebook.outcome_words:
        return pd.Series(False, index=sentences.index)
    outcome = sentences.str.contains("|".join(map(re.escape, codebook.outcome_words)))
    if not codebook.action_words:
        return outcome
    action = sentences.str.contains("|".join(map(re.escape, codebook.action_words)))
    return outcome & ~action


@lru_cache(maxsize=8)
def _automaton(codebook: InstrumentCodebook) -> ahocorasick.Automaton:
    """One automaton per codebook: ingest codes each document on its own."""
    return build_automaton(codebook.cue_weights())


@dataclass(frozen=True, slots=True)
class _Rules:
    """A codebook's lookups, built once per codebook."""

    weights: dict[str, tuple[str, int]]  # cue word -> (instrument, weight)
    order: dict[str, int]  # instrument -> its place in the codebook (ties go to the first)
    outcome: re.Pattern[str] | None  # a reported result ...
    action: re.Pattern[str] | None  # ... unless an action word is there too


@lru_cache(maxsize=8)
def _rules(codebook: InstrumentCodebook) -> _Rules:
    def alternation(words: tuple[str, ...]) -> re.Pattern[str] | None:
        return re.compile("|".join(map(re.escape, words))) if words else None

    return _Rules(
        codebook.cue_weights(),
        {inst.id: n for n, inst in enumerate(codebook.instruments)},
        alternation(codebook.outcome_words),
        alternation(codebook.action_words),
    )


CodedRow = tuple[str, int, int, str, str, str, int, str]  # CODED_COLUMNS


def coded_rows(
    doc_id: str, text: str, codebook: InstrumentCodebook, sentences: list[Span] | None = None
) -> list[CodedRow]:
    """The coded sentences of one text as CODED_COLUMNS tuples, in text order (see
    `code_sentences` for the rule).
    """
    rules = _rules(codebook)
    scored: dict[tuple[int, int], dict[str, list]] = {}  # sentence -> instrument -> score, cues
    for _, start, end, term, _ in sentence_matches(text, _automaton(codebook), sentences):
        if term not in rules.weights:
            continue
        inst, weight = rules.weights[term]
        entry = scored.setdefault((start, end), {}).setdefault(inst, [0, []])
        entry[0] += weight
        entry[1].append(term)
    by_id = codebook.by_id()
    rows: list[CodedRow] = []
    for (start, end), candidates in scored.items():
        inst, (score, cues) = min(
            candidates.items(), key=lambda item: (-item[1][0], rules.order[item[0]])
        )
        sentence = text[start:end]
        outcome = rules.outcome is not None and rules.outcome.search(sentence)
        if outcome and not (rules.action is not None and rules.action.search(sentence)):
            continue  # a reported result, no measure to code
        chosen = by_id[inst]
        cue_text = "、".join(dict.fromkeys(cues))
        rows.append((doc_id, start, end, inst, chosen.category, chosen.label, score, cue_text))
    return sorted(rows, key=lambda row: (row[1], row[2]))


def coded_frame(rows: list[CodedRow]) -> pd.DataFrame:
    """CODED_COLUMNS from `coded_rows` tuples (empty: object columns)."""
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in CODED_COLUMNS})
    frame = pd.DataFrame(rows, columns=list(CODED_COLUMNS))
    return frame.astype({"start": "int64", "end": "int64", "score": "int64"})


def code_sentences(corpus: pd.DataFrame, codebook: InstrumentCodebook) -> pd.DataFrame:
    """One row per coded sentence (CODED_COLUMNS): its instrument, category, score and cues.

    `corpus` needs doc_id and text. Each cue word adds its weight to its sub-type; the
    sub-type with the highest score wins (ties: the one listed first in the codebook).
    `cues` are the winner's words, in text order, joined by '、'. Sentences without cue
    words, or that only report a result, are left out. Rows are in doc_id, text order.

    >>> book = load_instruments()
    >>> corpus = pd.DataFrame({"doc_id": ["a"], "text": ["大力实施消费品以旧换新。"]})
    >>> code_sentences(corpus, book)[["instrument", "cues"]].values.tolist()
    [['demand.consumer_subsidy', '消费、以旧换新']]
    """
    texts = dict(zip(corpus["doc_id"].astype(str), corpus["text"], strict=True))
    rows = [row for doc_id in sorted(texts) for row in coded_rows(doc_id, texts[doc_id], codebook)]
    return coded_frame(rows)


def code_sentence(sentence: str, codebook: InstrumentCodebook) -> tuple[str, str, str]:
    """(category, instrument, cues) of one sentence, or ("none", "", "") when not coded.

    >>> code_sentence("新建充电桩3万个。", load_instruments())[:2]
    ('supply', 'supply.infrastructure')
    """
    coded = code_sentences(pd.DataFrame({"doc_id": ["s"], "text": [sentence]}), codebook)
    if coded.empty:
        return "none", "", ""
    row = coded.iloc[0]
    return str(row["category"]), str(row["instrument"]), str(row["cues"])


def instrument_mix(
    coded: pd.DataFrame, members: pd.DataFrame, docs: pd.DataFrame, codebook: InstrumentCodebook
) -> pd.DataFrame:
    """Per group and sub-type: coded sentences, share of the group's coded sentences, and
    sentences per 10,000 characters (MIX_COLUMNS). Every sub-type appears for every group.
    """
    return mix_table(instrument_counts(coded, members), group_sizes(docs, members), codebook)


def instrument_counts(coded: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """group, instrument, sentences: coded sentences per group and sub-type.

    The pandas form of `profiles.instrument_counts`, which runs the same count in the store.
    """
    joined = coded.merge(members, on="doc_id", how="inner")
    return joined.groupby(["group", "instrument"]).size().rename("sentences").reset_index()


def mix_table(
    counts: pd.DataFrame, sizes: pd.DataFrame, codebook: InstrumentCodebook
) -> pd.DataFrame:
    """MIX_COLUMNS from per-group counts (group, instrument, sentences) and group sizes
    (`groups.SIZE_COLUMNS`): every group × sub-type, zeros filled, shares added.
    """
    sizes = sizes.set_index("group")
    ids = [inst.id for inst in codebook.instruments]
    grid = pd.MultiIndex.from_product([sizes.index, ids], names=["group", "instrument"])
    counted = counts.set_index(["group", "instrument"])["sentences"]
    table = counted.reindex(grid, fill_value=0).rename("sentences").reset_index()
    by_id = codebook.by_id()
    table["category"] = table["instrument"].map(lambda i: by_id[i].category)
    table["label"] = table["instrument"].map(lambda i: by_id[i].label)
    totals = table.groupby("group")["sentences"].transform("sum")
    table["share"] = (table["sentences"] / totals.where(totals > 0)).fillna(0.0)
    chars = table["group"].map(sizes["chars"])
    table["per_10k"] = (table["sentences"] * 10_000 / chars.where(chars > 0)).fillna(0.0)
    return table.astype({"sentences": "int64"})[list(MIX_COLUMNS)]


def category_mix(mix: pd.DataFrame) -> pd.DataFrame:
    """group, category, sentences, share: the three-way split of each group."""
    table = mix.groupby(["group", "category"], as_index=False, sort=False)["sentences"].sum()
    totals = table.groupby("group")["sentences"].transform("sum")
    return table.assign(share=(table["sentences"] / totals.where(totals > 0)).fillna(0.0))


def coded_sentence_table(
    coded: pd.DataFrame,
    members: pd.DataFrame,
    texts: Mapping[str, str],
    *,
    instrument: str | None = None,
    category: str | None = None,
    group: str | None = None,
    limit: int | None = 200,
) -> pd.DataFrame:
    """group, doc_id, category, instrument, label, cues, sentence: the sentences behind a bar."""
    chosen = coded.merge(members, on="doc_id", how="inner")
    if instrument is not None:
        chosen = chosen[chosen["instrument"] == instrument]
    if category is not None:
        chosen = chosen[chosen["category"] == category]
    if group is not None:
        chosen = chosen[chosen["group"] == group]
    if limit is not None:
        chosen = chosen.head(limit)
    table = attach_sentences(chosen, texts)
    return table[
        ["group", "doc_id", "category", "instrument", "label", "cues", "sentence"]
    ].reset_index(drop=True)


__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "CODED_COLUMNS",
    "MIX_COLUMNS",
    "CodedRow",
    "Instrument",
    "InstrumentCodebook",
    "category_mix",
    "code_sentence",
    "code_sentences",
    "coded_frame",
    "coded_rows",
    "coded_sentence_table",
    "instrument_counts",
    "instrument_mix",
    "load_instruments",
    "mix_table",
    "parse_instruments",
]
