"""Images in content: written as ![description](/media/<file>) and served from the site's /media/.

The images are those the sites' Markdown makes (hcweb.scanner): none in code or raw HTML; an image
by reference (``![description][id]``) takes its file from the definition.
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass

from .scanner import replaced, scan

MEDIA = "/media/"


@dataclass(frozen=True)
class ImageRef:
    line: int  # file line of the image (of its file, when that is written with it)
    path: str  # under content/media/
    alt: str
    target_line: int | None = None  # file line where the file is named, when elsewhere (a reference definition)

    @property
    def path_line(self) -> int:
        """The line to edit to change the file."""
        return self.line if self.target_line is None else self.target_line


@functools.lru_cache(maxsize=8192)
def image_refs(body: str, first_line: int) -> tuple[ImageRef, ...]:
    """Every /media/ image in ``body`` with its file line (cached)."""
    found = []
    for link in scan(body).links:
        if link.kind != "image" or not link.target.url.startswith(MEDIA):
            continue
        path = link.target.url[len(MEDIA) :]
        if link.reference is None:
            found.append(ImageRef(first_line + link.target.line, path, link.text.strip()))
        else:
            found.append(ImageRef(first_line + link.line, path, link.text.strip(), first_line + link.target.line))
    return tuple(found)


def relative_media_links(markdown: str, page_path: str) -> str:
    """Point /media/ images at the copy beside the site's pages, relative to ``page_path`` (docs-relative)."""
    prefix = posixpath.relpath("media", posixpath.dirname(page_path) or ".")
    edits = {}
    for link in scan(markdown).links:
        target = link.target
        if link.kind == "image" and target.start >= 0 and target.url.startswith(MEDIA):
            edits[target.start, target.end] = f"{prefix}/{target.url[len(MEDIA) :]}"
    return replaced(markdown, edits)
