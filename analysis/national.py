"""National documents: who issues them and when the national bodies met.

A State Council work report or a CPC congress report is national (region `全国`) whatever
places it names, and its text rarely carries a date: it names the session it is read to
(`向第十届全国人民代表大会第一次会议报告`). The session calendar is data
(`analysis/data/national_sessions.toml`); this module reads the mentions that address a
session and turns them into years the metadata detector weighs like any other evidence.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from analysis.numbers import YEAR, parse_chinese_numeral

NATIONAL_REGION: Final = "全国"
SESSIONS_PATH: Final = Path(__file__).parent / "data" / "national_sessions.toml"

_N: Final = r"([一二三四五六七八九十]+|\d{1,2})"
# The issuer speaking in the first lines: the State Council, the central government, the
# NPC or the CPC Central Committee / congress.
ISSUER_RE: Final = re.compile(
    r"代表(?:中华人民共和国)?国务院|在第[一二三四五六七八九十]+届全国人民代表大会第[一二三四五六七八九十]+次会[议議]上|国务院的委托|国务院总理|代表中央人民政府|"
    r"代表(?:中国共产党)?(?:第[一二三四五六七八九十]+届)?中央委[员員][会會]|中央委员会委托|"
    r"(?:中国共产党|党的)第[一二三四五六七八九十]+次全国代表大会[，,]?(?:将是|是|现在开幕)|"
    r"向(?:党的|中国共产党)?第[一二三四五六七八九十]+次全国代表大会|"
    r"第[一二三四五六七八九十]+届全国人民代表大会(?:第[一二三四五六七八九十]+次会议)?上?的?(?:报告|作)|"
    r"(?m:^(?:中共中央|国务院|全国人民代表大会常务委员会)(?:、国务院)?(?:办公厅)?(?:关于|印发))"
)
# Mentions that address a session (to it, at it), not ones that recall an earlier one.
_NPC: Final = rf"第{_N}[届屆]全[国國]人民代表大[会會](?:第{_N}次[会會][议議])?"
_NPC_RE: Final = re.compile(
    rf"(?:向|在|我们|我們)(?:大会即|本次大会即)?(?:中华人民共和国)?第{_N}[届屆]全[国國]人民代表大[会會]"
    rf"(?:第{_N}次[会會][议議]|(?=作|上))"
)
# A session recalled as past (`从第一届全国人民代表大会第三次会议閉幕以来`, `根据1983年6月
# 第六届…第一次会议的决议`): the text is read at the next session.
_PAST_NPC_RE: Final = re.compile(
    rf"(?:(?:从|自|根据)[^。；]{{0,12}}?{_NPC}(?:[^。；]{{0,6}}?(?:以来|到现在|的决议))?"
    rf"|{_NPC}(?:閉幕|闭幕)?以来)"
)
_CPC_RE: Final = re.compile(rf"向(?:党的|中国共产党)?第{_N}次全国代表大会")
_CPC_OPEN_RE: Final = re.compile(
    rf"(?:中国共产党|党的)第{_N}次全国代表大会[，,]?(?:将是|是|现在开幕)"
)
_CC_RE: Final = re.compile(rf"第?{_N}届中央委员会(?:委托)?[，,]?向|受第?{_N}届中央委员会委托")
_TERM_RE: Final = re.compile(rf"本届政府(?:从)?({YEAR})\s*年\s*\d{{1,2}}\s*月就职")
# `今年是实施“十一五”规划的第一年` (2006), `今年是“十二五”收官之年` (2015),
# `从今年开始，我国将实施…第十个五年计划` (2001), `今年是全面贯彻党的十八大精神的开局之年` (2013).
_PLAN_NAME: Final = (
    r"[“\"]?(?:十[一二三四五六七八九]?|[一二三四五六七八九])五[”\"]?"
    r"|第[一二三四五六七八九十]+个五年计划"
)
_FIRST: Final = r"第一年|头一年|开局之年|开局年|起步之年|开始|起"
_LAST: Final = r"最后一年|收官之年|完成之年|决胜之年"
# `19\d{2}年|20\d{2}年` is `{YEAR}年` spelt so that every alternative opens with a character:
# the search then jumps between 今, 1 and 2 instead of trying every position.
_THIS_YEAR_PLAN_RE: Final = re.compile(
    rf"(?:今年|19\d{{2}}年|20\d{{2}}年)(?:是|开始|起)[^。；]{{0,24}}?(?P<plan>{_PLAN_NAME})(?:规划|计划)?[^。；，]{{0,6}}?"
    rf"(?:(?P<first>{_FIRST})|(?P<last>{_LAST}))"
)
_FROM_THIS_YEAR_RE: Final = re.compile(
    rf"从今年(?:开始|起)[^。；]{{0,30}}?(?<!世纪)(?P<plan>{_PLAN_NAME})"
)
_AFTER_CONGRESS_RE: Final = re.compile(
    r"今年是[^。；]{0,16}?党的(?P<n>[一二三四五六七八九十]+)大精神的(?:开局之年|第一年|头一年)"
)


@dataclass(frozen=True, slots=True)
class SessionYear:
    """A year read from a session the text addresses, and the words that said so."""

    year: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Calendar:
    npc: dict[int, tuple[int, ...]]
    cpc: dict[int, int]
    term_years: int
    plans: dict[int, tuple[int, int]]


@lru_cache(maxsize=1)
def calendar(path: str | None = None) -> Calendar:
    """The session calendar of national_sessions.toml."""
    data = tomllib.loads(Path(path or SESSIONS_PATH).read_text(encoding="utf-8"))
    npc = {int(k): tuple(v) for k, v in data["npc"].items()}
    cpc = {int(k): int(v) for k, v in data["cpc"].items()}
    plans = {int(k): (int(v[0]), int(v[1])) for k, v in data["five_year_plans"].items()}
    return Calendar(npc, cpc, int(data["term"]["years"]), plans)


PLAN_NAME_RE: Final = re.compile(
    r"(十[一二三四五六七八九]?|[一二三四五六七八九])五(?=[”\"」]|规划|计划|时期|期间|期末|末|$)"
)


def plan_period(name: str) -> tuple[int, int] | None:
    """(first, last) year of a five-year plan named `十二五`, `“八五”`, `第七个五年计划`."""
    m = PLAN_NAME_RE.search(name) or re.search(r"第([一二三四五六七八九十]+)个五年计划", name)
    number = _ordinal(m.group(1)) if m else None
    return calendar().plans.get(number) if number else None


def _ordinal(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text) if text.isdigit() else parse_chinese_numeral(text)
    return int(value) if value else None


def _npc_year(term: int | None, session: int | None, cal: Calendar) -> int | None:
    years = cal.npc.get(term or 0, ())
    index = (session or 1) - 1
    return years[index] if 0 <= index < len(years) else None


def session_years(text: str) -> Iterator[SessionYear]:
    """Years of the sessions a text is addressed to (NPC, CPC congress, end of a term)."""
    cal = calendar()
    for m in _NPC_RE.finditer(text):
        year = _npc_year(_ordinal(m.group(1)), _ordinal(m.group(2)), cal)
        if year:
            yield SessionYear(year, m.start(), m.end())
    for m in _PAST_NPC_RE.finditer(text):
        if text[max(0, m.start() - 1) : m.start()] == "向" or "向第" in m.group():
            continue  # `根据国务院的决定，向第二届…会议作报告` addresses the session
        groups = m.groups()
        term, session = (_ordinal(g) for g in (groups[:2] if groups[0] else groups[2:4]))
        near = text[max(0, m.start() - 20) : m.end() + 40]
        if "五年" in near or "五年来" in text[:300]:
            year = _npc_year((term or 0) + 1, 1, cal)  # a term reviewed: the next term opens
        else:
            year = _npc_year(term, (session or 1) + 1, cal)
        if year:
            yield SessionYear(year, m.start(), m.end())
    for rx, shift in ((_CPC_RE, 0), (_CPC_OPEN_RE, 0), (_CC_RE, 1)):
        for m in rx.finditer(text):
            number = _ordinal(next((g for g in m.groups() if g), None))
            year = cal.cpc.get(number + shift) if number else None
            if year:
                yield SessionYear(year, m.start(), m.end())
    for m in _TERM_RE.finditer(text):
        yield SessionYear(int(m.group(1)) + cal.term_years, m.start(), m.end())


def this_year_mentions(text: str) -> Iterator[SessionYear]:
    """Years the text calls `今年` by naming a plan period or the congress just held."""
    for m in _THIS_YEAR_PLAN_RE.finditer(text):
        period = plan_period(m.group("plan"))
        if period:
            yield SessionYear(period[1] if m.group("last") else period[0], m.start(), m.end())
    for m in _FROM_THIS_YEAR_RE.finditer(text):
        period = plan_period(m.group("plan"))
        if period:
            yield SessionYear(period[0], m.start(), m.end())
    for m in _AFTER_CONGRESS_RE.finditer(text):
        year = calendar().cpc.get(_ordinal(m.group("n")) or 0)
        if year:
            yield SessionYear(year + 1, m.start(), m.end())


# A text that speaks for the whole country (`我国`, `全国各族人民`) and never as a place
# (`我省`, `全市`) is national even when its first lines name no issuer.
NATIONAL_VOICE_RE: Final = re.compile(r"我国|全国各族人民|我们的国家|中央人民政府")
LOCAL_VOICE_RE: Final = re.compile(
    r"我省|全省|本省|我市|全市|本市|我区|全区|我县|全县|自治区人民政府"
)
NATIONAL_VOICE_MIN: Final = 10
LOCAL_VOICE_SHARE: Final = 0.1


def speaks_nationally(text: str) -> bool:
    """Many `我国`-like words and (almost) no `我省`-like ones."""
    national = len(NATIONAL_VOICE_RE.findall(text))
    local = len(LOCAL_VOICE_RE.findall(text))
    return national >= NATIONAL_VOICE_MIN and local <= LOCAL_VOICE_SHARE * national


# A file filed under a national body or session (`1921_第1次全国代表大会_廣州共產黨報告.txt`,
# `1960_国务院政府工作报告.txt`): the collection says the document belongs to that session
# even when its text (a local group's report to the congress) speaks as a place.
FILENAME_NATIONAL_RE: Final = re.compile(
    r"第(?:[一二三四五六七八九十]+|\d{1,2})次全国代表大会|全国人民代表大会|"
    rf"^(?:{YEAR}[年_\-\s]*)?(?:国务院|中共中央|中央人民政府)(?!办公厅转发)"
)


def national_filename(stem: str) -> re.Match[str] | None:
    """The words of a file name that file the document under a national body, if any."""
    return FILENAME_NATIONAL_RE.search(stem)


def national_issuer(head: str) -> re.Match[str] | None:
    """The words of the first lines that make a document national, if any."""
    return ISSUER_RE.search(head)
