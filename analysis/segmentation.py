"""Word segmentation: jieba plus the shipped domain dictionary, stopwords and an inspector.

Plain jieba splits the vocabulary this project counts (新能源 / 汽车, 本地 / 配套率), so every
segmenter here loads `data/domain_dict.txt` and the user's own words on top of jieba's
dictionary. The compiled `rjieba` (jieba-rs) engine is used when installed, with the same
dictionary and a small fix that makes its tokens identical to jieba's; otherwise jieba.

Token counts keep every token but whitespace; stopwords, numbers, punctuation, single
characters and placeholders are filtered at query time (`is_content_term`, `stopword_set`).
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import chain
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Final, Literal, Protocol

import numpy as np
import pandas as pd

from analysis.errors import PolicyLensError
from analysis.redaction import (
    GLUED_MASK_CHARS,
    MAY_HOLD_PLACEHOLDER,
    PLACEHOLDER_RE,
    is_placeholder,
)

EngineName = Literal["auto", "rjieba", "jieba"]
StopwordKind = Literal["", "general", "officialese", "user"]
TokenSource = Literal[
    "domain dictionary",
    "user word",
    "jieba dictionary",
    "HMM/new word",
    "number",
    "punctuation",
    "placeholder",
]
Progress = Callable[[int, int], None]

STOPWORD_FILES: Final[dict[str, str]] = {
    "general": "stopwords_general.txt",
    "officialese": "stopwords_officialese.txt",
}
DOMAIN_DICT_FILE: Final = "domain_dict.txt"
# A user word without a frequency gets the domain dictionary's floor for long words: high
# enough to stay whole in context (see the header of domain_dict.txt).
USER_WORD_FREQ: Final = 2000
TOKEN_COUNT_COLUMNS: Final = ("doc_id", "term", "count")
EXPLAIN_COLUMNS: Final = ("token", "start", "end", "source", "stopword")

_HAN: Final = re.compile(r"[\u4e00-\u9fff]")
# jieba's finalseg rule for non-Chinese runs (`re_skip` in jieba/finalseg/__init__.py).
_JIEBA_SKIP: Final = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
# Text where jieba-rs may keep an ASCII run with . - _ + # & % whole (`gov.cn`, `4.5-5%`).
_JIEBA_SPLIT_NEEDED: Final = re.compile(r"[A-Za-z0-9+#&._%\-][+#&._%\-]|[+#&._%\-][A-Za-z0-9]")
# Only texts with one of these characters can hold a placeholder (cheap pre-check).
JIEBA_0_42_1_DICT_SHA256: Final = "7197c3211ddd98962b036cdf40324d1ea2bfaa12bd028e68faa70111a88e12a8"
_NUMBER: Final = re.compile(
    r"[+\-−]?[0-9０-９][0-9０-９.,，．]*[%％‰]?|[零〇一二三四五六七八九十两百千万亿]*[零〇一二三四五六七八九十两][零〇一二三四五六七八九十两百千万亿]*"
)
# A mask glued to the name it hides: `*汽车`, `*区`, `＊经开区`.
_MASK_CHARS: Final = frozenset(GLUED_MASK_CHARS)
_MASKED_NAME: Final = re.compile(f"[{re.escape(GLUED_MASK_CHARS)}][\u4e00-\u9fff]+")


class SegmentationError(PolicyLensError, ValueError):
    """A segmenter option or dictionary line that cannot be used, with what is allowed."""


class _Engine(Protocol):
    def cut(self, text: str) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class DictEntry:
    """One line of a jieba dictionary: `新能源汽车 2000 n`."""

    word: str
    freq: int
    tag: str = ""


@dataclass(frozen=True, slots=True)
class SegmenterConfig:
    """Everything that decides how a text is cut and filtered; picklable for workers."""

    user_words: tuple[str, ...] = ()
    user_stopwords: tuple[str, ...] = ()
    general_stopwords: bool = True
    officialese_stopwords: bool = True
    engine: EngineName = "auto"
    hmm: bool = True


# --------------------------------------------------------------------------- data files


def _data_path(name: str) -> Path:
    return Path(str(resources.files("analysis").joinpath("data", name)))


def _data_lines(path: Path) -> Iterator[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


def parse_dict_line(line: str, *, default_freq: int = USER_WORD_FREQ) -> DictEntry:
    """Read `word [freq [tag]]`, the jieba user-dictionary format.

    >>> parse_dict_line("世界车谷 2000 ns")
    DictEntry(word='世界车谷', freq=2000, tag='ns')
    """
    parts = line.split()
    if not parts or len(parts) > 3:
        raise SegmentationError(f"词典行 {line!r} 应为“词 [词频 [词性]]”，例如“世界车谷 2000 ns”")
    if len(parts) >= 2 and not parts[1].isdigit():
        raise SegmentationError(f"词典行 {line!r} 的词频 {parts[1]!r} 不是正整数")
    freq = int(parts[1]) if len(parts) >= 2 else default_freq
    return DictEntry(parts[0], freq, parts[2] if len(parts) == 3 else "")


@lru_cache(maxsize=1)
def load_domain_dictionary() -> tuple[DictEntry, ...]:
    """The shipped automotive/NEV and industrial-policy vocabulary (`补链强链 2000 v`)."""
    return tuple(parse_dict_line(line) for line in _data_lines(_data_path(DOMAIN_DICT_FILE)))


@lru_cache(maxsize=1)
def domain_words() -> frozenset[str]:
    """Words of the domain dictionary, e.g. contains 本地配套率."""
    return frozenset(entry.word for entry in load_domain_dictionary())


@lru_cache(maxsize=2)
def load_stopwords(kind: Literal["general", "officialese"]) -> frozenset[str]:
    """One shipped stopword list: general (的, 我们) or officialese (进一步, 同志们)."""
    if kind not in STOPWORD_FILES:
        raise SegmentationError(f"停用词表 {kind!r} 不存在；可选：{', '.join(STOPWORD_FILES)}")
    return frozenset(_data_lines(_data_path(STOPWORD_FILES[kind])))


def stopword_set(
    *, general: bool = True, officialese: bool = True, user: Iterable[str] = ()
) -> set[str]:
    """The stopwords a query filters out, each list switchable (`{"的", "进一步", ...}`)."""
    words = set(user)
    if general:
        words |= load_stopwords("general")
    if officialese:
        words |= load_stopwords("officialese")
    return words


def jieba_dict_path() -> Path:
    """jieba's own dict.txt, the base dictionary of both engines."""
    import jieba

    return Path(jieba.__file__).resolve().parent / "dict.txt"


