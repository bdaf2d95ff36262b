"""`gongkai new`: a blank record with the next free id, a Chinese comment on every field, appended only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import BUILD_DATE, gongkai
from gongkai import kinds
from gongkai.model import schema
from gongkai.adapters import scaffold
from tinytree import FUNDS, PLEDGES, VILLAGE, VILLAGE_DIR, write_tree

VPATH = f"villages/{VILLAGE_DIR}"
TODAY = BUILD_DATE  # conftest fixes the build date: "today" for `gongkai new`


def diagnostics(tmp: Path) -> list[dict]:
    done = gongkai("check", "--format", "json", VPATH, cwd=tmp)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return json.loads(done.stdout)


def new(tmp: Path, kind: str, *extra: str):
    done = gongkai("new", kind, VPATH, *extra, cwd=tmp)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def fill(text: str, values: dict[str, str]) -> str:
    """Give each empty, not commented-out `key:` named in values a value (the first one of that key)."""
    for key, value in values.items():
        text, n = re.subn(rf"(?m)^(\s*(?:- )?){key}:(\s+#)", rf"\g<1>{key}: {value}\2", text, count=1)
        assert n == 1, key
    return text


def field_walk(spec: schema.Spec):
    for f in spec.fields.values():
        yield f
        t = f.type.item if isinstance(f.type, schema.ListOf) else f.type
        if isinstance(t, schema.Spec):
            yield from field_walk(t)


def assert_every_field_commented(spec: schema.Spec, text: str) -> None:
    lines = text.splitlines()
    for f in field_walk(spec):
        ok = False
        for i, line in enumerate(lines):
            m = re.match(rf"^\s*(# )?\s*(- )?{f.key}:", line)
            if m:
                comment = line[m.end():].partition("# ")[2] + (lines[i - 1] if i else "")
                ok = ok or f"{f.label}（{'必填' if f.required else '选填'}）" in comment
        assert ok, (spec.name, f.key)


# kind -> (folder, extra args, expected id, values that complete the record)
CASES = {
    "decision": ("decisions", ["--year", "2024"], "d-2024-02", {
        "title": "修村东惠民路", "category": "公益事业", "origin": "村干部提议",
        "date": "2024-11-04", "expected": "5", "present": "5", "agree": "5",
    }),
    "funds": ("funds", [], "f-2024-q3", {
        "entries": "[]", "closing_balance": "1200.25", "reviewed": "2024-10-03", "published": "2024-10-05",
    }),
    "pledge": ("pledges", ["--year", "2024"], "p-2024-02", {
        "who": "张建国", "role": "村党支部书记", "what": "修好村东路灯", "made": "2024-05-01",
        "deadline": "2024-12-31", "status": "未开始",
    }),
    "completed": ("completed", ["--year", "2024"], "c-2024-02", {"title": "村东路灯修好", "date": "2024-10-01"}),
}


@pytest.mark.parametrize("kind", CASES)
def test_new_appends_a_commented_blank_record_that_check_points_at(tmp_path, kind):
    folder, extra, new_id, values = CASES[kind]
    spec = kinds.by_folder(folder).spec
    root = write_tree(tmp_path)
    path = root / VILLAGE_DIR / folder / "2024.yml"
    old = path.read_bytes()
    before = diagnostics(tmp_path)

    done = new(tmp_path, kind, *extra)
    assert done.returncode == 0, done.stderr
    raw = path.read_bytes()
    assert raw.startswith(old)  # never rewrites what is there
    added = raw[len(old):].decode("utf-8")
    assert added.startswith("\n- id: ")  # old file ends with a newline: exactly one blank line between
    line_no = old.count(b"\n") + 2
    assert f"{VPATH}/{folder}/2024.yml" in done.stdout
    assert new_id in done.stdout and f"第 {line_no} 行" in done.stdout
    assert f"gongkai check {VPATH}" in done.stdout
    assert raw.decode().splitlines()[line_no - 1].startswith(f"- id: {new_id} ")

    records = yaml.safe_load(raw.decode("utf-8"))
    assert records[-1]["id"] == new_id and len(records) == len(yaml.safe_load(old.decode())) + 1
    assert_every_field_commented(spec, added)
    if kind == "funds":
        assert records[-1]["period"] == "2024-Q3"
        assert re.search(r"(?m)^  opening_balance: 1200\.25 ", added)  # exact text of Q2's closing balance

    last = line_no + added.count("\n") - 2
    after = [d for d in diagnostics(tmp_path) if d not in before]
    assert after and {d["code"] for d in after} == {"GK202"}, after
    for d in after:
        assert d["path"] == f"{VPATH}/{folder}/2024.yml" and line_no <= d["line"] <= last, d
    # every required field left empty is pointed at; no optional one is
    required = {f.key for f in spec.fields.values() if f.required}
    assert len(after) >= len([k for k in required if k not in ("id", "period", "opening_balance")])

    path.write_bytes(old + fill(added, values).encode("utf-8"))
    done = gongkai("check", VPATH, cwd=tmp_path)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("kind", ["decision", "pledge", "completed"])
def test_this_years_file_is_created_with_todays_date(tmp_path, kind):
    folder, _, _, values = CASES[kind]
    root = write_tree(tmp_path)
    year = TODAY[:4]
    path = root / VILLAGE_DIR / folder / f"{year}.yml"
    assert not path.exists()
    done = new(tmp_path, kind)
    assert done.returncode == 0, done.stderr
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("# 龙王庙村 2026 年的") and lines[1] == ""  # no content/ here: no schema line
    new_id = f"{kinds.by_folder(folder).prefix}-{year}-01"
    assert lines[2].startswith(f"- id: {new_id} ") and "第 3 行" in done.stdout
    dated = kinds.by_folder(folder).today_field[-1]
    assert re.search(rf"(?m)^\s*{dated}: {TODAY} ", text)
    assert {d["code"] for d in diagnostics(tmp_path)} == {"GK202"}
    values = {k: v for k, v in values.items() if k != dated}
    if kind == "pledge":
        values["deadline"] = "2026-12-31"
    path.write_text(fill(text, values), encoding="utf-8")
    done = gongkai("check", VPATH, cwd=tmp_path)
    assert done.returncode == 0, done.stdout


def test_new_file_names_its_schema_like_its_siblings(tmp_path):
    root = write_tree(tmp_path)
    folder = root / VILLAGE_DIR / "pledges"
    line = "# yaml-language-server: $schema=../../../../../content/schema/pledges.schema.json"
    (folder / "2024.yml").write_text("# 承诺\n" + line + "\n\n" + PLEDGES, encoding="utf-8")
    assert new(tmp_path, "pledge").returncode == 0
    assert (folder / "2026.yml").read_text(encoding="utf-8").splitlines()[1] == line


def test_ids_are_unique_across_kinds_and_years(tmp_path):
    pledges = PLEDGES + PLEDGES.replace("p-2024-01", "d-2024-05")  # an odd id, but it is taken
    root = write_tree(tmp_path, pledges=pledges)
    later = root / VILLAGE_DIR / "completed" / "2025.yml"
    later.write_text("- id: c-2024-07\n  title: 补记\n  date: 2025-01-10\n", encoding="utf-8")
    assert "d-2024-06" in new(tmp_path, "decision", "--year", "2024").stdout
    assert "d-2024-07" in new(tmp_path, "decision", "--year", "2024").stdout
    assert "c-2024-08" in new(tmp_path, "completed", "--year", "2024").stdout
    assert "p-2024-02" in new(tmp_path, "pledge", "--year", "2024").stdout


MONTHLY_FUNDS = """\
- id: f-2024-11
  period: 2024-11
  opening_balance: 100.00
  entries: []
  closing_balance: 100.00
  reviewed: 2024-12-03
  published: 2024-12-05
