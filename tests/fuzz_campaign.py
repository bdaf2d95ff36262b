"""A long fuzz campaign: mutated village files through the loader, the checker and the pages.

The contract under test: whatever bytes a clerk's file holds, `check_tree` answers with
diagnostics, never a traceback, and a tree that passes renders (`render.lean_pages` and the
area fragments). A *crash* is any exception escaping that; a *hang* is one input taking longer
than --hang-seconds. Inputs run in a child process, so that a hang inside C code (libyaml,
decimal) or an interpreter that dies is reported and the campaign goes on with a new child.

    make fuzz                                # a few minutes; FUZZ_MINUTES=10 make fuzz for longer
    .venv/bin/python tests/fuzz_campaign.py --replay .cache/fuzz/crashes/<hash>.yml

Seeds: every YAML file under villages/ and the tiny village of gongkai.check.examples. Hypothesis
picks one, mutates it line by line (test_properties' mutations and the nastier ones below),
re-encodes it and mutates the bytes. Its database in .cache/fuzz/hypothesis keeps the slowest
inputs and those with the most kinds of diagnostic, so the next campaign starts from them;
crashes and hangs go to .cache/fuzz/crashes/ as soon as they are found, one file a bug (the
smallest input seen), and are replayed first by the next campaign.
"""

from __future__ import annotations

import argparse
import atexit
import codecs
import faulthandler
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

from hypothesis import HealthCheck, Phase, given, settings, target
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

import test_properties as props  # the line mutations and value strategies: one definition
from gongkai.check.checker import check_tree
from gongkai.check.examples import BASE, FILES, write_tree

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "fuzz"
PACKAGE = str(REPO / "plugins" / "gongkai")
SAMPLE = props.SAMPLE
TINY = "tiny"


# -- the corpus: every sample file, and the tiny village -----------------------------------------


class Case(NamedTuple):
    tree: str  # TINY, or the sample folder the tree is cut from: "nanzhao/nanhedian/guoying@2024"
    path: str  # the file the bytes replace, relative to the data folder
    raw: bytes


YEAR = re.compile(r"^(\d{4})\.yml$")
LEVELS = ["county.yml", "township.yml", "village.yml"]
# read once: the trees are built from these texts, so a sample being regenerated meanwhile is harmless
SAMPLE_TEXTS = {str(p.relative_to(SAMPLE)): p.read_text(encoding="utf-8") for p in sorted(SAMPLE.rglob("*.yml"))}


def _below(folder: str, depth: int, name: str = "") -> list[str]:
    """Sample files `depth` folders below `folder` (named `name`, when given)."""
    level = folder.count("/") + depth
    return [k for k in SAMPLE_TEXTS if k.startswith(folder + "/") and k.count("/") == level and (not name or k.endswith("/" + name))]


def tree_of(rel: str) -> str:
    """The tree a sample file is checked in: its county, township and village (a county's or a
    township's file: the first village below it), with one year's records, the file's own or the
    latest: a whole village renders too slowly to fuzz (see tree_files)."""
    parts = rel.split("/")
    year = YEAR.match(parts[-1])
    place = "/".join(parts[:-2] if year else parts[:-1])
    for name in LEVELS[place.count("/") + 1:]:
        below = _below(place, 2, name)
        if not below:
            break
        place = below[0].rsplit("/", 1)[0]
    if place.count("/") < 2:
        return place
    years = sorted(k[-8:-4] for k in _below(place, 2))
    return f"{place}@{year[1] if year else (years[-1] if years else '')}"


def tree_files(tree: str) -> list[str]:
    """The files of a tree, relative to the data folder."""
    if tree == TINY:
        return sorted(FILES.values())
    place, _, year = tree.partition("@")
    parts = place.split("/")
    files = [f"{'/'.join(parts[:n])}/{LEVELS[n - 1]}" for n in range(1, len(parts) + 1)]
    # the year's records, and the decisions of the years before, which its completed matters cite
    for k in _below(place, 2) if len(parts) == 3 else []:
        kind, stem = k.split("/")[-2], k[-8:-4]
        if stem == year or (kind == "decisions" and stem < year):
            files.append(k)
    return files


@dataclass(frozen=True)
class Seed:
    tree: str
    path: str
    text: str


