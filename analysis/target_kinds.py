"""What kind a quantity is (target, achievement, instrument, forecast, penalty, other):
the cue words around it, its clause and the section it stands in decide."""

from __future__ import annotations

import re
from typing import Final

from analysis.target_parts import _CLAUSE_BOUNDARY_RE, Kind, _Cue, _Quantity, _Section
from analysis.target_rules import Rules
from analysis.types import Span

_FOUR_DIGITS_RE: Final = re.compile(r"\d{4}")


def _cues(norm: str, sentence: Span, rules: Rules, doc_year: int | None) -> list[_Cue]:
    """Strong cue words of a sentence; attributive ones (`打造的`) are dropped."""
    chunk = norm[sentence.start : sentence.end]
    found = []
    for kind, pattern in rules.cue_res:
        for m in pattern.finditer(chunk):
            if chunk[m.end() : m.end() + 1] == "的":
                continue
            cue_kind = kind
            year = _FOUR_DIGITS_RE.search(m.group(0))
            if kind == "target" and year and doc_year and int(year.group(0)) < doc_year:
                cue_kind = "achievement"  # `到2024年底` in a 2025 text is the past
            found.append(
                _Cue(sentence.start + m.start(), sentence.start + m.end(), cue_kind, m.group(0))
            )
    found.sort(key=lambda c: (c.start, c.end))
    return _merge_estimates(found, chunk, sentence.start)


def _merge_estimates(cues: list[_Cue], chunk: str, offset: int) -> list[_Cue]:
    """Drop target cues continuing an estimate (`预计2025年将达到`): the estimate decides."""
    estimates = [c for c in cues if c.kind in ("estimate", "forecast")]
    kept = []
    for c in cues:
        governed = any(
            e.end <= c.start <= e.end + 10
            and not _CLAUSE_BOUNDARY_RE.search(chunk[e.end - offset : c.start - offset])
            for e in estimates
        )
        if not (c.kind == "target" and governed):
            kept.append(c)
    return kept


def _resolve_estimate(cue: _Cue, norm: str, q: _Quantity, rules: Rules) -> tuple[Kind, str]:
    between = norm[cue.end : q.start]
    marker = next((w for w in rules.future_markers if w in between), None)
    if marker:
        return "forecast", f"{cue.text}…{marker}"
    return "achievement", cue.text


def _decide(
    cue: _Cue, norm: str, q: _Quantity, clause_lo: int, section: _Section, rules: Rules
) -> tuple[Kind, str]:
    if cue.kind == "estimate":
        return _resolve_estimate(cue, norm, q, rules)
    if cue.kind == "section":
        kind, marker = _section_kind(norm, q, clause_lo, section, rules)
        return kind, f"{cue.text}{marker}"
    if cue.kind == "achievement" and section.state == "plan" and cue.text in rules.plan_defers:
        return "target", f"{cue.text}〔部署〕"
    return cue.kind, cue.text  # type: ignore[return-value]


def _carries(cue: _Cue, q: _Quantity, section: _Section, rules: Rules) -> bool:
    """Whether a cue of an earlier clause still speaks for this number.

    An instrument word carries only to money (`设立专项资金，首期安排50亿元`), not to what the
    money brought about (`发放补贴48.3亿元，带动消费增长40.9%`); a review narrates past plans
    (`打造绿色低碳供应链，新能源汽车新上牌26.5万辆`), so a target word there does not turn
    later results into targets.
    """
    if cue.kind == "instrument":
        return q.unit in rules.money_units  # `设立专项资金，首期安排50亿元`
    return not (cue.kind == "target" and section.state == "review")


def _is_baseline(norm: str, q: _Quantity, rules: Rules) -> bool:
    """`从18个月缩短至12个月`: 18个月 is where we start from."""
    before = norm[max(0, q.start - 12) : q.start]
    if rules.baseline_compared.search(before):
        return True
    return bool(rules.baseline_before.search(before)) and bool(
        rules.baseline_after.search(norm[q.end : q.end + 8])
    )


