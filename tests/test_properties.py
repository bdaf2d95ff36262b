"""Property tests: random and mutated YAML never crash the loader, the checker or the pages.

A clerk's file can contain anything: a half-typed line, a Tab, a GBK byte, a pasted control
character, a number with too many digits. Whatever it is, the checker must answer with
diagnostics, never a traceback, and every diagnostic must point at a line the clerk can
find in the file. A tree that passes the checker must render.

Profiles (pick with HYPOTHESIS_PROFILE=...):
  ci    (default) a fixed, derandomized set of examples per test, fast enough for CI;
  fuzz  many more random examples, remembered in .hypothesis/ so a failure replays.
The @example lines are inputs these tests once found: they always run first.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import shutil
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, event, example, given, note, settings
from hypothesis import strategies as st

from gongkai import kinds
from gongkai.render import kiosk, pages as render
from gongkai.model import schema
from gongkai.kinds.decisions import MATTER_CATEGORIES, ORIGINS, RESOLUTION_BODIES
from gongkai.kinds.funds import FUND_CATEGORIES
from gongkai.kinds.pledges import PLEDGE_STATUSES
from gongkai.check.checker import check_tree
from gongkai.check.diagnostics import CODES, Diagnostic
from gongkai.check.examples import BASE, FILES
from gongkai.load.reader import Node, parse, read_source
from conftest import SITE_URL
from tinytree import DECISION, FUNDS, PLEDGES, VILLAGE, write_tree

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "villages"
TODAY = date(2026, 11, 22)

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile(
    "ci", settings.get_profile("ci"),  # Hypothesis's own: derandomized, no database, print_blob
    max_examples=200, deadline=None, suppress_health_check=_QUIET,
)
settings.register_profile(
    "fuzz", max_examples=5000, deadline=None, suppress_health_check=_QUIET, print_blob=True,
)
# Applied per test rather than with load_profile, so other test files keep Hypothesis's defaults.
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# -- what "a line that exists" means -------------------------------------------------------------

_BREAK = re.compile(r"\r\n|\r|\n")  # the line ends an editor, git and GitHub's annotations know


def last_line(text: str) -> int:
    """The highest line a diagnostic may name: the text's last line as an editor numbers it,
    plus one, where libyaml reports a problem found at the end of the text (an unclosed quote
    or bracket) when the last line has no line end."""
    lines = len(_BREAK.split(text)) - text.endswith(("\n", "\r"))
    return max(1, lines) + 1


def file_text(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    return raw.decode("utf-8", errors="replace")  # replacement keeps every line end where it was


def assert_points_into(diags: list[Diagnostic], text: str, path: str) -> None:
    last = last_line(text)
    for d in diags:
        assert isinstance(d, Diagnostic), d
        assert d.code in CODES, d
        assert d.path == path, d
        assert 1 <= d.line <= last, f"line {d.line}, but the text has {last - 1} lines: {d}"
        assert d.col >= 1, d
        assert isinstance(d.message, str) and d.message, d


def assert_nodes_inside(node: Node | None, text: str) -> None:
    """Schema diagnostics point at nodes: every node must sit on an existing line too."""
    last = last_line(text)
    todo = [node] if node is not None else []
    while todo:
        n = todo.pop()
        assert 1 <= n.line <= last and n.col >= 1, (n.kind, n.line, n.col, last)
        if n.kind == "map":
            for key, value in n.value.values():
                todo += [key, value]
        elif n.kind == "seq":
            todo += n.value
        else:
            assert isinstance(n.value, str), n


def assert_tree_diagnostics_exist(diags: list[Diagnostic]) -> None:
    for d in diags:
        assert d.code in CODES, d
        path = Path(d.path)
        assert path.exists(), d
        assert d.col >= 1, d
        if path.is_dir():
            assert d.line == 1, d
        else:
            last = last_line(file_text(path))
            assert 1 <= d.line <= last, f"line {d.line}, but the file has {last - 1} lines: {d}"


# -- 1. random text and bytes --------------------------------------------------------------------

# pieces a clerk, an editor or a copy-paste can put in a file, YAML's special characters first
PIECES = [
    ":", ": ", "-", "- ", "&a ", "*a", "<<: ", "!!str ", "!x ", "! ", "'", '"', "---", "...",
    "\ufeff", "\t", "\n", "\r\n", "\r", " ", "  ", "    ", "#", " #", "{", "}", "[", "]", ",",
    "? ", "|", ">", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "\\", "\\x", '"\\u00e9"', "@", "`",
    "名称", "龙王庙村", "：", "－", "１２３", "２０２４年３月５日", "2024-03-05", "¥12,000", "12万",
    "0123", "12.50", "true", "null", "~", "id", "name", "code", "\U0001f600", "\ue000",
    "\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x1c", "\x7f", "\x85", "\u2028", "\u2029", "\ufffe",
]
_chars = st.characters(codec="utf-8")
_piece = st.one_of(st.sampled_from(PIECES), st.text(_chars, max_size=4))
soup = st.lists(_piece, max_size=60).map("".join)

_key = st.one_of(st.sampled_from(["name", "code", "id", "- id", "cadres", "名称", "a b", "<<", ""]),
                 st.text(_chars, max_size=6))
_value = st.one_of(st.sampled_from(["", "1", "'x'", '"y', "[a, b]", "{a: 1}", "|", "&a x", "*a", "!!int 3"]), soup)
_yaml_line = st.builds(lambda n, dash, k, sep, v: " " * n + dash + k + sep + v, st.integers(0, 8),
                       st.sampled_from(["", "- "]), _key, st.sampled_from([": ", ":", " : ", ""]), _value)
yaml_lines = st.builds(lambda lines, end: end.join(lines), st.lists(_yaml_line, max_size=20),
                       st.sampled_from(["\n", "\r\n", "\r"]))
long_line = st.builds(lambda start, s, n: start + s * n, st.sampled_from(["", "a: ", "- ", "a: '"]),
                      st.text(_chars, min_size=1, max_size=3), st.integers(1_000, 30_000))
texts = st.one_of(st.text(_chars, max_size=200), soup, yaml_lines, long_line)


def _splice(text: str, junk: bytes, where: int) -> bytes:
    raw = text.encode("utf-8")
    where %= len(raw) + 1
    return raw[:where] + junk + raw[where:]


raw_files = st.one_of(
    st.binary(max_size=300),
    texts.map(lambda t: t.encode("utf-8")),
    texts.map(lambda t: codecs.BOM_UTF8 + t.encode("utf-8")),
    texts.map(lambda t: t.encode("gbk", errors="replace")),  # Notepad's "ANSI"
    texts.map(lambda t: t.encode("utf-16")),
    texts.map(lambda t: t.encode("utf-16-le")),  # no BOM
    st.builds(_splice, texts, st.binary(min_size=1, max_size=4), st.integers(0, 10_000)),
)


@PROFILE
@given(texts)
@example("\x85{")  # libyaml counts U+0085 as a line end: was reported on line 3 of a 1-line text
@example("a: 1\u2028b: 2\u2028c: [\n")  # U+2028 too: was line 4 of a 1-line text
def test_parse_never_raises_and_points_at_real_lines(text):
    node, diags = parse(text, "x.yml")
    assert_points_into(diags, text, "x.yml")
    assert_nodes_inside(node, text)
    if node is None:
        assert any(d.is_error for d in diags), "nothing loaded, but nothing said"


@PROFILE
@given(raw=raw_files)
@example(raw="a: 1\x85b: 2\x85\tc: 3\n".encode("utf-8"))  # the Tab check split lines at U+0085: was line 3
def test_read_source_never_raises_and_points_at_real_lines(tmp_path_factory, raw):
    with tempfile.TemporaryDirectory(dir=tmp_path_factory.getbasetemp()) as tmp:
        path = Path(tmp) / "village.yml"
        path.write_bytes(raw)
        source = read_source(path)
        text = file_text(path)
    assert_points_into(source.diagnostics, text, str(path))
    assert_nodes_inside(source.node, text)
    if source.node is None:
        assert any(d.is_error for d in source.diagnostics), "nothing loaded, but nothing said"


# -- values, typed by the schema -----------------------------------------------------------------


def _all_fields() -> dict[str, list[schema.Field]]:
    """Every field name in the schema, with its definitions (a key like "date" has several)."""
    out: dict[str, list[schema.Field]] = {}
    todo = [schema.COUNTY, schema.TOWNSHIP, schema.VILLAGE, *kinds.specs().values()]
    seen = set()
    while todo:
        spec = todo.pop()
        if spec.name in seen:
            continue
        seen.add(spec.name)
        for f in spec.fields.values():
            out.setdefault(f.key, []).append(f)
            t = f.type.item if isinstance(f.type, schema.ListOf) else f.type
            if isinstance(t, schema.Spec):
                todo.append(t)
    return out


FIELDS = _all_fields()
KEYS = sorted(FIELDS)
_MARK = "<gk-x>"  # text a clerk typed: it must reach the page escaped, never as a tag

_free_text = st.one_of(
    st.text(_chars, max_size=40),
    st.text(_chars, max_size=10).map(lambda s: s + _MARK),
    st.sampled_from(["", " ", "<script>alert(1)</script>", "{{ 1 }}", "{% raw %}", "&amp;", "a\\b", "\u202e反转"]),
    st.builds(lambda s, n: s * n, st.text(_chars, min_size=1, max_size=3), st.integers(500, 1_000)),
)
# digits past Decimal's 28-digit precision and past the 4300 digits int() accepts from text
_huge = st.sampled_from([27, 29, 31, 41, 4301]).map(lambda n: "1" + "0" * (n - 1))
_money = st.one_of(
    st.integers(0, 10**42).flatmap(lambda n: st.sampled_from([f"{n // 100}.{n % 100:02d}", str(n)])),
    _huge, _huge.map(lambda s: s + ".50"),
)
_count = st.one_of(st.integers(0, 100).map(str), st.integers(0, 10**30).map(str), _huge)
_period = st.one_of(
    st.builds(lambda y, q: f"{y:04d}-Q{q}", st.integers(0, 9999), st.integers(1, 4)),
    st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(0, 9999), st.integers(1, 12)),
)
_id = st.from_regex(schema.ID_PATTERN, fullmatch=True)
_CHOICES = sorted(set(FUND_CATEGORIES + MATTER_CATEGORIES + ORIGINS + RESOLUTION_BODIES + PLEDGE_STATUSES))


def valid_value(draw, key: str) -> str | None:
    """A value the field's type accepts (the rules across fields may still object)."""
    types = {type(f.type) for f in FIELDS.get(key, [])}
    if schema.Money in types:
        return draw(_money)
    if schema.Count in types:
        return draw(_count)
    if schema.Date in types:
        return draw(st.dates()).isoformat()
    if schema.Period in types:
        return draw(_period)
    if schema.Bool in types:
        return draw(st.sampled_from(["true", "false"]))
    if schema.Choice in types:
        return draw(st.sampled_from(_CHOICES))
    if schema.Id in types:  # quoted with a line end: "$" in ID_PATTERN once let "p-1\n" through
        return draw(st.one_of(_id, _id.map(lambda s: json.dumps(s + "\n"))))
    if types & {schema.Text, schema.Phone}:
        return json.dumps(draw(_free_text), ensure_ascii=False)
    return None


