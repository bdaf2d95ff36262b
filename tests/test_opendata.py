"""Open data as a reader gets it: every level's CSV and JSON read with independent tools (the csv
module, frictionless, jsonschema) and held against the YAML they came from and the figures the
county and township pages show.

The YAML is read with PyYAML's safe loader, not with gongkai's loader, so a mistake in gongkai's
reading of a file cannot hide itself.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path

import frictionless
import jsonschema
import pytest
import yaml

from conftest import BIN, BUILD_DATE, REPO, env
from htmltext import parse, text

from gongkai import opendata, render, schema

DATA = REPO / "villages"
KINDS = tuple(schema.RECORD_KINDS)
CSVS = ("decisions", "funds", "funds-entries", "pledges", "completed")
FILES = {f"{n}.csv" for n in CSVS} | {f"{k}.json" for k in KINDS} | {"datapackage.json"}
MONEY = re.compile(r"-?[0-9]+\.[0-9]{2}")
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # PyYAML's own reading, in C when it can


def village_dirs(under: Path = DATA) -> list[Path]:
    return sorted(p.parent for p in under.glob("**/village.yml"))


@functools.cache
def yaml_records(vdir: Path, kind: str) -> tuple[dict, ...]:
    out = []
    for f in sorted((vdir / kind).glob("*.yml")):
        out += yaml.load(f.read_text(encoding="utf-8"), Loader=LOADER) or []
    return tuple(out)


@functools.cache
def village_code(vdir: Path) -> str:
    return yaml.load((vdir / "village.yml").read_text(encoding="utf-8"), Loader=LOADER)["code"]


def levels() -> list[Path]:
    """Every data folder: the site's, then each county's, township's and village's, by their place in villages/."""
    folders = [Path()]
    folders += sorted(p.parent.relative_to(DATA) for p in DATA.glob("*/county.yml"))
    folders += sorted(p.parent.relative_to(DATA) for p in DATA.glob("*/*/township.yml"))
    folders += [v.relative_to(DATA) for v in village_dirs()]
    return folders


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path}: no UTF-8 BOM"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert all(len(r) == len(header) for r in body), path
    return header, [dict(zip(header, r)) for r in body]


def money(value) -> str:
    """PyYAML reads 5000.00 as a float: back to the text of two decimals it was written as."""
    return f"{Decimal(str(value)):.2f}"


def wan(value: Decimal) -> str:
    return render.wan(value)


# -- files and rows -----------------------------------------------------------------------------


def test_every_level_has_its_files(sample_site):
    for rel in levels():
        folder = sample_site / rel / "data"
        names = {p.name for p in folder.iterdir()} - {"index.html"}  # the site's data/ is also the 开放数据 page
        assert names == FILES, rel
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        assert {r["path"] for r in package["resources"]} == FILES - {"datapackage.json"}, rel


@pytest.mark.parametrize("rel", levels(), ids=lambda p: p.as_posix() or "site")
def test_csv_rows_equal_the_records_in_the_yaml(sample_site, rel):
    villages = village_dirs(DATA / rel)
    folder = sample_site / rel / "data"
    for kind in KINDS:
        header, rows = read_csv(folder / f"{kind}.csv")
        expected = [rec for v in villages for rec in yaml_records(v, kind)]
        assert len(rows) == len(expected), (rel, kind)
        assert Counter((r["village_code"], r["id"]) for r in rows) == Counter(
            (village_code(v), rec["id"]) for v in villages for rec in yaml_records(v, kind))
    _, entries = read_csv(folder / "funds-entries.csv")
    expected = [(rec["id"], str(e["date"]), e["voucher"], money(e.get("income", e.get("expense"))))
                for v in villages for rec in yaml_records(v, "funds") for e in rec["entries"]]
    got = [(r["id"], r["date"], r["voucher"], r["income"] or r["expense"]) for r in entries]
    assert Counter(got) == Counter(expected), rel


def test_values_are_exact_text(sample_site):
    header, rows = read_csv(sample_site / "data" / "funds-entries.csv")
    assert header[:8] == ["county_code", "county", "township_code", "township", "village_code", "village", "id", "period"]
    for r in rows:
        assert re.fullmatch(r"[0-9]{12}", r["county_code"]) and re.fullmatch(r"[0-9]{12}", r["village_code"])
        assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", r["date"])
        assert bool(r["income"]) != bool(r["expense"])
        assert MONEY.fullmatch(r["income"] or r["expense"]), r
    _, periods = read_csv(sample_site / "data" / "funds.csv")
    entries: dict[tuple, list] = {}
    for r in rows:
        entries.setdefault((r["village_code"], r["id"]), []).append(r)
    for p in periods:  # exact: the ledger rows of a period lead from its opening to its closing balance
        lines = entries.get((p["village_code"], p["id"]), [])
        total = sum(Decimal(r["income"] or "0") - Decimal(r["expense"] or "0") for r in lines)
        assert Decimal(p["opening_balance"]) + total == Decimal(p["closing_balance"]), p["id"]


def test_nested_fields_are_flattened_with_dotted_names_and_chinese_titles(sample_site):
    package = json.loads((sample_site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for r in package["resources"] if r["name"] == "decisions" for f in r["schema"]["fields"]}
    assert fields["resolution.agree"]["title"] == "决议·赞成" and fields["resolution.agree"]["type"] == "integer"
    assert fields["budget"]["type"] == "number" and fields["proposal.date"]["type"] == "date"
    assert fields["village_code"]["constraints"] == {"pattern": "[0-9]{12}", "required": True}
    # every scalar field of every record kind is a column, and nothing else is (besides the place)
    for table in opendata.TABLES:
        spec = schema.RECORD_KINDS[table.kind]
        if table.name == "funds-entries":
            spec = schema.ENTRY
        leaves = set(_leaves(spec)) - ({"entries"} if table.name == "funds" else set())
        names = {c.name for c in table.columns[6:]} - ({"id", "period"} if table.name == "funds-entries" else set())
        assert names == leaves, table.name


def _leaves(spec, prefix=""):
    for f in spec.fields.values():
        if isinstance(f.type, schema.Spec):
            yield from _leaves(f.type, f"{prefix}{f.key}.")
        else:
            yield f"{prefix}{f.key}"


def test_township_county_and_site_files_are_their_villages_in_order(sample_site):
    def body(rel: Path, name: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO((sample_site / rel / "data" / name).read_text(encoding="utf-8-sig"))))[1:]

    for name in (f"{n}.csv" for n in CSVS):
        for county in sorted(p.parent for p in DATA.glob("*/county.yml")):
            townships = sorted(p.parent for p in county.glob("*/township.yml"))
            joined = []
            for t in townships:
                rows = [r for v in village_dirs(t) for r in body(v.relative_to(DATA), name)]
                assert body(t.relative_to(DATA), name) == rows, (t, name)
                joined += rows
            assert body(county.relative_to(DATA), name) == joined, (county, name)
        everything = [r for c in sorted(p.parent for p in DATA.glob("*/county.yml")) for r in body(c.relative_to(DATA), name)]
        assert body(Path(), name) == everything, name


def test_a_site_of_one_county_has_the_countys_files(tmp_path):
    """With one county the site's download is the county's: the same bytes (linked, not written
    twice), each level's datapackage.json naming its own level and its files' sizes."""
    from datetime import date

    from gongkai.check import check_tree

    data = tmp_path / "villages"
    done = subprocess.run([str(BIN / "gongkai"), "sample", "--counties", "1", "--villages", "5", "--years", "2",
                           "--seed", "4", "--today", BUILD_DATE, str(data)], env=env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    tree = check_tree(data, date.fromisoformat(BUILD_DATE)).tree
    site = tmp_path / "site"
    opendata.write_all(site, tree)
    county = tree.counties[0]
    for name in FILES - {"datapackage.json"}:
        assert (site / "data" / name).read_bytes() == (site / county.url / "data" / name).read_bytes(), name
    # and are the villages' rows, in order
    rows = lambda rel: list(csv.reader(io.StringIO((site / rel / "data" / "funds-entries.csv").read_text(encoding="utf-8-sig"))))[1:]  # noqa: E731
    assert rows("") == [r for v in tree.villages for r in rows(v.url)] != []
    top, own = (json.loads((site / rel / "data" / "datapackage.json").read_text(encoding="utf-8")) for rel in ("", county.url))
    assert (top["name"], own["name"]) == ("cunwu", f"cunwu-{county.slug}")
    assert [r["bytes"] for r in top["resources"]] == [r["bytes"] for r in own["resources"]]
    assert [r["bytes"] for r in top["resources"]] == [(site / "data" / r["path"]).stat().st_size for r in top["resources"]]
    report = frictionless.validate(str(site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:20]


# -- independent validators ---------------------------------------------------------------------


@pytest.mark.parametrize("rel", [Path(), Path("nanzhao"), Path("nanzhao/nanhedian"), Path("nanzhao/nanhedian/guoying")],
                         ids=str)
def test_frictionless_validates_the_package(sample_site, rel):
    report = frictionless.validate(str(sample_site / rel / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:20]
    rows = {t.name: t.stats["rows"] for t in report.tasks if t.type == "table"}
    villages = village_dirs(DATA / rel)
    assert rows["funds-entries"] == sum(len(p["entries"]) for v in villages for p in yaml_records(v, "funds"))
    assert rows["decisions"] == sum(len(yaml_records(v, "decisions")) for v in villages)


def test_frictionless_finds_a_broken_value(sample_site, tmp_path):
    """The validator is not a rubber stamp: a float in an amount column, a code without its digits fail."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in FILES:
        (folder / name).write_bytes((sample_site / "data" / name).read_bytes())
    target = folder / "funds-entries.csv"
    header, rows = read_csv(target)
    rows[0]["village_code"] = rows[0]["village_code"][1:]
    rows[1]["date"] = "2024/3/5"
    out = io.StringIO()
    w = csv.DictWriter(out, header, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    target.write_text("\ufeff" + out.getvalue(), encoding="utf-8")
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for r in package["resources"]:
        r.pop("bytes", None)
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    report = frictionless.validate(str(folder / "datapackage.json"))
    errors = report.flatten(["rowNumber", "fieldName", "type"])
    assert [2, "village_code", "constraint-error"] in errors and [3, "date", "type-error"] in errors


def _validator(kind: str) -> jsonschema.protocols.Validator:
    published = json.loads((REPO / "content" / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(published)
    return cls(published, format_checker=cls.FORMAT_CHECKER)


def test_json_downloads_validate_against_the_published_schemas(sample_site):
    """A village's file is validated; a township's, county's or the site's holds the same lists, in order."""
    for kind in KINDS:
        validator = _validator(kind)
        own = {}
        for v in village_dirs():
            doc = json.loads((sample_site / v.relative_to(DATA) / "data" / f"{kind}.json").read_text(encoding="utf-8"))
            errors = list(validator.iter_errors(doc))
            assert not errors, (v, kind, errors[0].message, list(errors[0].absolute_path))
            assert Counter(r["id"] for r in doc) == Counter(r["id"] for r in yaml_records(v, kind))
            own[v] = doc
        for rel in levels():
            if (DATA / rel / "village.yml").exists():
                continue
            groups = json.loads((sample_site / rel / "data" / f"{kind}.json").read_text(encoding="utf-8"))
            villages = village_dirs(DATA / rel)
            assert [g["village_code"] for g in groups] == [village_code(v) for v in villages], (rel, kind)
            assert [g.pop("records") for g in groups] == [own[v] for v in villages], (rel, kind)
            assert all(set(g) == {c.name for c in opendata.LOCATION} for g in groups)


def test_json_amounts_are_exact_numbers(sample_site):
    village = village_dirs()[0].relative_to(DATA)
    raw = (sample_site / village / "data" / "funds.json").read_text(encoding="utf-8")
    doc = json.loads(raw, parse_float=Decimal)
    source = {p["id"]: p for p in yaml_records(DATA / village, "funds")}
    for p in doc:
        assert f"{p['closing_balance']:.2f}" == money(source[p["id"]]["closing_balance"])
        for e, y in zip(p["entries"], source[p["id"]]["entries"], strict=True):
            amount = e.get("income", e.get("expense"))
            assert str(amount) == money(y.get("income", y.get("expense")))  # 5000.00, not 5000.0
    assert '"opening_balance":' in raw and not re.search(r'_balance":"', raw)


def test_json_schema_check_can_fail(sample_site):
    village = village_dirs()[0].relative_to(DATA)
    doc = json.loads((sample_site / village / "data" / "decisions.json").read_text(encoding="utf-8"))
    doc[0]["budget"] = "12000"
    doc[0]["where"] = "here"
    assert len(list(_validator("decisions").iter_errors(doc))) == 2


# -- the pages ------------------------------------------------------------------------------------


def _sums(folder: Path, year: int | None = None) -> tuple[int, Decimal, Decimal, Decimal, int]:
    """(finance year, income and expense in it, completed cost, completed count) from a level's CSVs.
    The finance year is the latest with a period, unless given (a table row shows its area's year)."""
    _, periods = read_csv(folder / "funds.csv")
    year = year or max(int(p["period"][:4]) for p in periods)
    _, entries = read_csv(folder / "funds-entries.csv")
    income = sum((Decimal(r["income"]) for r in entries if r["income"] and r["period"].startswith(f"{year}-")), Decimal(0))
    expense = sum((Decimal(r["expense"]) for r in entries if r["expense"] and r["period"].startswith(f"{year}-")), Decimal(0))
    _, done = read_csv(folder / "completed.csv")
    return year, income, expense, sum((Decimal(r["cost"]) for r in done if r["cost"]), Decimal(0)), len(done)


def test_area_page_totals_equal_the_sums_of_the_csvs(sample_site):
    areas = [p.parent for p in DATA.glob("*/county.yml")] + [p.parent for p in DATA.glob("*/*/township.yml")]
    for area in areas:
        rel = area.relative_to(DATA)
        page = text((sample_site / rel / "index.html").read_text(encoding="utf-8"))
        year, income, expense, cost, done = _sums(sample_site / rel / "data")
        assert f"办结事项 {done} 项、共 {wan(cost)}；{year} 年收入 {wan(income)}，支出 {wan(expense)}。" in page, rel
        for part in sorted(p for p in area.iterdir() if p.is_dir()):  # each row of the table: a township or village
            name = yaml.safe_load(next(part.glob("*.yml")).read_text(encoding="utf-8"))["name"]
            _, i, x, _, _ = _sums(sample_site / rel / part.name / "data", year)
            row = rf"{re.escape(name)} ([0-9]+ ){{1,2}}{re.escape(wan(i))} {re.escape(wan(x))} "
            assert re.search(row, page), (rel, part.name, wan(i), wan(x))


def _download_links(html: str) -> set[str]:
    return {url for tag, url, _ in parse(html).links if tag == "a" and url.startswith("data/")}


def test_area_pages_link_every_download(sample_site):
    for area in [p.parent for p in DATA.glob("*/county.yml")] + [p.parent for p in DATA.glob("*/*/township.yml")]:
        rel = area.relative_to(DATA)
        html = (sample_site / rel / "index.html").read_text(encoding="utf-8")
        assert _download_links(html) == {f"data/{n}" for n in FILES}, rel
        explained = [url for tag, url, _ in parse(html).links if tag == "a" and url.endswith("data/") and url.startswith("../")]
        assert explained and (sample_site / rel / explained[0] / "index.html").resolve().is_file()


def test_downloads_partial_links_the_files_written(sample_site):
    html = render._env.get_template("_downloads.html").render(data_page="../../../data/")
    village = village_dirs()[0].relative_to(DATA)
    assert _download_links(html) == {f"data/{p.name}" for p in (sample_site / village / "data").iterdir()}


def test_data_page_documents_every_column(sample_site):
    page = text((sample_site / "data" / "index.html").read_text(encoding="utf-8"))
    for table in opendata.TABLES:
        assert f"{table.name}.csv" in page
        for c in table.columns:
            assert f"{c.name} {c.title} {c.type}" in page, (table.name, c.name)
    html = (sample_site / "data" / "index.html").read_text(encoding="utf-8")
    links = {url for tag, url, _ in parse(html).links if tag == "a" and "data/" in url and "." in url.rsplit("/", 1)[-1]}
    assert {u.rsplit("/", 1)[-1] for u in links} == FILES
    assert all((sample_site / "data" / u).resolve().is_file() for u in links)
