"""Settings: what the environment (GONGKAI_*) tells a build, read here and nowhere else.

The MkDocs plugin's own settings (mkdocs.yml) are its config classes (mkdocs_plugin.py); where one of
these and a setting there overlap, the environment wins (shard.mode, address.site_address).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date

from gongkai.render.address import SITE_URL_ENV

BUILD_DATE_ENV = "GONGKAI_BUILD_DATE"
ONLY_ENV = "GONGKAI_ONLY"  # the county folder to build as a site of its own
PORTAL_ENV = "GONGKAI_PORTAL"  # "1": build the portal over the counties


def build_date() -> date:
    """The day deadlines are measured against: today, or GONGKAI_BUILD_DATE for a reproducible build."""
    value = os.environ.get(BUILD_DATE_ENV)
    return date.fromisoformat(value) if value else date.today()


def site_url() -> str:
    """The site's address given to this build (`gongkai build --site-url`), "" when none was."""
    return os.environ.get(SITE_URL_ENV, "").strip()


def shard_settings(environ: Mapping[str, str] = os.environ) -> tuple[str, str]:
    """(GONGKAI_ONLY, GONGKAI_PORTAL) as given, "" for each not given (shard.mode decides what they mean)."""
    return environ.get(ONLY_ENV, "").strip(), environ.get(PORTAL_ENV, "").strip().lower()


CACHE_ENV = "GONGKAI_CACHE"
JOBS_ENV = "GONGKAI_JOBS"
WATCH_ENV = "GONGKAI_WATCH"


def cache_setting() -> str:
    """GONGKAI_CACHE: "off", another folder for the cache, or "" (the data folder's .cache)."""
    return os.environ.get(CACHE_ENV, "").strip()


def jobs_setting() -> str:
    """GONGKAI_JOBS: how many processes a build may use ("" for as many as the machine has cores)."""
    return os.environ.get(JOBS_ENV, "").strip()


def watch_by_polling() -> bool:
    """GONGKAI_WATCH=polling: `mkdocs serve` looks at the data folder's files every half second
    instead of waiting for the system's file events (folders on a network or in a virtual machine)."""
    return os.environ.get(WATCH_ENV, "").strip().lower() == "polling"