@lru_cache(maxsize=1)
def jieba_dictionary() -> frozenset[str]:
    """Words of jieba's dict.txt, to tell dictionary tokens from HMM-guessed ones."""
    with jieba_dict_path().open(encoding="utf-8") as handle:
        return frozenset(line.split(" ", 1)[0] for line in handle)


# --------------------------------------------------------------------------- token classes


def is_number(token: str) -> bool:
    """Digits or a Chinese numeral (2025, 17.5%, 二十); 千万 and 万亿 are words, not numbers."""
    return _NUMBER.fullmatch(token) is not None


def is_punctuation(token: str) -> bool:
    """Only punctuation or symbols (，、“ ……), which no reader counts."""
    return bool(token) and all(unicodedata.category(ch)[0] in "PSZC" for ch in token)


def is_masked_name(token: str) -> bool:
    """A name with a mask glued in front (`*汽车`, `*区`): the publisher hid who it is."""
    return _MASKED_NAME.fullmatch(token) is not None


@lru_cache(maxsize=1_000_000)  # called once per vocabulary entry on every query
def is_content_term(term: str) -> bool:
    """Whether a token can be a keyword: not a number, punctuation, single character or placeholder.

    >>> [t for t in ["换电站", "2025", "，", "车", "XX", "*汽车"] if is_content_term(t)]
    ['换电站']
    """
    return (
        len(term.strip()) >= 2
        and not is_number(term)
        and not is_punctuation(term)
        and not is_placeholder(term)
        and not is_masked_name(term)
    )


# --------------------------------------------------------------------------- engines


def _add_entries(
    add: Callable[[str, int, str | None], object], entries: Iterable[DictEntry]
) -> None:
    for entry in entries:
        add(entry.word, entry.freq, entry.tag or None)


class _JiebaEngine:
    """Python jieba with its own Tokenizer, so the global `jieba.lcut` stays plain."""

    def __init__(self, extra: tuple[DictEntry, ...], *, hmm: bool) -> None:
        import jieba

        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        _add_entries(self._tokenizer.add_word, extra)
        # jieba adds a re-added word's frequency to the total without removing the old one;
        # recount so the total (and so every path score) equals jieba-rs's.
        self._tokenizer.total = sum(self._tokenizer.FREQ.values())
        self._hmm = hmm

    def cut(self, text: str) -> list[str]:
        return self._tokenizer.lcut(text, HMM=self._hmm)


