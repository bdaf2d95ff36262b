"""Bad files a clerk can produce: each gets one clear diagnostic, never a traceback."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from gongkai.load.reader import MAX_BYTES, read_source


def load(tmp_path: Path, content: str | bytes, name: str = "village.yml"):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return read_source(path)


def only(source):
    assert len(source.diagnostics) == 1, source.diagnostics
    return source.diagnostics[0]


def test_plain_file_gives_nodes_with_positions(tmp_path):
    src = load(tmp_path, 'name: 龙王庙村\ncode: "411321104201"\ncadres:\n  - name: 张建国\n')
    assert src.diagnostics == []
    name_key, name_value = src.node.value["name"]
    assert (name_value.line, name_value.col, name_value.value) == (1, 7, "龙王庙村")
    code = src.node.value["code"][1]
    assert code.plain is False and code.value == "411321104201"
    cadre = src.node.value["cadres"][1].value[0]
    assert cadre.line == 4 and cadre.value["name"][1].value == "张建国"


def test_syntax_error_names_line_in_chinese(tmp_path):
    d = only(load(tmp_path, "name: 龙王庙村\ncadres:\n  - name: 张三\n   role: 书记\n"))
    assert d.code == "GK101" and d.line == 4
    assert "缩进" in d.message or "冒号" in d.message


def test_tab_indentation_is_named(tmp_path):
    d = only(load(tmp_path, "name: 村\ncadres:\n\t- name: 张三\n"))
    assert (d.code, d.line, d.col) == ("GK103", 3, 1)


def test_duplicate_key_points_at_second(tmp_path):
    src = load(tmp_path, "name: 甲村\ncode: \"1\"\nname: 乙村\n")
    d = only(src)
    assert (d.code, d.line) == ("GK107", 3) and "第 1 行" in d.message
    assert src.node.value["name"][1].value == "甲村"


@pytest.mark.parametrize("text, found", [
    ("a: &x 1\nb: *x\n", "&x"),
    ("base: &b {x: 1}\nother:\n  <<: *b\n", "&b"),
    ("a: [1]\nb:\n  <<: {x: 1}\n", "<<"),
])
def test_anchors_aliases_merge_keys_refused(tmp_path, text, found):
    d = only(load(tmp_path, text))
    assert d.code == "GK106" and found in d.message


def test_billion_laughs_refused_with_small_memory(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    tracemalloc.start()
    src = load(tmp_path, "\n".join(lines) + "\n")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert only(src).code == "GK106" and src.node is None
    assert peak < 5 * 1024 * 1024


def test_gbk_file_is_named_with_line(tmp_path):
    d = only(load(tmp_path, "name: ok\nsummary: 龙王庙村\n".encode("gbk")))
    assert d.code == "GK102" and d.line == 2 and "GBK" in d.message


def test_utf8_bom_is_accepted(tmp_path):
    src = load(tmp_path, b"\xef\xbb\xbfname: \xe6\x9d\x91\n")
    assert src.diagnostics == [] and src.node.value["name"][1].value == "村"


@pytest.mark.parametrize("text", ["", "\n\n", "# 只有注释\n"])
def test_empty_file(tmp_path, text):
    assert only(load(tmp_path, text)).code == "GK105"


def test_huge_file_refused_without_reading(tmp_path):
    d = only(load(tmp_path, "a: " + "x" * (MAX_BYTES + 10) + "\n"))
    assert d.code == "GK104"


def test_second_document_refused(tmp_path):
    d = only(load(tmp_path, "a: 1\n---\nb: 2\n"))
    assert (d.code, d.line) == ("GK108", 2)


def test_tags_refused(tmp_path):
    d = only(load(tmp_path, "a: !!python/object:os.system echo\n"))
    assert d.code == "GK109"
