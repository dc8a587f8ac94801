"""MkDocs hooks for hcweb sites, loaded by MkDocs in the process that renders.

- Each page's hcweb metadata comes from one JSON file written at staging. Front matter is
  parsed by MkDocs with a pure-Python YAML loader; large metadata (locations, structured
  data) read that way cost seconds on big sites, so pages carry only their title and
  description in front matter and the rest comes from here.
- Rendering goes through the shared cache (render_cache.py) when the build names one: parts
  of pages, finished pages, and the theme's compiled templates.
"""

from __future__ import annotations

import json
from pathlib import Path

from hcweb.site import render_cache

render_cache.install()

_META: dict[str, dict] = {}


def on_config(config):
    render_cache.start_build()
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


def on_env(env, config, files):
    """The theme's templates compiled once, not once per site (Jinja checks each against its source)."""
    store = render_cache.store_for(config)
    if store is not None:
        from jinja2 import FileSystemBytecodeCache

        folder = store.root / "templates"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return env  # no cache here: templates are compiled as usual
        env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return env


def on_post_build(config):
    render_cache.finish_build()
    path = config.extra.get("hcweb_stats")
    if path:
        Path(path).write_text(json.dumps(render_cache.stats().as_dict()), encoding="utf-8")
