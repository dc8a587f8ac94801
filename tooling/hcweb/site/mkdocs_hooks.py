"""What hcweb does to each page and to the theme's templates; plugin.py calls these from MkDocs' events.

- Each page's hcweb metadata comes from one JSON file written at staging. Front matter is
  parsed by MkDocs with a pure-Python YAML loader; large metadata (locations, structured
  data) read that way cost seconds on big sites, so pages carry only their title and
  description in front matter and the rest comes from here.
- Every template escapes what it prints (autoescape), the theme's included: a title, a name
  or a summary is text wherever it lands.
- Every page's content passes the HTML policy (hcweb.markup) and is published as the HTML5
  parser re-serialised it; a page the policy refuses fails the site's build.
- After the build, no published HTML file may hold an inline script and no image an active part.

Nothing here keeps state between calls.
"""

from __future__ import annotations

import json
from pathlib import Path

from markupsafe import Markup
from mkdocs.exceptions import PluginError

from hcweb.markup import publishable
from hcweb.site.security import unsafe_files


def read_meta(path: str | None) -> dict[str, dict]:
    """Each page's hcweb metadata, by the page's source path (written by site.build.write_docs)."""
    if not path:
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def checked_content(html: str, page, frame_hosts: tuple[str, ...]) -> Markup:
    """The page's content as the policy allows it, or the build stops naming the page."""
    clean, refused = publishable(html, frame_hosts)
    if refused:
        reasons = "; ".join(sorted({violation.message for violation in refused}))
        raise PluginError(f"the page {page.file.src_uri} was not published: {reasons}")
    return Markup(clean)


def content_as_html(page) -> None:
    """The checked content is HTML to the templates (plugins before this may have made it a plain string again)."""
    page.content = Markup(page.content or "")


def on_env(env, config, files):
    """Autoescape in every template."""
    env.autoescape = True
    return env


def check_published(site_dir: Path) -> None:
    """Stop the build when a published file could run something it should not (security.unsafe_files)."""
    problems = unsafe_files(site_dir)
    if problems:
        raise PluginError("the site was not published: " + "; ".join(problems[:10]))
