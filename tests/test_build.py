"""The sample site as a villager reads it, checked against the YAML each figure came from.

The YAML is read here with PyYAML's plain safe_load, not with gongkai's loader, so a mistake
in gongkai's reading of a file cannot hide itself.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import BUILD_DATE, REPO, build_over_last_site, last_site_kept, mkdocs_build
from htmltext import parse, text

DATA = REPO / "villages"
TODAY = date.fromisoformat(BUILD_DATE)


def village_dirs() -> list[Path]:
    return sorted(p.parent for p in DATA.glob("*/*/*/village.yml"))


def records(kind: str):
    for vdir in village_dirs():
        for f in sorted((vdir / kind).glob("*.yml")):
            for rec in yaml.safe_load(f.read_text(encoding="utf-8")) or []:
                yield vdir, rec


def page(site: Path, vdir: Path, rec_id: str | None = None) -> str:
    """The text of a village's board, or of one of its records' pages (<village>/<id>.html)."""
    rel = vdir.relative_to(DATA)
    path = site / rel / (f"{rec_id}.html" if rec_id else "index.html")
    assert path.exists(), f"no page for {rel}/{rec_id or ''}"
    return text(path.read_text(encoding="utf-8"))


def yuan(value) -> str:
    return f"{Decimal(str(value)):,.2f}"


def money(value) -> str:
    return f"¥{Decimal(str(value)):,.2f}"


def zh(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def test_sample_is_big_enough():
    counties = list(DATA.glob("*/county.yml"))
    townships = list(DATA.glob("*/*/township.yml"))
    assert len(counties) >= 3 and len(townships) >= 6 and len(village_dirs()) >= 15
    for kind in ("decisions", "funds", "pledges", "completed"):
        years = {f.stem for f in DATA.glob(f"*/*/*/{kind}/*.yml")}
        assert len(years) >= 2, kind


def test_every_record_has_a_page_linked_from_its_board(sample_site):
    for kind in ("decisions", "funds", "pledges", "completed"):
        for vdir, rec in records(kind):
            rel = vdir.relative_to(DATA)
            board = (sample_site / rel / "index.html").read_text(encoding="utf-8")
            assert f'href="{rec["id"]}.html"' in board, (rel, rec["id"])
            assert (sample_site / rel / f"{rec['id']}.html").exists()


def test_decision_votes_as_recorded(sample_site):
    seen = 0
    for vdir, rec in records("decisions"):
        body = page(sample_site, vdir, rec["id"])
        assert rec["title"] in body
        for step, label in (("proposal", "提议"), ("consultation", "商议"), ("review", "审议"), ("resolution", "决议")):
            m = rec.get(step)
            if not m:
                continue
            votes = (m["expected"], m["present"], m["agree"], m.get("against", 0), m.get("abstain", 0))
            if rec.get("resolution_disclosure"):  # the notice's table of the meetings, on the page as on paper
                row = f"{label} " + ".*" + f" {zh(m['date'])} " + " ".join(map(str, votes))
            else:  # not disclosed yet: said at the step
                row = f"{zh(m['date'])}：应到 {votes[0]}，实到 {votes[1]}，赞成 {votes[2]}，反对 {votes[3]}，弃权 {votes[4]}"
            assert re.search(row if rec.get("resolution_disclosure") else re.escape(row), body), (vdir.name, rec["id"], step)
            seen += 1
    assert seen > 50


def test_fund_period_totals_as_recorded(sample_site):
    seen = 0
    for vdir, rec in records("funds"):
        income = sum(Decimal(str(e["income"])) for e in rec["entries"] if "income" in e)
        expense = sum(Decimal(str(e["expense"])) for e in rec["entries"] if "expense" in e)
        body = page(sample_site, vdir, rec["id"])
        assert f"本期收入合计 {yuan(income)}" in body, (vdir.name, rec["id"])
        assert f"本期支出合计 {yuan(expense)}" in body
        assert f"期末余额 {yuan(rec['closing_balance'])}" in body
        assert f"收支明细（逐项逐笔，共 {len(rec['entries'])} 笔）" in body
        seen += 1
    assert seen > 100


def test_pledge_deadlines_and_days_overdue(sample_site):
    overdue = 0
    for vdir, rec in records("pledges"):
        deadline = rec["revisions"][-1]["deadline"] if rec.get("revisions") else rec["deadline"]
        board = page(sample_site, vdir)
        body = page(sample_site, vdir, rec["id"])
        assert zh(deadline) in body
        if rec.get("revisions"):
            assert f"期限 {zh(rec['deadline'])} {zh(deadline)}" in body  # the original stays, struck through
        late = (TODAY - deadline).days
        if rec["status"] != "已兑现" and late > 0:
            overdue += 1
            assert f"已逾期 {late} 天" in body and f"已逾期 {late} 天" in board
        else:
            assert "已逾期" not in body
    assert overdue >= 2


def test_completed_matters_link_their_decision(sample_site):
    for vdir, rec in records("completed"):
        if rec.get("decision"):
            html = (sample_site / vdir.relative_to(DATA) / f"{rec['id']}.html").read_text(encoding="utf-8")
            assert f'href="{rec["decision"]}.html"' in html


def test_every_page_is_marked_sample_data_and_chinese(sample_site):
    pages = list(sample_site.rglob("*.html"))
    assert len(pages) > 500
    for p in pages:
        html = p.read_text(encoding="utf-8")
        assert "示例数据" in html or p.name == "404.html", p
        assert 'lang="zh-CN"' in html, p


def content_pages(site: Path) -> set[Path]:
    """The built pages of hand-written Markdown in content/."""
    out = set()
    for md in (REPO / "content").rglob("*.md"):
        rel = md.relative_to(REPO / "content").with_suffix("")
        out.add(site / (rel.parent if rel.name == "index" else rel) / "index.html")
    return out


def test_no_url_to_another_host(sample_site):
    """Nothing is loaded from another host; only plain <a> links in hand-written content leave the site.
    A theme page names its own published address as canonical (a name, never fetched)."""
    from conftest import SITE_URL

    handwritten = content_pages(sample_site)
    external = 0
    for p in sample_site.rglob("*.html"):
        for tag, url, attrs in parse(p.read_text(encoding="utf-8")).links:
            if tag == "link" and attrs.get("rel") == "canonical":
                assert url.startswith(SITE_URL), (p, url)
                continue
            if url.startswith(("http://", "https://", "//")):
                assert tag == "a" and p in handwritten, (p, tag, url)
                external += 1
    for css in sample_site.rglob("*.css"):
        content = css.read_text(encoding="utf-8")
        assert "url(http" not in content and "url(//" not in content and "@import" not in content, css
    assert len(handwritten) >= 5


def test_the_themes_source_maps_are_not_published(sample_site):
    # a developer's tool, not a villager's: bytes a county's size budget would pay for
    scripts = list((sample_site / "assets" / "javascripts").rglob("*.js"))
    assert scripts and not list(sample_site.rglob("*.map"))


def test_site_publishes_the_json_schemas(sample_site):
    """content/schema/*.schema.json ship as they are at /schema/, for editors and other tools."""
    committed = sorted((REPO / "content" / "schema").glob("*.schema.json"))
    assert len(committed) == 8
    for src in committed:
        published = sample_site / "schema" / src.name
        assert published.read_bytes() == src.read_bytes(), published


def test_nav_lists_only_counties_and_townships(sample_site):
    html = (sample_site / "index.html").read_text(encoding="utf-8")
    hrefs = {url for tag, url, a in parse(html).links if tag == "a" and "md-nav__link" in a.get("class", "")}
    county_urls = {f"{p.parent.name}/" for p in DATA.glob("*/county.yml")}
    township_urls = {f"{p.parent.parent.name}/{p.parent.name}/" for p in DATA.glob("*/*/township.yml")}
    village_urls = {f"{v.relative_to(DATA).as_posix()}/" for v in village_dirs()}
    assert county_urls | township_urls <= hrefs
    assert not hrefs & village_urls


