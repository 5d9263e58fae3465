"""Reprocessing after a rules change against reprocessing everything, on copies of a store.

Usage:
    .venv/bin/python bench/reprocess_speed.py --store PATH [--workers N]

The store must be current (open it once with this code). Two copies are made; in one the
recorded quantities version is made stale, as a change to `target_rules.toml` (or to
targets.py/numbers.py) makes it; in the other the cleaning version, as a cleaning change
does, which redoes every stage from the raw text (the baseline, in the same run). Each copy
is brought up to date with `corpus.refresh`, timed.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def stale_copy(store: Path, folder: Path, stage: str) -> Path:
    """A copy of `store` whose documents record an old version of `stage`."""
    from analysis.store import Store
    from analysis.versions import stage_versions, version_string

    copy = folder / f"{stage}.duckdb"
    shutil.copy(store, copy)
    old = version_string({**stage_versions(), stage: "old000000000"})
    target = Store(copy)
    with target._transaction() as con:
        con.execute("UPDATE documents SET pipeline = ?", [old]).fetchall()
    return copy


def timed_refresh(path: Path, workers: int | None) -> tuple[float, int]:
    from analysis import corpus
    from analysis.store import Store

    store = Store(path)
    start = time.perf_counter()
    count = corpus.refresh(store, workers=workers)
    return time.perf_counter() - start, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    from analysis import corpus
    from analysis.parallel import available_cores
    from analysis.store import Store

    if not args.store.exists():
        parser.error(f"no store at {args.store}")
    stale = [v for v in Store(args.store).known_hashes().values() if v != corpus.pipeline_version()]
    if stale:
        parser.error(f"{len(stale)} documents are not current: open the store once first")
    with tempfile.TemporaryDirectory(prefix="policylens-reprocess-") as tmp:
        rules = stale_copy(args.store, Path(tmp), "qty")
        everything = stale_copy(args.store, Path(tmp), "clean")
        rules_s, n = timed_refresh(rules, args.workers)
        full_s, _ = timed_refresh(everything, args.workers)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = args.workers or available_cores()
    print(f"{n} documents, {workers} worker processes, peak RSS (main) {peak:,.0f} MB\n")
    print("| reprocessing after | time | share of full |")
    print("|---|---:|---:|")
    print(f"| a cleaning change: every stage from raw text (baseline) | {full_s:.1f} s | 100 % |")
    print(
        f"| a target-rules change: quantities only | {rules_s:.1f} s | "
        f"{100 * rules_s / full_s:.0f} % |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
