"""核对码: the fingerprint on a record's page and on its printed notice is the fingerprint of what
the YAML says; it changes when the content changes and only then; `gongkai verify` and the site
search find a record by the code a villager copies off the board."""

from __future__ import annotations

import json
import posixpath
import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from browserkit import guard_foreign
from conftest import BUILD_DATE, REPO, SITE_URL, gongkai
from htmltext import parse as parse_html, text
from test_search import read_index, search_from
from gongkai.check.checker import check_tree
from gongkai.model.integrity import ALPHABET, fingerprint
from gongkai.render.pages import notice_links, record_url

PRINTED = re.compile(r"核对码 ([0-9A-Z]{4}-[0-9A-Z]{4})")
CODE = re.compile(f"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}")


def load(root: Path):
    result = check_tree(root, date.fromisoformat(BUILD_DATE))
    assert result.ok, [d.message for d in result.errors]
    return result.tree


def codes(tree) -> dict[tuple[str, str], str]:
    return {(v.url, r.id): fingerprint(v.url, r) for v in tree.villages for r in v.records()}


@pytest.fixture(scope="module")
def tree():
    return load(REPO / "villages")


def printed_code(html: str) -> str:
    """The one code a piece of a page shows, as a reader sees it."""
    found = PRINTED.findall(text(html))
    assert len(found) == 1, found
    return found[0]


def record_html(site: Path, village, rec) -> str:
    return (site / record_url(village, rec)).read_text(encoding="utf-8")


def head_of(page: str) -> str:
    """The record's head: what is above its title."""
    return page.split('<p class="gk-kind">', 1)[1].split("<h1>", 1)[0]


def qr_figure(page: str) -> str:
    """The foot of the printed notice: the QR code, the 核对码 and the record's address under it."""
    return page.split('<figure class="gk-qr">', 1)[1].split("</figure>", 1)[0]


def test_page_and_notices_show_the_fingerprint_of_the_yaml(sample_site, tree):
    pages = notices = 0
    for village in tree.villages:
        for rec in village.records():
            code = fingerprint(village.url, rec)
            assert CODE.fullmatch(code), code
            page = record_html(sample_site, village, rec)
            where = (village.url, rec.id)
            assert printed_code(head_of(page)) == code, where  # in the record's head, above the title
            links = notice_links(rec)
            # the page is its own printed notice: the code again at the notice's foot, once for all
            # of its notices, and no other code anywhere on the page
            assert PRINTED.findall(text(page)) == [code] * (1 + bool(links)), where
            pages += 1
            if not links:
                assert '<figure class="gk-qr">' not in page, where
                continue
            # under the QR code, beside the way to open the record online: its full address
            figure = qr_figure(page)
            assert printed_code(figure) == code, where
            assert SITE_URL + record_url(village, rec) in text(figure), where
            for link in links:  # every notice the record has is a part of the page that prints
                part = (f'<div class="gk-n gk-n-{link.slug}">' if rec.kind == "decisions"
                        else '<main id="main" class="gk-main gk-sheet">')
                assert part in page, (where, link.slug)
                assert f'<i id="{link.slug}-a3"></i>' in page, (where, link.slug)
                notices += 1
    assert pages > 700 and notices > 400


def test_record_pages_link_the_explanation(sample_site, tree):
    explanation = sample_site / "hedui" / "index.html"
    body = text(explanation.read_text(encoding="utf-8"))
    for words in ("核对码", "二维码", "搜索", "更正记录", "监督电话", "7k2qm9xd"):
        assert words in body, words
    assert 'href="hedui/"' in (sample_site / "index.html").read_text(encoding="utf-8")  # in the site's nav
    for village in tree.villages[:3]:
        for rec in village.records():
            page = record_url(village, rec)
            links = parse_html((sample_site / page).read_text(encoding="utf-8")).links
            targets = {posixpath.normpath(posixpath.join(posixpath.dirname(page), url)) for tag, url, _ in links if tag == "a"}
            assert "hedui" in targets, page


def test_codes_are_unique_across_the_sample(tree):
    all_codes = list(codes(tree).values())
    assert len(all_codes) > 700
    assert len(set(all_codes)) == len(all_codes)


def test_search_lines_hold_each_records_code(sample_site, tree):
    records = read_index(sample_site)[1]
    for (url, rec_id), code in codes(tree).items():
        assert records[f"{url}{rec_id}.html"][3].split(" ")[0] == code, (url, rec_id)


# -- what changes the code, and what does not ------------------------------------------------------


def copy_data(tmp_path: Path) -> Path:
    return Path(shutil.copytree(REPO / "villages", tmp_path / "villages"))


def record_lines(rec) -> tuple[list[str], int, int]:
    """The lines of the record's file, and where the record starts (its `- id:` line) and ends."""
    lines = Path(rec.path).read_text(encoding="utf-8").splitlines(keepends=True)
    start = rec.line - 1
    assert lines[start].startswith(f"- id: {rec.id}"), lines[start]
    end = next((j for j in range(start + 1, len(lines)) if lines[j].startswith("- ")), len(lines))
    return lines, start, end


def moved(root: Path, rec) -> Path:
    """The same record in the copy at `root` (same file, same line)."""
    return Path(root) / Path(rec.path).relative_to(REPO / "villages")


def amount_line(lines: list[str], start: int, end: int, key: str) -> int:
    pattern = re.compile(rf"^\s+(- )?{key}: (-?[0-9]+(\.[0-9]+)?)\s*$")
    return next(i for i in range(start, end) if pattern.match(lines[i]))


def other_spelling(value: str) -> str:
    """The same amount written differently: 120000 <-> 120000.00, 1234.50 -> 1234.5."""
    d = Decimal(value)
    two = f"{d:.2f}"
    return two if value != two else f"{d.normalize():f}"


