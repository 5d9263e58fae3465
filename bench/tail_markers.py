"""Page-tail search on texts with many `相关报道` markers: bisection against the old scan.

The baseline is the former rule (every marker compacts the text before it and rescans the
lines after it), kept here verbatim; both must find the same cut. Prints seconds per text.

    .venv/bin/python bench/tail_markers.py --markers 500 1000 2000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import cleaning  # noqa: E402


def linear_tail_edits(text: str) -> list:
    """The rule before bisection: one full check per marker (quadratic in markers)."""
    lines = cleaning._lines(text)
    for index, line in enumerate(lines):
        if not cleaning._TAIL_MARKER.match(line.text.strip()):
            continue
        if cleaning._starts_tail(text, lines, index):
            return [cleaning._drop_lines(text, line, lines[-1], "page_tail", "")]
    return []


def text_with(markers: int) -> str:
    body = "新能源汽车产业发展取得明显成效，" * 5
    return "".join(f"相关报道\n第{i}段正文，{body}{i}。\n" for i in range(markers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markers", type=int, nargs="+", default=[500, 1000, 2000])
    for markers in parser.parse_args().markers:
        text = text_with(markers)
        timings = {}
        for name, rule in (
            ("linear (before)", linear_tail_edits),
            ("bisect", cleaning._tail_edits),
        ):
            started = time.perf_counter()
            cut = rule(text)
            timings[name] = (time.perf_counter() - started, [e.start for e in cut])
        (old, old_cut), (new, new_cut) = timings.values()
        same = "same cut" if old_cut == new_cut else "DIFFERENT CUT"
        size = f"{markers:>6} markers {len(text):>9,} chars"
        print(f"{size}: before {old:7.2f} s, now {new:6.3f} s ({same})")


if __name__ == "__main__":
    main()
