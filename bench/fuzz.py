"""Fuzz run: cleaning, metadata detection, segmentation and extraction on generated text.

Uses the strategies of tests/test_robustness.py (arbitrary text salted with the pieces the
rules look for, and runs of thousands of numeral characters) for many more cases than the
test suite runs, and prints how many cases ran, how many raised or broke an invariant, and
how long it took. The baseline is the same run on the main checkout (pass --root).

    .venv/bin/python bench/fuzz.py --cases 100000
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from analysis.segmentation import Segmenter, token_counts  # noqa: E402
from tests.test_robustness import _run_everything, numeral_run, salted_text  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    args = parser.parse_args()
    segmenter = Segmenter()
    ran, failures = 0, []

    @settings(
        max_examples=args.cases,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.one_of(salted_text, numeral_run))
    def case(text: str) -> None:
        nonlocal ran
        ran += 1
        try:
            _run_everything(text)
            token_counts("fuzz", text, segmenter)
        except Exception:  # a bench counts failures instead of stopping at the first
            failures.append((text[:80], traceback.format_exc(limit=-2)))

    started = time.perf_counter()
    case()
    elapsed = time.perf_counter() - started
    print(f"cases: {ran:,}  failures: {len(failures)}  time: {elapsed:,.0f} s")
    for text, trace in failures[:10]:
        print(repr(text), trace, sep="\n")


if __name__ == "__main__":
    main()
