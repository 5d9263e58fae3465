"""National documents of the shared corpus: region 全国 and the year of the session.

Floors measured on 2026-12-01 (bench/metadata_accuracy.py): national reports 52/52 全国 and
51/52 years; congress reports 13/15 全国 (the two 1921 reports of local groups name their
city) and 12/15 years. Skips when the corpus is absent.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.cleaning import clean_text
from analysis.metadata import detect_metadata

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
NATIONAL = "national_work_reports_1954_2025__aldohemsn"


def _national_reports() -> list[tuple[int, str]]:
    folder = CORPUS / NATIONAL
    if not folder.exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    manifest = pd.read_csv(CORPUS / "MANIFEST.csv", dtype={"year": "Int64"}).set_index("file")
    return [
        (int(manifest.at[f"{NATIONAL}/{p.name}", "year"]), p.read_text(encoding="utf-8"))
        for p in sorted(folder.iterdir())
    ]


def test_national_reports_are_national_and_dated_by_their_session() -> None:
    reports = _national_reports()
    found = [(year, detect_metadata(clean_text(text).text)) for year, text in reports]
    provinces = {d["province"].value for _, d in found}
    assert provinces == {"全国"}, provinces
    right = sum(d["year"].value == year for year, d in found)
    assert right / len(found) >= 0.98, [
        (y, d["year"].value) for y, d in found if d["year"].value != y
    ]