_odd_year = st.integers(0, 9999).map(lambda y: f"{y:04d}")
BAD_VALUES = st.one_of(
    st.sampled_from([
        "", "~", "null", "true", "false", "否", "¥12,000", "12万", "１２", "３０", "2024年3月5日",
        "２０２４-０３-０５", "2024/3/5", "2024-02-30", "0000-01-01", "0001-01-01", "9999-12-31",
        "2024-Q5", "0000-Q1", "9999-Q4", "2024-00", "2024-13", "[]", "{}", "[1, 2]", "{a: 1}",
        "'0377'", '"411321104201"', "411321104201", "-1", "-0.00", "1e5", "0x1F", ".inf", ".nan",
        "12.345", _MARK, "d-2024-01", "c-2024-01", "&x 1", "*x", "!!int 1", "'", '"', ": ",
        "|\n  第一行\n  第二行", ">-\n  折叠", "\n  - 甲\n  - 乙", "\n  a: 1\n  b: 2", "\n  - name: 张三\n    role: 书记",
        "张某身份证号11010519491231002X", "13912345678", "进行中", "已兑现", "村民会议", "各项收入",
    ]),
    st.integers(-10**40, 10**40).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
    st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", _odd_year, st.integers(0, 13), st.integers(0, 32)),
    st.builds(lambda y, m, d: f"{y}年{m}月{d}日", st.integers(1, 9999), st.integers(1, 12), st.integers(1, 31)),
    st.builds(lambda y, q: f"{y}-Q{q}", _odd_year, st.integers(0, 5)),
    st.builds(lambda y, m: f"{y}-{m:02d}", _odd_year, st.integers(0, 13)),
    soup.filter(lambda s: len(s) < 40),
)


