"""Open data as a reader gets it: each village's own small CSV files and each county's package
(a ZIP of CSV, JSON and datapackage.json), read with independent tools (zipfile, the csv module,
frictionless, jsonschema) and held against the YAML they came from and the figures the county and
township pages show; and no row published more than twice.

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
import zipfile
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import frictionless
import jsonschema
import pytest
import yaml

from conftest import BIN, BUILD_DATE, REPO, env
from htmltext import parse, text

from gongkai import kinds
from gongkai.render import opendata, pages as render, words
from gongkai.model import schema
from gongkai.kinds.funds import ENTRY

DATA = REPO / "villages"
KINDS = tuple(kinds.specs())
CSVS = ("decisions", "funds", "funds-entries", "pledges", "completed", "suggestions")
MEMBERS = {f"{n}.csv" for n in CSVS} | {f"{k}.json" for k in KINDS} | {"datapackage.json"}
OWN = {f"{k}.csv" for k in KINDS}  # a village's own files: every kind, not the ledger
PLACE = [c.name for c in opendata.LOCATION]
MONEY = re.compile(r"-?[0-9]+\.[0-9]{2}")
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # PyYAML's own reading, in C when it can


def village_dirs(under: Path = DATA) -> list[Path]:
    return sorted(p.parent for p in under.glob("**/village.yml"))


def counties() -> list[Path]:
    return sorted(p.parent for p in DATA.glob("*/county.yml"))


@functools.cache
def yaml_records(vdir: Path, kind: str) -> tuple[dict, ...]:
    out = []
    for f in sorted((vdir / kind).glob("*.yml")):
        out += yaml.load(f.read_text(encoding="utf-8"), Loader=LOADER) or []
    return tuple(out)


@functools.cache
def code_of(folder: Path, name: str) -> str:
    return yaml.load((folder / name).read_text(encoding="utf-8"), Loader=LOADER)["code"]


def read_csv_bytes(raw: bytes, what: str) -> tuple[list[str], list[dict[str, str]]]:
    assert raw.startswith(b"\xef\xbb\xbf"), f"{what}: no UTF-8 BOM"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert all(len(r) == len(header) for r in body), what
    return header, [dict(zip(header, r)) for r in body]


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    return read_csv_bytes(path.read_bytes(), str(path))


def package_of(site: Path, county: Path) -> Path:
    return site / county.relative_to(DATA) / "data" / f"cunwu-{county.name}.zip"


@functools.cache
def unpacked(site: Path, county: Path) -> Path:
    """The county's package unzipped, as a reader who downloads it gets it."""
    out = site.parent / f"{site.name}-unzipped" / county.name
    if not out.is_dir():
        with zipfile.ZipFile(package_of(site, county)) as z:
            assert z.testzip() is None  # every member's CRC checks
            z.extractall(out)
    return out


def money(value) -> str:
    """PyYAML reads 5000.00 as a float: back to the text of two decimals it was written as."""
    return f"{Decimal(str(value)):.2f}"


# -- what is published where ------------------------------------------------------------------


def test_a_village_keeps_its_own_small_files(sample_site):
    for v in village_dirs():
        folder = sample_site / v.relative_to(DATA) / "data"
        assert {p.name for p in folder.iterdir()} == OWN, v
        for kind in KINDS:
            header, rows = read_csv(folder / f"{kind}.csv")
            table = next(t for t in opendata.tables() if t.name == kind)
            assert header == [c.name for c in table.columns][len(PLACE):]  # every row is this village's: no place columns
            assert [r["id"] for r in rows] == [rec["id"] for rec in sorted(
                yaml_records(v, kind), key=lambda r: (str(_date(kind, r)), r["id"]))], (v, kind)


def _date(kind: str, rec: dict):
    """The date a record is filed under (opendata orders a village's records by it)."""
    if kind == "decisions":
        return (rec.get("three_party") or rec.get("proposal") or {}).get("date") or date.min
    if kind == "funds":
        return _period_start(rec["period"])
    if kind == "pledges":
        return rec.get("made") or date.min
    return rec.get("date") or date.min


