"""Cleaning: derive clean paragraphs from scraped text and record every change against the raw.

The raw text is never modified. Clean text is produced by a sequence of small, named rules;
each rule proposes edits on the current text, and a trace maps every current character back
to the raw span it came from, so each recorded `Change` carries offsets into the *raw* text
and `removed == raw[start:end]` always holds. A reader can therefore audit (and the UI can
highlight) exactly what was dropped and why.

Conventions decided here:

* one paragraph per line; no blank lines, indentation or trailing spaces;
* full-width digits, Latin letters and `％` become ASCII (`２０２５` → `2025`, `％` → `%`), a
  full-width `．` between digits becomes `.`; Chinese punctuation (，。：；（）“”) is content and
  stays as it is;
* a space that is a real separator (title and date, Latin words, paragraph break in a one-line
  text) is kept or turned into a line break, never deleted; only spaces inside fixed-width
  PDF lines are deleted;
* redacted placeholders (`XX亿元`, `*汽车`) stay in the text and are listed as "placeholder"
  changes so the UI can show them; they are never turned into numbers;
* the record is the net effect: a cosmetic fix (whitespace, width, PDF wrap) later swallowed
  by a removal (a blank line inside a duplicate copy) is folded into it, while a removal is
  split around earlier meaningful removals so every reason stays visible.

Rules are generic (site vocabulary, layout statistics), never strings of one document.
"""

from __future__ import annotations

import bisect
import operator
import re
import statistics
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.numbers import REPAIR_REASONS, numeral_repairs
from analysis.numbers import to_halfwidth as halfwidth  # re-exported: one table, in numbers
from analysis.redaction import MAY_HOLD_PLACEHOLDER, PLACEHOLDER_RE
from analysis.types import CHANGE_COLUMNS, Change

__all__ = ["CleanResult", "changes_frame", "clean_text", "halfwidth"]

# --------------------------------------------------------------------------- rules as data


@dataclass(frozen=True, slots=True)
class _Rule:
    """A regex whose every match is deleted, with the step name and the reader's reason."""

    step: str
    pattern: re.Pattern[str]
    reason: str
    needles: tuple[str, ...] = ()  # the rule can only match if one of these occurs (speed)


_WS: Final = " \t\u00a0\u2002\u2003\u3000\ufeff"  # horizontal whitespace seen in the corpus
_SENTENCE_END: Final = "。！？"
_CLAUSE_END: Final = "。！？；：，、;:,"
_OPENING: Final = "《（(“「『【"
_CLOSING: Final = "》）)”」』】，、。；：！？"
_CJK: Final = r"\u3400-\u9fff\uf900-\ufaff"

# Words that make up site chrome: buttons, share widgets, shop headers, login links.
_NAV_WORD: Final = (
    r"(?:加入|vip|会员|免费|立即|下载|打印|本页|全屏|收藏|分享到?|微信|微博|朋友圈|qq空间|qq"
    r"|关闭|窗口|返回|顶部|网站首页|首页|主页|购物车|我的足迹|站内|搜索|登录|注册|退出|上一篇"
    r"|下一篇|纠错|扫一扫|在手机打开当前页|点击图片进入专题|相关附件|相关链接|字号|字体|加大"
    r"|减小|还原|默认)"
)
_NAV_WORD_RE: Final = re.compile(_NAV_WORD, re.IGNORECASE)
# Nav words with the brackets, bars and colons widgets put around them (《》 only beside words:
# alone on a line they belong to a book title split by a link).
_NAV_LINE: Final = re.compile(rf"(?:{_NAV_WORD}|[【】|｜×>》《:：·\s])+", re.IGNORECASE)
_PUNCT_ONLY_LINE: Final = re.compile(r"[【】|｜×>»·•]+")
_COUNTER_LINE: Final = re.compile(
    r"(?:推荐|阅读|浏览|点击|点赞|评论|转发)(?:量|数|次数|人数)?\s*[:：]?\s*\d*\s*(?:次|人)?"
)

_LINE_RULES: Final[tuple[tuple[str, re.Pattern[str], str], ...]] = (
    ("site_chrome", _NAV_LINE, "网页按钮或导航文字（下载、打印、分享、登录等），不是正文。"),
    ("site_chrome", _PUNCT_ONLY_LINE, "只有括号、竖线等符号的网页残片，不是正文。"),
    ("counter", _COUNTER_LINE, "阅读/推荐计数，不是正文。"),
)

