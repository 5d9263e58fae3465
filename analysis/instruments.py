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

from analysis.coding import attach_sentences, build_automaton, match_sentences
from analysis.groups import group_sizes
from analysis.themes import CodebookError, read_codebook

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


def code_sentences(corpus: pd.DataFrame, codebook: InstrumentCodebook) -> pd.DataFrame:
    """One row per coded sentence (CODED_COLUMNS): its instrument, category, score and cues.

    `corpus` needs doc_id and text. Each cue word adds its weight to its sub-type; the
    sub-type with the highest score wins (ties: the one listed first in the codebook).
    `cues` are the winner's words, in text order, joined by '、'. Sentences without cue
    words, or that only report a result, are left out.

    >>> book = load_instruments()
    >>> corpus = pd.DataFrame({"doc_id": ["a"], "text": ["大力实施消费品以旧换新。"]})
    >>> code_sentences(corpus, book)[["instrument", "cues"]].values.tolist()
    [['demand.consumer_subsidy', '消费、以旧换新']]
    """
    weights = codebook.cue_weights()
    order = {inst.id: n for n, inst in enumerate(codebook.instruments)}
    texts = dict(zip(corpus["doc_id"].astype(str), corpus["text"], strict=True))
    matches, _ = match_sentences(texts.items(), _automaton(codebook))
    matches = matches[matches["term"].isin(weights)]
    if matches.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in CODED_COLUMNS})
    keys = ["doc_id", "start", "end"]
    matches = matches.assign(
        instrument=matches["term"].map(lambda t: weights[t][0]),
        weight=matches["term"].map(lambda t: weights[t][1]),
    )
    scored = matches.groupby([*keys, "instrument"], as_index=False, sort=False).agg(
        score=("weight", "sum"), cues=("term", lambda t: "、".join(dict.fromkeys(t)))
    )
    scored["rank"] = scored["instrument"].map(order)
    scored = scored.sort_values([*keys, "score", "rank"], ascending=[True, True, True, False, True])
    best = scored.drop_duplicates(keys, keep="first")
    sentences = pd.Series(
        [texts[d][s:e] for d, s, e in zip(best["doc_id"], best["start"], best["end"], strict=True)],
        index=best.index,
    )
    best = best[~_outcome_mask(sentences, codebook)]
    by_id = codebook.by_id()
    best = best.assign(
        category=best["instrument"].map(lambda i: by_id[i].category),
        label=best["instrument"].map(lambda i: by_id[i].label),
    )
    return best.astype({"start": "int64", "end": "int64", "score": "int64"})[
        list(CODED_COLUMNS)
    ].reset_index(drop=True)


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
    "Instrument",
    "InstrumentCodebook",
    "category_mix",
    "code_sentence",
    "code_sentences",
    "coded_sentence_table",
    "instrument_counts",
    "instrument_mix",
    "load_instruments",
    "mix_table",
    "parse_instruments",
]
