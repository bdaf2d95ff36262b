"""The core never imports MkDocs: MkDocs 1.x is unmaintained, the plugin must stay replaceable."""

from __future__ import annotations

import subprocess
import sys

CORE = ["load", "schema", "schema_export", "check", "rules", "model", "rollup", "render", "kiosk", "capitals", "diagnostics", "config", "cli"]


def test_core_modules_do_not_import_mkdocs():
    code = (
        "import sys\n"
        + "".join(f"import gongkai.{m}\n" for m in CORE)
        + "bad = sorted(m for m in sys.modules if m == 'mkdocs' or m.startswith(('mkdocs.', 'material')))\n"
        + "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_the_adapter_does_import_mkdocs():
    # The check above would pass vacuously if nothing could import MkDocs at all.
    code = "import sys, gongkai.mkdocs_plugin; print('mkdocs' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
