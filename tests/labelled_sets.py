"""The hand-labelled target sets in tests/data and the texts they name.

Scoring is `analysis.target_eval`; this module only finds the files (the seeds in this
checkout, the shared corpus beside it) so the runtime package never reads tests/data or
../shared. The tests and bench/targets_quality.py import the names below.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path
from typing import Final

import pandas as pd

from analysis import target_eval
from analysis.cleaning import clean_text
from analysis.target_eval import Report, locate  # noqa: F401 (re-exported for the tests)
from analysis.targets import extract_quantities

ROOT: Final = Path(__file__).resolve().parents[1]
GOLD_PATH: Final = ROOT / "tests" / "data" / "targets_gold.csv"
HELDOUT_PATH: Final = ROOT / "tests" / "data" / "targets_heldout.csv"
BLIND2_PATH: Final = ROOT / "tests" / "data" / "targets_blind2.csv"
BLIND3_PATH: Final = ROOT / "tests" / "data" / "targets_blind3.csv"
LABELLED_SETS: Final = (GOLD_PATH, HELDOUT_PATH, BLIND2_PATH, BLIND3_PATH)
SEEDS_DIR: Final = ROOT / "seeds"
CORPUS_DIR: Final = ROOT.parent / "shared" / "corpus"
SEED_YEARS: Final[dict[str, int]] = {"000": 2018, "001": 2025, "002": 2023, "003": 2023}


def load_gold(path: Path = GOLD_PATH) -> pd.DataFrame:
    """A labelled set as a frame (all columns as strings)."""
    with path.open(encoding="utf-8") as fh:
        return pd.DataFrame(list(csv.DictReader(fh)))


def _read_raw(path: Path) -> str:
    if path.suffix == ".csv":
        return str(pd.read_csv(path, encoding="utf-8-sig")["full_text"].iloc[0])
    return path.read_text(encoding="utf-8")


def _path_and_year(file: str) -> tuple[Path, int | None]:
    if re.match(r"\d{3}_", file):
        return SEEDS_DIR / file, SEED_YEARS.get(file[:3])
    path = CORPUS_DIR / file
    found = re.search(r"((?:19|20)\d{2})", path.name)
    return path, int(found.group(1)) if found else None


@lru_cache(maxsize=256)
def document(file: str) -> tuple[str, int | None] | None:
    """Cleaned text and year of a labelled document, or None when it is absent."""
    path, year = _path_and_year(file)
    if not path.exists():
        return None
    return clean_text(_read_raw(path)).text, year


def evaluate(gold: pd.DataFrame | None = None, extract=extract_quantities) -> Report:
    """Score an extractor on a labelled set (the tuning set by default)."""
    return target_eval.evaluate(load_gold() if gold is None else gold, document, extract)