_BC_ITEM: Final = r"[^\s>»＞›→]{1,40}"
_BC_SEP: Final = r"(?:>>?|»|＞|›|→)"
_BC_MARKER: Final = r"(?:您的位置|您现在的位置|当前位置|所在位置|现在位置)"
_BREADCRUMB: Final = re.compile(
    rf"(?m)^[ \t]*(?:"
    rf"{_BC_MARKER}[ \t]*[:：]?(?:[ \t]*{_BC_ITEM}|\s*(?:网站)?首页)(?:\s*{_BC_SEP}\s*{_BC_ITEM})*"
    rf"|(?:网站)?首页(?:\s*{_BC_SEP}\s*{_BC_ITEM})+"
    rf"|{_BC_ITEM}(?:[ \t]*{_BC_SEP}[ \t]*{_BC_ITEM}){{2,}}"
    rf")[ \t]*{_BC_SEP}?[ \t]*$"
)
# What the first line of every breadcrumb holds (see `_breadcrumbs`).
_BC_NEEDLE: Final = re.compile(r"位置|首页|[>»＞›→]")
_BREADCRUMB_REASON: Final = "网页导航路径（面包屑），不是正文。"

_BLOCK_RULES: Final[tuple[_Rule, ...]] = (
    _Rule(
        "site_chrome",
        re.compile(
            r"(?m)^[ \t]*【?[ \t]*字[号体][ \t]*[:：]?"
            r"(?:\s*(?:加大|减小|还原|默认|大|中|小|[|｜]))+\s*】?[ \t]*$"
        ),
        "网页字号切换按钮，不是正文。",
        ("字号", "字体"),
    ),
    _Rule(
        "paywall",
        re.compile(
            r"[…\.]*[ \t]*[（(][^（）()\n]{0,80}?"
            r"(?:省略\s*\d+\s*字|正式会员|VIP会员|登录后|完整阅读|阅读全文)"
            r"[^（）()\n]{0,80}[)）][ \t]*[…\.]*[ \t]*",
            re.IGNORECASE,
        ),
        "付费墙提示（网站在此省略了部分正文），删除提示本身。",
        ("省略", "会员", "登录后", "阅读"),
    ),
    _Rule(
        "truncation",
        re.compile(
            r"[ \t]*(?:[…\.]{2,}[ \t]*)?[（(]\s*(?:未完|全文共\s*\d+\s*字|当前仅显示)[^\n]*"
        ),
        "截断提示：网站只显示了部分全文，原文到此为止。",
        ("未完", "全文共", "当前仅显示"),
    ),
    _Rule(
        "photo_credit",
        re.compile(
            rf"(?m)(?:(?<=[{_SENTENCE_END}])|^)[ \t]*[^\s{_SENTENCE_END}，]{{0,20}}记者"
            r"[ \t]*[^\s。，]{1,4}(?:[ \t、]+[^\s。，]{1,4})*[ \t]+摄[ \t]*$"
        ),
        "图片说明里的摄影署名，不是正文。",
        ("记者",),
    ),
)

_TAIL_MARKER: Final = re.compile(
    r"(?:相关(?:报道|文档|阅读|新闻|链接|附件|稿件)|推荐阅读|延伸阅读|责任编辑|编辑[:：]"
    r"|扫一扫|打印本页|关闭窗口)"
)
_TAIL_REASON: Final = "页面尾部（相关报道、编辑署名、打印/关闭等）之后没有正文，整段删除。"
_TAIL_SHORT_LINE: Final = 60

# A licence notice a site appends (Wikisource: `本作品是中华人民共和国的法律…属于公有领域`).
_LICENCE_START: Final = re.compile(r"(?m)^[ \t]*(?:本|这部|這部)作品(?:是|来自|來自|在|於|于)")
_LICENCE_MARK: Final = re.compile(r"公有[领領]域|Public domain|版权失效|版權失效")
_LICENCE_WINDOW: Final = 5000
_LICENCE_REASON: Final = "网站附加的版权/授权声明（公有领域等），不是正文。"

_TOC_MARKER: Final = re.compile(r"(?:目\s*录|提\s*纲|目录/提纲)\s*[:：]?\s*[…\.]*")
_TOC_CLOSER: Final = re.compile(r"[…\.·]+")
_TOC_MAX_LINE: Final = 60
_TOC_MIN_RUN: Final = 3
_TOC_MIN_SHARE: Final = 0.5
_TOC_MIN_ENTRY: Final = 6
_TOC_REASON: Final = "目录：这些标题在正文中原样出现，删除目录、保留正文中的标题。"

_DUP_MIN_LINE: Final = 10
_DUP_MAX_GAP: Final = 3  # non-empty lines between a line and its repeat
_DUP_LINE_REASON: Final = "与前文完全相同的标题或段落（网页重复显示），只保留第一次。"
_DUP_DOC_PROBE: Final = 30
_DUP_DOC_MIN_CHARS: Final = 200  # shorter repeats (a headline) are duplicate lines
_DUP_DOC_MIN_SHARE: Final = 0.8
_DUP_DOC_REASON: Final = "整篇正文被连续粘贴了两遍，删除第二遍。"

