"""Building a store from a folder too large for one machine, on Dask.

The work is the ingest's own: each part of the folder is ingested by `ingest_paths` into a
part store of its own (a DuckDB file), and the parts are then merged into the target store
(`Store.absorb`). Dask only distributes the parts: its local process pool by default, or a
cluster (`tcp://scheduler:8786`) when the part folder is on a file system every worker sees.
Nothing here is a scheduler of its own; without Dask installed the same parts can be built
one after the other (`scheduler="synchronous"` needs Dask too, `build_part` does not).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pandas as pd

from analysis.corpus import ingest_paths, outcomes_frame
from analysis.errors import PolicyLensError
from analysis.loading import expand_paths
from analysis.store import Store

PART_GLOB: Final = "part-*.duckdb"
DEFAULT_FILES_PER_PART: Final = 200


class ScaleOutUnavailable(PolicyLensError):
    """Dask is an optional extra; say how to get it instead of failing on an import."""

    def __init__(self) -> None:
        super().__init__(
            "需要 Dask 才能分布式构建：pip install 'policylens[scale]'（或 pip install dask）。"
        )


@dataclass(frozen=True, slots=True)
class PartTask:
    """One part of the folder: which files go into which part store."""

    index: int
    files: tuple[str, ...]
    out: str
    user_words: tuple[str, ...] = ()


def plan_parts(
    paths: Sequence[Path],
    out: Path,
    *,
    files_per_part: int = DEFAULT_FILES_PER_PART,
    exclude: Sequence[str] = (),
    user_words: Sequence[str] = (),
) -> list[PartTask]:
    """The folder's files in parts of `files_per_part`, each with its part store path."""
    files = [str(p) for p in expand_paths(paths, exclude=exclude)]
    size = max(1, files_per_part)
    return [
        PartTask(
            n, tuple(files[i : i + size]), str(out / f"part-{n:05d}.duckdb"), tuple(user_words)
        )
        for n, i in enumerate(range(0, len(files), size))
    ]


def build_part(task: PartTask) -> pd.DataFrame:
    """Ingest one part into its own store (serially: the engine gives the parallelism).

    Returns the per-file report (source, status, doc_id, reason) with the part's path.
    """
    store = Store(Path(task.out))
    try:
        if task.user_words:
            store.set_user_words("word", list(task.user_words))
        outcomes = ingest_paths(store, [Path(f) for f in task.files], workers=1)
    finally:
        store.close()
    return outcomes_frame(outcomes).assign(part=task.out)


def build_parts(tasks: Sequence[PartTask], *, scheduler: str = "processes") -> pd.DataFrame:
    """Run `build_part` over every task on Dask; `scheduler` is a local scheduler name
    (processes, threads, synchronous) or a distributed scheduler address (tcp://…)."""
    try:
        import dask
        import dask.bag as db
    except ImportError as exc:
        raise ScaleOutUnavailable() from exc
    if not tasks:
        return pd.DataFrame(columns=["source", "status", "doc_id", "reason", "part"])
    bag = db.from_sequence(list(tasks), npartitions=len(tasks)).map(build_part)
    if "://" in scheduler:
        from dask.distributed import Client

        with Client(scheduler):
            reports = bag.compute()
    else:
        with dask.config.set(scheduler=scheduler):
            reports = bag.compute()
    return pd.concat(reports, ignore_index=True)


def part_stores(folder: Path) -> Iterator[Path]:
    """The part stores of a folder, in order."""
    yield from sorted(folder.glob(PART_GLOB))


def merge_parts(store: Store, folder: Path) -> pd.DataFrame:
    """Absorb every part store of `folder` into `store`: part, documents added."""
    rows = [(str(part), store.absorb(part)) for part in part_stores(folder)]
    return pd.DataFrame(rows, columns=["part", "added"])