class _RjiebaEngine:
    """jieba-rs with jieba's dict.txt, then the extra words.

    jieba-rs embeds a copy of jieba 0.42.1's dict.txt; when the installed dict.txt is that
    file (checked by hash) the embedded copy is used (0.1 s instead of 1 s of add_word).
    """

    def __init__(self, extra: tuple[DictEntry, ...], *, hmm: bool) -> None:
        import rjieba

        if _file_sha256(jieba_dict_path()) == JIEBA_0_42_1_DICT_SHA256:
            self._jieba = rjieba.Jieba()
        else:
            self._jieba = rjieba.Jieba.empty()
            with jieba_dict_path().open(encoding="utf-8") as handle:
                for line in handle:
                    word, freq, *tag = line.split()
                    self._jieba.add_word(word, int(freq), tag[0] if tag else None)
        _add_entries(self._jieba.add_word, extra)
        self._hmm = hmm

    def cut(self, text: str) -> list[str]:
        tokens = self._jieba.cut(text, self._hmm)
        if _JIEBA_SPLIT_NEEDED.search(text) is None:
            return tokens
        return _split_like_jieba(tokens, self._jieba.has_word)


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _split_like_jieba(tokens: list[str], has_word: Callable[[str], bool]) -> list[str]:
    """Re-split non-Chinese runs the way jieba does (`UTF-8` → UTF / - / 8).

    jieba-rs keeps `city-level` or `gov.cn` whole where jieba's finalseg splits at every
    character outside [A-Za-z0-9]; this is the only difference found on the whole corpus.
    """
    # Check each distinct token once (set() runs in C); rebuild the list only if needed.
    split = {
        token: [piece for piece in _JIEBA_SKIP.split(token) if piece]
        for token in set(tokens)
        if len(token) > 1 and token.isascii() and not token.isalnum() and not has_word(token)
    }
    if not split:
        return tokens
    out: list[str] = []
    for token in tokens:
        if token in split:
            out.extend(split[token])
        else:
            out.append(token)
    return out


def rjieba_available() -> bool:
    """Whether the compiled engine can be imported here."""
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return False
    return True


def resolve_engine(engine: EngineName) -> Literal["rjieba", "jieba"]:
    """`auto` means rjieba when installed, else jieba; an explicit rjieba must be installed."""
    if engine not in ("auto", "rjieba", "jieba"):
        raise SegmentationError(f"engine={engine!r} 无效；可选：auto, rjieba, jieba")
    if engine == "jieba" or (engine == "auto" and not rjieba_available()):
        return "jieba"
    if not rjieba_available():
        raise SegmentationError("engine='rjieba' 需要安装 rjieba：pip install rjieba==0.2.2")
    return "rjieba"


@lru_cache(maxsize=8)
def _build_engine(
    engine: Literal["rjieba", "jieba"], user_words: tuple[str, ...], hmm: bool
) -> _Engine:
    extra = load_domain_dictionary() + tuple(parse_dict_line(w) for w in user_words)
    return _RjiebaEngine(extra, hmm=hmm) if engine == "rjieba" else _JiebaEngine(extra, hmm=hmm)


# --------------------------------------------------------------------------- segmenter


