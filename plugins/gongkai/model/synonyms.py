"""The words villagers search with, and the words the records are written in.

A villager searches "修路"; the record says 二组道路硬化. The list that joins them is data: one
shipped with gongkai (synonyms.yml beside this module, for the whole country) and, when present,
the data folder's synonyms.yml, where a county adds its own words (a key there adds its words to
the shipped list's). The check reads the county's file like any other: a mistake in it is a
diagnostic with its line, and nothing is published.
"""

from __future__ import annotations

import functools
from pathlib import Path

from gongkai.check.diagnostics import Diagnostic
from gongkai.load.reader import Node, read_source

FILE = "synonyms.yml"  # in the data folder, beside the county folders
SHIPPED = Path(__file__).with_name(FILE)
MAX_WORD = 20  # a search word, not a sentence


def read(path: Path) -> tuple[dict[str, list[str]], list[Diagnostic]]:
    """The file's {word: [words it also finds]} and its problems (all of them)."""
    source = read_source(path)
    diags = list(source.diagnostics)
    words: dict[str, list[str]] = {}
    node = source.node
    if node is None:
        return words, diags
    p = str(path)

    def wrong(at: Node, code: str, message: str) -> None:
        diags.append(Diagnostic(p, at.line, at.col, code, message))

    if node.kind != "map":
        wrong(node, "GK217", "近义词表要一行写一个词，如“修路: [道路, 硬化]”")
        return words, diags
    for key_node, value_node in node.value.values():
        key = str(key_node.value).strip()
        if not key or len(key) > MAX_WORD:
            wrong(key_node, "GK217", f"冒号前要写一个词（不超过 {MAX_WORD} 个字）")
            continue
        words[key] = _words_after(key, value_node, wrong)
    return words, diags


def _words_after(key: str, node: Node, wrong) -> list[str]:
    """The words written after `key:`, each once; every problem with them reported through `wrong`."""
    if node.kind == "map":
        wrong(node, "GK217", f"“{key}”后面要写方括号里的几个词，如 [道路, 硬化]")
        return []
    items = node.value if node.kind == "seq" else [node]
    texts = [str(i.value).strip() if i.kind == "scalar" and i.value is not None else "" for i in items]
    if not items or node.kind == "scalar" and not texts[0]:  # 修路: or 修路: [] with nothing in it
        wrong(node, "GK217", f"“{key}”后面没有写近义词，要写成 {key}: [词1, 词2]")
        return []
    found: list[str] = []
    for item, text in zip(items, texts):
        if not text or len(text) > MAX_WORD:
            wrong(item, "GK217", f"“{key}”的近义词要写成一个个词（不超过 {MAX_WORD} 个字），用英文逗号分开")
        elif text != key and text not in found:
            found.append(text)
    return found


def merged(*lists: dict[str, list[str]]) -> dict[str, list[str]]:
    """The lists together: a word's words from each, in order, once."""
    out: dict[str, list[str]] = {}
    for words in lists:
        for key, found in words.items():
            out[key] = list(dict.fromkeys([*out.get(key, []), *found]))
    return out


@functools.cache
def shipped() -> dict[str, list[str]]:
    words, problems = read(SHIPPED)
    assert not problems, problems  # the shipped list is held to the same rules by the tests
    return words


def of_folder(root: Path) -> tuple[dict[str, list[str]], list[Diagnostic]]:
    """The shipped list with the data folder's own added, and the problems of the folder's file."""
    own, diags = read(root / FILE)
    return merged(shipped(), own), diags
