"""Images in content: written as ![description](/media/<file>) and served from the site's /media/."""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass

from .documents import editor_lines

IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(\s*(?P<url>/media/(?P<path>[^)\s]+))(?P<rest>[^)]*)\)")


@dataclass(frozen=True)
class ImageRef:
    line: int
    path: str  # under content/media/
    alt: str


@functools.lru_cache(maxsize=8192)
def image_refs(body: str, first_line: int) -> tuple[ImageRef, ...]:
    """Every /media/ image in ``body`` with its file line (cached)."""
    return tuple(_image_refs(body, first_line))


def _image_refs(body: str, first_line: int) -> list[ImageRef]:
    found = []
    for offset, line in enumerate(editor_lines(body, keepends=False)):
        for match in IMAGE.finditer(line):
            found.append(ImageRef(first_line + offset, match.group("path"), match.group("alt").strip()))
    return found


def relative_media_links(markdown: str, page_path: str) -> str:
    """Point /media/ links at the copy beside the site's pages, relative to ``page_path`` (docs-relative)."""
    prefix = posixpath.relpath("media", posixpath.dirname(page_path) or ".")

    def replace(match: re.Match) -> str:
        return f"![{match.group('alt')}]({prefix}/{match.group('path')}{match.group('rest')})"

    return IMAGE.sub(replace, markdown)