# A heading glued to its paragraph by one space in one-line texts ("一、2023年工作回顾 过去一年").
_HEADING_THEN_SPACE: Final = re.compile(
    rf"(?m)^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+[章节部分编])"
    rf"[^\s{_SENTENCE_END}]{{1,40}}( )(?=\S)"
)
_LONG_LINE: Final = 300  # a "line" this long is a whole document or section on one line

_PDF_MIN_SEGMENTS: Final = 6
_PDF_MIN_WIDTH: Final = 24  # display columns: 12 CJK characters
_PDF_REGULAR_SHARE: Final = 0.5
_PDF_FULL_LINE: Final = 0.7

# Both patterns open with a character class and check, in a lookbehind, what the character
# they consumed is: a pattern opening with a lookahead is tried at every position, one
# opening with a class jumps from one candidate character to the next (same matches).
_FULLWIDTH_RUN: Final = re.compile(
    r"[０-９Ａ-Ｚａ-ｚ％．](?:(?<=[０-９Ａ-Ｚａ-ｚ％])|(?<=[0-9０-９]．)(?=[0-9０-９]))"
    r"(?:[０-９Ａ-Ｚａ-ｚ％]|(?<=[0-9０-９])．(?=[0-9０-９]))*"
)
_WHITESPACE: Final = re.compile(
    rf"[\s\ufeff]"  # every alternative starts with whitespace, checked by its lookbehind
    rf"(?:(?P<crlf>(?<=\r)\n?)"
    rf"|(?P<lead>(?<=\A[\s\ufeff])[\s\ufeff]*)"
    rf"|(?P<end>[\s\ufeff]*\Z)"
    rf"|(?P<indent>(?<=\n[{_WS}])[{_WS}]*)"
    rf"|(?P<trail>(?<=[{_WS}])[{_WS}]*(?=\r|\n))"
    rf"|(?P<blank>(?<=\n)(?:[{_WS}]*\n)+)"
    rf"|(?P<para>(?<=[ \t\u00a0])[ \t\u00a0]*[\u2003\u3000]{{2,}}"
    rf"|(?<=[\u2003\u3000])[\u2003\u3000]+"
    rf"|(?<=[ \t\u00a0])[ \t\u00a0]*[\u2003\u3000]+"
    rf"|(?<=[{_SENTENCE_END}][{_WS}])[{_WS}]*)"
    rf"|(?P<space>(?<=[\t\u00a0\u2002\u2003\u3000\ufeff])[{_WS}]*|(?<= ) +))"
)
_WHITESPACE_REASONS: Final[dict[str, tuple[str, str]]] = {
    "crlf": ("\n", "统一换行符。"),
    "lead": ("", "删除文首空白。"),
    "end": ("", "删除文末空白。"),
    "indent": ("", "删除段首缩进（制表符、全角空格等）。"),
    "trail": ("", "删除行尾空白。"),
    "blank": ("\n", "合并空行：每段一行。"),
    "para": ("\n", "段落之间的空格或全角空格缩进改为换行。"),
    "space": (" ", "制表符、全角空格、连续空格改为一个普通空格。"),
}
_PLACEHOLDER_REASON: Final = "脱敏占位符（原文隐去的数字或名称），原样保留，不能当作数字。"


# --------------------------------------------------------------------------- public API


@dataclass(frozen=True)
class CleanResult:
    """Clean text plus the record of every change, offsets into the raw text."""

    text: str
    changes: list[Change]


def clean_text(raw: str) -> CleanResult:
    """Clean scraped text and say what was removed or repaired, so the raw stays auditable.

    Rules are applied until a pass changes nothing, because removing one thing can expose
    another (a removed header reveals a repeated headline); this also makes cleaning
    idempotent.

    >>> r = clean_text("首页 > 新闻 > 正文\\n\\n\\t产值达到５０％。\\n推荐123")
    >>> r.text
    '产值达到50%。'
    >>> sorted({c.step for c in r.changes})
    ['breadcrumb', 'counter', 'fullwidth', 'whitespace']
    """
    trace = _Trace(raw)
    # A step is a function of the text alone: on a text it already left unchanged it would
    # change nothing again, so the confirming pass only reruns steps that saw another text
    # (the whitespace step runs twice a pass: its second run settles it for the first).
    settled: dict[Callable[[str], list[_Edit]], str] = {}
    for _ in range(_MAX_PASSES):
        changed = False
        for step in _PIPELINE:
            if settled.get(step) is trace.text:
                continue
            if trace.apply(step(trace.text)):
                changed = True
            else:
                settled[step] = trace.text
        if not changed:
            break
    changes = _net_changes(trace.raw, trace.changes) + _placeholder_changes(trace)
    changes.sort(key=lambda c: (c.start, c.end, c.step))
    return CleanResult(text=trace.text, changes=changes)