@dataclass
class Segmenter:
    """jieba with the domain dictionary, user words and switchable stopword lists.

    >>> seg = Segmenter()
    >>> seg.cut("建成换电站200座")
    ['建成', '换电站', '200', '座']
    >>> seg.terms("要进一步推进车路协同")
    ['车路协同']
    """

    user_words: Iterable[str] = ()
    user_stopwords: Iterable[str] = ()
    general_stopwords: bool = True
    officialese_stopwords: bool = True
    engine: EngineName = "auto"
    hmm: bool = True
    config: SegmenterConfig = field(init=False)
    engine_name: Literal["rjieba", "jieba"] = field(init=False)

    def __post_init__(self) -> None:
        self.config = SegmenterConfig(
            user_words=tuple(w.strip() for w in self.user_words if w.strip()),
            user_stopwords=tuple(w.strip() for w in self.user_stopwords if w.strip()),
            general_stopwords=self.general_stopwords,
            officialese_stopwords=self.officialese_stopwords,
            engine=self.engine,
            hmm=self.hmm,
        )
        for line in self.config.user_words:  # fail early on a bad user line
            parse_dict_line(line)
        self.engine_name = resolve_engine(self.engine)
        self._user_words = frozenset(parse_dict_line(w).word for w in self.config.user_words)
        self._user_stopwords = frozenset(self.config.user_stopwords)

    @classmethod
    def from_config(cls, config: SegmenterConfig) -> Segmenter:
        """Rebuild a segmenter in a worker process from its picklable config."""
        return cls(
            user_words=config.user_words,
            user_stopwords=config.user_stopwords,
            general_stopwords=config.general_stopwords,
            officialese_stopwords=config.officialese_stopwords,
            engine=config.engine,
            hmm=config.hmm,
        )

    @property
    def stopwords(self) -> set[str]:
        """The active stopwords (general / officialese as switched, plus the user's)."""
        return stopword_set(
            general=self.general_stopwords,
            officialese=self.officialese_stopwords,
            user=self._user_stopwords,
        )

    def cut(self, text: str) -> list[str]:
        """All tokens in order; they join back to `text` exactly.

        Placeholders are cut out before jieba sees the text, so `XX亿元` gives XX / 亿元 and a
        masked name `*汽车` stays one opaque token.
        """
        engine = _build_engine(self.engine_name, self.config.user_words, self.hmm)
        return _cut_around_placeholders(text, engine)

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """Tokens with their [start, end) character offsets in `text`."""
        spans, pos = [], 0
        for token in self.cut(text):
            spans.append((token, pos, pos + len(token)))
            pos += len(token)
        return spans

    def stopword_kind(self, token: str) -> StopwordKind:
        """Which active list filters `token` out ("" when none does); the user's list wins."""
        if token in self._user_stopwords:
            return "user"
        if self.officialese_stopwords and token in load_stopwords("officialese"):
            return "officialese"
        if self.general_stopwords and token in load_stopwords("general"):
            return "general"
        return ""

    def terms(self, text: str) -> list[str]:
        """Content terms only: no stopword, number, punctuation, single char or placeholder."""
        stop = self.stopwords
        return [t for t in self.cut(text) if is_content_term(t) and t not in stop]

    def source(self, token: str) -> TokenSource:
        """Why the token exists; see `explain_segmentation`."""
        if is_placeholder(token) or is_masked_name(token):
            return "placeholder"
        if is_number(token):
            return "number"
        if is_punctuation(token):
            return "punctuation"
        if token in self._user_words:
            return "user word"
        if token in domain_words():
            return "domain dictionary"
        if token in jieba_dictionary():
            return "jieba dictionary"
        return "HMM/new word"


def _cut_around_placeholders(text: str, engine: _Engine) -> list[str]:
    if MAY_HOLD_PLACEHOLDER.search(text) is None:
        return engine.cut(text)
    tokens: list[str] = []
    pos = 0
    for match in PLACEHOLDER_RE.finditer(text):
        if match.start() > pos:
            _extend_after_mask(tokens, engine.cut(text[pos : match.start()]))
        tokens.append(match.group())
        pos = match.end()
    if pos < len(text):
        _extend_after_mask(tokens, engine.cut(text[pos:]))
    return tokens


def _extend_after_mask(tokens: list[str], following: list[str]) -> None:
    """Append `following`, gluing a lone mask to the name it hides (`*` + `汽车` → `*汽车`)."""
    if tokens and following and tokens[-1] in _MASK_CHARS and _HAN.match(following[0]):
        tokens[-1] += following[0]
        following = following[1:]
    tokens.extend(following)


# --------------------------------------------------------------------------- outputs


def explain_segmentation(text: str, segmenter: Segmenter) -> pd.DataFrame:
    """Every token with its offsets, why it exists and which stopword list drops it.

    Whitespace is left out (it is never counted); offsets still index the given text.

    >>> table = explain_segmentation("加快建设世界车谷", Segmenter())
    >>> table[["token", "source", "stopword"]].values.tolist()[1:]
    [['建设', 'jieba dictionary', 'officialese'], ['世界车谷', 'domain dictionary', '']]
    """
    rows = [
        (token, start, end, segmenter.source(token), segmenter.stopword_kind(token))
        for token, start, end in segmenter.tokenize(text)
        if token.strip()
    ]
    return pd.DataFrame(rows, columns=list(EXPLAIN_COLUMNS)).astype(
        {"start": "int64", "end": "int64"}
    )