# -- mutations of real files ---------------------------------------------------------------------

# sample villages that between them use every step, 村民会议, merged steps, revisions, 三方议事
SAMPLE_VILLAGES = ["nanzhao/yunyang/baihang", "ningling/chengguan/beiguan", "nanzhao/huanghou/jiagou"]


def _sample_files(village: str) -> list[str]:
    county, township, _ = village.split("/")
    files = [f"{county}/county.yml", f"{county}/{township}/township.yml", f"{village}/village.yml"]
    files += sorted(str(p.relative_to(SAMPLE)) for p in (SAMPLE / village).glob("*/*.yml"))
    return files


SAMPLE_TARGETS = [(v, f) for v in SAMPLE_VILLAGES for f in _sample_files(v)]

_KEY_LINE = re.compile(r"^(?P<lead>\s*(?:- )?)(?P<key>[^\s:#-][^:#]*?):(?P<rest>(?: .*)?)$")
INSERTS = [": ", "- ", "\t", "  ", "&a ", "*a", "<<: ", "!!str ", "---\n", "'", '"', "#", "\ufeff",
           "\x0c", "\x85", "\u2028", "\n", "{", "["]


def _pick(draw, lines: list[str]) -> int:
    return draw(st.integers(0, len(lines) - 1))


def _keyed(lines: list[str], with_value: bool = False) -> list[tuple[int, re.Match]]:
    found = [(i, _KEY_LINE.match(line)) for i, line in enumerate(lines)]
    return [(i, m) for i, m in found if m and (m["rest"].strip() or not with_value)]


