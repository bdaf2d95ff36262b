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
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_task: tuple[Callable, Sequence] | None = None  # what the forked processes run, inherited


def job_count() -> int:
    """Processes to use: GONGKAI_JOBS, else the CPUs this process may run on."""
    wanted = os.environ.get("GONGKAI_JOBS", "").strip()
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
    global _task
    jobs = min(job_count() if jobs is None else jobs, len(items))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(x) for x in items]
    _task = (fn, items)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            # by default one item a task, handed out as processes come free: a big village does not hold up the rest
            return pool.map(_run, range(len(items)), chunksize=chunk)
    finally:
        _task = None