def changes_frame(changes: list[Change]) -> pd.DataFrame:
    """The cleaning record as a table (CHANGE_COLUMNS), for the document page and exports.

    >>> changes_frame(clean_text("推荐5\\n正文。").changes)["step"].tolist()
    ['counter']
    """
    rows = [[getattr(c, name) for name in CHANGE_COLUMNS] for c in changes]
    frame = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
    return frame.astype({"start": "int64", "end": "int64"})


# --------------------------------------------------------------------------- trace


class _Edit(NamedTuple):
    """Replace current text [start, end) by `replacement` (usually '' or '\\n').

    A named tuple: the whitespace rule proposes one per indentation or blank line, and a
    tuple is built several times faster than a frozen dataclass.
    """

    start: int
    end: int
    replacement: str
    step: str
    reason: str


_START_END: Final = operator.itemgetter(0, 1)  # an edit's (start, end), as a C-level key


class _Trace:
    """The current text and, per character, the raw span it came from.

    The spans are int64 arrays: an edit keeps or drops whole stretches of them, which numpy
    does in one sweep over memory, where lists of Python ints cost an object per character.
    """

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.text = raw
        self.starts: npt.NDArray[np.int64] = np.arange(len(raw), dtype=np.int64)
        self.ends: npt.NDArray[np.int64] = np.arange(1, len(raw) + 1, dtype=np.int64)
        # (raw start, raw end, sequence, step, reason) in application order: a Change is only
        # built for what the record keeps (see `_net_changes`).
        self.changes: list[tuple[int, int, int, str, str]] = []
        # Raw characters removed by a meaningful (non-cosmetic) rule: later removals must not
        # span them, or the record would hide why they went.
        self.protected = bytearray(len(raw))

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw offsets of the current span [start, end) (non-empty)."""
        return self.starts.item(start), self.ends.item(end - 1)

    def apply(self, edits: list[_Edit]) -> bool:
        """Apply non-overlapping edits in one sweep; True if the text changed.

        The loop runs once per proposed edit (hundreds of thousands on a corpus), so it
        reads plain locals and logs the common, unprotected case inline.
        """
        text, pieces = self.text, []
        cut_starts: list[int] = []
        cut_ends: list[int] = []
        inserts: list[int] = []  # where replacement characters go among the kept ones
        insert_starts: list[int] = []
        insert_ends: list[int] = []
        start_of, end_of = self.starts.item, self.ends.item
        protected, log = self.protected, self.changes
        pos = dropped = 0
        for edit in sorted(edits, key=_START_END):
            start, end, replacement, step, reason = edit
            if start < pos or start >= end:
                continue  # overlapping or empty proposals are dropped, never half-applied
            if replacement:
                # "Keep the first newline of three" is logged as "delete the other two": the
                # record then points at what really went, not at a span that also covers
                # what earlier rules removed between the kept and the deleted characters.
                current = text[start:end]
                if current == replacement:
                    continue
                if current.startswith(replacement):
                    start, replacement = start + len(replacement), ""
                elif current.endswith(replacement):
                    end, replacement = end - len(replacement), ""
            pieces.append(text[pos:start])
            pieces.append(replacement)
            raw_start, raw_end = start_of(start), end_of(end - 1)
            cut_starts.append(start)
            cut_ends.append(end)
            if replacement:
                size = len(replacement)
                inserts += [start - dropped] * size
                insert_starts += [raw_start] * size
                insert_ends += [raw_end] * size
            if replacement or protected.find(1, raw_start, raw_end) < 0:
                log.append((raw_start, raw_end, len(log), step, reason))
                if step not in _COSMETIC_STEPS:
                    protected[raw_start:raw_end] = b"\x01" * (raw_end - raw_start)
            else:
                self._record_around_protected(start, end, step, reason, raw_start, raw_end)
            dropped += end - start
            pos = end
        if not pieces:
            return False
        pieces.append(text[pos:])
        self.text = "".join(pieces)
        # Characters inside a cut span: +1 at each start, -1 at each end, summed along.
        size = len(text) + 1
        inside = np.bincount(cut_starts, minlength=size) - np.bincount(cut_ends, minlength=size)
        keep = np.cumsum(inside[:-1]) == 0
        self.starts = np.insert(self.starts[keep], inserts, insert_starts)
        self.ends = np.insert(self.ends[keep], inserts, insert_ends)
        return True

    def _record_around_protected(
        self, start: int, end: int, step: str, reason: str, raw_start: int, raw_end: int
    ) -> None:
        """Log a removal spanning protected raw text as one change per stretch between the
        protected gaps, so the record never hides why the protected text went."""
        spans = self._split_at_protected(start, end, raw_start, raw_end)
        for span_start, span_end in spans:
            span_step, span_reason = step, reason
            if len(spans) > 1:
                raw_start, raw_end = self.raw_span(span_start, span_end)
                if self.raw[raw_start:raw_end].isspace():  # a leftover break
                    span_step, span_reason = "whitespace", _WHITESPACE_REASONS["blank"][1]
            self._log(span_step, span_reason, raw_start, raw_end)

    def _log(self, step: str, reason: str, raw_start: int, raw_end: int) -> None:
        """Record one change; a meaningful one protects its raw text from later spans."""
        self.changes.append((raw_start, raw_end, len(self.changes), step, reason))
        if step not in _COSMETIC_STEPS:
            self.protected[raw_start:raw_end] = b"\x01" * (raw_end - raw_start)

    def _split_at_protected(
        self, start: int, end: int, raw_start: int, raw_end: int
    ) -> list[tuple[int, int]]:
        """Split a current span (raw [raw_start, raw_end)) where its raw range jumps over
        meaningfully removed text."""
        if self.protected.find(1, raw_start, raw_end) < 0:
            return [(start, end)]
        spans, first = [], start
        # Only where the raw range jumps (a character's raw end before the next one's start).
        jumps = np.flatnonzero(self.ends[start : end - 1] < self.starts[start + 1 : end])
        for i in (start + 1 + int(j) for j in jumps):
            gap_start, gap_end = int(self.ends[i - 1]), int(self.starts[i])
            if self.protected.find(1, gap_start, gap_end) >= 0:
                spans.append((first, i))
                first = i
        spans.append((first, end))
        return spans


def _net_changes(raw: str, changes: list[tuple[int, int, int, str, str]]) -> list[Change]:
    """Fold cosmetic changes into a later change that covers them again (it swallowed them).

    Meaningful changes are never folded: removals are split around them (see `_Trace`).
    """
    ordered = sorted(changes, key=lambda c: (c[0], -c[1], -c[2]))
    kept: list[Change] = []
    cover_start, cover_end = -1, -1
    for start, end, _, step, reason in ordered:
        covered = cover_start <= start and end <= cover_end
        if covered and step in _COSMETIC_STEPS:
            continue
        kept.append(Change(step, reason, start, end, raw[start:end]))
        if end > cover_end:
            cover_start, cover_end = start, end
    return kept


def _placeholder_changes(trace: _Trace) -> list[Change]:
    """Placeholders left in the clean text, located in the raw text for the UI."""
    found: list[Change] = []
    if MAY_HOLD_PLACEHOLDER.search(trace.text) is None:  # most texts: skip the slow search
        return found
    for match in PLACEHOLDER_RE.finditer(trace.text):
        start, end = trace.raw_span(match.start(), match.end())
        found.append(Change("placeholder", _PLACEHOLDER_REASON, start, end, trace.raw[start:end]))
    return found


# --------------------------------------------------------------------------- helpers


class _Line(NamedTuple):
    """One line of the current text: its [start, end) without the newline, and its text."""

    start: int
    end: int
    text: str


@lru_cache(maxsize=2)
def _lines(text: str) -> tuple[_Line, ...]:
    """Lines with offsets, so line rules can emit edits in text coordinates (cached per text)."""
    out, pos = [], 0
    for part in text.split("\n"):
        out.append(_Line(pos, pos + len(part), part))
        pos += len(part) + 1
    return tuple(out)


def _drop_lines(text: str, first: _Line, last: _Line, step: str, reason: str) -> _Edit:
    """An edit removing lines first..last together with one adjoining newline."""
    if last.end < len(text):
        return _Edit(first.start, last.end + 1, "", step, reason)
    return _Edit(max(first.start - 1, 0), last.end, "", step, reason)


def _compact(text: str) -> str:
    """Text without whitespace: how duplicates are compared, since layout differs per copy."""
    return "".join(text.split())  # str.split and re's \s agree on whitespace


def _common_prefix_length(a: str, b: str) -> int:
    """Length of the common prefix, by bisection on slice equality (fast on long texts)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _display_width(segment: str) -> int:
    """Columns a segment takes in a fixed-width layout: ASCII letters/digits 1, others 2."""
    return sum(1 if ch.isascii() and ch.isalnum() else 2 for ch in segment)