def m_delete_line(draw, lines):
    if len(lines) > 1:
        del lines[_pick(draw, lines)]


def m_duplicate_line(draw, lines):
    i = _pick(draw, lines)
    lines.insert(i, lines[i])


def m_swap_lines(draw, lines):
    i, j = _pick(draw, lines), _pick(draw, lines)
    lines[i], lines[j] = lines[j], lines[i]


def m_indent(draw, lines):
    i = _pick(draw, lines)
    shift = draw(st.sampled_from([-3, -2, -1, 1, 2, 3]))
    line = lines[i]
    spaces = len(line) - len(line.lstrip(" "))
    lines[i] = " " * shift + line if shift > 0 else line[min(spaces, -shift):]


def m_tab(draw, lines):
    i = _pick(draw, lines)
    line = lines[i]
    at = draw(st.sampled_from([0, len(line) - len(line.lstrip(" ")), draw(st.integers(0, len(line)))]))
    lines[i] = line[:at] + "\t" + line[at:]


def m_replace_value(draw, lines):
    keyed = _keyed(lines)
    if not keyed:
        return
    i, m = draw(st.sampled_from(keyed))
    value = valid_value(draw, m["key"].strip()) if draw(st.booleans()) else None
    value = (draw(BAD_VALUES) if value is None else value).replace("\n", "\n" + " " * len(m["lead"]))  # block values sit under the key
    sep = ":" if value.startswith("\n") else ": "
    lines[i:i + 1] = f"{m['lead']}{m['key']}{sep}{value}".split("\n")


def m_rename_key(draw, lines):
    keyed = _keyed(lines)
    if not keyed:
        return
    i, m = draw(st.sampled_from(keyed))
    key = m["key"]
    new = draw(st.one_of(
        st.sampled_from(KEYS + ["<<", "名称", "Name", key.upper(), key + "s", key[:-1] or "x"]),
        st.text(_chars, min_size=1, max_size=8).filter(lambda s: not _BREAK.search(s)),
    ))
    lines[i] = f"{m['lead']}{new}:{m['rest']}"


def m_delete_char(draw, lines):
    i = _pick(draw, lines)
    if lines[i]:
        at = draw(st.integers(0, len(lines[i]) - 1))
        lines[i] = lines[i][:at] + lines[i][at + 1:]


def m_insert(draw, lines):
    i = _pick(draw, lines)
    at = draw(st.integers(0, len(lines[i])))
    lines[i:i + 1] = (lines[i][:at] + draw(st.sampled_from(INSERTS)) + lines[i][at:]).split("\n")


MUTATIONS = [m_delete_line, m_duplicate_line, m_swap_lines, m_indent, m_tab, m_replace_value,
             m_rename_key, m_delete_char, m_insert]


def v_value(draw, lines):
    keyed = _keyed(lines, with_value=True)
    if keyed:
        i, m = draw(st.sampled_from(keyed))
        value = valid_value(draw, m["key"].strip())
        if value is not None:
            lines[i] = f"{m['lead']}{m['key']}: {value}"


def v_drop_optional(draw, lines):
    optional = [i for i, m in _keyed(lines, with_value=True) if not m["lead"].endswith("- ")
                and m["key"] in FIELDS and not any(f.required for f in FIELDS[m["key"]])]
    if optional:
        del lines[draw(st.sampled_from(optional))]


def v_swap_records(draw, lines):
    starts = [i for i, line in enumerate(lines) if line.startswith("- ")]
    if len(starts) < 2:
        return
    a = draw(st.integers(0, len(starts) - 2))
    b = draw(st.integers(a + 1, len(starts) - 1))
    ends = starts + [len(lines)]
    rec_a, mid, rec_b = lines[ends[a]:ends[a + 1]], lines[ends[a + 1]:ends[b]], lines[ends[b]:ends[b + 1]]
    lines[:] = lines[:ends[a]] + rec_b + mid + rec_a + lines[ends[b + 1]:]


