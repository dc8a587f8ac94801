"""Links inside content: found with their lines, resolved against one provider's site.

The links are those the sites' Markdown makes (hcweb.scanner): none in code or raw HTML. A link
by reference (``[text][id]``) is found at its definition, where its URL is written, once.
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass
from urllib.parse import urlsplit

from .scanner import replaced, scan


@dataclass(frozen=True)
class Link:
    line: int  # file line where the URL is written
    target: str


@functools.lru_cache(maxsize=8192)
def links(body: str, first_line: int) -> tuple[Link, ...]:
    """Every link in ``body`` (not images: those are media) with its file line (cached: a national text is on many pages)."""
    found = []
    definitions = set()
    for link in scan(body).links:
        if link.kind == "image":
            continue
        if link.reference is not None:
            if link.reference in definitions:
                continue
            definitions.add(link.reference)
        found.append(Link(first_line + link.target.line, link.target.url))
    return tuple(found)


def is_internal(target: str) -> bool:
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not target.startswith("/media/")


def resolve(target: str, page_url: str) -> tuple[str, str]:
    """(site path ending in /, anchor) of an internal link written on the page at ``page_url``."""
    parts = urlsplit(target)
    path = parts.path
    if not path:
        return page_url, parts.fragment
    joined = path if path.startswith("/") else posixpath.join(page_url, path)
    normal = posixpath.normpath(joined)
    if normal.endswith(".md"):
        normal = normal[: -len(".md")]
    if normal.endswith("/index"):
        normal = normal[: -len("index")]
    return (normal.rstrip("/") + "/") if normal != "/" else "/", parts.fragment


def relative_link(target: str, page_url: str) -> str:
    """A site-absolute link made relative to the page, so the site works under any base path."""
    parts = urlsplit(target)
    relative = posixpath.relpath(parts.path, page_url) if parts.path != page_url else "."
    if parts.path.endswith("/") and not relative.endswith("/"):
        relative += "/"
    return relative + (f"#{parts.fragment}" if parts.fragment else "")


def relative_site_links(markdown: str, page_url: str) -> str:
    """Every site-absolute link of ``markdown`` (inline, or in the definition it uses) made relative to the page."""
    edits = {}
    for link in scan(markdown).links:
        target = link.target
        url = target.url
        if link.kind != "link" or target.start < 0:
            continue
        if url.startswith("/") and not url.startswith("/media/") and not url.startswith("//"):
            edits[target.start, target.end] = relative_link(url, page_url)
    return replaced(markdown, edits)