def _period_start(period: str) -> date:
    year, part = period.split("-")
    month = (int(part[1]) - 1) * 3 + 1 if part.startswith("Q") else int(part)
    return date(int(year), month, 1)


def test_a_county_offers_one_package_and_the_site_only_lists_them(sample_site):
    for county in counties():
        package = package_of(sample_site, county)
        with zipfile.ZipFile(package) as z:
            assert set(z.namelist()) == MEMBERS
            assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist())
            assert sum(i.compress_size for i in z.infolist()) * 4 < sum(i.file_size for i in z.infolist())  # compressed
        assert {p.name for p in package.parent.iterdir()} == {package.name}
        for township in sorted(p.parent for p in county.glob("*/township.yml")):  # townships publish no rows
            assert not (sample_site / township.relative_to(DATA) / "data").exists(), township
    # the site's data/ is the 开放数据 page and the list of the counties' packages, no row of its own
    site_data = sample_site / "data"
    assert {p.name for p in site_data.iterdir()} == {"index.html", opendata.PACKAGES}
    listed = json.loads((site_data / opendata.PACKAGES).read_text(encoding="utf-8"))["packages"]
    assert [p["path"] for p in listed] == [package_of(sample_site, c).relative_to(sample_site).as_posix() for c in counties()]
    assert all(p["bytes"] == (sample_site / p["path"]).stat().st_size for p in listed)
    assert [p["county_code"] for p in listed] == [code_of(c, "county.yml") for c in counties()]


def _rows_of(raw: bytes, name: str) -> list[tuple]:
    """The records (or ledger entries) a published file holds, each as (village, id[, voucher])."""
    if name.endswith(".json"):
        doc = json.loads(raw)
        groups = doc if doc and "records" in doc[0] else [{"village_code": None, "records": doc}]
        return [(g["village_code"], r["id"]) for g in groups for r in g["records"]]
    header, rows = read_csv_bytes(raw, name)
    if name == "funds-entries.csv":
        return [(r["village_code"], r["id"], r["voucher"]) for r in rows]
    return [(r.get("village_code"), r["id"]) for r in rows]


def test_no_row_is_published_more_than_twice(sample_site):
    """Every record is in its village's own file and in its county's package, once in each; a ledger
    entry only in the package (its village shows it on the fund period's page)."""
    places: Counter = Counter()
    for path in sample_site.rglob("*"):
        if path.suffix == ".csv":
            vdir = DATA / path.parent.parent.relative_to(sample_site)
            code = code_of(vdir, "village.yml")
            places.update(("own", code, *row[1:]) for row in _rows_of(path.read_bytes(), path.name))
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    if name != "datapackage.json":
                        places.update((name.rsplit(".", 1)[1], *row) for row in _rows_of(z.read(name), name))
        elif path.suffix == ".json" and "data" in path.parts:
            assert path.name == opendata.PACKAGES, path  # no other open-data JSON: it would repeat rows
    records = [(code_of(v, "village.yml"), rec["id"]) for v in village_dirs() for k in KINDS for rec in yaml_records(v, k)]
    entries = [(code_of(v, "village.yml"), p["id"], e["voucher"]) for v in village_dirs()
               for p in yaml_records(v, "funds") for e in p["entries"]]
    assert len(records) > 500 and len(entries) > 2000
    for r in records:
        # once in the village's file, once in the package (as CSV, and the same row as JSON in it)
        assert (places[("own", *r)], places[("csv", *r)], places[("json", *r)]) == (1, 1, 1), r
    for e in entries:
        assert (places[("own", *e)], places[("csv", *e)]) == (0, 1), e
    assert sum(places.values()) == 3 * len(records) + len(entries)


# -- the package, as frictionless and jsonschema read it ----------------------------------------


@pytest.mark.parametrize("county", counties(), ids=lambda p: p.name)
def test_frictionless_validates_the_package_after_unzipping(sample_site, county):
    folder = unpacked(sample_site, county)
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:20]
    rows = {t.name: t.stats["rows"] for t in report.tasks if t.type == "table"}
    villages = village_dirs(county)
    assert rows["funds-entries"] == sum(len(p["entries"]) for v in villages for p in yaml_records(v, "funds"))
    assert rows["decisions"] == sum(len(yaml_records(v, "decisions")) for v in villages)
    about = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert about["name"] == f"cunwu-{county.name}" and "示例数据" in about["description"]
    assert all(r["bytes"] == (folder / r["path"]).stat().st_size for r in about["resources"])


