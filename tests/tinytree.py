"""The tiny valid data tree lives in the package (gongkai.check.examples): tests and docs share it."""

import shutil
from pathlib import Path

from conftest import copy_project
from gongkai.check.examples import (  # noqa: F401
    COMPLETED, COUNTY, DECISION, FUNDS, PLEDGES, TOWNSHIP, VILLAGE, VILLAGE_DIR, write_tree,
)


def tiny_project(dest: Path, **overrides: str) -> Path:
    """A copy of the project to build, its villages/ the tiny tree (files replaced by `overrides`)."""
    project = copy_project(dest)
    shutil.rmtree(project / "villages")
    write_tree(project, **overrides)
    return project
