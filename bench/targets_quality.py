"""Precision and recall of the target extractor against the labelled sets.

Run: `.venv/bin/python bench/targets_quality.py [--gold PATH ...] [--errors N]`.
Without `--gold` it scores the three sets and reports each separately:

* `tests/data/targets_gold.csv` was used to tune the rules, so its numbers flatter;
* `tests/data/targets_heldout.csv` was labelled blind, measured, then used for fixes;
* `tests/data/targets_blind2.csv` was labelled blind and measured with the extractor
  untouched, then used for fixes too. The honest (unseen) figures of each are recorded in
  bench/README.md, "Targets quality"; what this script prints now is after the fixes.

Scoring (see analysis/target_eval.py): only quantities inside labelled spans are scored; a
gold row is matched by an extracted record whose raw text contains `raw_contains` and whose
value equals `value`; a match with the same kind is correct.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.target_eval import Report, canonical_scores, field_accuracy, summary  # noqa: E402
from tests.labelled_sets import (  # noqa: E402
    BLIND2_PATH,
    BLIND3_PATH,
    GOLD_PATH,
    HELDOUT_PATH,
    evaluate,
    load_gold,
)


def render(name: str, report: Report, max_errors: int, gold: pd.DataFrame) -> str:
    """The printed block for one labelled set."""
    lines = [f"== {name}"]
    for row in summary(report).itertuples():
        lines.append(
            f"{row.group:14} P={row.P:.3f} R={row.R:.3f} (tp={row.tp} fp={row.fp} fn={row.fn})"
        )
    for field_name, acc in field_accuracy(report).items():
        lines.append(f"field {field_name:10} accuracy={acc:.3f}")
    for name, value in canonical_scores(report, gold).items():
        lines.append(f"canonical metric {name} = {value:.3f}")
    errors = report.errors
    lines.append(f"{len(errors)} errors" + (":" if max_errors and len(errors) else ""))
    for e in errors.head(max_errors).itertuples():
        lines.append(f"  [{e.error}] {e.file}: {e.raw} ({e.kind}) gold={e.gold} | {e.detail}")
    return "\n".join(lines)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--gold",
        type=Path,
        action="append",
        help="labelled CSV to score (repeatable); default: the tuning and the held-out set",
    )
    parser.add_argument("--errors", type=int, default=1000, help="print at most N errors per set")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _parse(argv)
    for path in args.gold or [GOLD_PATH, HELDOUT_PATH, BLIND2_PATH, BLIND3_PATH]:
        gold = load_gold(path)
        print(render(path.name, evaluate(gold), args.errors, gold), end="\n\n")


if __name__ == "__main__":
    main()
