"""Third blind set for the target extractor (tests/data/targets_blind3.csv).

Labelled on 2026-12-01 by reading, before the extractor was changed, on material it was
never tuned on: whole paragraphs (every quantity in them) of national work reports
1955–2016, CPC congress reports 1992–2002, 2025/2026 provincial paragraphs other than the
growth targets, and regulations with fines and time limits. See bench/README.md,
"Third blind set: historical reports, congress reports, regulations".
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import target_eval as EVAL

from .labelled_sets import (
    BLIND2_PATH,
    BLIND3_PATH,
    CORPUS_DIR,
    GOLD_PATH,
    HELDOUT_PATH,
    evaluate,
    load_gold,
)

CORPUS = CORPUS_DIR

# Before any change (2026-12-01): quantities P 0.864 R 0.726, targets P 0.711 R 0.676,
# kinds P 0.581 R 0.489, deadline 0.338. After the work on issue 8 (same day), below; the
# floors are these values minus 0.03: a regression floor, not a quality goal.
MEASURED = {
    "targets_precision": 100 / 101,  # 0.990
    "targets_recall": 100 / 102,  # 0.980
    "kinds_precision": 302 / 305,  # 0.990
    "kinds_recall": 302 / 308,  # 0.981
    "quantities_recall": 305 / 308,  # 0.990
    "deadline": 0.99,
    "value": 1.0,
}
FLOOR = {name: value - 0.03 for name, value in MEASURED.items()}


def _blind3() -> pd.DataFrame:
    gold = load_gold(BLIND3_PATH)
    present = gold.file.map(lambda file: (CORPUS / file).exists())
    return gold[present]


def test_blind3_floors() -> None:
    gold = _blind3()
    if gold.empty:
        pytest.skip(f"shared corpus not found at {CORPUS}")
    report = evaluate(gold)
    errors = report.errors.to_string()
    fields = EVAL.field_accuracy(report)
    assert report.targets.precision >= FLOOR["targets_precision"], errors
    assert report.targets.recall >= FLOOR["targets_recall"], errors
    assert report.kind_micro.precision >= FLOOR["kinds_precision"], errors
    assert report.kind_micro.recall >= FLOOR["kinds_recall"], errors
    assert report.quantities.recall >= FLOOR["quantities_recall"], errors
    assert fields["deadline"] >= FLOOR["deadline"], errors
    assert fields["value"] >= FLOOR["value"], errors


def test_blind3_labels_are_well_formed() -> None:
    gold = load_gold(BLIND3_PATH)
    assert list(gold.columns) == [*load_gold().columns, "value_high", "canonical_metric"]
    assert set(gold.kind) <= {"target", "achievement", "instrument", "forecast", "penalty", "other"}
    assert gold.value.astype(float).notna().all()
    targets = gold[gold.kind == "target"]
    assert targets.deadline.str.fullmatch(r"(?:19|20)\d{2}").all()
    ranges = gold[gold.comparator == "range"]
    assert (ranges.value_high.astype(float) > ranges.value.astype(float)).all()


def test_blind3_shares_no_span_with_the_other_sets() -> None:
    gold = load_gold(BLIND3_PATH)
    mine = set(zip(gold.file, gold.sentence_contains, strict=True))
    for path in (GOLD_PATH, HELDOUT_PATH, BLIND2_PATH):
        other = load_gold(path)
        assert not mine & set(zip(other.file, other.sentence_contains, strict=True)), path