def test_the_package_rows_equal_the_records_in_the_yaml(sample_site):
    for county in counties():
        folder = unpacked(sample_site, county)
        villages = village_dirs(county)
        for kind in KINDS:
            header, rows = read_csv(folder / f"{kind}.csv")
            assert header[:6] == PLACE
            assert Counter((r["village_code"], r["id"]) for r in rows) == Counter(
                (code_of(v, "village.yml"), rec["id"]) for v in villages for rec in yaml_records(v, kind)), (county, kind)
        _, entries = read_csv(folder / "funds-entries.csv")
        expected = [(code_of(v, "village.yml"), rec["id"], str(e["date"]), e["voucher"], money(e.get("income", e.get("expense"))))
                    for v in villages for rec in yaml_records(v, "funds") for e in rec["entries"]]
        got = [(r["village_code"], r["id"], r["date"], r["voucher"], r["income"] or r["expense"]) for r in entries]
        assert got == expected  # in the villages' order, each period's entries as written


def test_values_are_exact_text(sample_site):
    folder = unpacked(sample_site, counties()[0])
    header, rows = read_csv(folder / "funds-entries.csv")
    assert header[:8] == ["county_code", "county", "township_code", "township", "village_code", "village", "id", "period"]
    for r in rows:
        assert re.fullmatch(r"[0-9]{12}", r["county_code"]) and re.fullmatch(r"[0-9]{12}", r["village_code"])
        assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", r["date"])
        assert bool(r["income"]) != bool(r["expense"])
        assert MONEY.fullmatch(r["income"] or r["expense"]), r
    _, periods = read_csv(folder / "funds.csv")
    entries: dict[tuple, list] = {}
    for r in rows:
        entries.setdefault((r["village_code"], r["id"]), []).append(r)
    for p in periods:  # exact: the ledger rows of a period lead from its opening to its closing balance
        lines = entries.get((p["village_code"], p["id"]), [])
        total = sum(Decimal(r["income"] or "0") - Decimal(r["expense"] or "0") for r in lines)
        assert Decimal(p["opening_balance"]) + total == Decimal(p["closing_balance"]), p["id"]


