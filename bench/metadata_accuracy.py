"""Accuracy of metadata detection on the 62 provincial work reports of the shared corpus.

File names are hidden (``filename=None``) and for the 2026 CSVs only ``full_text`` is read,
never the province/title columns, so the score measures what the text alone supports.
Gold labels are the MANIFEST's region and year.
Run: ``.venv/bin/python bench/metadata_accuracy.py``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pandas as pd

ROOT: Final = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from analysis.metadata import detect_metadata  # noqa: E402

CORPUS_DIR: Final = Path(os.environ.get("POLICYLENS_CORPUS", ROOT.parent / "shared" / "corpus"))
REPORT_FOLDERS: Final = ("prov_work_reports_2025__alexzhu0", "prov_work_reports_2026__johncodes404")
META_CSVS: Final = ("run_manifest", "failures")  # collector bookkeeping, not documents
FIELDS: Final = ("province", "year", "doc_type")


@dataclass(frozen=True, slots=True)
class Outcome:
    file: str
    gold: dict[str, object]
    found: dict[str, object]

    def hit(self, field: str) -> bool:
        return self.found[field] == self.gold[field]


def _cleaner() -> tuple[str, Callable[[str], str]]:
    """analysis.cleaning.clean_text when it exists (built in parallel), else identity."""
    try:
        from analysis.cleaning import clean_text
    except ImportError:
        return "raw text (analysis.cleaning not available)", lambda text: text
    return "cleaned with analysis.cleaning.clean_text", lambda text: clean_text(text).text


def work_report_texts(corpus_dir: Path = CORPUS_DIR) -> Iterator[tuple[str, str]]:
    """(MANIFEST file key, text) for every provincial work report; no file names leak in."""
    for folder in REPORT_FOLDERS:
        for path in sorted((corpus_dir / folder).iterdir()):
            key = f"{folder}/{path.name}"
            if path.suffix == ".txt":
                yield key, path.read_text(encoding="utf-8")
            elif path.suffix == ".csv" and not path.stem.startswith(META_CSVS):
                frame = pd.read_csv(path, encoding="utf-8-sig", usecols=["full_text"])
                yield key, str(frame["full_text"].iloc[0])


def evaluate(corpus_dir: Path = CORPUS_DIR, *, cleaned: bool = True) -> list[Outcome]:
    """Detect every work report blind and pair it with the MANIFEST's gold labels."""
    manifest = pd.read_csv(corpus_dir / "MANIFEST.csv", dtype={"year": "Int64"}).set_index("file")
    clean = _cleaner()[1] if cleaned else (lambda text: text)
    outcomes = []
    for key, text in work_report_texts(corpus_dir):
        detected = detect_metadata(clean(text), filename=None)
        gold = {
            "province": manifest.at[key, "region"],
            "year": int(manifest.at[key, "year"]),
            "doc_type": "work_report",
        }
        outcomes.append(Outcome(key, gold, {f: detected[f].value for f in FIELDS}))
    return outcomes


def accuracy(outcomes: list[Outcome]) -> dict[str, float]:
    """Share of documents whose detected value equals the gold one, per field."""
    return {f: sum(o.hit(f) for o in outcomes) / len(outcomes) for f in FIELDS}


def main() -> int:
    if not (CORPUS_DIR / "MANIFEST.csv").exists():
        print(f"corpus not found at {CORPUS_DIR}; set POLICYLENS_CORPUS to its folder")
        return 0
    started = time.perf_counter()
    outcomes = evaluate()
    seconds = time.perf_counter() - started
    print(f"{len(outcomes)} work reports, {_cleaner()[0]}, {seconds:.1f} s (incl. loading)")
    for field, share in accuracy(outcomes).items():
        print(f"  {field:<9} {share:6.1%}")
    misses = [(o, f) for o in outcomes for f in FIELDS if not o.hit(f)]
    for outcome, field in misses:
        print(
            f"  miss {field}: {outcome.file}: {outcome.found[field]!r} != {outcome.gold[field]!r}"
        )
    if not misses:
        print("  no misses")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
