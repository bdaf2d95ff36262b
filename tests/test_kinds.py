"""One home per record kind: a kind registered in kinds/ is read, checked, written by `gongkai new`,
described by its JSON Schema, shown on the board and a page of its own, counted on the township and
county pages, found by the search, announced in the feeds and published as open data, with no
other module naming it. gongkai's own five kinds are registered the same way, in the board's order."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from conftest import mkdocs_build
from htmltext import text
from gongkai import kinds
from gongkai.render import feeds, pages as render, search
from gongkai.adapters import scaffold
from gongkai.check.checker import check_tree
from gongkai.check.examples import VILLAGE_DIR, write_tree
from gongkai.render.schema_export import files, json_schema
from notekind import NOTE_KIND, NOTES, Note
from test_search import read_index
from tinytree import tiny_project

TODAY = date(2026, 11, 20)
TESTS = Path(__file__).parent


def with_notes(root: Path) -> Path:
    """The data folder `root` with the example village's notices (公告) in notes/2026.yml."""
    (root / VILLAGE_DIR / "notes").mkdir()
    (root / VILLAGE_DIR / "notes" / "2026.yml").write_text(NOTES, encoding="utf-8")
    return root


@pytest.fixture
def notes():
    kinds.register(NOTE_KIND)
    yield NOTE_KIND
    kinds.unregister(NOTE_KIND)


def test_the_five_kinds_are_registered_in_the_boards_order():
    assert [(k.folder, k.word, k.label, k.prefix) for k in kinds.KINDS] == [
        ("decisions", "decision", "决策", "d"), ("funds", "funds", "财务公开", "f"),
        ("pledges", "pledge", "承诺", "p"), ("completed", "completed", "办结事项", "c"),
        ("suggestions", "suggestion", "群众建议", "s")]
    for k in kinds.KINDS:
        assert k.model.kind == k.folder and k.model.kind_label == k.label and k.model.spec_def is k.spec


def test_a_kind_clashing_with_a_registered_one_is_refused():
    clash = kinds.Kind("decisions", "note", "公告", NOTE_KIND.spec, "n", None, NOTE_KIND.describe, NOTE_KIND.disclosures)
    with pytest.raises(ValueError):
        kinds.register(clash)
    assert len(kinds.KINDS) == 5


def test_a_folder_of_an_unregistered_kind_is_a_clear_error(tmp_path):
    result = check_tree(with_notes(write_tree(tmp_path)), TODAY)
    (d,) = [d for d in result.diagnostics if d.code == "GK110"]
    assert d.path.endswith("notes") and "decisions/ funds/ pledges/ completed/ suggestions/" in d.message


def test_a_registered_kind_is_read_checked_written_and_described(tmp_path, notes):
    root = with_notes(write_tree(tmp_path))
    result = check_tree(root, TODAY)
    assert result.ok, [d.message for d in result.errors]
    village = result.tree.villages[0]
    (note,) = village.notes
    assert isinstance(note, Note) and note.kind == "notes" and note.date == date(2026, 11, 18)
    assert list(village.records())[-1] is note  # after gongkai's kinds, in the order registered

    # its checks are its spec's: a field it does not have is reported at its line
    (root / VILLAGE_DIR / "notes" / "2025.yml").write_text("- id: n-2025-01\n  title: 旧公告\n  date: 2025-03-01\n"
                                                          "  color: red\n", encoding="utf-8")
    (d,) = [d for d in check_tree(root, TODAY).errors if d.path.endswith("2025.yml")]
    assert d.code == "GK203" and d.line == 4 and "公告里没有“color”这个字段" in d.message
    (root / VILLAGE_DIR / "notes" / "2025.yml").unlink()

    # gongkai new: the next id, today's date where the kind says, and the check still passes
    done = scaffold.new_record("note", root / VILLAGE_DIR, today=TODAY)
    assert done.id == "n-2026-02" and not done.created
    text = (root / VILLAGE_DIR / "notes" / "2026.yml").read_text(encoding="utf-8")
    assert text.startswith(NOTES) and "- id: n-2026-02" in text and "date: 2026-11-20" in text
    assert scaffold.resolve_kind("notes") is notes
    with pytest.raises(scaffold.UsageError, match=r"note（公告）"):
        scaffold.resolve_kind("notice")

    # the JSON Schema an editor checks a year file with: a list of its records
    assert "notes" in files()
    schema = json_schema("notes")
    assert schema["type"] == "array" and schema["items"] == {"$ref": "#/$defs/test_note"}
    assert set(schema["$defs"]["test_note"]["properties"]) >= {"id", "title", "date", "summary"}

    # the search's line, the feed's entry, the board's 最近公开
    line = search.village_documents(village, TODAY)[-1]
    assert (line[0].rsplit("/", 1)[-1], line[1], line[2]) == ("n-2026-01.html", "冬季防火公告", "公告 · 村里禁止焚烧秸秆")
    (event,) = [e for e in feeds.village_events(village, TODAY) if e.rec is note]
    assert (event.day, event.label, event.subject, event.summary) == (date(2026, 11, 18), "公告", "冬季防火公告", "村里禁止焚烧秸秆")
    assert render.last_disclosure(village, TODAY) == date(2026, 11, 18)
    assert render.last_disclosure(village, date(2026, 11, 17)) < date(2026, 11, 18)


