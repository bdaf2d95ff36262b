"""Commands that write into a clerk's file go through ruamel.yaml's round trip (gongkai/roundtrip.py):
what they do not change (comments, blank lines, key order, quoting, the schema line) stays byte
for byte, over every file of the sample."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from conftest import REPO
from gongkai.adapters import roundtrip
from gongkai.load.reader import parse

SAMPLE = sorted((REPO / "villages").rglob("*.yml"))
YEAR_FILES = [p for p in SAMPLE if p.parent.name in ("decisions", "funds", "pledges", "completed")]

ODD = """\
# 一个文书自己写的文件：注释、引号、空行都按他的习惯
# yaml-language-server: $schema=../../../../../content/schema/pledges.schema.json

- id: p-2024-01        # 第一条
  who: '张某'
  role: "村委会主任"
  what: >-
    修好三组的排水沟，
    雨季前完工
  made: 2024-03-01
  # 期限是村民代表会议定的
  deadline: 2024-05-31
  status: 已兑现


- id: "p-2024-02"
  who: 李某   #   注释前后的空格也不动
  role: 村党支部书记
  what: |
    第一行
      缩进的第二行
  made: 2024-04-01
  deadline: 2024-06-30
  revisions: []
  status: 进行中
# 文件最后的注释
"""


def leaves(node, path=()):
    """(container, key) of every scalar under `node`, in file order."""
    items = node.items() if isinstance(node, CommentedMap) else enumerate(node)
    for key, value in items:
        if isinstance(value, CommentedMap | CommentedSeq):
            yield from leaves(value, path + (key,))
        else:
            yield node, key


def lines_touched(old: str, new: str) -> set[int]:
    out: set[int] = set()
    for op, i1, i2, _, _ in difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False).get_opcodes():
        if op != "equal":
            out.update(range(i1 + 1, i2 + 1) if i2 > i1 else {i1})
    return out


@pytest.mark.parametrize("path", SAMPLE, ids=lambda p: p.relative_to(REPO / "villages").as_posix())
def test_every_sample_file_comes_back_byte_for_byte(path: Path):
    doc = roundtrip.read(path)
    assert doc.encoded(doc.dumps()) == path.read_bytes()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_changing_one_record_changes_only_its_lines(data):
    path = data.draw(st.sampled_from(YEAR_FILES), label="file")
    doc = roundtrip.read(path)
    i = data.draw(st.integers(0, len(doc.data) - 1), label="record")
    spots = list(leaves(doc.data[i]))
    container, key = data.draw(st.sampled_from(spots), label="field")
    container[key] = data.draw(st.sampled_from(["改过的值", "2025-01-01", "12000.50", "含: 冒号的 #文字"]), label="value")
    new = doc.dumps()
    first, last = roundtrip.item_lines(doc.data, len(doc.original.splitlines()))[i]
    touched = lines_touched(doc.original, new)
    assert touched and touched <= set(range(first, last + 1)), (path, i, key, sorted(touched), (first, last))
    node, problems = parse(new, str(path))
    assert not problems and len(node.value) == len(doc.data)


def test_a_file_written_by_hand_comes_back_as_it_was_and_an_added_entry_keeps_the_rest():
    doc = roundtrip.parse(ODD, "pledges/2024.yml")
    assert doc.dumps() == ODD
    roundtrip.add_items(doc.data[0], "revisions", "- deadline: 2024-06-30\n  date: 2024-05-20\n  reason: 雨水多\n")
    new = doc.dumps()
    assert new == ODD.replace("  status: 已兑现\n", "  status: 已兑现\n  revisions:\n    - deadline: 2024-06-30\n"
                                                   "      date: 2024-05-20\n      reason: 雨水多\n")
    roundtrip.add_items(doc.data[1], "revisions", "- deadline: 2024-07-31\n  date: 2024-06-20\n  reason: 材料没到\n")
    assert doc.dumps().endswith("  revisions:\n    - deadline: 2024-07-31\n      date: 2024-06-20\n      reason: 材料没到\n"
                                "  status: 进行中\n# 文件最后的注释\n")


def test_line_endings_and_byte_order_mark_are_kept(tmp_path: Path):
    path = tmp_path / "2024.yml"
    path.write_bytes(b"\xef\xbb\xbf" + ODD.replace("\n", "\r\n").encode("utf-8"))
    doc = roundtrip.read(path)
    assert doc.encoded(doc.dumps()) == path.read_bytes()
    text = roundtrip.append_text(doc, "- id: p-2024-03\n  who: 王某\n")
    assert doc.encoded(text).endswith("# 文件最后的注释\r\n\r\n- id: p-2024-03\r\n  who: 王某\r\n".encode("utf-8"))
    assert doc.encoded(text).startswith(path.read_bytes())


def test_an_edit_that_would_move_other_lines_is_refused():
    """A multi-line plain value ruamel.yaml writes on one line: refusing beats rewriting the clerk's text."""
    text = "- id: a\n  what: 第一行\n    接着写的第二行\n\n- id: b\n  what: 短\n"
    doc = roundtrip.parse(text, "x.yml")
    doc.data[1]["what"] = "长"
    with pytest.raises(roundtrip.EditError, match="不能原样保留"):
        roundtrip.check_spans(doc, doc.dumps(), [roundtrip.item_lines(doc.data, 6)[1]])
