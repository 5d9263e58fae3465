"""How many quantities of the shared corpus map to a canonical metric, by kind and metric.

Run: ``.venv/bin/python bench/metric_coverage.py [--sample N] [--seed S]``. Every document
of the corpus (regulations included) is cleaned and read with its MANIFEST year, the way
`ingest` would, and the quantities are counted: all, targets, penalties, and the share of
targets with a `canonical_metric`. ``--sample N`` prints N random mapped and N unmapped
targets (metric, raw, canonical id, deciding words, sentence) for checking by hand.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Final

import pandas as pd

ROOT: Final = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis.cleaning import clean_text  # noqa: E402
from analysis.targets import extract_quantities  # noqa: E402

CORPUS_DIR: Final = Path(os.environ.get("POLICYLENS_CORPUS", ROOT.parent / "shared" / "corpus"))
SKIP: Final = ("derived/", "run_manifest", "failures_")


def _text(path: Path) -> str:
    if path.suffix == ".csv":
        return str(pd.read_csv(path, encoding="utf-8-sig", usecols=["full_text"]).iloc[0, 0])
    return path.read_text(encoding="utf-8")


def corpus_quantities(corpus_dir: Path = CORPUS_DIR) -> pd.DataFrame:
    """Quantities of every corpus document, with its file and MANIFEST year."""
    manifest = pd.read_csv(corpus_dir / "MANIFEST.csv", dtype={"year": "Int64"})
    frames = []
    for row in manifest.itertuples(index=False):
        if any(s in row.file for s in SKIP):
            continue
        year = None if pd.isna(row.year) else int(row.year)
        found = extract_quantities(clean_text(_text(corpus_dir / row.file)).text, doc_year=year)
        frames.append(found.assign(file=row.file, folder=row.file.split("/")[0]))
    return pd.concat(frames, ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=0)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args(argv)
    if not (CORPUS_DIR / "MANIFEST.csv").exists():
        print(f"corpus not found at {CORPUS_DIR}; set POLICYLENS_CORPUS to its folder")
        return 0
    started = time.perf_counter()
    q = corpus_quantities()
    seconds = time.perf_counter() - started
    print(f"{len(q)} quantities in {q.file.nunique()} documents, {seconds:.0f} s")
    print(q.kind.value_counts().to_string())
    targets = q[q.kind == "target"]
    mapped = targets[targets.canonical_metric != ""]
    print(
        f"targets mapped to a canonical metric: {len(mapped)}/{len(targets)} = "
        f"{len(mapped) / max(len(targets), 1):.1%}"
    )
    reports = targets[~targets.folder.str.startswith("local_regulations")]
    share = (reports.canonical_metric != "").mean() if len(reports) else 0.0
    print(f"  of which outside the regulations: {share:.1%} of {len(reports)}")
    print("targets per canonical metric:")
    print(mapped.canonical_metric.value_counts().to_string())
    fines = q[q.kind == "penalty"]
    print(f"penalties: {len(fines)} ({(fines.comparator == 'range').sum()} fine ranges)")
    if args.sample:
        cols = ["metric", "raw", "canonical_metric", "metric_words", "sentence"]
        for name, part in (
            ("mapped", mapped),
            ("unmapped", targets[targets.canonical_metric == ""]),
        ):
            print(f"--- {args.sample} {name} targets (seed {args.seed})")
            for r in part.sample(min(args.sample, len(part)), random_state=args.seed)[
                cols
            ].itertuples():
                print(
                    f"{r.canonical_metric or '-':24} {r.metric_words or '-':10} | {r.metric} | "
                    f"{r.raw} | {str(r.sentence)[:60]}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
