"""The core never imports MkDocs: MkDocs 1.x is unmaintained, the plugin must stay replaceable.

The core is every module of the folders the data flows through (load -> check -> model -> rollup ->
render), the record kinds and the settings; of the adapters, the command line is core too (it runs
`mkdocs` in a process of its own). Only the MkDocs adapter, adapters/mkdocs_plugin.py, imports it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "plugins" / "gongkai"
STAGES = ("load", "check", "model", "rollup", "render", "kinds")


def dotted(path: Path) -> str:
    return "gongkai." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")


CORE = [dotted(p) for stage in STAGES for p in sorted((PACKAGE / stage).glob("*.py"))] + [
    "gongkai.config", "gongkai.adapters.cli"]


def test_the_package_folders_show_the_flow_and_every_module_is_in_one():
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert folders == sorted(STAGES + ("adapters",))
    assert sorted(p.name for p in PACKAGE.glob("*.py")) == ["__init__.py", "config.py"]  # the settings, read once
    assert len(CORE) > 40


def test_core_modules_do_not_import_mkdocs():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE)
        + "bad = sorted(m for m in sys.modules if m == 'mkdocs' or m.startswith(('mkdocs.', 'material')))\n"
        + "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_the_adapter_does_import_mkdocs():
    # The check above would pass vacuously if nothing could import MkDocs at all.
    code = "import sys, gongkai.adapters.mkdocs_plugin; print('mkdocs' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