def _count(text: str, segmenter: Segmenter) -> Counter[str]:
    counts = Counter(segmenter.cut(text))
    for token in [t for t in counts if t.isspace()]:  # unique tokens only: cheap
        del counts[token]
    return counts


def _counts_frame(ids: list[str], counters: list[Counter[str]]) -> pd.DataFrame:
    """One long table from per-document counters, built once (per-document frames are slow)."""
    doc_ids = np.repeat(np.array(ids, dtype=object), [len(c) for c in counters])
    terms = list(chain.from_iterable(counters))
    values = list(chain.from_iterable(c.values() for c in counters))
    return pd.DataFrame(
        {
            "doc_id": pd.Series(doc_ids, dtype="object"),
            "term": pd.Series(terms, dtype="object"),
            "count": pd.Series(values, dtype="int64"),
        }
    )


def token_counts(doc_id: str, text: str, segmenter: Segmenter) -> pd.DataFrame:
    """How often each token occurs in one document, stopwords included (filtered at query time).

    >>> token_counts("d1", "换电站、换电站", Segmenter()).values.tolist()
    [['d1', '换电站', 2], ['d1', '、', 1]]
    """
    return _counts_frame([doc_id], [_count(text, segmenter)])


_WORKER: Segmenter | None = None


def _init_worker(config: SegmenterConfig) -> None:
    global _WORKER
    _WORKER = Segmenter.from_config(config)
    _WORKER.cut("预热")  # load the dictionary now, not inside the first task


def _worker_count(text: str) -> Counter[str]:
    assert _WORKER is not None, "worker not initialised"
    return _count(text, _WORKER)


def iter_document_counts(
    texts: list[str], segmenter: Segmenter, *, workers: int = 1
) -> Iterator[Counter[str]]:
    """Token counters of `texts` in order, over `workers` forked processes when possible.

    Workers are forked only from a single-threaded process (CLI, bench, tests): they start
    in milliseconds with the dictionary already loaded. A threaded process (the Streamlit
    server) counts serially instead: forking threads risks deadlocks, and spawned workers
    would re-run the page script that Streamlit installs as `__main__`.
    """
    if workers < 1:
        raise SegmentationError(f"workers={workers} 无效：至少为 1")
    if workers == 1 or len(texts) < 2 or not _can_fork():
        yield from (_count(text, segmenter) for text in texts)
        return
    _build_engine(segmenter.engine_name, segmenter.config.user_words, segmenter.hmm)
    # Keep the children's garbage collector off the parent's objects: touching their
    # reference counts would copy every page of a large parent (copy-on-write).
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=get_context("fork"),
            initializer=_init_worker,
            initargs=(segmenter.config,),
        ) as pool:
            chunksize = max(1, len(texts) // (workers * 16))
            yield from pool.map(_worker_count, texts, chunksize=chunksize)
    finally:
        gc.unfreeze()


def _can_fork() -> bool:
    return threading.active_count() == 1 and "fork" in get_all_start_methods()


def default_workers() -> int:
    """One worker per available core, at most 4 (more gives nothing on a laptop)."""
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))


def corpus_token_counts(
    corpus: pd.DataFrame,
    segmenter: Segmenter,
    progress: Progress | None = None,
    *,
    workers: int = 1,
) -> pd.DataFrame:
    """Token counts of every document of a corpus frame (doc_id, text), for the store.

    >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "text": ["充电桩", "充电桩和换电站"]})
    >>> corpus_token_counts(corpus, Segmenter()).values.tolist()
    [['a', '充电桩', 1], ['b', '充电桩', 1], ['b', '和', 1], ['b', '换电站', 1]]
    """
    missing = {"doc_id", "text"} - set(corpus.columns)
    if missing:
        raise SegmentationError(f"语料表缺少列 {sorted(missing)}；需要 doc_id 和 text")
    ids, texts = corpus["doc_id"].astype(str).tolist(), corpus["text"].fillna("").tolist()
    counters: list[Counter[str]] = []
    for i, counts in enumerate(iter_document_counts(texts, segmenter, workers=workers)):
        if progress:
            progress(i, len(texts))
        counters.append(counts)
    if progress:
        progress(len(texts), len(texts))
    return _counts_frame(ids, counters)
