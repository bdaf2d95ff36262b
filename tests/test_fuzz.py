"""The fuzz campaign (tests/fuzz_campaign.py, `make fuzz`): a short derandomized run of the real
target, proof that the harness reports a crash, a hang and a dying interpreter (a fuzzer that
cannot report is a defect), and the inputs the campaign once found."""

from __future__ import annotations

import os
import signal
import time

import pytest

import fuzz_campaign as fuzz
from fuzz_campaign import Case, run_campaign


def quiet(**kw):
    return run_campaign(with_seeds=False, derandomize=True, log=lambda line: None, **kw)


def test_short_run_of_the_real_target_finds_nothing():
    report = quiet(examples=150, cache=None)
    assert not report.failed, [f"{f.signature}\n{f.outcome.detail}" for f in report.findings.values()]
    assert report.inputs >= 100
    assert report.passing > 0, "no mutated tree passed the check, so the renderer was never fuzzed"


def boom(case: Case):
    raise ZeroDivisionError("injected")


def test_a_crash_is_reported_saved_and_replayed(tmp_path):
    report = quiet(examples=5, fuzz_target=boom, cache=tmp_path)
    assert report.failed and len(report.findings) == 1  # five inputs, one bug
    found = next(iter(report.findings.values()))
    assert found.signature.startswith("crash ZeroDivisionError at tests/test_fuzz.py:")
    assert found.count == report.inputs == 5
    assert found.saved.read_bytes() == found.case.raw
    assert "ZeroDivisionError: injected" in found.saved.with_suffix(".txt").read_text(encoding="utf-8")
    assert fuzz.load_saved(found.saved) == found.case

    again = quiet(examples=1, fuzz_target=boom, cache=tmp_path)  # the next campaign replays it first
    assert found.signature in again.findings and again.inputs == 2

    fixed = quiet(examples=1, fuzz_target=lambda case: None, cache=tmp_path)
    assert not fixed.failed
    assert not found.saved.exists() and (tmp_path / "crashes" / "fixed" / found.saved.name).exists()


def test_the_command_exits_non_zero_on_a_crash(tmp_path, monkeypatch):
    monkeypatch.setattr(fuzz, "check_case", boom)
    assert fuzz.main(["--minutes", "0.01", "--cache", str(tmp_path)]) == 1
    assert list((tmp_path / "crashes").glob("*.yml"))


def stall(case: Case):
    time.sleep(60)


def test_a_hang_is_reported_with_where_it_hung_and_the_campaign_goes_on():
    start = time.monotonic()
    report = quiet(examples=2, fuzz_target=stall, hang_seconds=0.5, cache=None)
    (found,) = report.findings.values()
    assert found.outcome.kind == "hang" and found.count == report.inputs == 2
    assert "in stall" in found.outcome.detail  # faulthandler's stack, dumped before the kill
    assert time.monotonic() - start < 20


def freeze(case: Case):
    os.kill(os.getpid(), signal.SIGSTOP)  # no Python runs any more, not even faulthandler's thread


def test_a_hang_the_child_cannot_interrupt_is_reported():
    report = quiet(examples=1, fuzz_target=freeze, hang_seconds=0.5, cache=None)
    (found,) = report.findings.values()
    assert found.outcome.kind == "hang"


def segfault(case: Case):
    os.kill(os.getpid(), signal.SIGSEGV)


def test_a_dying_interpreter_is_reported_and_replaced():
    report = quiet(examples=2, fuzz_target=segfault, cache=None)
    (found,) = report.findings.values()
    assert found.outcome.kind == "died" and found.count == 2
    assert f"exit code {-signal.SIGSEGV}" in found.outcome.detail
    assert "Segmentation fault" in found.outcome.detail and "in segfault" in found.outcome.detail


# -- what the campaign found ----------------------------------------------------------------------


@pytest.mark.parametrize("opener", ["[", "{a: ", "[{a: "])
def test_deep_flow_nesting_is_refused_at_once(tmp_path, opener):
    """Found by the campaign: libyaml's time grows with the square of the nesting depth, and
    50,000 nested "[{a: " in a completed file kept the checker busy past the 10 s limit."""
    case = Case(fuzz.TINY, fuzz.FILES["completed"], ("- id: " + opener * 50_000 + "x\n").encode())
    runner = fuzz.Runner(fuzz.check_case, hang_seconds=3)
    try:
        assert runner.run(case).kind == "ok"
    finally:
        runner.close()
    result, _ = fuzz.Workspace(tmp_path).check(case)
    assert [(d.code, d.line) for d in result.errors] == [("GK101", 1)]