def test_nested_fields_are_flattened_with_dotted_names_and_chinese_titles(sample_site):
    package = json.loads((unpacked(sample_site, counties()[0]) / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for r in package["resources"] if r["name"] == "decisions" for f in r["schema"]["fields"]}
    assert fields["resolution.agree"]["title"] == "决议·赞成" and fields["resolution.agree"]["type"] == "integer"
    assert fields["budget"]["type"] == "number" and fields["proposal.date"]["type"] == "date"
    assert fields["village_code"]["constraints"] == {"pattern": "[0-9]{12}", "required": True}
    # every scalar field of every record kind is a column, and nothing else is (besides the place)
    for table in opendata.tables():
        spec = kinds.specs()[table.kind]
        if table.name == "funds-entries":
            spec = ENTRY
        leaves = set(_leaves(spec)) - ({"entries"} if table.name == "funds" else set())
        names = {c.name for c in table.columns[6:]} - ({"id", "period"} if table.name == "funds-entries" else set())
        assert names == leaves, table.name


def _leaves(spec, prefix=""):
    for f in spec.fields.values():
        if isinstance(f.type, schema.Spec):
            yield from _leaves(f.type, f"{prefix}{f.key}.")
        else:
            yield f"{prefix}{f.key}"


def test_frictionless_finds_a_broken_value(sample_site, tmp_path):
    """The validator is not a rubber stamp: a code without its digits, a date as 2024/3/5 fail."""
    folder = tmp_path / "data"
    with zipfile.ZipFile(package_of(sample_site, counties()[0])) as z:
        z.extractall(folder)
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


def test_json_in_the_package_validates_against_the_published_schemas(sample_site):
    """Each village's records in the package's JSON are a list as the village's YAML is, valid by the
    JSON Schema the site publishes, under the village's place; the villages in order."""
    for county in counties():
        for kind in KINDS:
            validator = _validator(kind)
            groups = json.loads((unpacked(sample_site, county) / f"{kind}.json").read_text(encoding="utf-8"))
            villages = village_dirs(county)
            assert [g["village_code"] for g in groups] == [code_of(v, "village.yml") for v in villages], (county, kind)
            for g, v in zip(groups, villages):
                records = g.pop("records")
                errors = list(validator.iter_errors(records))
                assert not errors, (v, kind, errors[0].message, list(errors[0].absolute_path))
                assert Counter(r["id"] for r in records) == Counter(r["id"] for r in yaml_records(v, kind))
                assert set(g) == set(PLACE)


def test_json_amounts_are_exact_numbers(sample_site):
    county = counties()[0]
    raw = (unpacked(sample_site, county) / "funds.json").read_text(encoding="utf-8")
    village = village_dirs(county)[0]
    group = json.loads(raw, parse_float=Decimal)[0]
    source = {p["id"]: p for p in yaml_records(village, "funds")}
    for p in group["records"]:
        assert f"{p['closing_balance']:.2f}" == money(source[p["id"]]["closing_balance"])
        for e, y in zip(p["entries"], source[p["id"]]["entries"], strict=True):
            amount = e.get("income", e.get("expense"))
            assert str(amount) == money(y.get("income", y.get("expense")))  # 5000.00, not 5000.0
    assert '"opening_balance":' in raw and not re.search(r'_balance":"', raw)


def test_json_schema_check_can_fail(sample_site):
    group = json.loads((unpacked(sample_site, counties()[0]) / "decisions.json").read_text(encoding="utf-8"))[0]
    doc = group["records"]
    doc[0]["budget"] = "12000"
    doc[0]["where"] = "here"
    assert len(list(_validator("decisions").iter_errors(doc))) == 2


def test_a_county_of_its_own_has_its_package_at_its_root_and_the_same_bytes_each_time(tmp_path):
    """A county built as a site of its own (its folder is the site's root) offers its package at
    data/; the same data and build date give the same bytes."""
    from gongkai.check.checker import check_tree

    data = tmp_path / "villages"
    done = subprocess.run([str(BIN / "gongkai"), "sample", "--counties", "1", "--villages", "5", "--years", "2",
                           "--seed", "4", "--today", BUILD_DATE, str(data)], env=env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    slug = next(data.glob("*/county.yml")).parent.name
    tree = check_tree(data, date.fromisoformat(BUILD_DATE), only=slug).tree
    made = []
    for n in (1, 2):
        site = tmp_path / f"site{n}"
        opendata.write_all(site, tree, date.fromisoformat(BUILD_DATE))
        package = site / "data" / f"cunwu-{slug}.zip"
        made.append(package.read_bytes())
        assert {p.name for p in (site / "data").iterdir()} == {package.name}
    assert made[0] == made[1]
    with zipfile.ZipFile(io.BytesIO(made[0])) as z:
        assert z.testzip() is None and set(z.namelist()) == MEMBERS
        assert all(i.date_time[:3] == (2026, 11, 22) for i in z.infolist())  # dated by the build, not the clock


# -- the pages ------------------------------------------------------------------------------------


def _sums(rows: dict[str, list[dict]], year: int | None = None) -> tuple[int, Decimal, Decimal, Decimal, int]:
    """(finance year, income and expense in it, completed cost, completed count) from rows of the package.
    The finance year is the latest with a period, unless given (a table row shows its area's year)."""
    year = year or max(int(p["period"][:4]) for p in rows["funds"])
    entries = rows["funds-entries"]
    income = sum((Decimal(r["income"]) for r in entries if r["income"] and r["period"].startswith(f"{year}-")), Decimal(0))
    expense = sum((Decimal(r["expense"]) for r in entries if r["expense"] and r["period"].startswith(f"{year}-")), Decimal(0))
    done = rows["completed"]
    return year, income, expense, sum((Decimal(r["cost"]) for r in done if r["cost"]), Decimal(0)), len(done)


def test_area_page_totals_equal_the_sums_of_the_package(sample_site):
    for county in counties():
        folder = unpacked(sample_site, county)
        tables = {n: read_csv(folder / f"{n}.csv")[1] for n in CSVS}

        def rows_of(key: str, code: str | None) -> dict[str, list[dict]]:
            return {n: [r for r in rs if code is None or r[key] == code] for n, rs in tables.items()}

        for area, key, code in [(county, None, None)] + [(t.parent, "township_code", code_of(t.parent, "township.yml"))
                                                        for t in sorted(county.glob("*/township.yml"))]:
            rel = area.relative_to(DATA)
            page = text((sample_site / rel / "index.html").read_text(encoding="utf-8"))
            year, income, expense, cost, done = _sums(rows_of(key, code))
            assert f"{year} 年收入 {words.wan(income)}，支出 {words.wan(expense)}，" in page, rel
            assert f"办结事项 {done} 项、共 {words.wan(cost)}，群众建议 " in page, rel
            for part in sorted(p for p in area.iterdir() if p.is_dir()):  # each row of the table: a township or village
                name_file = next(part.glob("*.yml"))
                part_key = "township_code" if name_file.name == "township.yml" else "village_code"
                name = yaml.safe_load(name_file.read_text(encoding="utf-8"))["name"]
                _, i, x, _, _ = _sums(rows_of(part_key, code_of(part, name_file.name)), year)
                row = rf"{re.escape(name)} ([0-9]+ ){{1,2}}{re.escape(words.wan(i))} {re.escape(words.wan(x))} "
                assert re.search(row, page), (rel, part.name, words.wan(i), words.wan(x))


def _links(html: str) -> set[str]:
    return {url for tag, url, _ in parse(html).links if tag == "a"}


def test_pages_link_their_downloads_and_every_link_opens_a_file(sample_site):
    for county in counties():
        package = package_of(sample_site, county)
        areas = [county] + sorted(p.parent for p in county.glob("*/township.yml"))
        for area in areas:  # a county's and a township's page: the county's package
            page = sample_site / area.relative_to(DATA) / "index.html"
            links = {u for u in _links(page.read_text(encoding="utf-8")) if u.endswith(".zip")}
            assert links and {(page.parent / u).resolve() for u in links} == {package.resolve()}, area
        for v in village_dirs(county):  # a board: its own four files and the county's package
            page = sample_site / v.relative_to(DATA) / "index.html"
            links = {u for u in _links(page.read_text(encoding="utf-8")) if u.endswith((".csv", ".zip"))}
            assert {u for u in links if u.endswith(".csv")} == {f"data/{n}" for n in OWN}, v
            assert all((page.parent / u).resolve().is_file() for u in links)
            assert any((page.parent / u).resolve() == package.resolve() for u in links)
            explained = [u for u in _links(page.read_text(encoding="utf-8")) if u.endswith("data/")]
            assert explained and (page.parent / explained[0] / "index.html").resolve().is_file()


def test_downloads_partial_links_the_files_written(sample_site):
    village = village_dirs()[0]
    from gongkai.check.checker import check_tree

    tree = check_tree(DATA, date.fromisoformat(BUILD_DATE)).tree
    v = next(x for x in tree.villages if x.slug == village.name)
    html = render._env.get_template("_downloads.html").render(data_page="../../../data/", village=v, county=v.county,
                                                               package="../../../" + opendata.package_url(v.county))
    assert {u for u in _links(html) if u.startswith("data/")} == {
        f"data/{p.name}" for p in (sample_site / village.relative_to(DATA) / "data").iterdir()}


def test_data_page_documents_every_column_and_links_every_package(sample_site):
    page = text((sample_site / "data" / "index.html").read_text(encoding="utf-8"))
    for table in opendata.tables():
        assert f"{table.name}.csv" in page
        for c in table.columns:
            assert f"{c.name} {c.title} {c.type}" in page, (table.name, c.name)
    html = (sample_site / "data" / "index.html").read_text(encoding="utf-8")
    packages = {(sample_site / "data" / u).resolve() for u in _links(html) if u.endswith(".zip")}
    assert packages == {package_of(sample_site, c).resolve() for c in counties()}