def test_county_totals_equal_village_sums(sample_site):
    for county in DATA.glob("*/county.yml"):
        body = text((sample_site / county.parent.name / "index.html").read_text(encoding="utf-8"))
        n_villages = len(list(county.parent.glob("*/*/village.yml")))
        n_decisions = sum(1 for v, _ in records("decisions") if v.parent.parent == county.parent)
        assert f"共 {n_villages} 个村：决策 {n_decisions} 项" in body


BREAKAGES = [
    # (file glob, old text, new text, code, line of the problem counted from where `old` starts)
    ("*/*/*/village.yml", "\n  - name: ", "\n  - name: X\n   role: 错位\n  - name: ", "GK101", 2),
    ("*/*/*/decisions/*.yml", "  review:\n    date: ", "  review:\n    date: 1999-01-01\n    old_date: ", "GK203", 2),
    ("*/*/*/pledges/*.yml", "  what: ", "  wat: ", "GK203", 0),
]


@pytest.mark.parametrize("glob, old, new, code, offset", BREAKAGES)
def test_broken_data_fails_build_names_file_and_line_and_keeps_last_site(project, tmp_path, glob, old, new, code, offset):
    target = next(f for f in sorted((project / "villages").glob(glob)) if old in f.read_text(encoding="utf-8"))
    content = target.read_text(encoding="utf-8")
    target.write_text(content.replace(old, new, 1), encoding="utf-8")
    line = content[: content.index(old)].count("\n") + 1 + offset
    done, site = build_over_last_site(project, tmp_path)
    out = done.stdout + done.stderr
    assert done.returncode != 0
    rel = target.relative_to(project).as_posix()
    assert f"{rel}:{line}:" in out and code in out, out[-2000:]
    assert last_site_kept(site)


