"""The theme's source maps (assets/javascripts/*.map) are not published: they serve a developer's
browser tools, never a villager, and are bytes a county's size budget pays for (make bench)."""

from __future__ import annotations


def on_files(files, config):
    for file in [f for f in files if f.src_uri.endswith(".map") and f.src_uri.startswith("assets/")]:
        files.remove(file)
    return files