- id: f-2024-12
  period: 2024-12
  opening_balance: 100.00
  entries:
    - date: 2024-12-10
      category: 各项支出
      summary: 电费
      expense: 135.5
      voucher: 记-101
  closing_balance: -35.5
  reviewed: 2025-01-03
  published: 2025-01-05
"""


def test_monthly_village_continues_into_a_new_year_file(tmp_path):
    village = VILLAGE.replace("one_person_both_posts: false\n", "one_person_both_posts: false\nhigh_volume: true\n")
    root = write_tree(tmp_path, village=village, funds=MONTHLY_FUNDS)
    assert gongkai("check", VPATH, cwd=tmp_path).returncode == 0
    done = new(tmp_path, "funds")
    assert done.returncode == 0, done.stderr
    assert "f-2025-01" in done.stdout and "按月" in done.stdout
    assert (root / VILLAGE_DIR / "funds" / "2024.yml").read_text(encoding="utf-8") == MONTHLY_FUNDS
    path = root / VILLAGE_DIR / "funds" / "2025.yml"
    text = path.read_text(encoding="utf-8")
    assert re.search(r"(?m)^- id: f-2025-01 ", text)
    assert re.search(r"(?m)^  period: 2025-01 ", text)
    assert re.search(r"(?m)^  opening_balance: -35\.5 ", text)  # the exact text, negative and all
    assert {d["code"] for d in diagnostics(tmp_path)} == {"GK202"}
    path.write_text(fill(text, {
        "entries": "[]", "closing_balance": "-35.5", "reviewed": "2025-02-03", "published": "2025-02-05",
    }), encoding="utf-8")
    assert gongkai("check", VPATH, cwd=tmp_path).returncode == 0
    # the next one follows on in the same file, after one blank line
    assert "f-2025-02" in new(tmp_path, "funds").stdout
    assert "\n\n- id: f-2025-02 " in path.read_text(encoding="utf-8")
    # 2024 is complete: asking for it is a usage error
    done = new(tmp_path, "funds", "--year", "2024")
    assert done.returncode == 2 and "2024 年的财务公开已经写到最后一期" in done.stderr


def test_funds_for_a_village_with_none_yet_start_at_the_last_period_that_ended(tmp_path):
    root = write_tree(tmp_path)
    for p in (root / VILLAGE_DIR / "funds").iterdir():
        p.unlink()
    done = new(tmp_path, "funds")
    assert done.returncode == 0, done.stderr
    assert "f-2026-q3" in done.stdout  # 2026-11-22 is in Q4: Q3 is the last one that has ended
    text = (root / VILLAGE_DIR / "funds" / "2026.yml").read_text(encoding="utf-8")
    assert re.search(r"(?m)^  opening_balance:\s+#", text)  # nothing to carry over: left for the clerk


def test_append_keeps_odd_endings_as_they_are(tmp_path):
    root = write_tree(tmp_path, pledges=PLEDGES.rstrip("\n"))  # no newline at the end
    path = root / VILLAGE_DIR / "pledges" / "2024.yml"
    assert new(tmp_path, "pledge", "--year", "2024").returncode == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith(PLEDGES.rstrip("\n") + "\n\n- id: p-2024-02 ")

    crlf = PLEDGES.replace("\n", "\r\n") + "\r\n\r\n"  # Windows line ends, already blank lines at the end
    path.write_bytes(crlf.encode("utf-8"))
    assert new(tmp_path, "pledge", "--year", "2024").returncode == 0
    raw = path.read_bytes().decode("utf-8")
    assert raw.startswith(crlf + "- id: p-2024-02 ")
    assert "\n" not in raw.replace("\r\n", "")
    assert yaml.safe_load(raw)[-1]["id"] == "p-2024-02"


@pytest.mark.parametrize("content", ["[]\n", "- id: p-2024-01\n  who: [\n", "who: 张建国\n"])
def test_refuses_to_append_to_a_file_that_is_not_a_list_of_records(tmp_path, content):
    root = write_tree(tmp_path, pledges=content)
    path = root / VILLAGE_DIR / "pledges" / "2024.yml"
    done = new(tmp_path, "pledge", "--year", "2024")
    assert done.returncode == 1 and "gongkai check" in done.stderr
    assert path.read_text(encoding="utf-8") == content


def test_appends_to_a_file_of_comments_only(tmp_path):
    root = write_tree(tmp_path, pledges="# 今年的承诺，还没写\n")
    assert new(tmp_path, "pledge", "--year", "2024").returncode == 0
    text = (root / VILLAGE_DIR / "pledges" / "2024.yml").read_text(encoding="utf-8")
    assert text.startswith("# 今年的承诺，还没写\n\n- id: p-2024-01 ")


def test_usage_errors_exit_2_in_chinese(tmp_path):
    write_tree(tmp_path)
    done = new(tmp_path, "budget")
    assert done.returncode == 2 and "不认识“budget”" in done.stderr and "decision" in done.stderr
    done = gongkai("new", "decision", "villages/nanzhao", cwd=tmp_path)
    assert done.returncode == 2 and "不是村文件夹" in done.stderr
    assert gongkai("new", "decision", "no/such/place", cwd=tmp_path).returncode == 2
    assert new(tmp_path, "decision", "--year", "24").returncode == 2
    assert gongkai("new", "decision", cwd=tmp_path).returncode == 2
    assert not (tmp_path / VPATH / "decisions" / "2026.yml").exists()


# -- the text, walked from the spec ---------------------------------------------------------


def uncomment(text: str) -> str:
    return re.sub(r"(?m)^(\s*)# ", r"\1", text)


def keys_of(value, spec: schema.Spec) -> None:
    """Every field of spec, all the way down, is in the parsed value."""
    assert set(value) == set(spec.fields), (spec.name, set(value) ^ set(spec.fields))
    for f in spec.fields.values():
        t = f.type
        if isinstance(t, schema.ListOf) and isinstance(t.item, schema.Spec):
            assert len(value[f.key]) == 1, f.key  # one example item
            keys_of(value[f.key][0], t.item)
        elif isinstance(t, schema.Spec):
            keys_of(value[f.key], t)


@pytest.mark.parametrize("folder", [k.folder for k in kinds.KINDS])
def test_record_text_shows_every_field_and_uncomments_into_a_whole_record(folder):
    spec = kinds.by_folder(folder).spec
    text = scaffold.record_text(spec, {("id",): "x-1"})
    assert_every_field_commented(spec, text)
    assert all(re.search(r"\S\s+# \S+（(必填|选填)）", line) for line in text.splitlines())
    (record,) = yaml.safe_load(text)
    assert record["id"] == "x-1"
    assert {k for k, f in spec.fields.items() if f.required} <= set(record)  # required ones never hidden
    (whole,) = yaml.safe_load(uncomment(text))
    keys_of(whole, spec)


def test_the_dates_filled_with_today_are_dates():
    for kind in kinds.KINDS:
        if kind.today_field:
            f = scaffold._field_at(kind.spec, kind.today_field)
            assert isinstance(f.type, schema.Date) and f.required, (kind.folder, kind.today_field)
