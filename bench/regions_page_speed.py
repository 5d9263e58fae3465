"""Server-side time of the 区域比较 page on a whole-corpus store, per section: cold (first
time a section is shown), warm (a rerun) and after a change of groups, measured through
AppTest from the real entry point; optionally against another checkout (the baseline,
e.g. main) in the same run, each in its own process.

Run:
    POLICYLENS_STORE=/path/to/full.duckdb python bench/regions_page_speed.py \\
        [--before /path/to/main-checkout --before-store /path/to/copy.duckdb] [--json]

(build the store with `python -m analysis ingest --store … ../shared/corpus/`). Give the
baseline its own copy of the store: a checkout with other stage versions reprocesses the
store it opens. A checkout whose page has no section tabs computes every section on each
run, so its "open" rows are empty and its other rows are whole-page times.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("主题", "政策工具", "目标对比", "目标实现", "特色词汇", "相似度", "地图")
SKIP = {"全国", "（未知）"}


def _timed(at) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"page raised: {at.exception[0].value}")
    return elapsed


def measure(code: Path) -> dict:
    """Every action on the page of the checkout at `code`: (section, action) -> seconds."""
    sys.path.insert(0, str(code))
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(code / "dashboard.py"), default_timeout=1800)
    rows: list[tuple[str, str, float]] = [("overview (baseline)", "cold", _timed(at))]
    rows.append(("overview (baseline)", "warm", _timed(at)))
    at.switch_page("pages/regions.py")
    rows.append(("page (first tab)", "cold", _timed(at)))
    rows.append(("page (first tab)", "warm", _timed(at)))
    has_tabs = "cmp_tab" in at.session_state
    default = list(at.multiselect(key="cmp").value)
    spare = [g for g in at.multiselect(key="cmp").options if g not in SKIP and g not in default]
    pairs = iter(zip(spare[0::2], spare[1::2], strict=False))
    for section in SECTIONS:
        if has_tabs:
            at.session_state["cmp_tab"] = section
            rows.append((section, "open", _timed(at)))
        rows.append((section, "warm", _timed(at)))
        at.multiselect(key="cmp").set_value(list(next(pairs)))
        rows.append((section, "after change of groups", _timed(at)))
    if has_tabs:
        at.session_state["cmp_tab"] = SECTIONS[0]
    at.multiselect(key="cmp").set_value(default)
    rows.append(("page (first tab)", "back to the first groups", _timed(at)))
    at.radio(key="cmp_lv").set_value("city")
    rows.append(("page (first tab)", "switch to city level", _timed(at)))
    cities = [g for g in at.multiselect(key="cmp").options if " " in g][:4]
    at.multiselect(key="cmp").set_value(cities)
    rows.append(("page (first tab)", "four cities", _timed(at)))
    at.radio(key="cmp_by").set_value("year")
    rows.append(("page (first tab)", "by year (four largest years)", _timed(at)))
    for key, value in (("cmp_thg", at.multiselect(key="cmp").value[0]), ("cmp_th", "nev")):
        at.session_state[key] = value  # what a click on a heatmap cell sets
    rows.append(("主题", "a cell's sentences (click)", _timed(at)))
    return {"groups": default, "rows": [list(r) for r in rows]}


def _child(code: Path, store: str) -> dict:
    env = {**os.environ, "POLICYLENS_STORE": store}
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(code)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{code}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, help="a baseline checkout (e.g. of main)")
    parser.add_argument("--before-store", help="the baseline's own copy of the store")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child), ensure_ascii=False))
        return
    store = os.environ.get("POLICYLENS_STORE")
    if not store:
        raise SystemExit("set POLICYLENS_STORE to a whole-corpus store")
    runs = {}
    if args.before:
        runs["before"] = _child(args.before.resolve(), args.before_store or store)
    runs["after"] = _child(ROOT, store)
    if args.json:
        print(json.dumps(runs, ensure_ascii=False, indent=1))
        return
    print(f"store: {store}; groups first shown: {', '.join(runs['after']['groups'])}")
    times = {name: {(s, a): t for s, a, t in run["rows"]} for name, run in runs.items()}
    print(f"| section | action | {' | '.join(runs)} |")
    print("|---|---|" + "---|" * len(runs))
    for section, action, _ in runs["after"]["rows"]:
        cells = [
            f"{times[name][(section, action)] * 1000:,.0f} ms"
            if (section, action) in times[name]
            else "–"
            for name in runs
        ]
        print(f"| {section} | {action} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
