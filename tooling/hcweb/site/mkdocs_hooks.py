"""MkDocs hooks for hcweb sites, loaded by MkDocs in the process that renders.

- Each page's hcweb metadata comes from one JSON file written at staging. Front matter is
  parsed by MkDocs with a pure-Python YAML loader; large metadata (locations, structured
  data) read that way cost seconds on big sites, so pages carry only their title and
  description in front matter and the rest comes from here.
- Every template escapes what it prints (autoescape), the theme's included: a title, a name
  or a summary is text wherever it lands.
- Every page's content passes the HTML policy (hcweb.markup) and is published as the HTML5
  parser re-serialised it; a page the policy refuses fails the site's build.
- After the build, no published HTML file may hold an inline script and no image an active part.
- Rendering goes through the shared cache (render_cache.py) when the build names one: parts
  of pages, finished pages, and the theme's compiled templates.
"""

from __future__ import annotations

import json
from pathlib import Path

from markupsafe import Markup
from mkdocs.exceptions import PluginError

from hcweb.markup import publishable
from hcweb.site import render_cache
from hcweb.site.security import unsafe_files

render_cache.install()

_META: dict[str, dict] = {}
TEMPLATE_CACHE = "templates-escaped"  # compiled with autoescape: never mixed with templates compiled without


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


def on_page_content(html, page, config, files):
    """The page's content as the policy allows it, or the build stops naming the page."""
    hosts = tuple(config.extra.get("hcweb_frame_hosts") or ())
    clean, refused = publishable(html, hosts)
    if refused:
        reasons = "; ".join(sorted({violation.message for violation in refused}))
        raise PluginError(f"the page {page.file.src_uri} was not published: {reasons}")
    return Markup(clean)


def on_page_context(context, page, config, nav):
    """The checked content is HTML to the templates (plugins before this may have made it a plain string again)."""
    page.content = Markup(page.content or "")
    return context


def on_env(env, config, files):
    """Autoescape in every template; the theme's templates compiled once, not once per site."""
    env.autoescape = True
    store = render_cache.store_for(config)
    if store is not None:
        from jinja2 import FileSystemBytecodeCache

        folder = store.root / TEMPLATE_CACHE
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
    problems = unsafe_files(Path(config["site_dir"]))
    if problems:
        raise PluginError("the site was not published: " + "; ".join(problems[:10]))

