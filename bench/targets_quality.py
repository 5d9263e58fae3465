"""Precision and recall of the target extractor against the labelled set.

Run: `.venv/bin/python bench/targets_quality.py`. Prints precision/recall of quantities,
of targets and of each kind, field accuracy, and every error.

How the labelled set is scored: each gold row names a text span (`sentence_contains`, a
distinctive substring of one sentence) and a quantity in it. Only quantities the extractor
finds *inside labelled spans* are scored, so a span must list all its quantities. A gold
row is matched by an extracted record in its span whose raw text contains `raw_contains`
and whose value equals `value`; a match with the same kind is correct.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.numbers import to_halfwidth  # noqa: E402
from analysis.targets import KINDS, extract_quantities  # noqa: E402

GOLD_PATH = ROOT / "tests" / "data" / "targets_gold.csv"
SEEDS_DIR = ROOT / "seeds"
CORPUS_DIR = ROOT.parent / "shared" / "corpus"
SEED_YEARS = {"000": 2018, "001": 2025, "002": 2023, "003": 2023}
_PUNCT = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"})


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
    """Everything the bench prints and the regression test asserts."""

    quantities: Score = field(default_factory=Score)
    targets: Score = field(default_factory=Score)
    kinds: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in KINDS})
    kind_micro: Score = field(default_factory=Score)
    fields: dict[str, list[bool]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    return to_halfwidth(text).translate(_PUNCT)


def load_gold(path: Path = GOLD_PATH) -> pd.DataFrame:
    """The labelled set as a frame (all columns as strings)."""
    with path.open(encoding="utf-8") as fh:
        return pd.DataFrame(list(csv.DictReader(fh)))


def _clean(raw: str) -> str:
    """Clean the text like the app does, when the cleaner exists; raw text otherwise."""
    try:
        from analysis.cleaning import clean_text  # type: ignore[import-not-found]
    except ImportError:
        return raw
    result = clean_text(raw)
    if isinstance(result, str):
        return result
    if isinstance(result, tuple):
        return str(result[0])
    return str(getattr(result, "text", raw))


def document(file: str) -> tuple[str, int | None] | None:
    """Text and year of a labelled document, or None when the corpus is absent."""
    if re.match(r"\d{3}_", file):
        path = SEEDS_DIR / file
        year = SEED_YEARS.get(file[:3])
    else:
        path = CORPUS_DIR / file
        found = re.search(r"(20\d{2})", path.name)
        year = int(found.group(1)) if found else None
    if not path.exists():
        return None
    if path.suffix == ".csv":
        raw = str(pd.read_csv(path, encoding="utf-8-sig")["full_text"].iloc[0])
    else:
        raw = path.read_text(encoding="utf-8")
    return _clean(raw), year


def locate(text: str, span: str) -> tuple[int, int] | None:
    """Where a labelled substring is, tolerant of spaces and full-width/ASCII variants."""
    chars = [re.escape(c) for c in _norm(span) if not c.isspace()]
    m = re.search(r"\s*".join(chars), _norm(text))
    return (m.start(), m.end()) if m else None


def _same_value(a: float, b: str) -> bool:
    try:
        expected = float(b)
    except ValueError:
        return False
    return abs(a - expected) <= 1e-6 * max(1.0, abs(expected))


def _documents(gold: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame]]:
    yield from gold.groupby("file", sort=False)


def _score_document(file: str, rows: pd.DataFrame, report: Report) -> None:
    doc = document(file)
    if doc is None:
        return
    text, year = doc
    found = extract_quantities(text, doc_year=year)
    in_scope: set[int] = set()
    matched: set[int] = set()
    for span, group in rows.groupby("sentence_contains", sort=False):
        where = locate(text, str(span))
        if where is None:
            report.errors.append(f"[span not found] {file}: {span}")
            for _, g in group.iterrows():
                _count_miss(g, report)
            continue
        scope = found[(found.start >= where[0]) & (found.end <= where[1])]
        in_scope.update(scope.index)
        for _, g in group.iterrows():
            hit = _match(g, scope, matched)
            if hit is None:
                _count_miss(g, report)
                report.errors.append(f"[missed] {file}: {g.raw_contains} ({g.kind}) in {span}")
                continue
            matched.add(hit)
            _count_match(g, found.loc[hit], report, file)
    for idx in sorted(in_scope - matched):
        rec = found.loc[idx]
        report.quantities.fp += 1
        report.kind_micro.fp += 1
        report.kinds[rec.kind].fp += 1
        report.targets.fp += rec.kind == "target"
        report.errors.append(f"[spurious] {file}: {rec.raw} ({rec.kind}) in {rec.sentence[:40]}")


def _match(g: pd.Series, scope: pd.DataFrame, taken: set[int]) -> int | None:
    want = _norm(str(g.raw_contains))
    for idx, rec in scope.iterrows():
        if idx not in taken and want in _norm(rec.raw) and _same_value(rec.value, g.value):
            return int(idx)
    return None


def _count_miss(g: pd.Series, report: Report) -> None:
    report.quantities.fn += 1
    report.kind_micro.fn += 1
    report.kinds[g.kind].fn += 1
    report.targets.fn += g.kind == "target"


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
        report.errors.append(
            f"[kind] {file}: {rec.raw} is {rec.kind} (cue {rec.cue}), gold {g.kind}"
        )
    _check_fields(g, rec, report, file)


def _check_fields(g: pd.Series, rec: pd.Series, report: Report, file: str) -> None:
    checks = {
        "unit": rec.unit == g.unit,
        "comparator": rec.comparator == g.comparator,
        "metric": _norm(str(g.metric_contains)) in _norm(str(rec.metric)),
    }
    if g.kind == "target":
        want = int(g.deadline) if str(g.deadline).strip() else None
        got = None if pd.isna(rec.deadline) else int(rec.deadline)
        checks["deadline"] = want == got
    for name, ok in checks.items():
        report.fields.setdefault(name, []).append(ok)
        if not ok:
            wanted = g.metric_contains if name == "metric" else g.get(name)
            report.errors.append(
                f"[{name}] {file}: {rec.raw} has {rec.get(name)!r}, gold {wanted!r}"
            )


def evaluate(gold: pd.DataFrame | None = None) -> Report:
    """Score the extractor on the labelled set (corpus rows skipped when it is absent)."""
    gold = load_gold() if gold is None else gold
    report = Report()
    for file, rows in _documents(gold):
        _score_document(str(file), rows, report)
    return report


def main() -> None:
    report = evaluate()
    print(f"quantities  P={report.quantities.precision:.3f} R={report.quantities.recall:.3f}")
    print(f"targets     P={report.targets.precision:.3f} R={report.targets.recall:.3f}")
    print(f"kinds(all)  P={report.kind_micro.precision:.3f} R={report.kind_micro.recall:.3f}")
    for kind, s in report.kinds.items():
        print(f"  {kind:12} P={s.precision:.3f} R={s.recall:.3f} (tp={s.tp} fp={s.fp} fn={s.fn})")
    for name, oks in report.fields.items():
        print(f"field {name:10} accuracy={sum(oks) / len(oks):.3f} (n={len(oks)})")
    print(f"\n{len(report.errors)} errors:")
    for line in report.errors:
        print("  " + line)


if __name__ == "__main__":
    main()
