"""Server-side time of the 区域比较 page on a whole-corpus store, against the Overview page
in the same run (the baseline), measured through AppTest from the real entry point.

Run: `POLICYLENS_STORE=/path/to/full.duckdb python bench/regions_page_speed.py`
(build the store first with `python -m analysis ingest ../shared/corpus/ --store …`).
Cold = first run in a fresh process (codebooks applied to every document once per store
version); warm = a rerun with the caches filled, as a user clicking around meets it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402


def timed(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"page raised: {at.exception[0].value}")
    return elapsed


def main() -> None:
    if not os.environ.get("POLICYLENS_STORE"):
        raise SystemExit("set POLICYLENS_STORE to a whole-corpus store")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=900)
    rows = [("overview (baseline), cold", timed(at))]
    rows.append(("overview (baseline), warm", timed(at)))
    at.switch_page("pages/regions.py")
    rows.append(("regions, province level, cold", timed(at)))
    rows.append(("regions, province level, warm", timed(at)))
    chosen = at.multiselect(key="cmp").value
    at.multiselect(key="cmp").set_value(chosen[:2])
    rows.append(("regions, two provinces", timed(at)))
    at.radio(key="cmp_lv").set_value("city")
    rows.append(("regions, switch to city level", timed(at)))
    at.radio(key="cmp_by").set_value("year")
    rows.append(("regions, by year", timed(at)))
    print(f"store: {os.environ['POLICYLENS_STORE']}; groups first shown: {', '.join(chosen)}")
    for name, seconds in rows:
        print(f"{name:34s} {seconds:7.2f} s")


if __name__ == "__main__":
    main()
