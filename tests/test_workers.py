"""Per-village work in forked processes (workers.py): a build starts the villages' pages and goes
on with the theme's pages meanwhile, so the work must really run in the background, come back in
order, report a failure, and stop when the build fails."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from gongkai.render import workers


def _wait_for(condition, seconds: float = 60.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_results_come_back_in_order_from_other_processes():
    pending = workers.start_map(lambda x: (x * x, os.getpid()), list(range(60)), jobs=2)
    done = pending.result()
    assert [square for square, _ in done] == [x * x for x in range(60)]
    assert os.getpid() not in {pid for _, pid in done}


def test_the_work_goes_on_before_its_results_are_asked_for(tmp_path: Path):
    def mark(x: int) -> int:
        (tmp_path / f"{x}.done").write_text("")
        return x

    pending = workers.start_map(mark, list(range(10)), jobs=2)
    try:
        # the caller does its own work meanwhile: every item is done without result() being called
        assert _wait_for(lambda: len(list(tmp_path.glob("*.done"))) == 10)
    finally:
        assert pending.result() == list(range(10))


def test_an_error_in_a_process_is_raised_by_result():
    def fail_on_seven(x: int) -> int:
        if x == 7:
            raise ValueError("village 7 is broken")
        return x

    pending = workers.start_map(fail_on_seven, list(range(20)), jobs=2)
    with pytest.raises(ValueError, match="village 7 is broken"):
        pending.result()
    # the processes are gone and a new map may start
    assert workers.map_items(lambda x: x + 1, [1, 2, 3], jobs=2) == [2, 3, 4]


def test_cancel_stops_the_processes_and_their_work(tmp_path: Path):
    def slow(x: int) -> int:
        (tmp_path / f"{x}.pid").write_text(str(os.getpid()))
        time.sleep(0.2)
        return x

    pending = workers.start_map(slow, list(range(200)), jobs=2)
    assert _wait_for(lambda: len(list(tmp_path.glob("*.pid"))) >= 2)
    pending.cancel()
    started = sorted(tmp_path.glob("*.pid"))
    pids = {int(p.read_text()) for p in started}
    time.sleep(1.0)
    assert sorted(tmp_path.glob("*.pid")) == started, "work went on after cancel()"
    assert len(started) < 200
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with pytest.raises(RuntimeError):
        pending.result()


def test_with_one_job_nothing_runs_until_the_results_are_asked_for(tmp_path: Path):
    def mark(x: int) -> int:
        (tmp_path / f"{x}.pid").write_text(str(os.getpid()))
        return x

    pending = workers.start_map(mark, [1, 2, 3], jobs=1)
    assert not list(tmp_path.iterdir())
    assert pending.result() == [1, 2, 3]
    assert {p.read_text() for p in tmp_path.iterdir()} == {str(os.getpid())}
    with pytest.raises(RuntimeError):  # the results are taken once
        pending.result()
