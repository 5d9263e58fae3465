"""An ordered map over worker processes, for per-document work (ingest, reprocessing).

Workers are forked, so they start in milliseconds with everything the parent has loaded
(dictionaries, rules, the segmenter) and need nothing pickled but the task and its result.
Forking is only safe from a single-threaded process (the command line, benchmarks, tests);
a threaded one (the Streamlit server) maps serially instead, as spawned workers would
re-run the page script Streamlit installs as `__main__`.
"""

from __future__ import annotations

import gc
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    return threading.active_count() == 1 and "fork" in get_all_start_methods()


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's total)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def ordered_map(
    func: Callable[[T], R], items: Iterable[T], *, workers: int, window: int = 64
) -> Iterator[R]:
    """`map(func, items)` over `workers` forked processes when possible, results in order.

    At most `window` items are in flight, so results never pile up in memory however long
    `items` is (it may be a lazy iterator). `func` must be a module-level function; what it
    needs beyond its argument is read from module state set before the call (the fork
    copies it into every worker).
    """
    if workers <= 1 or not can_fork():
        yield from map(func, items)
        return
    # Keep the children's garbage collector off the parent's objects: touching their
    # reference counts would copy every page of a large parent (copy-on-write).
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            pending: deque[Future[R]] = deque()
            for item in items:
                pending.append(pool.submit(func, item))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
    finally:
        gc.unfreeze()