# --------------------------------------------------------------------------- steps


def _fullwidth_edits(text: str) -> list[_Edit]:
    """Full-width digits/letters/％ to ASCII, so numbers and units are matched one way."""
    reason = "全角数字、字母或百分号改为半角，便于识别数量。"
    return [
        _Edit(m.start(), m.end(), halfwidth(m.group()), "fullwidth", reason)
        for m in _FULLWIDTH_RUN.finditer(text)
    ]


def _numeral_edits(text: str) -> list[_Edit]:
    """Respell numbers digit patterns misread: spaced digits, full-width thousands commas,
    middle-dot decimals, a space before 万/亿/％ (see analysis.numbers.numeral_repairs)."""
    return [
        _Edit(r.start, r.end, r.replacement, r.kind, REPAIR_REASONS[r.kind])
        for r in numeral_repairs(text)
    ]


_MARKUP_COMMENT: Final = re.compile(r"<!--.*?-->", re.S)
_MARKDOWN_HEADING: Final = re.compile(r"(?m)^#{1,6}[ \t]+(?=\S)")


def _markup_edits(text: str) -> list[_Edit]:
    """Markdown/HTML markup of converted sources: `# 标题` keeps its words without the `#`,
    a comment (`<!-- INFO END -->`) goes, so neither is read as a word or a title."""
    edits = [
        _Edit(m.start(), m.end(), "", "markup", "HTML 注释（如 <!-- INFO END -->）不是正文。")
        for m in _MARKUP_COMMENT.finditer(text)
    ]
    edits += [
        _Edit(m.start(), m.end(), "", "markup", "Markdown 标题符号 #，保留标题文字。")
        for m in _MARKDOWN_HEADING.finditer(text)
    ]
    return edits


