"""Accuracy of metadata detection on the shared corpus, set by set.

Sets: the 62 provincial work reports (2025, 2026), the 52 national work reports, the 15
CPC congress reports and a fixed sample of 220 local regulations (every regulation whose
position in the sorted MANIFEST is a multiple of 8, dated ones only, so the gold year exists).
File names are hidden (``filename=None``; ``--with-filenames`` shows them, as ingest
does) and for the 2026 CSVs only ``full_text`` is read,
never the province/title columns, so the score measures what the text alone supports.
Gold labels are the MANIFEST's region and year: a national document's province is
``全国``; a regulation's province is the province its MANIFEST region starts with, and its
year the date in its file name (the last amendment).
Run: ``.venv/bin/python bench/metadata_accuracy.py [--set NAME ...]``.
"""

from __future__ import annotations

import argparse
import os
import re
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
NATIONAL_FOLDER: Final = "national_work_reports_1954_2025__aldohemsn"
CONGRESS_FOLDER: Final = "cpc_congress_reports__aldohemsn"
REGULATION_FOLDER: Final = "local_regulations_7prov__lawrefbook"
REGULATION_STEP: Final = 8
NATIONAL: Final = "全国"
PROVINCE_RE: Final = re.compile(r"^(.+?(?:省|自治区|市))")
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


def _folder_texts(corpus_dir: Path, folder: str) -> Iterator[tuple[str, str]]:
    for path in sorted((corpus_dir / folder).iterdir()):
        yield f"{folder}/{path.name}", path.read_text(encoding="utf-8")


def regulation_texts(corpus_dir: Path = CORPUS_DIR) -> Iterator[tuple[str, str]]:
    """A fixed sample of dated regulations (every REGULATION_STEP-th of the MANIFEST)."""
    manifest = pd.read_csv(corpus_dir / "MANIFEST.csv", dtype={"year": "Int64"})
    rows = manifest[manifest.file.str.startswith(REGULATION_FOLDER)].sort_values("file")
    rows = rows.iloc[::REGULATION_STEP]
    for key in rows[rows.year.notna()].file:
        yield key, (corpus_dir / key).read_text(encoding="utf-8")


SETS: Final[dict[str, Callable[[Path], Iterator[tuple[str, str]]]]] = {
    "provincial": work_report_texts,
    "national": lambda d: _folder_texts(d, NATIONAL_FOLDER),
    "congress": lambda d: _folder_texts(d, CONGRESS_FOLDER),
    "regulations": regulation_texts,
}
DOC_TYPES: Final = {"provincial": "work_report", "national": "work_report"}


def _gold_province(region: str) -> str:
    if region == NATIONAL:
        return NATIONAL
    found = PROVINCE_RE.match(region)
    return found.group(1) if found else region


def evaluate(
    corpus_dir: Path = CORPUS_DIR,
    *,
    cleaned: bool = True,
    name: str = "provincial",
    filenames: bool = False,
) -> list[Outcome]:
    """Detect every document of a set blind and pair it with the MANIFEST's gold labels.

    doc_type is scored only where the MANIFEST's type is one the detector names
    (work reports); elsewhere the gold doc_type is whatever was found, i.e. not scored.
    With `filenames`, the detector also sees each file's name, as `ingest` does.
    """
    manifest = pd.read_csv(corpus_dir / "MANIFEST.csv", dtype={"year": "Int64"}).set_index("file")
    clean = _cleaner()[1] if cleaned else (lambda text: text)
    outcomes = []
    for key, text in SETS[name](corpus_dir):
        filename = Path(key).name if filenames else None
        detected = detect_metadata(clean(text), filename=filename)
        found = {f: detected[f].value for f in FIELDS}
        found["province"] = found["province"] or (
            NATIONAL if detected["city"].value is None and _is_national(detected) else None
        )
        gold = {
            "province": _gold_province(str(manifest.at[key, "region"])),
            "year": int(manifest.at[key, "year"]) if pd.notna(manifest.at[key, "year"]) else None,
            "doc_type": DOC_TYPES.get(name, found["doc_type"]),
        }
        outcomes.append(Outcome(key, gold, found))
    return outcomes


def _is_national(detected: dict) -> bool:
    """A document the detector marked national (its `level` field, when it has one)."""
    level = detected.get("level")
    return level is not None and level.value == "national"


def accuracy(outcomes: list[Outcome]) -> dict[str, float]:
    """Share of documents whose detected value equals the gold one, per field."""
    return {f: sum(o.hit(f) for o in outcomes) / len(outcomes) for f in FIELDS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", choices=list(SETS), help="default: all")
    parser.add_argument("--misses", type=int, default=40, help="print at most N misses per set")
    parser.add_argument(
        "--with-filenames",
        action="store_true",
        help="let the detector see file names, as ingest does (default: text only)",
    )
    args = parser.parse_args(argv)
    if not (CORPUS_DIR / "MANIFEST.csv").exists():
        print(f"corpus not found at {CORPUS_DIR}; set POLICYLENS_CORPUS to its folder")
        return 0
    for name in args.set or list(SETS):
        started = time.perf_counter()
        outcomes = evaluate(name=name, filenames=args.with_filenames)
        seconds = time.perf_counter() - started
        seen = "with file names" if args.with_filenames else "file names hidden"
        print(f"== {name}: {len(outcomes)} documents, {_cleaner()[0]}, {seen}, {seconds:.1f} s")
        for field, share in accuracy(outcomes).items():
            hits = sum(o.hit(field) for o in outcomes)
            print(f"  {field:<9} {share:6.1%} ({hits}/{len(outcomes)})")
        misses = [(o, f) for o in outcomes for f in FIELDS if not o.hit(f)]
        for outcome, field in misses[: args.misses]:
            found, gold = outcome.found[field], outcome.gold[field]
            print(f"  miss {field}: {outcome.file}: {found!r} != {gold!r}")
        if not misses:
            print("  no misses")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