def test_date_going_backwards_is_named(project, tmp_path):
    target = next(f for f in sorted((project / "villages").glob("*/*/*/decisions/*.yml"))
                  if "  review:\n    date: " in f.read_text(encoding="utf-8"))
    content = target.read_text(encoding="utf-8")
    head, tail = content.split("  review:\n    date: ", 1)
    target.write_text(head + "  review:\n    date: 2001-01-01" + tail[10:], encoding="utf-8")
    line = head.count("\n") + 2
    done = mkdocs_build(project, tmp_path / "site")
    assert done.returncode != 0
    assert f"{target.relative_to(project).as_posix()}:{line}:" in done.stdout + done.stderr
    assert "GK302" in done.stdout + done.stderr


def test_missing_required_field_is_named(project, tmp_path):
    target = sorted((project / "villages").glob("*/*/*/completed/*.yml"))[0]
    content = target.read_text(encoding="utf-8")
    lines = content.splitlines(keepends=True)
    n = next(i for i, l in enumerate(lines) if l.startswith("  title: "))
    target.write_text("".join(lines[:n] + lines[n + 1:]), encoding="utf-8")
    done = mkdocs_build(project, tmp_path / "site")
    out = done.stdout + done.stderr
    assert done.returncode != 0 and "GK202" in out and target.relative_to(project).as_posix() in out


HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a>'


def test_text_from_yaml_is_escaped(project, tmp_path):
    for kind, key in (("decisions", "title"), ("pledges", "what"), ("completed", "title"), ("funds", "summary")):
        f = sorted((project / "villages").glob(f"*/*/*/{kind}/*.yml"))[0]
        content = f.read_text(encoding="utf-8")
        marker = f"  {key}: " if kind != "funds" else f"      {key}: "
        i = content.index(marker) + len(marker)
        end = content.index("\n", i)
        f.write_text(content[:i] + json.dumps(HOSTILE) + content[end:], encoding="utf-8")
    done = mkdocs_build(project, tmp_path / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    hits = 0
    for p in (tmp_path / "site").rglob("*.html"):
        html = p.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html
        assert 'href="javascript:' not in html
        hits += "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert hits >= 4
