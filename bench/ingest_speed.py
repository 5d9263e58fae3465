"""End-to-end ingest speed against plain jieba + Counter over the same files, in one run.

Usage:
    .venv/bin/python bench/ingest_speed.py [CORPUS_DIR] [--workers N] [--stages] [--limit N]

Phases, each in its own process so its wall time and peak memory are its own:

* baseline: read every file with the project's loader, `jieba.lcut` + `collections.Counter`
  on each text (no cleaning, metadata, quantities or store), one process;
* project: `python -m analysis ingest` work (`corpus.ingest_paths`) into a new store, with
  `--workers` processes (default: every core this process may use);
* stages (`--stages`): each per-document stage timed alone in one process, as throughput in
  characters per second (read+decode, clean, metadata, segment+count, quantities, theme +
  instrument codes, write).

Peak RSS is the largest single process of the phase (the main one or one worker), from
`resource.getrusage`. The corpus defaults to ../shared/corpus; the script exits cleanly
when it is absent.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def _files(corpus: Path, limit: int | None) -> list[Path]:
    from analysis.loading import expand_paths

    files = list(expand_paths([corpus]))
    return files[:limit] if limit else files


def _peak_mb() -> dict[str, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mb": round(max(me, children)), "main_rss_mb": round(me)}


def phase_baseline(files: list[Path]) -> dict:
    import jieba

    from analysis.errors import RejectedFile
    from analysis.loading import read_path

    jieba.initialize()
    start = time.perf_counter()
    docs = chars = 0
    for path in files:
        try:
            loaded = read_path(path)
        except RejectedFile:
            continue
        for doc in loaded:
            Counter(jieba.lcut(doc.raw_text))
            docs += 1
            chars += len(doc.raw_text)
    return {"seconds": time.perf_counter() - start, "docs": docs, "chars": chars, **_peak_mb()}


def phase_project(files: list[Path], workers: int | None) -> dict:
    from analysis import corpus
    from analysis.parallel import available_cores
    from analysis.store import Store

    with tempfile.TemporaryDirectory(prefix="policylens-ingest-") as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        start = time.perf_counter()
        outcomes = corpus.ingest_paths(store, files, workers=workers)
        seconds = time.perf_counter() - start
        added = sum(o.status == "added" for o in outcomes)
        chars = int(store.documents()["raw_chars"].sum())
    return {
        "seconds": seconds,
        "docs": added,
        "chars": chars,
        "workers": workers or available_cores(),
        **_peak_mb(),
    }


def phase_stages(files: list[Path]) -> dict:
    """Each stage over every document, one process: seconds and characters it read."""
    from analysis import cleaning, metadata
    from analysis.codes import document_codes
    from analysis.corpus import process_document, token_counter_for
    from analysis.errors import RejectedFile
    from analysis.loading import read_path
    from analysis.segmentation import Segmenter, token_counts
    from analysis.store import Store
    from analysis.targets import extract_quantities

    timings: dict[str, list[float]] = {}

    def timed(name: str, chars: int, func, *args, **kwargs):
        start = time.perf_counter()
        result = func(*args, **kwargs)
        seconds, total = timings.setdefault(name, [0.0, 0])
        timings[name] = [seconds + time.perf_counter() - start, total + chars]
        return result

    segmenter = Segmenter()
    segmenter.cut("预热")
    processed = []
    for path in files:
        try:
            loaded = timed("read + decode", path.stat().st_size, read_path, path)
        except RejectedFile:
            continue
        for doc in loaded:
            raw = len(doc.raw_text)
            clean = timed("clean", raw, cleaning.clean_text, doc.raw_text).text
            timed(
                "metadata",
                len(clean),
                metadata.detect_metadata,
                clean,
                filename=doc.source,
                raw_text=doc.raw_text,
            )
            timed("segment + count", len(clean), token_counts, "d", clean, segmenter)
            timed("quantities", len(clean), extract_quantities, clean, doc_year=None)
            timed("theme + instrument codes", len(clean), document_codes, "d", clean)
    with tempfile.TemporaryDirectory(prefix="policylens-stages-") as tmp:
        store = Store(Path(tmp) / "stages.duckdb")
        counter = token_counter_for(store)
        for path in files[:200]:  # writing: a sample of processed documents, in batches
            try:
                processed += [process_document(d, token_counter=counter) for d in read_path(path)]
            except RejectedFile:
                continue
        for i in range(0, len(processed), 128):
            batch = processed[i : i + 128]
            timed(
                "write (bulk, per batch)", sum(len(d.raw_text) for d in batch), store.write, batch
            )
    return {name: {"seconds": s, "chars": c} for name, (s, c) in timings.items()}


def run_phase(name: str, args: argparse.Namespace) -> dict:
    command = [sys.executable, __file__, str(args.corpus), "--phase", name]
    if args.limit:
        command += ["--limit", str(args.limit)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    print(f"running {name} …", file=sys.stderr)
    wall = time.perf_counter()
    out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT).stdout
    result = json.loads(out)
    result["wall_seconds"] = time.perf_counter() - wall
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--limit", type=int, default=None, help="only the first N files")
    parser.add_argument("--stages", action="store_true", help="also time each stage alone")
    parser.add_argument(
        "--phase", choices=["baseline", "project", "stages"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"no corpus at {args.corpus}; nothing to measure", file=sys.stderr)
        return 0
    files = _files(args.corpus, args.limit)
    if args.phase:
        run = {
            "baseline": lambda: phase_baseline(files),
            "project": lambda: phase_project(files, args.workers),
            "stages": lambda: phase_stages(files),
        }[args.phase]
        print(json.dumps(run()))
        return 0
    base = run_phase("baseline", args)
    project = run_phase("project", args)
    print(f"{len(files)} files, {project['docs']} documents, {project['chars']:,} characters\n")
    print("| what | wall time | chars/s | peak RSS | vs baseline |")
    print("|---|---:|---:|---:|---:|")
    for label, r in (
        ("plain jieba.lcut + Counter, 1 process (baseline)", base),
        (f"project ingest, {project['workers']} worker processes", project),
    ):
        print(
            f"| {label} | {r['seconds']:.1f} s | {r['chars'] / r['seconds']:,.0f} | "
            f"{r['peak_rss_mb']:,} MB | {base['seconds'] / r['seconds']:.2f}× |"
        )
    if args.stages:
        stages = run_phase("stages", args)
        print("\n| stage (1 process) | seconds | chars/s |")
        print("|---|---:|---:|")
        for name, r in stages.items():
            if name == "wall_seconds":
                continue
            print(f"| {name} | {r['seconds']:.1f} | {r['chars'] / max(r['seconds'], 1e-9):,.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
