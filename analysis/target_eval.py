"""Precision and recall of the quantity/target extractor against hand-labelled sets.

A labelled row names a text span (`sentence_contains`, a distinctive substring of one
sentence) and one quantity in it. Only quantities the extractor finds *inside labelled
spans* are scored, so a span must list all its quantities; otherwise every unlabelled one
would count as spurious. A row is matched by an extracted record in its span whose raw
text contains `raw_contains` and whose value equals `value`; a match with the same kind is
correct. Scoring lives here (not in the bench script) so the bench, the tests and anyone
tuning rules share one definition of "correct".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd

from analysis.numbers import to_halfwidth
from analysis.targets import KINDS, extract_quantities

ERROR_COLUMNS: Final = ("error", "file", "raw", "kind", "gold", "detail")
_PUNCT: Final = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"})

Extractor = Callable[..., pd.DataFrame]
# Cleaned text and document year of a labelled file name, or None when it is absent; the
# labelled sets and the texts they name live outside the package (tests/labelled_sets.py).
DocumentLoader = Callable[[str], tuple[str, int | None] | None]


@dataclass
class Score:
    """Counts behind one precision/recall pair."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Report:
    """Everything the bench prints and the regression tests assert."""

    quantities: Score = field(default_factory=Score)
    targets: Score = field(default_factory=Score)
    kinds: dict[str, Score] = field(
        default_factory=lambda: defaultdict(Score, {k: Score() for k in KINDS})
    )
    kind_micro: Score = field(default_factory=Score)
    fields: dict[str, list[bool]] = field(default_factory=dict)
    canonical: list[tuple[str, str]] = field(default_factory=list)  # (gold, found) misses
    error_rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def errors(self) -> pd.DataFrame:
        """One row per miss, spurious find, wrong kind or wrong field."""
        return pd.DataFrame(self.error_rows, columns=list(ERROR_COLUMNS))

    def error(self, error: str, file: str, raw: str, kind: str, gold: str, detail: str) -> None:
        values = (error, file, raw, kind, gold, detail)
        self.error_rows.append(dict(zip(ERROR_COLUMNS, values, strict=True)))


def norm(text: str) -> str:
    """Half-width digits and ASCII punctuation, so labels match either spelling."""
    return to_halfwidth(text).translate(_PUNCT)


def _squeeze(text: str) -> str:
    """`norm` without spaces: `7 4 7 7 2 亿元` and `74772亿元` are the same raw text."""
    return re.sub(r"\s+", "", norm(text))


def locate(text: str, span: str) -> tuple[int, int] | None:
    """Where a labelled substring is, tolerant of spaces and full-width/ASCII variants."""
    chars = [re.escape(c) for c in norm(span) if not c.isspace()]
    m = re.search(r"\s*".join(chars), norm(text))
    return (m.start(), m.end()) if m else None


def _same_value(a: float, b: str) -> bool:
    try:
        expected = float(b)
    except ValueError:
        return False
    return abs(a - expected) <= 1e-6 * max(1.0, abs(expected))


def _match(g: pd.Series, scope: pd.DataFrame, taken: set[int]) -> int | None:
    want = _squeeze(str(g.raw_contains))
    for idx, rec in scope.iterrows():
        if idx not in taken and want in _squeeze(rec.raw) and _same_value(rec.value, g.value):
            return int(idx)
    return None


def _value_read(g: pd.Series, scope: pd.DataFrame) -> bool | None:
    """Whether a record whose raw text holds the labelled one has the labelled value.

    None when no record holds the labelled text at all (a miss, counted by recall).
    """
    want = _squeeze(str(g.raw_contains))
    values = [rec.value for _, rec in scope.iterrows() if want in _squeeze(rec.raw)]
    if not values:
        return None
    return any(_same_value(v, g.value) for v in values)


def _count_miss(g: pd.Series, report: Report) -> None:
    report.quantities.fn += 1
    report.kind_micro.fn += 1
    report.kinds[g.kind].fn += 1
    report.targets.fn += g.kind == "target"


def _count_spurious(rec: pd.Series, report: Report, file: str) -> None:
    report.quantities.fp += 1
    report.kind_micro.fp += 1
    report.kinds[rec.kind].fp += 1
    report.targets.fp += rec.kind == "target"
    report.error("spurious", file, rec.raw, rec.kind, "", str(rec.sentence)[:40])


def _count_match(g: pd.Series, rec: pd.Series, report: Report, file: str) -> None:
    report.quantities.tp += 1
    if rec.kind == g.kind:
        report.kind_micro.tp += 1
        report.kinds[g.kind].tp += 1
        report.targets.tp += g.kind == "target"
    else:
        report.kind_micro.fp += 1
        report.kind_micro.fn += 1
        report.kinds[rec.kind].fp += 1
        report.kinds[g.kind].fn += 1
        report.targets.fp += rec.kind == "target"
        report.targets.fn += g.kind == "target"
        report.error("kind", file, rec.raw, rec.kind, g.kind, f"cue {rec.cue}")
    _check_fields(g, rec, report, file)


