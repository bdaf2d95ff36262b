"""The tiny valid data tree lives in the package (gongkai.examples): tests and docs share it."""

from gongkai.examples import (  # noqa: F401
    COMPLETED, COUNTY, DECISION, FUNDS, PLEDGES, TOWNSHIP, VILLAGE, VILLAGE_DIR, write_tree,
)
