"""Precision and recall per class of the policy-instrument coder on its labelled sentences.

The set (`tests/data/instruments_labelled.csv`) was labelled by reading each sentence:
supply / demand / environment / none (see the file's origin column and bench/README.md).
Run: `python bench/instruments_quality.py [--codebook other.toml]`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.instruments import code_sentence, load_instruments  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "instruments_labelled.csv"
CLASSES = ("supply", "demand", "environment", "none")


def scores(gold: pd.Series, predicted: pd.Series) -> pd.DataFrame:
    """class, gold, predicted, correct, precision, recall per class."""
    rows = []
    for name in CLASSES:
        tp = int(((gold == name) & (predicted == name)).sum())
        n_pred, n_gold = int((predicted == name).sum()), int((gold == name).sum())
        rows.append(
            {
                "class": name,
                "gold": n_gold,
                "predicted": n_pred,
                "correct": tp,
                "precision": tp / n_pred if n_pred else float("nan"),
                "recall": tp / n_gold if n_gold else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codebook", default=None)
    parser.add_argument("--errors", action="store_true", help="print the misclassified sentences")
    args = parser.parse_args()
    book = load_instruments(args.codebook)
    labelled = pd.read_csv(LABELLED)
    coded = [code_sentence(s, book) for s in labelled["sentence"]]
    predicted = pd.Series([c[0] for c in coded])
    table = scores(labelled["category"], predicted)
    accuracy = (predicted == labelled["category"]).mean()
    print(f"{len(labelled)} labelled sentences; accuracy {accuracy:.3f}")
    print(table.to_string(index=False, float_format="{:.3f}".format))
    if args.errors:
        for (gold, sentence), (got, inst, cues) in zip(
            labelled[["category", "sentence"]].itertuples(index=False), coded, strict=True
        ):
            if gold != got:
                print(f"gold={gold:12} got={got:12} {inst:28} [{cues}] {sentence[:70]}")


if __name__ == "__main__":
    main()