def _field_checks(g: pd.Series, rec: pd.Series) -> dict[str, bool]:
    checks = {
        "unit": rec.unit == g.unit,
        "comparator": rec.comparator == g.comparator,
        "metric": norm(str(g.metric_contains)) in norm(str(rec.metric)),
    }
    if g.kind == "target":
        want = int(g.deadline) if str(g.deadline).strip() else None
        got = None if pd.isna(rec.deadline) else int(rec.deadline)
        checks["deadline"] = want == got
    if "canonical_metric" in g.index:
        got = rec.get("canonical_metric", "")
        checks["canonical_metric"] = (got if isinstance(got, str) else "") == g.canonical_metric
    high = str(g.get("value_high", "") or "").strip()
    if high:
        checks["value_high"] = not pd.isna(rec.value_high) and _same_value(rec.value_high, high)
    return checks


def _check_fields(g: pd.Series, rec: pd.Series, report: Report, file: str) -> None:
    for name, ok in _field_checks(g, rec).items():
        report.fields.setdefault(name, []).append(ok)
        if not ok:
            wanted = g.metric_contains if name == "metric" else g.get(name)
            if name == "canonical_metric":
                report.canonical.append((str(g.canonical_metric), str(rec.get(name) or "")))
            report.error(name, file, rec.raw, rec.kind, str(wanted), repr(rec.get(name)))


def _score_span(
    file: str, span: str, group: pd.DataFrame, found: pd.DataFrame, text: str, report: Report
) -> tuple[set[int], set[int]]:
    """Score one labelled span; returns the extracted rows in scope and those matched."""
    where = locate(text, span)
    if where is None:
        report.error("span not found", file, "", "", "", span)
        for _, g in group.iterrows():
            _count_miss(g, report)
        return set(), set()
    scope = found[(found.start >= where[0]) & (found.end <= where[1])]
    matched: set[int] = set()
    for _, g in group.iterrows():
        read = _value_read(g, scope)
        if read is not None:
            report.fields.setdefault("value", []).append(read)
        hit = _match(g, scope, matched)
        if hit is None:
            _count_miss(g, report)
            report.error("missed", file, str(g.raw_contains), "", g.kind, span)
            continue
        matched.add(hit)
        _count_match(g, found.loc[hit], report, file)
    return set(scope.index), matched


def _score_document(
    file: str, rows: pd.DataFrame, report: Report, extract: Extractor, document: DocumentLoader
) -> None:
    doc = document(file)
    if doc is None:
        return
    text, year = doc
    found = extract(text, doc_year=year)
    in_scope: set[int] = set()
    matched: set[int] = set()
    for span, group in rows.groupby("sentence_contains", sort=False):
        scope, hits = _score_span(file, str(span), group, found, text, report)
        in_scope |= scope
        matched |= hits
    for idx in sorted(in_scope - matched):
        _count_spurious(found.loc[idx], report, file)


def evaluate(
    gold: pd.DataFrame, document: DocumentLoader, extract: Extractor = extract_quantities
) -> Report:
    """Score an extractor on a labelled set; documents that are absent are skipped."""
    report = Report()
    for file, rows in gold.groupby("file", sort=False):
        _score_document(str(file), rows, report, extract, document)
    return report


def summary(report: Report) -> pd.DataFrame:
    """Precision/recall per scored group: quantities, targets, all kinds, each kind."""
    groups = {
        "quantities": report.quantities,
        "targets": report.targets,
        "kinds(all)": report.kind_micro,
    }
    groups |= {f"  {kind}": score for kind, score in report.kinds.items()}
    return pd.DataFrame(
        [
            {"group": name, "P": s.precision, "R": s.recall, "tp": s.tp, "fp": s.fp, "fn": s.fn}
            for name, s in groups.items()
        ]
    )


def canonical_scores(report: Report, gold: pd.DataFrame) -> dict[str, float]:
    """Precision and recall of canonical-metric mapping on matched rows with a gold label.

    Uses the per-row agreement (`fields["canonical_metric"]`) and the disagreements kept in
    `report.canonical`; rows labelled "" count as negatives."""
    oks = report.fields.get("canonical_metric", [])
    if not oks or "canonical_metric" not in gold:
        return {}
    misses = report.canonical
    labelled = int((gold.canonical_metric != "").sum())
    wrong_found = sum(1 for _, found in misses if found)
    missed_gold = sum(1 for g, _ in misses if g)
    right_found = labelled - missed_gold
    return {
        "accuracy": sum(oks) / len(oks),
        "precision": right_found / max(right_found + wrong_found, 1),
        "recall": right_found / max(labelled, 1),
    }


def field_accuracy(report: Report) -> dict[str, float]:
    """Share of matched quantities whose unit/comparator/metric/deadline agree with gold."""
    return {name: sum(oks) / len(oks) for name, oks in report.fields.items() if oks}
