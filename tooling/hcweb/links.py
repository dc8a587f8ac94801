"""Links inside content: found with their lines, resolved against one provider's site."""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# [text](target) and [text](target "title"), not images (those are media); reference definitions too.
_INLINE = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(?P<target>\S+?)>?(?:\s|$)")


@dataclass(frozen=True)
class Link:
    line: int
    target: str


@functools.lru_cache(maxsize=8192)
def links(body: str, first_line: int) -> tuple[Link, ...]:
    """Every link in ``body`` with its file line (cached: a national text is on many pages)."""
    return tuple(_links(body, first_line))


def _links(body: str, first_line: int) -> list[Link]:
    found = []
    for offset, line in enumerate(body.splitlines()):
        for pattern in (_INLINE, _REFERENCE):
            for match in pattern.finditer(line):
                found.append(Link(first_line + offset, match.group("target")))
    return found


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
    def replace(match: re.Match) -> str:
        target = match.group("target")
        if not target.startswith("/") or target.startswith("/media/") or target.startswith("//"):
            return match.group(0)
        start, end = match.span("target")
        whole = match.group(0)
        offset = match.start()
        return whole[: start - offset] + relative_link(target, page_url) + whole[end - offset :]

    return _INLINE.sub(replace, markdown)