def _pdf_wrap_edits(text: str) -> list[_Edit]:
    """Spaces left by PDF line wraps: delete inside words, break lines at paragraph ends.

    A PDF line becomes a segment between single spaces. When most segments of a line have
    the same width, the spaces are wraps: after a full segment the sentence goes on (delete
    the space); after a short segment, or a sentence end, a paragraph ended (newline).
    """
    edits: list[_Edit] = []
    for line in _lines(text):
        segments = line.text.split(" ")
        if len(segments) < _PDF_MIN_SEGMENTS or "" in segments:
            continue
        widths = [_display_width(s) for s in segments]
        typical = statistics.median(widths)
        regular = sum(abs(w - typical) <= 0.15 * typical for w in widths)
        if typical < _PDF_MIN_WIDTH or regular < _PDF_REGULAR_SHARE * len(widths):
            continue
        pos = line.start
        for segment, width, following in zip(segments, widths, segments[1:], strict=False):
            pos += len(segment)
            full = width >= _PDF_FULL_LINE * typical
            if (edit := _pdf_space_edit(pos, segment, following, full=full)) is not None:
                edits.append(edit)
            pos += 1
    return edits


def _pdf_space_edit(pos: int, before: str, after: str, *, full: bool) -> _Edit | None:
    """What one wrap space at `pos` becomes, given the PDF line before it (None: keep)."""
    if before[-1] in _SENTENCE_END or not full:
        return _Edit(pos, pos + 1, "\n", "pdf_wrap", "PDF 的段落结尾（短行或句末），改为换行。")
    if _is_word_char(before[-1]) and _is_word_char(after[0]):
        return None  # between Latin words or numbers the space is real
    return _Edit(pos, pos + 1, "", "pdf_wrap", "PDF 换行留在词中间的空格（如“讲 话”），删除。")


def _is_word_char(ch: str) -> bool:
    """ASCII letter or digit: a space between two of them separates words."""
    return ch.isascii() and ch.isalnum()


def _whitespace_edits(text: str) -> list[_Edit]:
    """Indentation, blank lines, tabs and paragraph separators into one paragraph per line."""
    edits = []
    for match in _WHITESPACE.finditer(text):
        kind = match.lastgroup or "space"
        replacement, reason = _WHITESPACE_REASONS[kind]
        if kind == "space" and match.group().startswith("  ") and _in_long_line(text, match):
            replacement, reason = _WHITESPACE_REASONS["para"]
        edits.append(_Edit(match.start(), match.end(), replacement, "whitespace", reason))
    return edits


def _in_long_line(text: str, match: re.Match[str]) -> bool:
    """Whether the match sits in a line long enough to be a whole one-line document."""
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    return (len(text) if end < 0 else end) - start > _LONG_LINE


def _heading_break_edits(text: str) -> list[_Edit]:
    """In one-line texts a numbered heading is glued to its paragraph by a space: break it."""
    reason = "编号标题与正文之间的空格改为换行。"
    return [
        _Edit(m.start(1), m.end(1), "\n", "whitespace", reason)
        for m in _HEADING_THEN_SPACE.finditer(text)
        if _in_long_line(text, m)
    ]


def _block_rule_edits(text: str) -> list[_Edit]:
    """Chrome that spans lines or part of a line: widgets, paywall and truncation notices."""
    return [
        _Edit(m.start(), m.end(), "", rule.step, rule.reason)
        for rule in _BLOCK_RULES
        if not rule.needles or any(needle in text for needle in rule.needles)
        for m in rule.pattern.finditer(text)
        if m.end() > m.start()
    ]


def _breadcrumb_edits(text: str) -> list[_Edit]:
    """Breadcrumbs, plus a lone neighbouring line that only repeats one of their items."""
    edits = []
    lines = _lines(text)
    for match in _breadcrumbs(text):
        edits.append(_Edit(match.start(), match.end(), "", "breadcrumb", _BREADCRUMB_REASON))
        items = set(re.split(rf"\s*{_BC_SEP}\s*|\s+|[:：]", match.group()))
        for line in _neighbour_lines(lines, match.start(), match.end()):
            if line.text.strip() in items and line.text.strip():
                edits.append(_drop_lines(text, line, line, "breadcrumb", _BREADCRUMB_REASON))
    return edits