SEEDS = [Seed(TINY, FILES[name], BASE[name]) for name in sorted(FILES)]
SEEDS += [Seed(tree_of(rel), rel, text) for rel, text in SAMPLE_TEXTS.items()]


# -- the target: one case through check_tree and the pages ----------------------------------------


class Workspace:
    """Base trees written once per process; a case overwrites one file and puts it back after."""

    def __init__(self, root: Path):
        self.root = root
        self.trees: dict[str, Path] = {}

    def data(self, tree: str) -> Path:
        if tree not in self.trees:
            folder = Path(tempfile.mkdtemp(dir=self.root))
            if tree == TINY:
                write_tree(folder)
            for rel in [] if tree == TINY else tree_files(tree):
                (folder / "villages" / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / "villages" / rel).write_text(SAMPLE_TEXTS[rel], encoding="utf-8")
            self.trees[tree] = folder / "villages"
        return self.trees[tree]

    def check(self, case: Case):
        """(result, data folder) with the case's bytes in place; the file is put back after."""
        data = self.data(case.tree)
        path = data / case.path
        pristine = path.read_bytes()
        path.write_bytes(case.raw)
        try:
            return check_tree(data, props.TODAY), data
        finally:
            path.write_bytes(pristine)


_workspace: Workspace | None = None


def check_case(case: Case) -> dict[str, int]:
    """The fuzz target. Rendering reads the model only, so it may run after the file is put back."""
    global _workspace
    if _workspace is None:
        root = Path(tempfile.mkdtemp(prefix="gongkai-fuzz-"))
        atexit.register(shutil.rmtree, root, True)
        _workspace = Workspace(root)
    result, data = _workspace.check(case)
    pages = len(props.render_everything(result, data)) if result.ok else 0
    return {"codes": len({d.code for d in result.diagnostics}), "pages": pages}


# -- running a case where a crash or a hang cannot take the campaign down -------------------------


@dataclass
class Outcome:
    kind: str  # "ok", "crash", "hang" or "died"
    seconds: float
    stats: dict = field(default_factory=dict)
    detail: str = ""  # the traceback, or the stack faulthandler dumped


def _serve(conn, fuzz_target, hang_seconds: float, scratch: str, stack_file: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    tempfile.tempdir = scratch  # the parent removes it, whatever becomes of this process
    stacks = open(stack_file, "w")
    faulthandler.enable(stacks)  # a dying interpreter leaves its stack for the parent
    while (case := conn.recv()) is not None:
        # a little before the parent gives up: the stack says where a hang was
        faulthandler.dump_traceback_later(hang_seconds, file=stacks)
        start = time.perf_counter()
        try:
            stats = fuzz_target(case) or {}
            reply = ("ok", time.perf_counter() - start, stats, "")
        except (Exception, SystemExit):  # whatever escapes the target is the finding
            reply = ("crash", time.perf_counter() - start, {}, traceback.format_exc())
        faulthandler.cancel_dump_traceback_later()
        conn.send(reply)


class Runner:
    """One child process at a time runs the cases; a hung or dead child is replaced."""

    GRACE = 1.0  # seconds between faulthandler's stack dump and the kill

    def __init__(self, fuzz_target: Callable[[Case], dict | None], hang_seconds: float):
        self.target = fuzz_target
        self.hang_seconds = hang_seconds
        self.scratch = tempfile.mkdtemp(prefix="gongkai-fuzz-")
        self.child = None

    def _start(self) -> None:
        ctx = multiprocessing.get_context("fork")  # the child inherits the imports: fast restarts
        self.conn, child_conn = ctx.Pipe()
        self.stack_file = os.path.join(self.scratch, f"stack-{time.monotonic_ns()}.txt")
        self.child = ctx.Process(target=_serve, daemon=True, args=(
            child_conn, self.target, self.hang_seconds, self.scratch, self.stack_file))
        self.child.start()
        child_conn.close()

    def _stop(self) -> str:
        """Kill the child; what faulthandler wrote is the last word on where it was."""
        self.child.kill()
        self.child.join()
        self.conn.close()
        self.child = None
        return Path(self.stack_file).read_text(errors="replace").strip()

    def run(self, case: Case) -> Outcome:
        if self.child is None:
            self._start()
        start = time.perf_counter()
        try:
            self.conn.send(case)
            if self.conn.poll(self.hang_seconds + self.GRACE):
                return Outcome(*self.conn.recv())
            kind = "hang"
        except (EOFError, OSError):  # the child is gone
            kind = "died"
        child = self.child
        stack = self._stop() or "(no stack: the child did not answer)"
        if kind == "died":
            stack = f"the child process died (exit code {child.exitcode})\n{stack}"
        return Outcome(kind, time.perf_counter() - start, {}, stack)

    def close(self) -> None:
        if self.child is not None:
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.child.join(2)
            self._stop()
        shutil.rmtree(self.scratch, ignore_errors=True)


# -- findings: one a bug, the smallest input kept ------------------------------------------------

_FRAME = re.compile(r'File "([^"]+)", line (\d+),? in (\S+)')  # a traceback's frames, or faulthandler's


def signature(outcome: Outcome) -> str:
    """What tells two findings apart, so that ten thousand inputs hitting one bug make one: the
    kind, the exception, and the innermost frame in gongkai (its own, else any): its line for a
    crash, its function for a hang, whose line is wherever the clock ran out."""
    frames = _FRAME.findall(outcome.detail)
    if outcome.kind == "crash":
        frames.reverse()  # a traceback lists the innermost frame last, faulthandler first
    ours = [f for f in frames if f[0].startswith(PACKAGE)] or frames
    where = "?"
    if ours:
        path, line, function = ours[0]
        where = f"{os.path.relpath(path, REPO)}:{line if outcome.kind == 'crash' else function}"
    last = outcome.detail.strip().splitlines()[-1:] or [""]
    error = last[0].split(":")[0] if outcome.kind == "crash" else ""
    return " ".join(filter(None, [outcome.kind, error, "at", where]))


@dataclass
class Finding:
    signature: str
    case: Case
    outcome: Outcome
    count: int = 1
    saved: Path | None = None


def _header(text: str) -> dict[str, str]:
    head = text.split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)


