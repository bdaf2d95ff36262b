"""Settings shared by the CLI and the MkDocs plugin."""

from __future__ import annotations

import os
from datetime import date

from .address import SITE_URL_ENV

BUILD_DATE_ENV = "GONGKAI_BUILD_DATE"


def build_date() -> date:
    """The day deadlines are measured against: today, or GONGKAI_BUILD_DATE for a reproducible build."""
    value = os.environ.get(BUILD_DATE_ENV)
    return date.fromisoformat(value) if value else date.today()


def site_url() -> str:
    """The site's address given to this build (`gongkai build --site-url`), "" when none was."""
    return os.environ.get(SITE_URL_ENV, "").strip()