def _breadcrumbs(text: str) -> Iterator[re.Match[str]]:
    """The matches of `_BREADCRUMB.finditer(text)`, tried only at the lines that could open one.

    A breadcrumb's first line holds a marker (…位置), 首页 or a separator, which few lines do:
    matching at those line starts alone skips the backtracking of the pattern at every other.
    """
    pos, tried = 0, -1
    for hit in _BC_NEEDLE.finditer(text):
        if hit.start() < pos:
            continue
        line_start = text.rfind("\n", 0, hit.start()) + 1
        if line_start < pos or line_start == tried:
            continue
        tried = line_start
        if (match := _BREADCRUMB.match(text, line_start)) is not None:
            yield match
            pos = match.end()


def _neighbour_lines(lines: Sequence[_Line], start: int, end: int) -> list[_Line]:
    """The non-empty lines just before and just after [start, end)."""
    before = [ln for ln in lines if ln.end < start and ln.text.strip()]
    after = [ln for ln in lines if ln.start > end and ln.text.strip()]
    return before[-1:] + after[:1]


def _line_rule_edits(text: str) -> list[_Edit]:
    """Whole lines that are site chrome or counters."""
    edits = []
    for line in _lines(text):
        stripped = line.text.strip()
        for step, pattern, reason in _LINE_RULES:
            if stripped and pattern.fullmatch(stripped) and _has_words_if_nav(pattern, stripped):
                edits.append(_drop_lines(text, line, line, step, reason))
                break
    return edits


def _has_words_if_nav(pattern: re.Pattern[str], line: str) -> bool:
    """A nav line must contain a nav word, not only the brackets around one."""
    return pattern is not _NAV_LINE or _NAV_WORD_RE.search(line) is not None


def _tail_edits(text: str) -> list[_Edit]:
    """Cut the page tail: from a tail marker on, when nothing after it is body text."""
    lines = _lines(text)
    markers = [i for i, line in enumerate(lines) if _TAIL_MARKER.match(line.text.strip())]
    # A later marker has less text after it and more body before it, so once one marker
    # starts a tail every later one does: bisect for the first (log, not linear, checks).
    first = bisect.bisect_left(markers, True, key=lambda i: _starts_tail(text, lines, i))
    if first == len(markers):
        return []
    return [_drop_lines(text, lines[markers[first]], lines[-1], "page_tail", _TAIL_REASON)]


def _licence_edits(text: str) -> list[_Edit]:
    """Cut a licence notice at the end: from its first line on, when what follows names
    the licence (公有领域, Public domain). Only the last few thousand characters are read."""
    window = max(0, len(text) - _LICENCE_WINDOW)
    for m in _LICENCE_START.finditer(text, window):
        if _LICENCE_MARK.search(text, m.end()):
            return [_Edit(m.start(), len(text), "", "page_tail", _LICENCE_REASON)]
    return []


def _starts_tail(text: str, lines: tuple[_Line, ...], index: int) -> bool:
    body_before = _compact(text[: lines[index].start])
    rest = (ln for ln in lines[index + 1 :] if ln.text.strip())
    return all(_is_tail_line(ln.text, body_before) for ln in rest)


def _is_tail_line(line: str, body_before: str) -> bool:
    """A line in a page tail: short (a link title, a name) or a repeat of the body."""
    return len(line.strip()) <= _TAIL_SHORT_LINE or _compact(line) in body_before


def _duplicate_document_edits(text: str) -> list[_Edit]:
    """A document pasted twice in a row: drop the second copy (also when it is cut short).

    The opening of the text (from the start of one of its first lines) is searched again;
    what follows must repeat at least 80% of the text before it, ignoring layout. Only the
    repeated part goes, so a source line after the second copy survives.
    """
    compact = _compact(text)
    if len(compact) < 2 * _DUP_DOC_MIN_CHARS:
        return []
    for line in _lines(text)[:3]:
        head = len(_compact(text[: line.start]))
        probe = compact[head : head + _DUP_DOC_PROBE]
        if len(probe) < _DUP_DOC_PROBE:
            continue
        found = compact.find(probe, head + _DUP_DOC_MIN_CHARS)
        while found >= 0:
            original = compact[head:found]
            shared = _common_prefix_length(original, compact[found:])
            if shared >= _DUP_DOC_MIN_SHARE * len(original):
                start, end = _text_offset(text, found), _text_offset(text, found + shared - 1) + 1
                return [_Edit(start, end, "", "duplicate_document", _DUP_DOC_REASON)]
            found = compact.find(probe, found + 1)
    return []