def save(finding: Finding, folder: Path, name: str = "") -> Path:
    """<hash>.yml holds the input as it was, <hash>.txt where it goes and the traceback."""
    folder.mkdir(parents=True, exist_ok=True)
    if finding.saved is not None:
        finding.saved.unlink(missing_ok=True)
        finding.saved.with_suffix(".txt").unlink(missing_ok=True)
    path = folder / f"{name or hashlib.sha1(finding.case.raw).hexdigest()[:12]}.yml"
    path.write_bytes(finding.case.raw)
    path.with_suffix(".txt").write_text(
        f"kind: {finding.outcome.kind}\nsignature: {finding.signature}\ntree: {finding.case.tree}\n"
        f"file: {finding.case.path}\nreplay: .venv/bin/python tests/fuzz_campaign.py --replay {path}\n\n"
        f"{finding.outcome.detail}\n", encoding="utf-8")
    finding.saved = path
    return path


def load_saved(path: Path) -> Case:
    head = _header(path.with_suffix(".txt").read_text(encoding="utf-8"))
    return Case(head["tree"], head["file"], path.read_bytes())


# -- mutations beyond test_properties': what a hostile or unlucky file can hold -------------------

_pick = props._pick


def _keyed_value(draw, lines):
    """(line index, match) of a `key: value` line, or None."""
    keyed = props._keyed(lines, with_value=True)
    return draw(st.sampled_from(keyed)) if keyed else None


def _set_value(draw, lines, values) -> None:
    found = _keyed_value(draw, lines)
    if found:
        i, m = found
        lines[i:i + 1] = f"{m['lead']}{m['key']}: {draw(values)}".split("\n")


def n_deep(draw, lines):
    """Nesting ten thousand deep: nothing may recurse once per level."""
    depth = draw(st.sampled_from([100, 1_000, 10_000, 50_000]))
    opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}"), ("[{a: ", "}]"), ("- ", "")]))
    closed = draw(st.booleans())
    _set_value(draw, lines, st.just(opener * depth + "x" + (closer * depth if closed else "")))


def n_deep_block(draw, lines):
    """A tower of indented maps and lists, as an editor would indent it."""
    depth = draw(st.sampled_from([50, 500, 1_500]))
    step = draw(st.sampled_from(["a:", "- a:", "-"]))
    tower = [" " * (k * 2) + step for k in range(depth)]
    at = _pick(draw, lines)
    lines[at + 1:at + 1] = tower


