"""Segmentation speed: the project's segmenter against plain `jieba.lcut`, in one run.

Segments every .txt/.md file of the shared corpus and the full_text of the 2026 CSVs and
prints characters per second for
  * plain jieba.lcut (the baseline, jieba's own dictionary, one process),
  * the project segmenter in one process, and over --workers processes
    (the ingest path, `corpus_token_counts`),
  * jieba with the project's dictionary (the fallback engine), unless --no-reference,
plus peak memory and token agreement: project vs jieba with the same dictionary (should be
100 %) and project vs plain jieba (differs where the domain dictionary joins words).

    .venv/bin/python bench/segment_speed.py            # whole corpus, a few minutes
    .venv/bin/python bench/segment_speed.py --limit 100
"""

from __future__ import annotations

import argparse
import csv
import logging
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.segmentation import Segmenter, corpus_token_counts  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def load_texts(corpus_dir: Path, limit: int | None) -> list[str]:
    """All corpus texts in path order: .txt/.md files and the 2026 CSVs' full_text."""
    texts: list[str] = []
    for path in sorted(corpus_dir.rglob("*")):
        if path.suffix in (".txt", ".md"):
            texts.append(path.read_text(encoding="utf-8"))
        elif path.suffix == ".csv" and "2026" in path.parent.name:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                texts += [row["full_text"] for row in csv.DictReader(handle) if "full_text" in row]
    return texts[:limit] if limit else texts


def timed(label: str, chars: int, run: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:8.2f} s {chars / seconds:14,.0f} chars/s")
    return result, seconds


def spans(tokens: Sequence[str]) -> set[tuple[int, int]]:
    out, pos = set(), 0
    for token in tokens:
        out.add((pos, pos + len(token)))
        pos += len(token)
    return out


def agreement(ours: list[list[str]], theirs: list[list[str]]) -> tuple[float, int]:
    """Share of their tokens we cut at the same offsets, and documents cut identically."""
    same = total = identical = 0
    for a, b in zip(ours, theirs, strict=True):
        sa, sb = spans(a), spans(b)
        same += len(sa & sb)
        total += len(sb)
        identical += a == b
    return (same / total if total else 1.0), identical


def peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished worker, MB.

    A forked worker's figure includes pages it shares with the parent.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--no-reference", action="store_true", help="skip jieba with the project dictionary"
    )
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus} (pass --corpus)", file=sys.stderr)
        return 2
    logging.getLogger("jieba").setLevel(logging.WARNING)
    import jieba

    texts = load_texts(args.corpus, args.limit)
    chars = sum(map(len, texts))
    print(f"{len(texts)} documents, {chars:,} characters")

    project = Segmenter()
    project.cut("预热")  # dictionary loading is not segmentation speed
    print(f"project engine: {project.engine_name}\n")

    corpus = pd.DataFrame({"doc_id": [str(i) for i in range(len(texts))], "text": texts})
    _, t_single = timed(
        "project corpus_token_counts (1 process)",
        chars,
        lambda: corpus_token_counts(corpus, project, workers=1),
    )
    _, t_pool = timed(
        f"project corpus_token_counts ({args.workers} processes)",
        chars,
        lambda: corpus_token_counts(corpus, project, workers=args.workers),
    )
    ingest_peak = peak_mb()
    ours, t_ours = timed(
        f"project segmenter, {project.engine_name} (1 process)",
        chars,
        lambda: [project.cut(t) for t in texts],
    )
    jieba.initialize()  # after the counting runs, so their memory figure is the project's
    plain, t_plain = timed(
        "plain jieba.lcut (1 process)", chars, lambda: [jieba.lcut(t) for t in texts]
    )
    reference = None
    if not args.no_reference:
        fallback = Segmenter(engine="jieba")
        fallback.cut("预热")
        reference, _ = timed(
            "jieba + project dictionary (fallback)", chars, lambda: [fallback.cut(t) for t in texts]
        )

    print(
        f"\nspeed-up vs plain jieba: {t_plain / t_ours:.1f}x (1 process), "
        f"{t_plain / t_pool:.1f}x ({args.workers} processes, incl. worker start-up); "
        f"counting {t_single / t_pool:.1f}x faster on {args.workers} processes"
    )
    if reference is not None:
        share, identical = agreement(ours, reference)  # type: ignore[arg-type]
        print(
            f"agreement with jieba + same dictionary: {share:.4%} of tokens, "
            f"{identical}/{len(texts)} documents identical"
        )
    share, identical = agreement(ours, plain)  # type: ignore[arg-type]
    print(
        f"agreement with plain jieba:             {share:.4%} of tokens, "
        f"{identical}/{len(texts)} documents identical"
    )
    own, children = ingest_peak
    print(f"peak RSS while counting: {own:,.0f} MB main process, {children:,.0f} MB largest worker")
    own, _ = peak_mb()
    print(f"peak RSS of the whole bench (token lists kept for agreement): {own:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
