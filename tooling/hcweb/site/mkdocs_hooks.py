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
import re
from pathlib import Path

from markupsafe import Markup
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url
from selectolax.lexbor import LexborHTMLParser

from hcweb.markup import publishable
from hcweb.site import filters, menu
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


def on_env(env, config, files, menus: menu.Menus | None = None):
    """Autoescape in every template, the design's filters (site/filters.py), and the menu (site/menu.py:
    ``menus`` belongs to one build of one site; without it, the theme renders each page's menu whole)."""
    env.autoescape = True
    env.filters.update(filters.FILTERS)
    menu.install(env, menus or menu.Menus(reuse=False))
    return env


def composed_content(html: str, page, config, env) -> Markup:
    """The content of a page hcweb writes from the registry is its template (overrides/hcweb/), given the page's
    data; a treatment or provider page keeps its checked content, and the design places its parts (content_parts)."""
    hcweb = page.meta.get("hcweb") or {}
    template = hcweb.get("template")
    if template:
        base_url = get_relative_url(".", page.url)
        return Markup(env.get_template(template).render(page=page, config=config, base_url=base_url, hcweb=hcweb))
    if hcweb.get("kind") in ("national", "page"):
        hcweb["parts"] = content_parts(html, set(hcweb.get("professional_sections") or ()))
    return Markup(html)


_H2 = re.compile(r"<h2[\s>]")
_ID = re.compile(r'<h2[^>]*\sid="([^"]*)"')
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>[^<]*</a>')


def content_parts(html: str, professional: set[str]) -> dict[str, Markup]:
    """A page's checked content in the parts the design places apart: the text before the first section
    ("lead"), the sections ("sections"), and the sections for health professionals ("professional").

    Only top-level <h2> start a section; when one is nested (in a note, say), the content stays whole."""
    starts = [match.start() for match in _H2.finditer(html)]
    if not starts:
        return {"lead": Markup(html), "sections": Markup(""), "professional": Markup("")}
    top = [node for node in LexborHTMLParser(html).body.iter() if node.tag == "h2"]
    if len(top) != len(starts):
        return {"lead": Markup(""), "sections": Markup(html), "professional": Markup("")}
    pieces = [html[a:b] for a, b in zip(starts, [*starts[1:], len(html)], strict=True)]
    ids = [(_ID.match(piece) or [None, ""])[1] for piece in pieces]
    sections = "".join(piece for piece, id_ in zip(pieces, ids, strict=True) if id_ not in professional)
    for_professionals = [(piece, id_) for piece, id_ in zip(pieces, ids, strict=True) if id_ in professional]
    found = {"lead": Markup(html[: starts[0]]), "sections": Markup(sections), "professional": Markup("")}
    if for_professionals:
        # the first section's heading becomes the fold-out's summary (a heading shown once, its id kept)
        first, first_id = for_professionals[0]
        end = first.index("</h2>") + len("</h2>")
        found |= {
            "professional_heading": Markup(_HEADERLINK.sub("", first[:end])),  # a permalink inside a summary would toggle it
            "professional_id": first_id,
            "professional": Markup(first[end:] + "".join(piece for piece, _ in for_professionals[1:])),
        }
    return found


_PRIMARY_MENU = '<nav class="md-nav md-nav--primary"'


def menu_in_site_language(output: str, page, config) -> str:
    """On a page wholly in another language (hcweb.theme_language: <html lang> is the page's), the menu still lists
    the site's pages by their titles in the site's language: it says so (lang=), for screen readers."""
    hcweb = page.meta.get("hcweb") or {}
    language = hcweb.get("theme_language")
    site = config["theme"]["language"]
    if not language or language == site:
        return output
    return output.replace(_PRIMARY_MENU, f'<nav lang="{site}" class="md-nav md-nav--primary"', 1)


def check_published(site_dir: Path) -> None:
    """Stop the build when a published file could run something it should not (security.unsafe_files)."""
    problems = unsafe_files(site_dir)
    if problems:
        raise PluginError("the site was not published: " + "; ".join(problems[:10]))
