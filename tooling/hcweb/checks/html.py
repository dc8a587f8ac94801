"""HTML and links inside Markdown: nothing that runs code, loads from elsewhere or sends data away.

Authors may use a little HTML (a table, a <details>), but no <script>, no
<style>, no forms, no event handlers (onclick=...), no javascript: or data:
links, and <iframe> only from hosts that hcweb.yml allows (a video service, say).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from ..diagnostics import Diagnostic, error
from ..sections import fenced_lines

if TYPE_CHECKING:
    from . import CheckContext

FORBIDDEN_TAGS = {
    "script": "scripts are not allowed in content",
    "style": "style sheets are not allowed in content; the common design sets the look",
    "form": "forms are not allowed in content",
    "input": "form fields are not allowed in content",
    "button": "buttons are not allowed in content",
    "textarea": "form fields are not allowed in content",
    "select": "form fields are not allowed in content",
    "object": "embedded objects are not allowed in content",
    "embed": "embedded objects are not allowed in content",
    "base": "<base> is not allowed in content",
    "meta": "<meta> is not allowed in content",
    "link": "<link> is not allowed in content",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "srcset"}
BAD_SCHEMES = ("javascript", "data", "vbscript", "file")
_MARKDOWN_LINK = re.compile(r"\]\(\s*<?\s*(?P<url>[^)\s>]+)|^\s{0,3}\[[^\]]+\]:\s*<?(?P<ref>\S+?)>?(?:\s|$)|<(?P<auto>[a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>")


def _bad_scheme(url: str) -> str | None:
    cleaned = re.sub(r"[\x00-\x20]", "", url).lower()
    scheme = cleaned.split(":", 1)[0] if ":" in cleaned else ""
    return scheme if scheme in BAD_SCHEMES else None


class _Scanner(HTMLParser):
    def __init__(self, rel: str, first_line: int, iframe_hosts: tuple[str, ...]) -> None:
        super().__init__(convert_charrefs=True)
        self.rel, self.first_line, self.iframe_hosts = rel, first_line, iframe_hosts
        self.found: list[Diagnostic] = []

    def _line(self) -> int:
        return self.first_line + self.getpos()[0] - 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self._line()
        if tag in FORBIDDEN_TAGS:
            self.found.append(error(self.rel, line, "html-forbidden", f"<{tag}>: {FORBIDDEN_TAGS[tag]}"))
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(error(self.rel, line, "html-forbidden", f"the attribute {name}= runs a script; remove it"))
            elif name == "style":
                self.found.append(error(self.rel, line, "html-forbidden", "style= is not allowed in content; the common design sets the look"))
            elif name in URL_ATTRIBUTES and value and (scheme := _bad_scheme(value)):
                self.found.append(error(self.rel, line, "html-forbidden", f"{scheme}: links are not allowed in content"))
        if tag == "iframe":
            src = dict(attrs).get("src") or ""
            host = urlparse(src).hostname or ""
            if not src.startswith("https://") or host not in self.iframe_hosts:
                allowed = ", ".join(self.iframe_hosts) or "none"
                self.found.append(
                    error(self.rel, line, "html-iframe", f"an <iframe> may only show https pages from the hosts in hcweb.yml (allowed: {allowed}); found '{host or src}'")
                )

    handle_startendtag = handle_starttag


_HEADING = re.compile(r"^ {0,3}(?P<marks>#{1,6})(?:\s|$)")


def scan(body: str, rel: str, first_line: int, iframe_hosts: tuple[str, ...], max_heading: int = 6) -> list[Diagnostic]:
    """Problems with HTML and links in one Markdown body; text in code fences is left alone."""
    fenced = fenced_lines(body, first_line)
    visible = "\n".join("" if first_line + index in fenced else line for index, line in enumerate(body.splitlines()))
    found: list[Diagnostic] = []
    scanner = _Scanner(rel, first_line, iframe_hosts)
    try:
        scanner.feed(visible)
        scanner.close()
    except (AssertionError, ValueError):  # malformed markup: still report what was found
        pass
    found += scanner.found
    for index, line in enumerate(visible.splitlines()):
        for match in _MARKDOWN_LINK.finditer(line):
            url = match.group("url") or match.group("ref") or match.group("auto") or ""
            if scheme := _bad_scheme(url):
                found.append(error(rel, first_line + index, "link-scheme", f"{scheme}: links are not allowed in content"))
        heading = _HEADING.match(line)
        if heading and len(heading.group("marks")) > max_heading:
            found.append(
                error(rel, first_line + index, "heading-depth", f"a level-{len(heading.group('marks'))} heading is too deep; use at most {'#' * max_heading}")
            )
    return found


def check(context: CheckContext) -> list[Diagnostic]:
    content = context.content
    hosts, depth = content.policy.iframe_hosts, content.policy.max_heading_level
    found: list[Diagnostic] = []
    for text in context.texts_in_scope():
        found += scan(text.body, text.rel, text.body_line, hosts, depth)
    for provider in context.in_scope():
        for document in (*provider.overlays, *provider.pages, *provider.events):
            found += scan(document.body, document.rel, document.body_line, hosts, depth)
        for snippet in provider.snippets.values():
            found += scan(snippet.body, snippet.rel, 1, hosts, depth)
    return found