def n_long_line(draw, lines):
    """A value of up to a megabyte on one line (the file limit is 2 MB)."""
    unit = draw(st.sampled_from(["9", "一", "a ", "\U0001f600", "'", "\\", ": "]))
    n = draw(st.sampled_from([10_000, 100_000, 1_000_000]))
    _set_value(draw, lines, st.just(draw(st.sampled_from(["", "'", '"'])) + unit * n))


def n_anchor(draw, lines):
    """Anchors, aliases and merge keys, including the billion laughs."""
    choice = draw(st.sampled_from(["anchor", "alias", "merge", "laughs"]))
    if choice == "laughs":
        bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        bomb += [f"{chr(98 + k)}: &{chr(98 + k)} [{', '.join(['*' + chr(97 + k)] * 9)}]" for k in range(8)]
        at = _pick(draw, lines)
        lines[at:at] = bomb
        return
    found = _keyed_value(draw, lines)
    if not found:
        return
    i, m = found
    if choice == "merge":
        lines.insert(i, f"{m['lead'].replace('-', ' ')}<<: {draw(st.sampled_from(['*a', '{name: x}', '[*a, *b]']))}")
    else:
        value = f"&a {m['rest'].strip()}" if choice == "anchor" else "*a"
        lines[i] = f"{m['lead']}{m['key']}: {value}"


TAGS = ["!!python/object:os.system", "!!python/object/apply:os.system ['true']", "!!python/name:os.system",
        "!!binary", "!!timestamp", "!!float", "!!int", "!!bool", "!!null", "!!set", "!!omap", "!!map",
        "!!seq", "!<tag:yaml.org,2002:str>", "!local", "!", "!!merge", "!!value"]


def n_tag(draw, lines):
    found = _keyed_value(draw, lines)
    if found:
        i, m = found
        lines[i] = f"{m['lead']}{m['key']}: {draw(st.sampled_from(TAGS))} {m['rest'].strip()}"


# numbers that overflow a float, a Decimal, int()'s digit limit, or are not numbers in ASCII digits
NUMBERS = ["1e309", "-1e309", "1e-400", "1e999999999", "-1e999999999", "1E+2147483648", "-0", "-0.0",
           "0.001", "0.005", "-0.005", "+12", "12.", ".5", "1_000", "1,000", "0x10", "0o17", "0b101",
           "Infinity", "-.inf", ".NaN", "nan", "9" * 100, "0." + "0" * 100 + "1", "99999999999999999999999.999",
           "١٢٣", "१२३", "１２３.４５", "¹²", "Ⅻ", "1e1e1", "--1", "1.0.0", "١e5"]
DATES = ["2024-02-30", "2023-02-29", "2024-02-29", "2024-04-31", "2024-1-5", "2024-13-01", "2024-00-10",
         "0000-01-01", "10000-01-01", "-2024-01-01", "2024-12-31T23:59:60Z", "2024-03-05 10:00:00",
         "2024-03-05T10:00:00+08:00", "2024-W10-1", "2024-065", "20240305", "２０２４-０３-０５", "2024‐03‐05",
         "1900-01-01", "2262-04-12", "9999-12-31", "2024-Q4", "2024-Q0", "2024-12", "2024-Q1-01"]


def n_number(draw, lines):
    _set_value(draw, lines, st.sampled_from(NUMBERS))


def n_date(draw, lines):
    _set_value(draw, lines, st.sampled_from(DATES))


def n_swap_values(draw, lines):
    """A value typed into the wrong field: a date in an amount, an id in a date."""
    a, b = _keyed_value(draw, lines), _keyed_value(draw, lines)
    if a and b:
        (i, m), (j, n) = a, b
        lines[i] = f"{m['lead']}{m['key']}:{n['rest']}"
        lines[j] = f"{n['lead']}{n['key']}:{m['rest']}"


def n_duplicate_key(draw, lines):
    """The same field twice, with another value the second time."""
    found = _keyed_value(draw, lines)
    if found:
        i, m = found
        value = props.valid_value(draw, m["key"].strip()) or draw(props.BAD_VALUES)
        lines.insert(i + 1, f"{' ' * len(m['lead'])}{m['key']}: {value}".replace("\n", " "))


