"""The Content-Security-Policy every page carries: the site's own files and nothing else.

One definition for every kind of page: the lean pages (boards, records, kiosk screens) put
`lean_policy()` in their <meta> tag (templates/_head.html), the theme's pages get
`policy(scripts)` from hooks/csp.py, which passes the theme's own inline scripts so that they, and
only they, may run, and a server sends `header_policy()` for the whole site (deploy.py). A policy in a <meta> tag
cannot carry frame-ancestors, report-uri or sandbox (browsers ignore them there, with a console
error), so none is written.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

DIRECTIVES = (
    ("default-src", "'self'"),
    ("worker-src", "'self'"),  # a theme's script may start a worker: from the site only
    ("style-src", "'self'"),  # stylesheets only: Material and gongkai write no inline style
    ("img-src", "'self' data:"),  # Material's icons are data: SVGs in its stylesheet
    ("object-src", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'self'"),  # the search page's form comes back to itself (?q=), nowhere else
)


def script_hash(body: str) -> str:
    """The CSP source that lets exactly this inline script run."""
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def policy(inline_scripts: Iterable[str] = ()) -> str:
    """The policy text; scripts run from the site's files and, by hash, the given inline scripts.

    Never 'unsafe-inline' or 'unsafe-eval': a script that data or a browser extension slipped
    into the page must not run.
    """
    hashes = sorted({script_hash(s) for s in inline_scripts})
    script_src = ("script-src", " ".join(["'self'", *hashes]))
    parts = [DIRECTIVES[0], script_src, *DIRECTIVES[1:]]
    return "; ".join(f"{name} {value}" for name, value in parts)


def header_policy(hashes: Iterable[str]) -> str:
    """The policy as a header for the whole site (deploy.py): `policy()` with the given script hashes."""
    script_src = ("script-src", " ".join(["'self'", *sorted(set(hashes))]))
    return "; ".join(f"{name} {value}" for name, value in [DIRECTIVES[0], script_src, *DIRECTIVES[1:]])


def lean_policy() -> str:
    """The policy of the lean pages (boards, records), which run no script at all: `policy()` less
    what repeats default-src (script-src, worker-src and style-src fall back to it). The same
    rules in 90 fewer bytes, on each of a county's 60,000 pages."""
    return "; ".join(f"{name} {value}" for name, value in DIRECTIVES
                     if name not in ("worker-src", "style-src"))


META = '<meta http-equiv="Content-Security-Policy" content="{}">'


def meta(inline_scripts: Iterable[str] = ()) -> str:
    """The <meta> tag itself (the policy holds no character that needs escaping in an attribute)."""
    return META.format(policy(inline_scripts))