def first(tree, kind: str, field: str):
    return next((v, r) for v in tree.villages for r in v.records() if r.kind == kind and getattr(r, field, None))


def test_changing_one_amount_changes_that_code_and_no_other(tmp_path, tree):
    root = copy_data(tmp_path)
    village, rec = first(tree, "decisions", "budget")
    path = moved(root, rec)
    lines, start, end = record_lines(rec)
    i = amount_line(lines, start, end, "budget")
    lines[i] = re.sub(r": \S+", f": {rec.budget + 1:.2f}", lines[i])
    path.write_text("".join(lines), encoding="utf-8")

    changed = load(root)
    assert next(v for v in changed.villages if v.url == village.url).record(rec.id).budget == rec.budget + 1
    before, after = codes(tree), codes(changed)
    assert before.keys() == after.keys()
    assert [key for key in before if before[key] != after[key]] == [(village.url, rec.id)]


def test_reformatting_changes_no_code(tmp_path, tree):
    root = copy_data(tmp_path)
    _, decision = first(tree, "decisions", "budget")
    _, period = first(tree, "funds", "entries")
    for rec, key in ((decision, "budget"), (period, "income")):
        path = moved(root, rec)
        lines, start, end = record_lines(rec)
        # 120000 -> 120000.00 (or back): the same amount
        i = amount_line(lines, start, end, key)
        value = lines[i].rsplit(": ", 1)[1].strip()
        lines[i] = lines[i].replace(f": {value}", f": {other_spelling(value)}")
        # two single-line fields of the record in the other order
        simple = re.compile(r"^  [a-z_]+: [^|>\s].*\n$")
        j = next(j for j in range(start + 1, end - 1) if simple.match(lines[j]) and simple.match(lines[j + 1]))
        lines[j], lines[j + 1] = lines[j + 1], lines[j]
        # comments, inside the record and at the end of the file
        lines.insert(start + 1, "  # 这是注释：写法变了，内容没变\n")
        lines.append("# 文件末尾的注释\n")
        new = "".join(lines)
        assert new != Path(rec.path).read_text(encoding="utf-8")
        path.write_text(new, encoding="utf-8")

    assert codes(load(root)) == codes(tree)


# -- gongkai verify ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def on_paper(sample_site, tree):
    """(village, record, code as printed on its notice) for a record whose code has a 0 and a 1 in it:
    the characters misread as O, I and L."""
    for village in tree.villages:
        for rec in village.records():
            if notice_links(rec):
                code = printed_code(qr_figure(record_html(sample_site, village, rec)))
                if "0" in code and "1" in code:
                    return village, rec, code
    pytest.fail("no record in the sample has both 0 and 1 in its code")


SPELLINGS = {
    "as printed": lambda c: c,
    "lower case": lambda c: c.lower(),
    "no dash": lambda c: c.replace("-", "").lower(),
    "spaces": lambda c: f" {c[:4]} {c[5:]} ",
    "O and I": lambda c: c.replace("0", "O").replace("1", "I"),
    "o and l": lambda c: c.replace("0", "o").replace("1", "l").lower(),
    "full width, with its label": lambda c: "核对码：" + c.translate({o: o + 0xFEE0 for o in range(0x21, 0x7F)}),
}


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_verify_finds_the_record_by_its_printed_code(on_paper, sample_site, spelling):
    village, rec, code = on_paper
    typed = SPELLINGS[spelling](code)
    done = gongkai("verify", typed, "--data", "villages")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Traceback" not in out + done.stderr
    assert f"核对码 {code}" in out
    assert f"{village.county.name} {village.township.name} {village.name}" in out
    assert f"类别：{rec.kind_label}" in out and f"编号：{rec.id}" in out and f"标题：{rec.title}" in out
    page = re.search(r"网页：(\S+)", out)[1]
    assert page == record_url(village, rec) and (sample_site / page).is_file()
    file, line = re.search(r"数据：(\S+):(\d+)", out).groups()
    assert (REPO / file).read_text(encoding="utf-8").splitlines()[int(line) - 1] == f"- id: {rec.id}"


def test_verify_says_when_no_record_has_the_code(on_paper, tree):
    known = set(codes(tree).values())
    _, _, code = on_paper
    missing = next(code[:-1] + c for c in ALPHABET if code[:-1] + c not in known)
    done = gongkai("verify", missing)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert f"没有找到核对码是 {missing} 的记录" in done.stdout
    assert "更正记录" in done.stdout and "监督电话" in done.stdout


@pytest.mark.parametrize("typed", ["7K2Q-M9X", "7K2Q-M9XDA", "7K2Q-M9XU", "7K2Q*M9XD", "核对码", " "])
def test_verify_refuses_what_is_not_a_code(typed):
    done = gongkai("verify", typed)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stderr.startswith("gongkai verify: 核对码") and done.stdout == ""


def test_verify_needs_a_data_folder(tmp_path):
    done = gongkai("verify", "7K2Q-M9XD", "--data", str(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr and "county.yml" in done.stderr


# -- the site search, in a real browser --------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["as printed", "no dash"])
def test_a_villager_finds_the_record_by_its_code_in_site_search(browser, site_url, on_paper, spelling):
    village, rec, code = on_paper
    context = browser.new_context(viewport={"width": 360, "height": 640}, has_touch=True)
    foreign = guard_foreign(context)
    page = context.new_page()
    page.goto(site_url + "hedui/", wait_until="networkidle")
    found = search_from(page, SPELLINGS[spelling](code))
    assert [f["href"] for f in found] == [site_url + record_url(village, rec)], found
    assert found[0]["text"].count(code) == 1  # the result shows the code, once
    assert foreign == []
    context.close()