def _classify(
    norm: str,
    q: _Quantity,
    cues: list[_Cue],
    clause_lo: int,
    section: _Section,
    rules: Rules,
) -> tuple[Kind, str]:
    """Kind of a quantity and the cue that decided it, nearest and most local cue first."""
    if _is_baseline(norm, q, rules):
        return "other", "从…至 (起点)"
    before_same = [c for c in cues if clause_lo <= c.start and c.end <= q.start]
    if before_same:
        return _decide(before_same[-1], norm, q, clause_lo, section, rules)
    clause_hi = _clause_end(norm, q.end)
    after_same = [c for c in cues if c.start >= q.end and c.end <= clause_hi]
    instrument_after = [c for c in after_same if c.kind == "instrument"]
    if instrument_after:
        return "instrument", instrument_after[0].text
    earlier = [c for c in cues if c.end <= clause_lo]
    if earlier and _carries(earlier[-1], q, section, rules):
        kind, cue = _decide(earlier[-1], norm, q, clause_lo, section, rules)
        if not q.scale or kind in ("target", "forecast"):
            return kind, cue
    if q.scale:
        weak = rules.weak_re.findall(norm[clause_lo : q.start])
        if section.state == "review" and weak and q.unit:
            return "achievement", f"〔回顾〕+{weak[-1]}"
        return "other", "规模口号"
    later_instrument = [c for c in cues if c.start >= q.end and c.kind == "instrument"]
    if later_instrument and _is_condition(norm, q, clause_lo):
        return "instrument", later_instrument[0].text
    return _section_kind(norm, q, clause_lo, section, rules)


def _fiscal(
    norm: str, q: _Quantity, bounds: list[int], clause_lo: int, rules: Rules
) -> tuple[Kind, str]:
    """A planned deficit, bond quota or budget is money the government puts up, not a target
    (`赤字率拟按3%安排`, `拟发行特别国债5000亿元`, `…，比上年增加3000亿元`): the fiscal word
    stands in the number's clause or the one before it."""
    if q.kind != "target" or q.unit not in rules.fiscal_units:
        return q.kind, q.cue
    lo = max((b for b in bounds if b < clause_lo), default=clause_lo)
    found = list(rules.fiscal_re.finditer(norm, lo, q.start))
    return ("instrument", found[-1].group(0)) if found else (q.kind, q.cue)


def _allocated(
    norm: str, q: _Quantity, cues: list[_Cue], clause_lo: int, rules: Rules
) -> tuple[Kind, str]:
    """Money right after a spending verb is put up by the government, in a plan and a review
    alike (`安排“三农”资金1137.8亿元`, `为经营主体减负2500亿元以上`); only the money's noun may
    stand between, not a cue or a verb of result (`安排资金…带动`, `发行还比年初计划少了`)."""
    if q.kind not in ("target", "achievement") or q.unit not in rules.money_units:
        return q.kind, q.cue
    verbs = list(rules.money_verb_re.finditer(norm, clause_lo, q.start))
    if not verbs:
        return q.kind, q.cue
    verb = verbs[-1]
    gap = norm[verb.end() : q.start]
    result = rules.weak_re.search(gap) or any(w in gap for w in rules.growth_words)
    cue_between = any(verb.end() <= c.start and c.end <= q.start for c in cues)
    if result or cue_between or len(gap) > 15:
        return q.kind, q.cue
    return "instrument", verb.group(0)


_GOAL_AFTER_RE: Final = re.compile(r"(?:等|的)(?:主要)?(?:预期|约束性)?(?:目标|要求)")
_REACHED_RE: Final = re.compile(r"实现了|完成了|达到了|提前实现|已经实现|超额完成")


def _named_goal(norm: str, q: _Quantity, sentence: Span) -> tuple[Kind, str]:
    """A review that quotes a plan (`提出了…能源消耗降低20%左右…等目标`) states a target,
    unless it says the goal was reached (`提前实现了…翻两番的目标`)."""
    if q.kind != "achievement" or not q.cue.startswith("〔回顾〕"):
        return q.kind, q.cue
    after = _GOAL_AFTER_RE.search(norm, q.end, sentence.end)
    if after and not _REACHED_RE.search(norm, sentence.start, after.start()):
        return "target", after.group(0)
    return q.kind, q.cue