# changes that keep each value well-typed, so that many trees still pass and get rendered
VALID_MUTATIONS = [v_value, v_value, v_value, v_drop_optional, v_swap_records]


@st.composite
def mutated_trees(draw, mutations=MUTATIONS, max_mutations=4):
    """(where the text comes from: "tiny" or a sample village, which file it replaces, the text)."""
    source = draw(st.sampled_from(["tiny", "sample"]))
    if source == "tiny":
        target = draw(st.sampled_from(sorted(FILES)))
        text = BASE[target]
    else:
        source, target = draw(st.sampled_from(SAMPLE_TARGETS))
        text = (SAMPLE / target).read_text(encoding="utf-8")
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, max_mutations))):
        draw(st.sampled_from(mutations))(draw, lines)
    return source, target, "\n".join(lines)


def build(root: Path, source: str, target: str, text: str) -> Path:
    """Write the tree with `text` in place of `target` under root; returns the data folder."""
    if source == "tiny":
        return write_tree(root, **{target: text})
    data = root / "villages"
    county, township, _ = source.split("/")
    (data / county / township).mkdir(parents=True)
    shutil.copy(SAMPLE / county / "county.yml", data / county / "county.yml")
    shutil.copy(SAMPLE / county / township / "township.yml", data / county / township / "township.yml")
    shutil.copytree(SAMPLE / source, data / source)
    (data / target).write_text(text, encoding="utf-8")
    return data


# a folder's index.html, or a record's page beside its village's board (<village>/<id>.html)
_PAGE_PATH = re.compile(r"(?:[a-z0-9-]+/)+[a-z0-9-]+\.html")


def render_everything(result, data: Path) -> list[str]:
    """Every page that does not need MkDocs: village boards, record pages, kiosk pages, area fragments."""
    ctx = render.Context(result.tree, TODAY, str(data.parent), SITE_URL)  # published: QR codes carry full addresses
    pages = []
    seen: set[str] = set()
    for rel, html in [*render.lean_pages(ctx), *kiosk.pages(ctx, kiosk.Settings(), "0" * 16)]:  # + the touch screens'
        assert _PAGE_PATH.fullmatch(rel), f"unsafe page path {rel!r}"
        # a record's page is a file beside its village's board: two pages at one path, and one is lost
        assert rel not in seen, f"two pages at {rel!r}: the second overwrites the first"
        seen.add(rel)
        pages.append(html)
    pages += [render.area_fragment(a, ctx) for a in result.tree.counties + result.tree.townships]
    pages.append(render.directory_fragment(ctx))
    return pages


def check_and_render(tmp_path_factory, case) -> bool:
    with tempfile.TemporaryDirectory(dir=tmp_path_factory.getbasetemp()) as tmp:
        data = build(Path(tmp), *case)
        result = check_tree(data, TODAY)
        note(f"diagnostics: {result.diagnostics}")
        assert_tree_diagnostics_exist(result.diagnostics)
        event(f"tree ok: {result.ok}")
        if result.ok:
            for html in render_everything(result, data):
                assert _MARK not in html, "a clerk's text reached the page unescaped"
        return result.ok


# -- 2. the full checker on mutated files --------------------------------------------------------


@PROFILE
@given(mutated_trees())
@example(("tiny", "funds", FUNDS.replace("period: 2024-Q1", "period: 0000-Q1")))  # was ValueError: year 0 is out of range
@example(("tiny", "village", VILLAGE.replace("party_members: 30", "party_members: " + "9" * 4301)))  # was ValueError from int()
def test_mutated_files_never_crash_the_checker(tmp_path_factory, case):
    check_and_render(tmp_path_factory, case)


# -- 3. trees that stay valid render -------------------------------------------------------------


@PROFILE
@given(mutated_trees(mutations=VALID_MUTATIONS, max_mutations=3))
@example(("tiny", "decisions", DECISION.replace("budget: 120000.00", "budget: 1" + "0" * 30)))  # was InvalidOperation in wan()
@example(("tiny", "pledges", PLEDGES.replace("- id: p-2024-01", '- id: "p-2024-01\\n"')))  # was a page path with a line end
@example(("tiny", "pledges", PLEDGES.replace("- id: p-2024-01", "- id: index")))  # its page would be the village's board
def test_valid_mutated_trees_render(tmp_path_factory, case):
    check_and_render(tmp_path_factory, case)
