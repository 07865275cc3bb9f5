"""Worker processes for the CPU-bound half of a refresh: parsing, cleaning, entities.

Cleaning and entity extraction are pure-Python CPU work that threads cannot
spread over cores under the GIL, so a refresh runs them in a process pool,
one worker per core.  A :class:`WorkerPool` replaces a pool whose worker died
(a page that crashed the cleaner costs that page only) and falls back to
threads where processes cannot run at all.

Workers never outlive the process that started them: each watches its
parent's sentinel and exits when the parent is gone, even after kill -9.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import io
import logging
import multiprocessing
import os
import pickle
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["WorkerPool", "is_process_pool", "make_executor", "probe"]

_log = logging.getLogger(__name__)

_MAX_POOL_REPLACEMENTS = 3


def probe() -> bool:
    """A no-op run in a fresh worker pool to see that it works at all."""
    return True


def _timed(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """Run ``function`` and return its result with the seconds it took (runs in workers)."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def _exit_with_parent() -> None:
    """Worker initializer: end this worker as soon as its parent process ends.

    The parent's sentinel becomes ready when the parent dies, however it
    died; a daemon thread waits on it.  Without this, a refresh killed with
    kill -9 left its workers (and through them the resource tracker) running.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    sentinel = parent.sentinel

    def watch() -> None:
        from multiprocessing.connection import wait

        wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="tuireader-parent-watch", daemon=True).start()


def _stderr_is_usable() -> bool:
    try:
        if sys.stderr is None or sys.stderr.fileno() < 0:
            return False
        os.fstat(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False
    return True


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker even when stderr is not a file.

    The tracker is started on the first pool and inherits
    ``sys.stderr.fileno()``; under a TUI that captures output the descriptor
    is invalid (Textual reports -1) and the start fails.  Starting it with
    stderr briefly pointed at the null device avoids that.
    """
    if os.name != "posix" or _stderr_is_usable():
        return
    from multiprocessing import resource_tracker

    saved = sys.stderr
    with open(os.devnull, "w") as devnull:
        sys.stderr = devnull
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = saved


def _picklable(*values: Any) -> bool:
    try:
        pickle.dumps(values)
    except Exception:
        return False
    return True


def _process_pool(workers: int) -> concurrent.futures.Executor:
    # Not plain fork: the caller (a TUI, a test server) may be running
    # threads, and forking a threaded process can copy a held lock.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else None)
    _start_resource_tracker()
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_exit_with_parent
    )


def make_executor(*work: Any, kind: str = "auto") -> concurrent.futures.Executor:
    """An executor for parsing and cleaning.

    ``"process"`` gives one worker process per core.  ``"auto"`` uses
    processes when there is more than one core and the functions in
    ``work`` can be sent to a worker, threads otherwise.
    """
    cores = os.cpu_count() or 1
    if kind == "auto":
        kind = "process" if cores > 1 and _picklable(*work) else "thread"
    if kind == "process":
        try:
            return _process_pool(cores)
        except (OSError, ValueError, NotImplementedError, ImportError) as exc:  # e.g. no semaphores
            _log.warning("worker processes unavailable (%s); cleaning in threads", exc)
            kind = "thread"
    if kind == "thread":
        return concurrent.futures.ThreadPoolExecutor(max_workers=max(2, cores), thread_name_prefix="tuireader-clean")
    raise ValueError(f"unknown executor kind {kind!r} (auto, process or thread)")


def is_process_pool(executor: concurrent.futures.Executor) -> bool:
    """Whether ``executor`` runs its calls in worker processes (``make_executor`` may fall back to threads)."""
    return isinstance(executor, concurrent.futures.ProcessPoolExecutor)


class WorkerPool:
    """Runs calls in an executor, replacing it when a worker dies.

    ``executor`` is used and left open when given; otherwise one is made
    for ``work`` and shut down by :meth:`close`, as are replacements.
    """

    def __init__(self, work: tuple[Any, ...], executor: concurrent.futures.Executor | None = None) -> None:
        self.work = work
        self.executor = executor if executor is not None else make_executor(*work)
        self._owned = [] if executor is not None else [self.executor]
        self._replacements = 0
        self._replacing = asyncio.Lock()

    async def run(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
        """``function(*args, **kwargs)`` in a worker: its result and the seconds it took there."""
        loop = asyncio.get_running_loop()
        call = functools.partial(_timed, function, *args, **kwargs)
        for attempt in range(2):
            executor = self.executor
            try:
                return await loop.run_in_executor(executor, call)
            except concurrent.futures.BrokenExecutor:
                # A worker died and every call in flight failed with it: each
                # gets one more try on a replacement pool.
                if attempt or not await self._replace(executor):
                    raise
        raise AssertionError("unreachable")

    async def _replace(self, broken: concurrent.futures.Executor) -> bool:
        """Swap in a new executor after ``broken`` died; False when giving up."""
        async with self._replacing:
            if self.executor is not broken:
                return True  # another call already replaced it
            if self._replacements >= _MAX_POOL_REPLACEMENTS:
                return False
            self._replacements += 1
            self.executor = await self._replacement(broken)
            self._owned.append(self.executor)
            return True

    async def _replacement(self, broken: concurrent.futures.Executor) -> concurrent.futures.Executor:
        if not is_process_pool(broken):
            return make_executor(*self.work, kind="thread")
        replacement = make_executor(*self.work, kind="process")
        # A page may have killed its worker (keep isolating pages in
        # processes), or processes cannot run here at all (use threads).
        try:
            await asyncio.get_running_loop().run_in_executor(replacement, probe)
        except concurrent.futures.BrokenExecutor:
            _log.warning("worker processes fail here; cleaning in threads")
            replacement.shutdown(wait=False, cancel_futures=True)
            return make_executor(*self.work, kind="thread")
        return replacement

    def close(self) -> None:
        """Shut down the executors this pool made, waiting for calls in progress."""
        for executor in self._owned:
            executor.shutdown(wait=True, cancel_futures=True)