def _dated_in_the_past(q: _Quantity, doc_year: int | None) -> tuple[Kind, str]:
    """A "target" whose own time expression is a year before the document's
    (`一九五四年工业总产值比一九五二年增长了…` in a 1955 report) is a result."""
    if q.kind == "target" and doc_year and q.deadline is not None and q.deadline < doc_year:
        return "achievement", f"{q.deadline}年 (早于文件年份)"
    return q.kind, q.cue


_INDICATORS_RE: Final = re.compile(r"(?:主要)?(?:指标|具体指标)")
_COUNTDOWN_RE: Final = re.compile(r"距[^，。；]{0,20}还有$")


def _rule_of_law(
    norm: str, q: _Quantity, sentence: Span, clause_lo: int, rules: Rules
) -> tuple[Kind, str]:
    """A fine is a penalty (`处一万元以上十万元以下罚款`), a time limit of an obligation
    (`应当在三十日内`, `不得超过八小时`) a rule: neither is a target nor a result."""
    clause = norm[clause_lo : _clause_end(norm, q.end)]
    if q.unit in ("项", "个") and _INDICATORS_RE.match(norm[q.end : q.end + 4]):
        return "other", "指标个数"  # `设置12项指标`: the outline of a plan, not a goal
    if q.unit in ("天", "日") and _COUNTDOWN_RE.search(norm[clause_lo : q.start]):
        return "other", "倒计时"  # `距…还有95天`
    if q.unit in rules.money_units and (found := rules.penalty_re.search(clause)):
        q.metric = "罚款" if found.group(0) == "处罚" else found.group(0)
        return "penalty", found.group(0)
    if q.unit in rules.time_limit_units:
        found = rules.obligation_re.search(norm, sentence.start, min(sentence.end, q.end + 4))
        if found:
            return "other", f"时限:{found.group(0)}"
    return q.kind, q.cue


def _is_condition(norm: str, q: _Quantity, clause_lo: int) -> bool:
    """`对研发投入占比超过5%的企业，给予…`: a threshold that belongs to the instrument."""
    return norm[clause_lo : clause_lo + 1] in ("对", "凡", "按") or norm[q.end : q.end + 1] == "的"


def _section_kind(
    norm: str, q: _Quantity, clause_lo: int, section: _Section, rules: Rules
) -> tuple[Kind, str]:
    weak = rules.weak_re.findall(norm[clause_lo : q.start])
    verb = f"+{weak[-1]}" if weak else ""
    if section.state == "review":
        return "achievement", f"〔回顾〕{section.marker[:10]}{verb}"
    if section.state == "plan":
        return "target", f"〔部署〕{section.marker[:10]}{verb}"
    if section.state == "notes":
        return "other", f"〔注释〕{section.marker}"
    return "other", verb.lstrip("+")


_CLAUSE_END_RE: Final = re.compile(r"[，：（）():；;。！？!?\n]|,(?!\d{3})")


def _clause_end(norm: str, pos: int) -> int:
    m = _CLAUSE_END_RE.search(norm, pos)
    return m.start() if m else len(norm)


# Counts of the text's own items (`包括以下十个方面`) and facts about the country
# (`我国有十亿多人`) are not goals, even in a plan section.
_ITEM_COUNT_RE: Final = re.compile(r"(?:以下|下列|如下|这|上述|主要有|包括)[^，。；]{0,2}$")
_ITEM_NOUN_RE: Final = re.compile(
    r"(?:方面|问题|原则|部分|要点|任务|措施|特点|阶段|环节|条件|内容|理由|关系)"
)
_COUNTRY_FACT_RE: Final = re.compile(r"(?:我国|全国|中国)(?:现在|目前)?(?:有|拥有)$")


def _not_a_goal(norm: str, q: _Quantity, clause_lo: int) -> tuple[Kind, str]:
    """A "target" that counts the speech's own points or states the country's size."""
    if q.kind != "target":
        return q.kind, q.cue
    before = norm[clause_lo : q.start]
    counts_items = q.unit in ("个", "项", "条", "点") and _ITEM_COUNT_RE.search(before)
    if counts_items and _ITEM_NOUN_RE.match(norm, q.end):
        return "other", "条目个数"
    if q.unit == "人" and _COUNTRY_FACT_RE.search(before):
        return "achievement", "国情"
    return q.kind, q.cue
