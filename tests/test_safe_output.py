"""Safe output: whatever a clerk types into a text field reaches the page as text, never as markup,
a link target or a template; every page carries a Content-Security-Policy that allows the site's
own files only; and in a real browser a script that was slipped into a page does not run.

The text fields are read from gongkai.model.schema (every Text field of every file kind, nested specs
and lists included), so a new field is covered the day it is added. The tiny village is built
twice over: once with harmless text in every field, and with hostile text in every field. The
hostile pages must have exactly the elements and attributes of the harmless ones, with the
hostile text readable in them as text.
"""

from __future__ import annotations

import copy
import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import REPO, mkdocs_build, mkdocs_serve
from gongkai import kinds
from gongkai.adapters import samplephotos
from gongkai.model import schema
from gongkai.check.checker import check_tree
from gongkai.check.examples import BASE, FILES
from tinytree import tiny_project

TODAY = date(2026, 11, 22)
# Markup, links, templates and comments that must reach a page as the text they are. No long runs
# of digits: the privacy check (GK701-703) would rightly refuse those before anything is built.
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "[点我](javascript:alert(1))",
    "[x]: javascript:alert(1)",
    "![x](x.png)",
    '<a href="javascript:alert(1)">x</a>',
    "<a href=' javascript:alert(1)'>y</a>",
    "</textarea></title></style><svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe><object data=x></object><embed src=x>",
    "<style>body{display:none}</style><link rel=stylesheet href=//evil.example/x.css>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'><base href=//evil.example/>",
    "<form action=//evil.example/><button formaction=javascript:alert(1)>b</button></form>",
    "{: onclick=alert(1) }",
    "{{ 7*7 }}{% raw %}{# x",
    "${7*7}",
    "&lt;b&gt;&amp;",
    "<b>粗",
    "<!--",
]
# What a value starts with, in turn: where a value became a link, the scheme would come first.
STARTS = ["javascript:alert(1)//", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"]
HOSTILE_BODY = " ".join(PAYLOADS)


def marker(n: int) -> str:
    """A tag that tells the fields apart: letters only (digits could look like a phone number)."""
    letters = ""
    n += 26
    while n:
        n, r = divmod(n, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[r] + letters
    return f"zq{letters}q"


def harmless(n: int) -> str:
    return f"文字{marker(n)}"


def hostile(n: int) -> str:
    return f"{STARTS[n % len(STARTS)]}{marker(n)} {HOSTILE_BODY}"


# -- the text fields, from the schema ---------------------------------------------------------

FILE_SPECS = {"county": schema.COUNTY, "township": schema.TOWNSHIP, "village": schema.VILLAGE, **kinds.specs()}


@dataclass
class Slot:
    """One text value in the tree: which file, where in it, and whether it is a list of texts."""

    file: str
    path: tuple  # keys and list indexes from the file's root
    is_list: bool = False
    created: tuple | None = None  # the path of the optional part this test added to reach the field


def _dates(value) -> list[date]:
    if isinstance(value, date):
        return [value]
    if isinstance(value, dict):
        return [d for v in value.values() for d in _dates(v)]
    if isinstance(value, list):
        return [d for v in value for d in _dates(v)]
    return []


def _seed(spec: schema.Spec, when: date) -> dict:
    """An optional part the tiny tree lacks, with its required values that are not text."""
    out: dict = {}
    for f in spec.fields.values():
        t = f.type
        if not f.required or isinstance(t, schema.Text):
            continue
        if isinstance(t, schema.Spec):
            out[f.key] = _seed(t, when)
        elif isinstance(t, schema.ListOf):
            out[f.key] = [_seed(t.item, when)] if isinstance(t.item, schema.Spec) else []
        else:
            out[f.key] = {schema.Date: when, schema.Count: 0, schema.Money: 0, schema.Bool: False,
                          schema.Id: "x", schema.Code: "000000000000", schema.Period: "2024-Q1"}.get(
                type(t), t.options[0] if isinstance(t, schema.Choice) else t.word if isinstance(t, schema.Statement) else None)
    return out


def _when(data: dict, spec: schema.Spec, key: str) -> date:
    """The date for an added part: the fields of a spec follow time (proposal before review before
    disclosure), so the latest date before it, or else the earliest after it."""
    keys = list(spec.fields)
    before = [d for k in keys[: keys.index(key)] for d in _dates(data.get(k))]
    after = [d for k in keys[keys.index(key) + 1:] for d in _dates(data.get(k))]
    return max(before) if before else min(after) if after else date(2024, 6, 1)


def walk(data: dict, spec: schema.Spec, file: str, path: tuple = (), created: tuple | None = None):
    """Every text slot under `data`, adding the optional parts that hold text fields."""
    for f in spec.fields.values():
        t, here = f.type, (*path, f.key)
        if (spec, f.key) == (schema.ATTACHMENT, "file"):
            data[f.key] = PHOTO  # a real photo (Tree.write puts it there): its caption then reaches the page
        elif isinstance(t, schema.Text):
            yield Slot(file, here, created=created)
        elif isinstance(t, schema.Spec):
            if f.key not in data:
                data[f.key] = _seed(t, _when(data, spec, f.key))
                made = created or here
            else:
                made = created
            yield from walk(data[f.key], t, file, here, made)
        elif isinstance(t, schema.ListOf) and isinstance(t.item, schema.Text):
            yield Slot(file, here, is_list=True, created=created)
        elif isinstance(t, schema.ListOf) and isinstance(t.item, schema.Spec):
            made = created
            if f.key not in data:  # a list that is there but empty (no entries this quarter) stays empty
                data[f.key] = [_seed(t.item, _when(data, spec, f.key))]
                made = created or here
            for i, item in enumerate(data[f.key]):
                yield from walk(item, t.item, file, (*here, i), made)


PHOTO = "fujian/photo.jpg"  # every attachment's file, in the tiny village's folder


def _get(data, path):
    for p in path:
        data = data[p]
    return data


def _set(data, path, value):
    _get(data, path[:-1])[path[-1]] = value


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True  # the loader refuses anchors (GK106): write every value out


@dataclass
class Tree:
    """The tiny tree, every text field found and filled."""

    data: dict  # file -> parsed YAML (a mapping, or a list of records)
    slots: list[Slot]
    refused: set[int]

    @classmethod
    def make(cls) -> Tree:
        data = {name: yaml.safe_load(BASE[name]) for name in FILES}
        slots = []
        for name, spec in FILE_SPECS.items():
            records = data[name] if isinstance(data[name], list) else [data[name]]
            for i, rec in enumerate(records):
                for slot in walk(rec, spec, name):
                    if isinstance(data[name], list):  # a year file: a list of records
                        slot.path = (i, *slot.path)
                        slot.created = slot.created and (i, *slot.created)
                    slots.append(slot)
        return cls(data, slots, set())

    def filled(self, value) -> dict:
        """The data with slot n holding value(n); a list slot holds its own and every other value
        (so that a text checked against a list, like a category against the county's own
        categories, is found there). A refused slot keeps what the tiny tree had, or the part
        this test added for it goes."""
        data = copy.deepcopy(self.data)
        every = [value(n) for n in range(len(self.slots))]
        for n, slot in enumerate(self.slots):
            if n not in self.refused:
                _set(data[slot.file], slot.path, [every[n], *every[:n], *every[n + 1:]] if slot.is_list else every[n])
        for n in sorted(self.refused, key=lambda n: -len(self.slots[n].path)):
            slot = self.slots[n]
            if slot.created:
                parent, key = _get(data[slot.file], slot.created[:-1]), slot.created[-1]
                if key in parent:
                    del parent[key]
            elif _has(yaml.safe_load(BASE[slot.file]), slot.path):
                _set(data[slot.file], slot.path, _get(yaml.safe_load(BASE[slot.file]), slot.path))
            else:
                _get(data[slot.file], slot.path[:-1]).pop(slot.path[-1], None)
        return data

    @staticmethod
    def write(root: Path, data: dict) -> Path:
        for name, rel in FILES.items():
            path = root / "villages" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            text = yaml.dump(data[name], Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=10**6)
            path.write_text(text, encoding="utf-8")
        photo = root / "villages" / Path(FILES["village"]).parent / PHOTO
        photo.parent.mkdir(exist_ok=True)
        photo.write_bytes(samplephotos.phone_jpeg("voucher", ["VOUCHER"], seed=1, size=(120, 160)))
        return root / "villages"

    def refuse(self, tmp: Path, value) -> list:
        """Slots whose value the checker refuses (a category must be a known one, a change must
        name a field): those never reach a page, and keep the tiny tree's value instead (or the
        part this test added for them goes, with every text in it). Returns the problems no
        slot explains."""
        data = self.write(tmp, self.filled(value))
        files = {str(data / rel): name for name, rel in FILES.items()}
        stray = []
        for d in check_tree(data, TODAY).errors:
            line = Path(d.path).read_text(encoding="utf-8").splitlines()[d.line - 1] if d.path in files else ""
            hits = [n for n, s in enumerate(self.slots) if s.file == files.get(d.path) and not s.is_list and marker(n) in line]
            for n in hits:
                self.refused.add(n)
                created = self.slots[n].created
                self.refused.update(m for m, s in enumerate(self.slots) if created and s.created == created)
            if not hits:
                stray.append(d)
        return stray


def _has(data, path) -> bool:
    try:
        _get(data, path)
        return True
    except (KeyError, IndexError, TypeError):
        return False


# -- reading a built page ----------------------------------------------------------------------

URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite",
             "srcset", "ping", "codebase", "manifest", "longdesc", "usemap", "icon", "classid", "archive"}
RUNS_SCRIPT = re.compile(r"(javascript:|vbscript:|data:text/html)", re.I)


def runs_script(url: str) -> bool:
    return bool(RUNS_SCRIPT.match(re.sub(r"[\x00-\x20]", "", url)))


class Scan(HTMLParser):
    """A page's elements, scripts, event handlers, script URLs, CSP tags and text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple] = []  # (tag, attribute names), comments too: the page's shape
        self.scripts: list[tuple] = []  # (src, type, body)
        self.handlers: list[tuple] = []
        self.script_urls: list[tuple] = []
        self.csp: list[str] = []
        self.text: list[str] = []
        self._script: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, tuple(sorted(a))))
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name, value))
            if name in URL_ATTRS and runs_script(value or ""):
                self.script_urls.append((tag, name, value))
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh" and runs_script(
                (a.get("content") or "").split("url=", 1)[-1]):
            self.script_urls.append((tag, "content", a.get("content")))
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp.append(a.get("content") or "")
        if tag == "script":
            # scripts are named by their content (assets/gongkai/kiosk.<hash>.js), never by the data:
            # a hostile build must fetch exactly the harmless build's scripts
            self._script = [a.get("src") or None, a.get("type"), ""]

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append(tuple(self._script))
            self._script = None

    def handle_comment(self, data):
        self.tags.append(("!--", ()))

    def handle_data(self, data):
        if self._script is not None:
            self._script[2] += data
        else:
            self.text.append(data)


def scan(html: str) -> Scan:
    s = Scan()
    s.feed(html)
    s.close()
    return s


@dataclass
class Site:
    pages: dict[str, Scan]  # path inside the site -> what is in it
    index: list[list[str]]  # the search's index: every text in it (places, pages, records), as written
    text: str  # all text of all pages, as a reader sees it


def read_site(site: Path) -> Site:
    pages = {p.relative_to(site).as_posix(): scan(p.read_text(encoding="utf-8")) for p in sorted(site.rglob("*.html"))}
    top = json.loads((site / "search" / "index.json").read_text(encoding="utf-8"))
    index = top["places"] + top["pages"]
    for shard in top["shards"]:
        piece = json.loads((site / "search" / shard["file"]).read_text(encoding="utf-8"))
        index += [[piece["at"] + d[0], *d[1:]] for d in piece["docs"]]
        index += [[piece["at"] + folder, name] for folder, name in piece["villages"].items()]  # the lines' village names
    return Site(pages, index, "\n".join("".join(s.text) for s in pages.values()))


# -- building the hostile and the harmless site ------------------------------------------------


def _build(tmp: Path, name: str, data: dict) -> Site:
    project = tiny_project(tmp / name)
    Tree.write(project, data)
    site = tmp / name / "site"
    done = mkdocs_build(project, site, "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    return read_site(site)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(tree, harmless site, hostile site), built side by side."""
    tmp = tmp_path_factory.mktemp("safe")
    tree = Tree.make()
    for name, value in (("harmless", harmless), ("hostile", hostile)):
        stray = tree.refuse(tmp / f"check-{name}", value)
        assert stray == [], f"problems no text field explains: {stray}"
    for name, value in (("harmless", harmless), ("hostile", hostile)):  # what one refused, both leave out
        assert check_tree(Tree.write(tmp / f"recheck-{name}", tree.filled(value)), TODAY).ok
    with ThreadPoolExecutor(max_workers=2) as pool:
        clean, dirty = pool.map(lambda nv: _build(tmp, nv[0], tree.filled(nv[1])), (("harmless", harmless), ("hostile", hostile)))
    return tree, clean, dirty


def _where(slot: Slot) -> str:
    return f"{slot.file}:{'.'.join(map(str, slot.path))}"


def test_every_text_field_of_the_schema_is_filled(built):
    tree, _, _ = built
    found = {(s.file, tuple(p for p in s.path if isinstance(p, str))) for s in tree.slots}
    wanted = {(name, path) for name, spec in FILE_SPECS.items() for path in _text_paths(spec)}
    assert wanted - found == set()
    assert len(wanted) > 40
    # the checker refuses a few texts outright (a category must be a known one, a change must name
    # a field): refused text reaches no page, which is safe, but most text must get through
    print(f"{len(tree.slots)} text values; refused by the checker:", [_where(tree.slots[n]) for n in sorted(tree.refused)])
    assert len(tree.refused) < len(tree.slots) // 4


def _text_paths(spec: schema.Spec, path: tuple = ()):
    for f in spec.fields.values():
        t = f.type.item if isinstance(f.type, schema.ListOf) else f.type
        if isinstance(t, schema.Text) and (spec, f.key) != (schema.ATTACHMENT, "file"):
            yield (*path, f.key)
        elif isinstance(t, schema.Spec):
            yield from _text_paths(t, (*path, f.key))


def test_hostile_text_adds_no_element_attribute_or_script(built):
    _, clean, dirty = built
    assert sorted(dirty.pages) == sorted(clean.pages)
    for path, page in dirty.pages.items():
        before = clean.pages[path]
        assert page.handlers == [], (path, page.handlers[:3])
        assert page.script_urls == [], (path, page.script_urls[:3])
        assert page.scripts == before.scripts, (path, set(page.scripts) - set(before.scripts))
        added = {t for t, _ in page.tags} - {t for t, _ in before.tags}
        assert not added, (path, added)
        assert page.tags == before.tags, (path, _first_difference(before.tags, page.tags))


def _first_difference(a: list, b: list) -> tuple:
    i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return i, a[max(0, i - 3): i + 3], b[max(0, i - 3): i + 3]


def test_the_harmless_build_has_no_handler_or_script_url_either(built):
    # the baseline the hostile pages are held to must itself be clean
    _, clean, _ = built
    for path, page in clean.pages.items():
        assert page.handlers == [] and page.script_urls == [], path
        assert all(t not in {"iframe", "object", "embed", "frame", "applet", "base", "style"} for t, _ in page.tags), path


def test_search_index_carries_the_text_as_written(built):
    # the search page puts every text into the page as text (textContent), never as HTML: the index
    # holds what the clerk wrote, and the browser test in test_search.py shows it stays text
    _, clean, dirty = built
    assert [d[0] for d in dirty.index] == [d[0] for d in clean.index]
    tree = built[0]
    county = next(n for n, s in enumerate(tree.slots) if s.file == "county" and s.path == ("name",))
    assert [d[1] for d in dirty.index if d[0] == clean.index[0][0]] == [hostile(county)]  # the county's name, as written
    script = (REPO / "plugins" / "gongkai" / "render" / "static" / "search.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "textContent" in script


def test_hostile_text_is_shown_as_the_text_it_is(built):
    tree, clean, dirty = built
    kept = [n for n in range(len(tree.slots)) if n not in tree.refused]
    shown = [n for n in kept if harmless(n) in clean.text]
    missing = [n for n in shown if hostile(n) not in dirty.text]
    assert not missing, [(_where(tree.slots[n]), hostile(n)[:40]) for n in missing[:5]]
    assert "{{ 7*7 }}{% raw %}" in dirty.text and "49{% raw %}" not in dirty.text  # no template ran on data
    # a field no page shows proves nothing: most fields must be on some page
    hidden = [_where(tree.slots[n]) for n in kept if n not in shown]
    print("text fields no page shows:", hidden)
    assert len(shown) >= 0.8 * len(kept), hidden


def test_hostile_place_names_are_text_in_the_nav_and_titles(built):
    # county and township pages go through MkDocs' Markdown and Material's nav and <title>
    tree, _, dirty = built
    county = next(n for n, s in enumerate(tree.slots) if s.file == "county" and s.path == ("name",))
    township = next(n for n, s in enumerate(tree.slots) if s.file == "township" and s.path == ("name",))
    assert hostile(county) in "".join(dirty.pages["index.html"].text)  # in the nav
    text = "".join(dirty.pages[FILES["township"].replace("township.yml", "index.html")].text)
    assert hostile(township) + " - " in text  # <title>
    assert text.count(hostile(township)) >= 4  # <title>, header, nav, heading


# -- the Content-Security-Policy ---------------------------------------------------------------

HASH = re.compile(r"'sha256-[A-Za-z0-9+/]{43}='")


def policy_problems(policy: str) -> list[str]:
    """What in a policy allows anything beyond the site's own files and the page's own scripts."""
    directives = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        name, *sources = part.split()
        directives[name] = sources
    problems = []
    if directives.get("default-src") != ["'self'"]:
        problems.append(f"default-src {directives.get('default-src')}")
    for name, want in (("object-src", ["'none'"]), ("base-uri", ["'none'"]), ("form-action", ["'self'"])):
        if directives.get(name) != want:
            problems.append(f"{name} {directives.get(name)}")
    for name, sources in directives.items():
        for s in sources:
            ok = s in ("'self'", "'none'") or (s == "data:" and name == "img-src") or (
                name == "script-src" and HASH.fullmatch(s))
            if not ok:
                problems.append(f"{name} {s}")
    return problems


def test_every_page_has_one_policy_that_allows_only_the_site(sample_site):
    from gongkai.render.csp import script_hash

    pages = sorted(sample_site.rglob("*.html"))
    theme = 0
    for p in pages:
        s = scan(p.read_text(encoding="utf-8"))
        assert len(s.csp) == 1, (p, s.csp)
        assert policy_problems(s.csp[0]) == [], (p, policy_problems(s.csp[0]))
        inline = [body for src, kind, body in s.scripts if src is None and kind in (None, "text/javascript", "module")]
        allowed = set(HASH.findall(s.csp[0]))
        assert allowed == {script_hash(body) for body in inline}, p  # each own script, nothing else
        theme += bool(inline)
    assert theme >= 10 and len(pages) > theme  # theme pages with scripts, lean pages without


def test_policy_comes_before_anything_it_governs(sample_site):
    for rel in ("index.html", "404.html", "guide/check/index.html"):
        html = (sample_site / rel).read_text(encoding="utf-8")
        head = html[: html.index("</head>")]
        at = head.index("Content-Security-Policy")
        assert head.index("<meta charset") < at < min(head.index("<script"), head.index("<link"))


def _csp_hook():
    import importlib.util

    spec = importlib.util.spec_from_file_location("csp_hook", REPO / "hooks" / "csp.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hook_allows_the_themes_scripts_only(caplog):
    hook = _csp_hook()
    hook._theme_scripts = re.compile(r"var a=[^\"'<>]*;")  # as on_config makes it from the theme's templates
    html = ('<html><head><meta charset="utf-8"><script>var a="x";</script><script>var a=../..;</script>'
            '<script type="application/json">{"b": 1}</script><script>alert(1)</script></head></html>')
    out = hook.with_policy(html, "page.md")
    policy = scan(out).csp[0]
    from gongkai.render.csp import script_hash

    assert script_hash("var a=../..;") in policy  # a theme script, its Jinja value filled in
    assert script_hash("alert(1)") not in policy and script_hash('var a="x";') not in policy
    assert "alert(1)" in caplog.text and "page.md" in caplog.text
    assert hook.with_policy(out, "page.md") == out  # never a second policy


# -- in a real browser --------------------------------------------------------------------------


def _first_id(f: Path) -> str:
    return next(l.split(":", 1)[1].strip() for l in f.read_text(encoding="utf-8").splitlines() if l.startswith("- id:"))


def _pages(sample_site: Path) -> dict[str, str]:
    village = sorted(REPO.glob("villages/*/*/*/village.yml"))[0].parent
    rel = village.relative_to(REPO / "villages").as_posix()
    county, township, _ = rel.split("/")
    out = {"home": "", "explainer": "siyi-liangkai/", "guide": "guide/", "codes": "guide/check/", "404": "404.html",
           "county": f"{county}/", "township": f"{county}/{township}/", "village": f"{rel}/"}
    for kind in kinds.specs():
        out[kind] = f"{rel}/{_first_id(sorted((village / kind).glob('*.yml'))[-1])}.html"
    # A record page is its own printed notice (公示): the address that names a notice shows it alone
    # on screen (#jueyi 决议公开, #jieguo 实施结果公开; a fund period's page is its notice, #caiwu-a3 on A3).
    records = sorted(sample_site.glob("*/*/*/*.html"))
    for name, part in (("jueyi", "gk-n-jueyi"), ("jieguo", "gk-n-jieguo")):
        found = [p for p in records if f'class="gk-n {part}"' in p.read_text(encoding="utf-8")]
        assert found, f"no decision page of the sample has its {name} notice"
        out[f"notice-{name}"] = f"{found[0].relative_to(sample_site).as_posix()}#{name}"
    out["notice-caiwu-a3"] = out["funds"] + "#caiwu-a3"
    duban = sorted(sample_site.glob("*/*/*/duban/index.html"))
    assert duban, "the sample has villages with overdue pledges: some village must have a 督办单"
    out["duban"] = duban[0].parent.relative_to(sample_site).as_posix() + "/"
    return out


def _watch(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)  # CSP violations too
    return errors


def test_every_kind_of_page_loads_without_a_policy_violation(browser, site_url, sample_site):
    context = browser.new_context()
    for kind, url in _pages(sample_site).items():
        page = context.new_page()
        errors = _watch(page)
        page.goto(site_url + url, wait_until="networkidle")
        assert errors == [], (kind, errors)
        page.close()
    context.close()


SLIPPED_IN = """() => {
  const results = {};
  const s = document.createElement('script');
  s.textContent = 'window.__slipped = 1';
  document.head.append(s);
  const b = document.createElement('button');
  b.setAttribute('onclick', 'window.__handler = 1');
  document.body.append(b);
  b.click();
  const a = document.createElement('a');
  a.href = 'javascript:window.__link = 1';
  document.body.append(a);
  a.click();
  return new Promise(r => setTimeout(() => r([window.__slipped, window.__handler, window.__link]), 300));
}"""


@pytest.mark.parametrize("kind", ["home", "county", "village", "decisions"])
def test_a_script_slipped_into_the_page_does_not_run(browser, site_url, sample_site, kind):
    context = browser.new_context()
    page = context.new_page()
    errors = _watch(page)
    page.goto(site_url + _pages(sample_site)[kind], wait_until="networkidle")
    try:
        page.add_script_tag(content="window.__tag = 1")
    except Exception:  # Playwright may report the refused script as an error: refused is the point
        pass
    assert page.evaluate(SLIPPED_IN) == [None, None, None]
    assert page.evaluate("window.__tag") is None
    assert any("Content Security Policy" in e for e in errors), errors
    if kind in ("home", "county"):  # the theme's own scripts ran: inline (__md_scope) and bundle (document$)
        assert page.evaluate("typeof __md_scope === 'object' && typeof document$ === 'object'")
    context.close()
    # and it is the policy that stops them: without it, all three run
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(site_url + _pages(sample_site)[kind], wait_until="networkidle")
    assert page.evaluate(SLIPPED_IN) == [1, 1, 1]
    context.close()


def test_search_works_under_the_policy(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    errors = _watch(page)
    page.goto(site_url, wait_until="networkidle")
    page.locator("a.gk-md-find").click()
    box = page.locator("#gk-q")
    box.fill("郭营")
    box.press("Enter")  # the script searches in the page; the form's own action (itself, ?q=) is all the policy allows
    page.locator(".gk-hit").first.wait_for(timeout=15_000)
    assert "q=%E9%83%AD%E8%90%A5" in page.url  # the address says what was searched: it can be shared
    page.reload(wait_until="networkidle")
    page.locator(".gk-hit").first.wait_for(timeout=15_000)
    assert errors == [], errors
    context.close()


def test_live_reload_still_runs_in_the_preview(browser, tmp_path):
    # `mkdocs serve` adds its own inline script to every page; the hook lets that one run, by hash
    with mkdocs_serve(tiny_project(tmp_path / "project")) as base:
        context = browser.new_context()
        village = FILES["village"].rsplit("/", 1)[0] + "/"
        decision = yaml.safe_load(BASE["decisions"])[0]["id"]
        for url in ("", FILES["township"].rsplit("/", 1)[0] + "/", village, f"{village}{decision}.html"):
            page = context.new_page()
            errors = _watch(page)
            page.goto(base + url, wait_until="load")
            assert page.evaluate("typeof livereload") == "function", url
            assert errors == [], (url, errors)
            page.close()
        context.close()
