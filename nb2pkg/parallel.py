"""Run independent pieces of work (notebooks, batches of cells, files) on all cores.

Each piece must be a picklable call of a module-level function. Work too small to
pay for starting processes runs here, in order; so does everything with one job.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """Return the number of cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def pool_map(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    jobs: int | None,
    worth: bool,
    done: Callable[[R], None] | None = None,
) -> list[R]:
    """Return ``[func(item) for item in items]``, computed by up to ``jobs`` processes.

    ``worth`` says whether the work is large enough to pay for the processes
    (about 50 ms to start); ``jobs`` None means every core. ``done`` is given
    each result here as it arrives, in order, while the workers go on.
    """
    workers = min(jobs or default_jobs(), len(items))
    if workers <= 1 or not worth:
        return [_tick(func(item), done) for item in items]
    # fork starts at once and shares what is imported; elsewhere it is unsafe.
    method = "fork" if sys.platform == "linux" else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return [_tick(result, done) for result in pool.map(func, items)]


def _tick(result: R, done: Callable[[R], None] | None) -> R:
    if done is not None:
        done(result)
    return result


def split(items: Sequence[T], parts: int) -> list[Sequence[T]]:
    """Return ``items`` cut into at most ``parts`` contiguous runs of similar size."""
    parts = max(1, min(parts, len(items)))
    size, extra = divmod(len(items), parts)
    out: list[Sequence[T]] = []
    start = 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return out
