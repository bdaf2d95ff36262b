"""The published JSON Schemas: made from schema.py, up to date, shipped, and not vacuous.

The sample data is validated here with `jsonschema`, a validator gongkai does not otherwise
use, after reading it with PyYAML's plain safe_load the way a YAML 1.2 editor sees it
(dates are strings), so a mistake in the schema export cannot hide behind gongkai's reader.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path, PurePosixPath

import pytest
import yaml
from jsonschema import Draft202012Validator

from conftest import REPO, gongkai
from gongkai import kinds
from gongkai.model import schema
from gongkai.render.schema_export import file_name, files, json_schema, schema_text

NAMES = tuple(files())

DATA = REPO / "villages"
PUBLISHED = REPO / "content" / "schema"
LINE = "# yaml-language-server: $schema="


def kind_of(path: Path) -> str:
    return path.stem if path.name in ("county.yml", "township.yml", "village.yml") else path.parent.name


def sample_files() -> list[Path]:
    return sorted(DATA.rglob("*.yml"))


def as_editor_sees(value):
    """PyYAML reads 2024-03-05 as a date; a YAML 1.2 editor (and JSON) sees the string."""
    if isinstance(value, dict):
        return {k: as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def load(path: Path):
    return as_editor_sees(yaml.safe_load(path.read_text(encoding="utf-8")))


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(json_schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(name: str, doc) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name).iter_errors(doc)]


# -- made from the one definition -----------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_schema_is_valid_2020_12(name):
    s = json_schema(name)
    Draft202012Validator.check_schema(s)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"] == file_name(name)
    assert "multipleOf" not in json.dumps(s)  # binary floats make validators reject 0.07


def test_every_field_of_every_spec_is_in_the_schema():
    """Walk the specs and the schemas side by side: same fields, same required ones, nothing else."""

    def same(spec: schema.Spec, obj: dict, defs: dict, where: str):
        assert obj["title"] == spec.label, where
        assert obj["additionalProperties"] is False, where
        assert list(obj["properties"]) == list(spec.fields), where
        assert obj.get("required", []) == [f.key for f in spec.fields.values() if f.required], where
        for f in spec.fields.values():
            prop = obj["properties"][f.key]
            assert prop["title"] == f.label and f.help in prop["description"], (where, f.key)
            t = f.type.item if isinstance(f.type, schema.ListOf) else f.type
            if isinstance(t, schema.Spec):
                same(t, defs[t.name], defs, f"{where}.{f.key}")

    for name in NAMES:
        s = json_schema(name)
        defs = s.get("$defs", {})
        if kind := kinds.by_folder(name):
            assert s["type"] == "array" and s["items"] == {"$ref": f"#/$defs/{kind.spec.name}"}
            same(kind.spec, defs[kind.spec.name], defs, name)
        else:
            same({"county": schema.COUNTY, "township": schema.TOWNSHIP, "village": schema.VILLAGE}[name], s, defs, name)


# -- committed, shipped and pointed at ------------------------------------------------------


def test_committed_schemas_are_up_to_date():
    on_disk = {p.name for p in PUBLISHED.glob("*.schema.json")}
    assert on_disk == {file_name(n) for n in NAMES}, f"content/schema/ 不对：运行 gongkai schema 重新生成（{on_disk}）"
    for name in NAMES:
        path = PUBLISHED / file_name(name)
        assert path.read_text(encoding="utf-8") == schema_text(name), (
            f"{path.relative_to(REPO)} 已过期：schema.py 改过了，运行 gongkai schema 重新生成"
        )


def test_site_publishes_the_schemas():
    """MkDocs copies every non-Markdown file of docs_dir into the site: content/schema/x -> /schema/x."""
    docs_dir = re.search(r"^docs_dir:\s*(\S+)", (REPO / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    assert docs_dir and docs_dir[1] == "content"
    for name in NAMES:
        assert (REPO / docs_dir[1] / "schema" / file_name(name)).is_file()


def test_every_sample_file_names_its_schema_on_line_two():
    for path in sample_files():
        line = path.read_text(encoding="utf-8").splitlines()[1]
        assert line.startswith(LINE), path
        target = (path.parent / line[len(LINE):]).resolve()
        assert target == (PUBLISHED / file_name(kind_of(path))).resolve(), path


def test_guide_examples_name_their_schema():
    blocks = 0
    for md in sorted((REPO / "content" / "guide").glob("*.md")):
        lines = md.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines[:-1]):
            if line.startswith("# villages/") and lines[i - 1] == "```yaml":
                rel = Path(line[2:].strip())
                if rel.name == "synonyms.yml":  # the search's words: any word, no fields to complete
                    continue
                assert lines[i + 1].startswith(LINE), (md.name, line)
                target = (REPO / rel.parent / lines[i + 1][len(LINE):]).resolve()
                assert target == (PUBLISHED / file_name(kind_of(rel))).resolve(), (md.name, line)
                blocks += 1
    assert blocks >= 7


def test_vscode_settings_map_every_sample_file_to_its_schema():
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    assert {PurePosixPath(k).name for k in settings} == {file_name(n) for n in NAMES}
    for k in settings:
        assert (REPO / k).is_file(), k
    for path in sample_files():
        rel = PurePosixPath("/" + path.relative_to(REPO).as_posix())
        matched = [PurePosixPath(k).name for k, globs in settings.items() if any(rel.match(g) for g in globs)]
        assert matched == [file_name(kind_of(path))], (rel, matched)


# -- the sample validates, broken documents do not ------------------------------------------


def test_every_sample_file_validates():
    files = sample_files()
    assert len(files) > 200
    for path in files:
        found = errors(kind_of(path), load(path))
        assert not found, (str(path.relative_to(REPO)), found[:5])


def first_village_dir() -> Path:
    return sorted(DATA.glob("*/*/*/village.yml"))[0].parent


def mutate(name: str, change) -> list[str]:
    path = {"village": first_village_dir() / "village.yml"}.get(name) or sorted((first_village_dir() / name).glob("*.yml"))[0]
    doc = copy.deepcopy(load(path))
    assert not errors(name, doc)
    change(doc)
    return errors(name, doc)


def _set(key, value):
    def change(doc):
        target = doc[0] if isinstance(doc, list) else doc
        *parents, last = key.split(".")
        for p in parents:
            target = target[p] if not p.isdigit() else target[int(p)]
        target[last] = value
    return change


def _drop(key):
    def change(doc):
        (doc[0] if isinstance(doc, list) else doc).pop(key)
    return change


@pytest.mark.parametrize("name, change, expect", [
    ("village", _set("chairman", "王某"), "Additional properties"),               # unknown field
    ("decisions", _set("proposal.quorum", 5), "Additional properties"),          # unknown field, nested
    ("village", _drop("office_phone"), "is a required property"),                # missing required field
    ("funds", _drop("closing_balance"), "is a required property"),
    ("village", _set("code", 411321101203), "is not of type 'string'"),          # unquoted code -> int
    ("decisions", _set("origin", "村民提议"), "is not one of"),                  # wrong enum value
    ("pledges", _set("status", "完成"), "is not one of"),
    ("completed", _set("date", "2024年3月5日"), "is not a 'date'"),              # bad date string
    ("decisions", _set("proposal.date", "2024-02-30"), "is not a 'date'"),       # no such day
    ("funds", _set("entries.0.expense", -5), "less than the minimum"),           # negative amount
    ("funds", _set("entries.0.income", "1200"), "is not of type 'number'"),      # quoted amount
    ("decisions", _set("id", "D 2024 01"), "does not match"),                    # id not a URL part
    ("pledges", _set("made", None), "is not of type 'string'"),                  # required, left empty
])
def test_broken_documents_fail(name, change, expect):
    found = mutate(name, change)
    assert any(expect in e for e in found), found


def test_record_file_must_be_a_list():
    doc = load(sorted((first_village_dir() / "decisions").glob("*.yml"))[0])
    assert any("is not of type 'array'" in e for e in errors("decisions", doc[0]))


def test_an_empty_optional_value_is_a_missing_value_as_for_the_checker():
    assert not mutate("decisions", _set("summary", None))
    assert not mutate("decisions", _set("review", None))
    assert not mutate("village", _set("duty_roster", None))


def test_cli_writes_the_schemas(tmp_path):
    done = gongkai("schema", "--write", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    for name in NAMES:
        assert (tmp_path / "out" / file_name(name)).read_text(encoding="utf-8") == schema_text(name)
    again = gongkai("schema", "--write", str(tmp_path / "out"))
    assert "0 个有变化" in again.stdout
