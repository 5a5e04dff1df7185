"""Run independent pieces of work (notebooks, batches of cells, files) on all cores.

Each piece must be a picklable call of a module-level function. Work too small to
pay for starting processes runs here, in order; so does everything with one job.

Workers never outlive the conversion: they ignore Ctrl-C (the parent reports it,
once), exit within a moment of their parent's death (killed, timed out), and are
stopped when the parent stops waiting for them for any reason.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor
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
    pool = _pool(workers)
    try:
        with _interrupts_held():  # the workers are forked as the work is handed out
            started = pool.map(func, items)
        results = [_tick(result, done) for result in started]
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)
    return results


@contextlib.contextmanager
def helper(
    jobs: int | None, ready: Callable[[], object]
) -> Iterator[ProcessPoolExecutor | None]:
    """Yield one worker, started now and made ready by ``ready()`` on another
    core while this process goes on; None with one job.

    Work given to it later starts at once (``ready`` imports what it needs).
    The worker is stopped on leaving, whether or not it was used or ready.
    """
    if (jobs or default_jobs()) <= 1:
        yield None
        return
    pool = _pool(1, ready)
    try:
        with _interrupts_held():  # a pool forks its worker with the first work
            pool.submit(int)
        yield pool
    finally:
        _stop(pool)


def later(worker: Executor, func: Callable[[T], R], item: T) -> Callable[[], R]:
    """Return a call that gives ``func(item)``: worked out by ``worker`` from
    now on, or here if the worker is gone (it could not start)."""
    try:
        future = worker.submit(func, item)
    except BrokenExecutor:
        return functools.partial(func, item)

    def result() -> R:
        try:
            return future.result()
        except BrokenExecutor:
            return func(item)

    return result


def _pool(
    workers: int, ready: Callable[[], object] | None = None
) -> ProcessPoolExecutor:
    # fork starts at once and shares what is imported; elsewhere it is unsafe.
    method = "fork" if sys.platform == "linux" else "spawn"
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(os.getpid(), ready),
    )


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold back Ctrl-C while processes are forked, and deliver it after.

    Forking runs Python's at-fork handlers; a KeyboardInterrupt raised inside
    one is printed and dropped, and the conversion would go on as if Ctrl-C had
    never been pressed. Meanwhile SIGINT is only recorded, then raised again.
    """
    main = threading.current_thread() is threading.main_thread()
    if not main or signal.getsignal(signal.SIGINT) is None:
        yield  # signal handlers are the main thread's, and set from Python
        return
    pressed: list[int] = []
    previous = signal.signal(
        signal.SIGINT, lambda signum, _frame: pressed.append(signum)
    )
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if pressed:
            signal.raise_signal(signal.SIGINT)


# How often a worker looks whether its parent is still there, in seconds.
_WATCH_EVERY = 0.2


def _start_worker(parent: int, ready: Callable[[], object] | None = None) -> None:
    """Make a new worker ignore Ctrl-C and exit once ``parent`` is gone.

    Ctrl-C reaches every process of the terminal's group: the parent alone
    reports it. A parent killed outright (SIGKILL, a timeout) cannot tell its
    workers; each notices that its parent changed and exits.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_WATCH_EVERY)
        os._exit(1)

    threading.Thread(target=watch, name="nb2pkg-parent-watch", daemon=True).start()
    if ready is not None:
        ready()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's workers now, mid-work (Ctrl-C, an error in a piece), and
    wait a moment for the pool's own thread to end.

    Before Python 3.12 that thread may close its wake-up pipe just as Python,
    exiting, writes to it: "Exception ignored ... Bad file descriptor" would be
    printed under the one line a Ctrl-C gives, unless the thread ended first.
    """
    manager = getattr(pool, "_executor_manager_thread", None)
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
    else:
        # Before Python 3.14 the pool has no public way to stop its workers;
        # shutdown forgets them, so they are taken first.
        processes = list(getattr(pool, "_processes", None) or {})
        pool.shutdown(wait=False, cancel_futures=True)
        for pid in processes:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
    if isinstance(manager, threading.Thread):
        manager.join(timeout=_STOP_WAIT)


# How long a stopped pool's thread is waited for, in seconds (it takes milliseconds).
_STOP_WAIT = 5.0


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