def _text_offset(text: str, compact_index: int) -> int:
    """Offset in `text` of the character at `compact_index` in `_compact(text)`."""
    seen = 0
    for run in re.finditer(r"\S+", text):
        if seen + len(run.group()) > compact_index:
            return run.start() + compact_index - seen
        seen += len(run.group())
    raise IndexError(compact_index)


def _toc_edits(text: str) -> list[_Edit]:
    """A table of contents: a run of heading-like lines most of which head later lines.

    Entries whose section was cut off (paywall, truncation) do not reappear, so a run
    counts as a contents list when at least three entries reappear and they are the
    majority, or when a 目录/提纲 line announces it.
    """
    lines = _lines(text)
    edits, index = [], 0
    while index < len(lines):
        marker = _TOC_MARKER.fullmatch(lines[index].text.strip()) is not None
        end = first = index + 1 if marker else index
        while end < len(lines) and _is_heading_like(lines[end].text):
            end += 1
        if not marker and first < end:
            first = _first_entry(text, lines[first:end], first)
        if first < end and _is_toc(text, lines[first:end], marker=marker):
            closer = end < len(lines) and _TOC_CLOSER.fullmatch(lines[end].text.strip())
            last = end if closer else end - 1
            start = index if marker else first
            edits.append(_drop_lines(text, lines[start], lines[last], "toc", _TOC_REASON))
            index = last + 1
        else:
            index = max(end, index + 1)
    return edits


def _first_entry(text: str, block: Sequence[_Line], offset: int) -> int:
    """Index of the block's first line that heads a later line: the title and history
    lines above an unannounced contents list (`北京市献血条例` / `…通过`) are not entries."""
    after = block[-1].end
    for position, line in enumerate(block):
        if text.find("\n" + line.text.strip(), after) >= 0:
            return offset + position
    return offset


def _is_heading_like(line: str) -> bool:
    """A short line with Chinese text and no clause end: what contents entries look like."""
    entry = line.strip()
    return (
        2 <= len(entry) <= _TOC_MAX_LINE
        and entry[-1] not in _CLAUSE_END
        and re.search(f"[{_CJK}]", entry) is not None
        and _TOC_MARKER.fullmatch(entry) is None
    )


def _is_toc(text: str, block: Sequence[_Line], *, marker: bool) -> bool:
    """Whether enough entries of the block start a line after it.

    Only entries long enough to be specific count: "一、" starts many lines anywhere.
    """
    after = block[-1].end
    entries = [line.text.strip() for line in block]
    found = sum(len(e) >= _TOC_MIN_ENTRY and text.find("\n" + e, after) >= 0 for e in entries)
    return found >= _TOC_MIN_RUN and (marker or found >= _TOC_MIN_SHARE * len(block))


def _duplicate_line_edits(text: str) -> list[_Edit]:
    """A headline-like line repeating one just above it (shown twice): keep the first.

    Only near repeats count (a few lines apart, as web pages show them): far apart, a
    repeated line is usually content, e.g. a title quoted again in a wiki export where
    link text sits on its own line.
    """
    lines = [ln for ln in _lines(text) if ln.text.strip()]
    last_seen: dict[str, int] = {}
    edits = []
    for index, line in enumerate(lines):
        key = line.text.strip()
        if len(key) < _DUP_MIN_LINE or key[-1] in _CLAUSE_END:
            continue  # only headline-like lines: a repeated clause or sentence may be content
        near = index - last_seen.get(key, -_DUP_MAX_GAP - 1) <= _DUP_MAX_GAP
        if near and _stands_alone(lines, index):
            edits.append(_drop_lines(text, line, line, "duplicate_line", _DUP_LINE_REASON))
        else:
            last_seen[key] = index
    return edits


def _stands_alone(lines: Sequence[_Line], index: int) -> bool:
    """Not glued into a sentence by an opening mark before or a closing mark after."""
    before = lines[index - 1].text.strip() if index > 0 else ""
    after = lines[index + 1].text.strip() if index + 1 < len(lines) else ""
    return not (before and before[-1] in _OPENING) and not (after and after[0] in _CLOSING)


_MAX_PASSES: Final = 5
# Steps that only change layout or width; a later removal may absorb them in the record.
_COSMETIC_STEPS: Final = frozenset(
    {
        "whitespace",
        "fullwidth",
        "pdf_wrap",
        "spaced_digits",
        "thousands_comma",
        "middle_dot",
        "magnitude_gap",
    }
)
_PIPELINE: Final[tuple[Callable[[str], list[_Edit]], ...]] = (
    _markup_edits,
    _numeral_edits,
    _fullwidth_edits,
    _pdf_wrap_edits,
    _whitespace_edits,
    _heading_break_edits,
    _block_rule_edits,
    _breadcrumb_edits,
    _line_rule_edits,
    _tail_edits,
    _licence_edits,
    _duplicate_document_edits,
    _toc_edits,
    _duplicate_line_edits,
    _whitespace_edits,
)
