"""A corpus N times larger than a given one, for the scale benchmarks (issue: 10× the corpus).

Usage:
    .venv/bin/python bench/scaled_corpus.py DEST [--source CORPUS] [--times 10]

Every file is copied `--times` times, copy k into `DEST/copy_k/…`, each copy with one line of
its own added (`副本 k`), so no two copies share a checksum and the store keeps them all:
for .txt/.md at the end of the text, for a CSV with a `full_text` column at the end of that
field in every row (other CSVs are copied as they are). The source defaults to
../shared/corpus; the script exits cleanly when it is absent.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
csv.field_size_limit(sys.maxsize)


def _copy_csv(source: Path, target: Path, line: str) -> None:
    raw = source.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    rows = list(csv.reader(raw.decode(encoding).splitlines(keepends=True)))
    if not rows or "full_text" not in rows[0]:
        shutil.copyfile(source, target)
        return
    column = rows[0].index("full_text")
    for row in rows[1:]:
        if len(row) > column:
            row[column] += f"\n{line}"
    with target.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)


def copy_once(source: Path, dest: Path, k: int) -> int:
    """Copy every file of `source` into `dest/copy_k`, marked as copy k; returns the count."""
    line = f"副本 {k}"
    count = 0
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        target = dest / f"copy_{k}" / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() in {".txt", ".md"}:
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            marked = f"{text.rstrip()}\n{line}\n"
            target.write_text(marked, encoding="utf-8", errors="surrogateescape")
        elif path.suffix.lower() == ".csv":
            _copy_csv(path, target, line)
        else:
            shutil.copyfile(path, target)
        count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--source", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--times", type=int, default=10)
    args = parser.parse_args()
    if not args.source.is_dir():
        print(f"no corpus at {args.source}; nothing to do")
        return 0
    total = sum(copy_once(args.source, args.dest, k) for k in range(1, args.times + 1))
    print(f"{total} files in {args.dest} ({args.times} copies of {args.source})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
