"""Per-village work spread over processes, for the CPU-heavy parts of a build.

The processes are forked, so they inherit the loaded tree instead of receiving it pickled
(pickling 40,000 records costs about as much as parsing them); each sends back only a small
result. GONGKAI_JOBS sets how many processes; 1 does everything in this process.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from gongkai.config import jobs_setting

T = TypeVar("T")
R = TypeVar("R")

_task: tuple[Callable, Sequence] | None = None  # what the forked processes run, inherited


def job_count() -> int:
    """Processes to use: GONGKAI_JOBS, else the CPUs this process may run on."""
    wanted = jobs_setting()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    if wanted:
        _warn_once(f"gongkai：环境变量 GONGKAI_JOBS 应该是正整数，这里是“{wanted}”，按 CPU 核数处理")
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@functools.lru_cache(maxsize=None)
def _warn_once(message: str) -> None:
    print(message, file=sys.stderr)


def _run(index: int):
    fn, items = _task
    return fn(items[index])


def map_items(fn: Callable[[T], R], items: Sequence[T], jobs: int | None = None, chunk: int = 1) -> list[R]:
    """[fn(x) for x in items], in order, with `fn` run in `jobs` forked processes.

    `fn` may be any callable, a closure included: it is inherited, never pickled. Its results
    are pickled back, so keep them small. An exception in a process is raised here.
    `chunk`: items handed to a process at a time (more for many small items: each hand-out is a
    round trip through the pool).
    """
    return start_map(fn, items, jobs, chunk).result()


class Pending(Generic[R]):
    """map_items started: the processes work while the caller goes on. result() waits for the
    results; cancel() stops the processes. With one job nothing runs until result(), in this process."""

    def __init__(self, fn: Callable[[T], R], items: Sequence[T], jobs: int | None, chunk: int):
        global _task
        self.fn, self.items = fn, items
        self.pool = None
        jobs = min(job_count() if jobs is None else jobs, len(items))
        if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            return
        if _task is not None:
            raise RuntimeError("workers: one map at a time")
        _task = (fn, items)  # set before the fork: the processes inherit it
        try:
            self.pool = multiprocessing.get_context("fork").Pool(jobs)
            # by default one item a task, handed out as processes come free: a big village does not hold up the rest
            self.running = self.pool.map_async(_run, range(len(items)), chunksize=chunk)
        except BaseException:
            self._stop()
            _task = None
            raise

    def result(self) -> list[R]:
        """The results in order; an exception in a process is raised here. Call it once."""
        if self.fn is None:
            raise RuntimeError("workers: the map was cancelled or its results taken")
        fn, self.fn = self.fn, None
        if self.pool is None:
            return [fn(x) for x in self.items]
        try:
            return self.running.get()
        finally:
            self._stop()

    def cancel(self) -> None:
        self.fn = None  # no results from here on
        self._stop()

    def _stop(self) -> None:
        global _task
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
            _task = None


def start_map(fn: Callable[[T], R], items: Sequence[T], jobs: int | None = None, chunk: int = 1) -> Pending[R]:
    """map_items begun in forked processes now, its results collected later (Pending.result)."""
    return Pending(fn, items, jobs, chunk)
