"""The JSON Schema of every data file, made by walking the specs in schema.py and kinds/.

The schemas are committed in content/schema/ and published with the site at
/schema/<name>.schema.json. Every data file names its schema on its second line
(`# yaml-language-server: $schema=...`), so VS Code's YAML extension (Red Hat) completes
field names, offers the allowed values and shows the Chinese label and help on hover.

The schema helps while typing; `gongkai check` stays the judge. It knows what no schema can
say (quorums, dates in order, personal data in free text) and reads YAML the careful way
(an unquoted code is an error, not a number).

Only keywords that mean the same in draft 7 and 2020-12 are used, because the YAML extension
validates with draft 7 rules. Does not import MkDocs: `gongkai schema` runs without it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from gongkai import kinds
from gongkai.model import schema
from gongkai.render.guide import type_words

DIALECT = "https://json-schema.org/draft/2020-12/schema"

AREAS = {"county": schema.COUNTY, "township": schema.TOWNSHIP, "village": schema.VILLAGE}


def files() -> dict[str, schema.Spec]:
    """file kind -> the spec of one file (county, township, village) or of one record in a year file."""
    return {**AREAS, **kinds.specs()}


def file_name(name: str) -> str:
    return f"{name}.schema.json"


def json_schema(name: str) -> dict:
    """The JSON Schema of one file kind: an object, or for a record kind a list of records."""
    spec = files()[name]
    defs: dict[str, dict] = {}
    if name in kinds.specs():
        body = {
            "title": spec.label,
            "description": f"{name}/ 文件夹里每年一个文件，如 {name}/2024.yml；"
            f"文件里是一个列表，每项是一条{spec.label}，以“- id:”开头",
            "type": "array",
            "items": _ref(spec, defs, {}),
        }
    else:
        body = _object(spec, defs, {})
    out = {"$schema": DIALECT, "$id": file_name(name), **body}
    if defs:
        out["$defs"] = defs
    return out


def schema_text(name: str) -> str:
    """The file as published: stable, readable Chinese, one trailing newline."""
    return json.dumps(json_schema(name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(folder: Path | str) -> list[Path]:
    """Write <name>.schema.json for every file kind into `folder`; return the files that changed."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name in files():
        path = folder / file_name(name)
        text = schema_text(name)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            changed.append(path)
    return changed


# -- walking the specs ----------------------------------------------------------------------


def _object(spec: schema.Spec, defs: dict, seen: dict) -> dict:
    out = {
        "title": spec.label,
        "type": "object",
        "properties": {f.key: _property(f, defs, seen) for f in spec.fields.values()},
        "additionalProperties": False,
    }
    required = [f.key for f in spec.fields.values() if f.required]
    if required:
        out["required"] = required
    return out


def _ref(spec: schema.Spec, defs: dict, seen: dict) -> dict:
    """Each nested spec once under $defs, referred to wherever it is used."""
    other = seen.setdefault(spec.name, spec)
    assert other is spec, f"two specs are both named {spec.name!r}"
    if spec.name not in defs:
        defs[spec.name] = {}  # claimed before walking, so a spec may contain itself
        defs[spec.name] = _object(spec, defs, seen)
    return {"$ref": f"#/$defs/{spec.name}"}


def _value(t, defs: dict, seen: dict) -> dict:
    if isinstance(t, schema.ListOf):
        return {"type": "array", "items": _value(t.item, defs, seen)}
    if isinstance(t, schema.Spec):
        return _ref(t, defs, seen)
    return copy.deepcopy(t.json)


def _nullable(value: dict) -> dict:
    """The checker reads an empty value (`key:`) as a missing one: allowed where a field is optional."""
    if "type" not in value:  # a $ref
        return {"anyOf": [value, {"type": "null"}]}
    value = {**value, "type": [value["type"], "null"]}
    if "enum" in value:
        value["enum"] = [*value["enum"], None]
    return value


def _property(f: schema.Field, defs: dict, seen: dict) -> dict:
    value = _value(f.type, defs, seen)
    if not f.required:
        value = _nullable(value)
    parts = ("必填" if f.required else "", type_words(f.type), f.help)
    words = "；".join(dict.fromkeys(x for x in parts if x))  # help may repeat the type's words
    return {"title": f.label, "description": words, **value}