# characters a paste brings in: NUL and C0/C1 controls, BOMs, bidi marks, odd spaces and breaks
CONTROLS = ["\x00", "\x01", "\x08", "\x1a", "\x1f", "\x7f", "\x80", "\x9f", "\ufeff", "\ufffe", "\uffff",
            "\u200b", "\u200e", "\u202e", "\u2066", "\u3000", "\u00a0", "\u2028", "\x85", "\r", "\x0b",
            "\U0010ffff", "\U000e0001", "\u0301"]


def n_control(draw, lines):
    i = _pick(draw, lines)
    at = draw(st.integers(0, len(lines[i])))
    lines[i] = lines[i][:at] + draw(st.sampled_from(CONTROLS)) * draw(st.sampled_from([1, 2, 100])) + lines[i][at:]


def n_line_ends(draw, lines):
    """CRLF or a bare CR, on one line or all of them; a missing or doubled end."""
    end = draw(st.sampled_from(["\r", "\r\r", "\r\n\r"]))
    if draw(st.booleans()):
        lines[:] = [line + end for line in lines]
    else:
        i = _pick(draw, lines)
        lines[i] += end


def n_reindent(draw, lines):
    """The whole file indented again: doubled, halved, shifted, or with ideographic spaces."""
    how = draw(st.sampled_from(["double", "halve", "shift", "ideographic"]))
    out = []
    for line in lines:
        body = line.lstrip(" ")
        n = len(line) - len(body)
        lead = {"double": " " * 2 * n, "halve": " " * (n // 2), "shift": " " * (n + 1), "ideographic": "\u3000" * n}[how]
        out.append(lead + body)
    lines[:] = out


def n_truncate(draw, lines):
    cut = _pick(draw, lines)
    text = "\n".join(lines[cut:])
    lines[cut:] = [text[:draw(st.integers(0, len(text)))]]


def n_splice(draw, lines):
    """Lines from another file: a funds ledger inside a decision, a village inside a pledge."""
    other = draw(st.sampled_from(SEEDS)).text.split("\n")
    a = _pick(draw, other)
    b = draw(st.integers(a, min(len(other), a + 40)))
    at = draw(st.integers(0, len(lines)))
    lines[at:at] = other[a:b]


def n_empty(draw, lines):
    lines[:] = draw(st.sampled_from(["", "~", "null", "[]", "{}", "---", "...", "# 空", "- ", "-", "''"])).split("\n")


# well-typed, but odd: line ends and a BOM that YAML accepts
VALID = props.VALID_MUTATIONS + [n_line_ends]
NASTY = [n_deep, n_deep_block, n_long_line, n_anchor, n_tag, n_number, n_number, n_date, n_date,
         n_swap_values, n_duplicate_key, n_control, n_line_ends, n_reindent, n_truncate, n_splice,
         n_empty]
HOSTILE = props.MUTATIONS + NASTY


# -- bytes: what a disk, an editor or an encoding does to the text ---------------------------------

ENCODINGS = ["utf-8"] * 8 + ["utf-8-sig", "gbk", "gb18030", "big5", "utf-16", "utf-16-le", "utf-16-be",
                             "utf-32", "latin-1"]
JUNK = [b"\x00", b"\xff", b"\xfe\xff", b"\xff\xfe", codecs.BOM_UTF8, b"\xc0\x80", b"\xed\xa0\x80",
        b"\xf4\x90\x80\x80", b"\x80", b"\xe4\xb8", b"\xc4\xe3", b"\x1a", b"\r", b"\x1b[31m"]


def b_flip(draw, raw: bytes) -> bytes:
    if not raw:
        return raw
    i = draw(st.integers(0, len(raw) - 1))
    return raw[:i] + bytes([raw[i] ^ (1 << draw(st.integers(0, 7)))]) + raw[i + 1:]


def b_insert(draw, raw: bytes) -> bytes:
    i = draw(st.integers(0, len(raw)))
    return raw[:i] + draw(st.one_of(st.sampled_from(JUNK), st.binary(min_size=1, max_size=8))) + raw[i:]


def b_delete(draw, raw: bytes) -> bytes:
    i = draw(st.integers(0, len(raw)))
    return raw[:i] + raw[i + draw(st.integers(1, 64)):]


def b_repeat(draw, raw: bytes) -> bytes:
    i = draw(st.integers(0, len(raw)))
    j = draw(st.integers(i, min(len(raw), i + 256)))
    return raw[:j] + raw[i:j] * draw(st.integers(1, 3)) + raw[j:]


def b_truncate(draw, raw: bytes) -> bytes:
    return raw[:draw(st.integers(0, len(raw)))]


BYTE_MUTATIONS = [b_flip, b_insert, b_delete, b_repeat, b_truncate]


@st.composite
def cases(draw) -> Case:
    """A seed, mutated: a third keep every value well-typed (so the tree passes and renders),
    the rest are hostile by line and by byte. Now and then the text lands in another file."""
    seed = draw(st.sampled_from(SEEDS))
    path = seed.path if draw(st.integers(0, 9)) else draw(st.sampled_from(tree_files(seed.tree)))
    lines = seed.text.split("\n")
    valid = draw(st.integers(0, 2)) == 0
    for _ in range(draw(st.integers(1, 3 if valid else 4))):
        draw(st.sampled_from(VALID if valid else HOSTILE))(draw, lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig"] if valid else ENCODINGS))
    raw = "\n".join(lines).encode(encoding, errors="replace")
    for _ in range(0 if valid else draw(st.sampled_from([0, 0, 1, 2, 3]))):
        raw = draw(st.sampled_from(BYTE_MUTATIONS))(draw, raw)
    return Case(seed.tree, path, raw)


# -- the campaign --------------------------------------------------------------------------------


@dataclass
class Report:
    inputs: int = 0
    seconds: float = 0.0
    passing: int = 0  # inputs whose tree passed the check, so it was rendered too
    pages: int = 0
    slowest: float = 0.0
    slowest_case: Case | None = None  # not a finding below the hang limit, but where one would grow
    findings: dict[str, Finding] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.findings)

    def line(self) -> str:
        kinds = [f.outcome.kind for f in self.findings.values()]
        rate = self.inputs / self.seconds if self.seconds else 0.0
        return (f"{self.inputs:,} inputs, {rate:.1f}/s, {kinds.count('crash')} crashes, "
                f"{kinds.count('hang')} hangs, {kinds.count('died')} deaths; "
                f"{self.passing:,} trees passed and rendered ({self.pages:,} pages); slowest {self.slowest:.2f} s")


class Campaign:
    def __init__(self, fuzz_target=check_case, hang_seconds: float = 10.0, cache: Path | None = CACHE,
                 log: Callable[[str], None] = print, every: float = 5.0):
        self.runner = Runner(fuzz_target, hang_seconds)
        self.cache = cache
        self.log = log
        self.every = every
        self.report = Report()
        self.start = self.last_log = time.monotonic()
        self.deadline: float | None = None  # None: one round of Hypothesis

    def feed(self, case: Case) -> Outcome:
        outcome = self.runner.run(case)
        r = self.report
        r.inputs += 1
        r.seconds = time.monotonic() - self.start
        if outcome.seconds > r.slowest:
            r.slowest, r.slowest_case = outcome.seconds, case
        r.pages += outcome.stats.get("pages", 0)
        r.passing += bool(outcome.stats.get("pages"))
        if outcome.kind != "ok":
            self.record(case, outcome)
        if time.monotonic() - self.last_log >= self.every:
            self.last_log = time.monotonic()
            self.log(f"fuzz {int(r.seconds) // 60}:{int(r.seconds) % 60:02d}  {r.line()}")
        return outcome

    def record(self, case: Case, outcome: Outcome) -> None:
        sig = signature(outcome)
        found = self.report.findings.get(sig)
        if found is None:
            found = self.report.findings[sig] = Finding(sig, case, outcome, 0)
            self.log(f"FOUND {sig}\n{outcome.detail.strip()[-2000:]}")
        found.count += 1
        if len(case.raw) < len(found.case.raw):
            found.case, found.outcome = case, outcome
        if self.cache is not None and (found.saved is None or found.case is case):
            save(found, self.cache / "crashes")

    def replay_saved(self) -> None:
        """Last campaigns' findings first: still failing, they count again; fixed, they move aside."""
        folder = self.cache / "crashes"
        for path in sorted(folder.glob("*.yml")):
            if not path.with_suffix(".txt").exists():
                continue
            if self.feed(load_saved(path)).kind == "ok":
                self.log(f"fixed: {path.name} no longer fails; moved to crashes/fixed/")
                (folder / "fixed").mkdir(exist_ok=True)
                for p in (path, path.with_suffix(".txt")):
                    p.replace(folder / "fixed" / p.name)

    def replay_seeds(self) -> None:
        for seed in SEEDS:
            self.feed(Case(seed.tree, seed.path, seed.text.encode("utf-8")))

    def fuzz(self, examples: int, derandomize: bool = False) -> None:
        """Rounds of Hypothesis until the deadline (or one round of `examples`): each round ends
        with Hypothesis's target phase, which pushes on the slowest and most diagnosed inputs."""
        remember = self.cache is not None and not derandomize  # Hypothesis allows no database then
        database = DirectoryBasedExampleDatabase(self.cache / "hypothesis") if remember else None

        @settings(max_examples=examples, deadline=None, database=database, derandomize=derandomize,
                  phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                         HealthCheck.filter_too_much, HealthCheck.large_base_example])
        @given(cases())
        def fuzz_one(case):
            if self.time_up():
                return
            outcome = self.feed(case)
            if not derandomize:  # Hypothesis steers by these, and time taken never repeats itself
                target(outcome.seconds, label="seconds for one input")
                target(float(outcome.stats.get("codes", 0)), label="kinds of diagnostic")

        fuzz_one()
        while self.deadline is not None and not self.time_up():
            fuzz_one()

    def time_up(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def close(self) -> None:
        self.runner.close()
        if self.cache is None:
            return
        slow = self.report.slowest_case
        if slow is not None:
            path = save(Finding("slowest", slow, Outcome("ok", self.report.slowest)), self.cache, "slowest")
            self.log(f"slowest input: {self.report.slowest:.2f} s, {len(slow.raw):,} bytes as {slow.path}: {path}")
        totals = self.cache / "totals.json"
        before = json.loads(totals.read_text()) if totals.exists() else {"inputs": 0, "seconds": 0}
        after = {"inputs": before["inputs"] + self.report.inputs,
                 "seconds": round(before["seconds"] + self.report.seconds)}
        totals.write_text(json.dumps(after) + "\n")
        self.log(f"all campaigns so far: {after['inputs']:,} inputs in {after['seconds'] // 60} min")


def run_campaign(minutes: float | None = None, examples: int = 500, *, fuzz_target=check_case,
                 hang_seconds: float = 10.0, cache: Path | None = CACHE, with_seeds: bool = True,
                 derandomize: bool = False, log: Callable[[str], None] = print) -> Report:
    """Saved findings, then the seeds as they are, then Hypothesis: for `minutes` in rounds of
    `examples`, or (minutes None) one round of `examples`."""
    campaign = Campaign(fuzz_target, hang_seconds, cache, log)
    if minutes is not None:
        campaign.deadline = campaign.start + minutes * 60
    try:
        if cache is not None:
            campaign.replay_saved()
        if with_seeds:
            campaign.replay_seeds()
        campaign.fuzz(examples, derandomize)
    except KeyboardInterrupt:
        log("interrupted")
    finally:
        campaign.close()
    return campaign.report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--hang-seconds", type=float, default=10.0)
    parser.add_argument("--cache", type=Path, default=CACHE, help="Hypothesis's database and the findings")
    parser.add_argument("--replay", nargs="+", type=Path, metavar="FILE",
                        help="run saved inputs here, in this process, and show their tracebacks")
    args = parser.parse_args(argv)
    if args.replay:
        for path in args.replay:
            print(f"{path}: {check_case(load_saved(path))}")
        return 0
    print(f"fuzzing for {args.minutes:g} min: {len(SEEDS)} seed files, hang limit {args.hang_seconds:g} s, "
          f"findings in {os.path.relpath(args.cache / 'crashes')}/", flush=True)
    report = run_campaign(args.minutes, fuzz_target=check_case, hang_seconds=args.hang_seconds,
                          cache=args.cache, log=lambda s: print(s, flush=True))
    print(f"done: {report.line()}")
    for f in report.findings.values():
        print(f"  {f.signature}  ×{f.count}  {f.saved}")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