HOOK = f"""\
# registers the tests' notices (公告) as a record kind of this project
import sys
sys.path.insert(0, {str(TESTS)!r})
from gongkai import kinds
from notekind import NOTE_KIND
kinds.register(NOTE_KIND)
"""


def test_a_site_is_built_with_a_registered_kind(tmp_path):
    project = tiny_project(tmp_path / "project")
    with_notes(project / "villages")
    (project / "hooks" / "notekind_hook.py").write_text(HOOK, encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(config.replace("hooks:\n", "hooks:\n  - hooks/notekind_hook.py\n", 1), encoding="utf-8")
    site = tmp_path / "site"
    done = mkdocs_build(project, site, "--strict")
    assert done.returncode == 0, done.stderr[-3000:]

    board = site / VILLAGE_DIR / "index.html"
    html = board.read_text(encoding="utf-8")
    assert '<a href="#suggestions">建议</a><a href="#notes">公告</a>' in html  # after gongkai's kinds
    section = html[html.index('<section aria-labelledby="notes">'):]
    assert '<a class="gk-title" href="n-2026-01.html">冬季防火公告</a>' in section[:section.index("</section>")]
    page = (site / VILLAGE_DIR / "n-2026-01.html").read_text(encoding="utf-8")
    assert "<h1>冬季防火公告</h1>" in page and "村里禁止焚烧秸秆" in page and "2026年11月18日" in page

    # the township's and county's figures: its sentence, its column, its line of each year
    township = text((site / VILLAGE_DIR).parent.joinpath("index.html").read_text(encoding="utf-8"))
    assert "群众建议 1 条（按时答复 1 条，采纳 1 条），公告 1 条。" in township  # after gongkai's kinds
    assert "2026年：决策 " in township and "，公告 1 条" in township.split("2026年：", 1)[1]
    county = (site / VILLAGE_DIR).parents[1].joinpath("index.html").read_text(encoding="utf-8")
    assert '<th scope="col">公告</th>' in county and '<td data-label="公告">1</td>' in county

    _, lines = read_index(site)
    (line,) = [line for path, line in lines.items() if path.endswith("/n-2026-01.html")]
    assert "冬季防火公告" in line and "公告 · 村里禁止焚烧秸秆" in " ".join(line)

    feed = (site / VILLAGE_DIR / "feed.xml").read_text(encoding="utf-8")
    assert "冬季防火公告" in feed and "n-2026-01.html" in feed

    own = site / VILLAGE_DIR / "data" / "notes.csv"
    rows = list(csv.DictReader(io.StringIO(own.read_text(encoding="utf-8-sig"))))
    assert [(r["id"], r["title"], r["date"]) for r in rows] == [("n-2026-01", "冬季防火公告", "2026-11-18")]
    (package,) = site.rglob("*.zip")  # the county's package
    with zipfile.ZipFile(package) as z:
        assert "n-2026-01" in z.read("notes.csv").decode("utf-8-sig")
        assert json.loads(z.read("notes.json"))[0]["records"][0]["title"] == "冬季防火公告"
        described = {r["name"] for r in json.loads(z.read("datapackage.json"))["resources"]}
        assert {"notes", "notes-json"} <= described
