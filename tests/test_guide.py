"""The clerk's guide shows examples a clerk will copy: they must pass the checker as written."""

from __future__ import annotations

import re
from datetime import date

from conftest import REPO
from gongkai.check.checker import check_tree

BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.S | re.M)


def test_guide_examples_are_valid_data(tmp_path):
    written = []
    for md in sorted((REPO / "content").rglob("*.md")):
        for block in BLOCK.findall(md.read_text(encoding="utf-8")):
            first = block.splitlines()[0]
            if first.startswith("# villages/"):
                dest = tmp_path / first[2:].strip()
                dest.parent.mkdir(parents=True, exist_ok=True)
                assert not dest.exists(), f"two examples claim {dest}"
                dest.write_text(block, encoding="utf-8")
                written.append(dest.name)
    assert {"county.yml", "township.yml", "village.yml", "2024.yml"} <= set(written)
    _photos_named_in(tmp_path / "villages")
    result = check_tree(tmp_path / "villages", date(2026, 11, 22))
    assert result.diagnostics == []
    kinds = {k: len(getattr(result.tree.villages[0], k)) for k in ("decisions", "funds", "pledges", "completed", "suggestions")}
    assert all(kinds.values()), kinds


def _photos_named_in(data) -> None:
    """The photos and scans the examples list (attachments' `file`), made as a phone and a scanner would."""
    import io

    from gongkai.adapters import samplephotos

    for yml in data.rglob("*.yml"):
        for name in re.findall(r"^\s*- file: (\S+)$", yml.read_text(encoding="utf-8"), re.M):
            path = yml.parent.parent / name
            path.parent.mkdir(parents=True, exist_ok=True)
            picture = samplephotos.draw("voucher", ["ACCEPTANCE"], seed=1, size=(300, 400))
            if name.endswith(".pdf"):
                buf = io.BytesIO()
                picture.save(buf, "PDF")
                path.write_bytes(buf.getvalue())
            else:
                path.write_bytes(samplephotos.phone_jpeg("voucher", ["ACCEPTANCE"], seed=1, size=(300, 400)))
