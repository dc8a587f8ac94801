"""MkDocs hooks for hcweb sites: each page's hcweb metadata from one JSON file written at staging.

Front matter is parsed by MkDocs with a pure-Python YAML loader; large metadata
(locations, structured data) read that way cost seconds on big sites, so pages
carry only their title and description in front matter and the rest comes from here.
"""

from __future__ import annotations

import json

_META: dict[str, dict] = {}


def on_config(config):
    path = config.extra.get("hcweb_meta")
    _META.clear()
    if path:
        with open(path, encoding="utf-8") as handle:
            _META.update(json.load(handle))
    return config


def on_page_markdown(markdown, page, config, files):
    meta = _META.get(page.file.src_uri)
    if meta is not None:
        page.meta["hcweb"] = meta
    return markdown
