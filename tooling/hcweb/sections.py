"""The Markdown structure hcweb cares about: level-2 sections with ids, and include directives.

Which lines are headings and which are code is read by hcweb.scanner, as the sites' Python-Markdown
reads them: a section starts at a level-2 heading at the top of the text (``## Title {#id}``, or a
title underlined with ``---``), and a line of code (fenced or indented) is never a heading or a directive.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from .documents import editor_lines
from .scanner import Scan, heading_title, scan, scan_thoroughly
from .urls import anchor as derived_anchor

SECTION_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# The one form of an include: {% include "target" %}, alone on its line, one space on either side of
# the word include and inside the braces.
_DIRECTIVE = re.compile(r'^[ \t]*\{% include "(?P<target>[^"]*)" %\}[ \t]*$')
# What an include written some other way looks like, once full-width and other look-alike characters
# are folded to ASCII (NFKC) and case is ignored: a brace, then (with any spacing) %, { or -, then the
# word include. Python-Markdown would show such a line as text or, through attr_list, drop it.
_LOOKS_LIKE_DIRECTIVE = re.compile(r"\{\s*(?:[%{]\s*)?-?\s*include", re.IGNORECASE)
_TEMPLATE_TAG = re.compile(r"^\s*\{\s*%.*%\s*\}\s*$")


@dataclass(frozen=True)
class Heading:
    line: int  # file line
    text: str
    id: str | None

    @property
    def anchor(self) -> str:
        """The id the heading gets on the page: the explicit one, else the title's words as the sites' table of
        contents writes them (markup.slugify: ``Spørsmål`` -> ``sporsmal``)."""
        return self.id or derived_anchor(self.text)


@dataclass(frozen=True)
class Section:
    """A level-2 heading and everything up to the next one."""

    id: str | None
    title: str
    line: int  # file line of the heading
    markdown: str  # heading line included


@dataclass(frozen=True)
class Directive:
    line: int  # file line
    target: str  # as written; empty when the directive is malformed
    malformed: bool = False


def content_hash(body: str) -> str:
    """The short revision hash of a text's body (front matter excluded)."""
    normalised = body.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:12]


@functools.lru_cache(maxsize=1 << 16)
def headings(body: str, first_line: int) -> tuple[Heading, ...]:
    """The level-2 headings of ``body`` (cached: national texts and their sections are read by many overlays;
    a national corpus has some 10,000 sections, and a smaller cache was emptied before any was read again)."""
    return _level_two(scan(body), first_line)


def headings_line_by_line(body: str, first_line: int) -> list[Heading]:
    """The level-2 headings, the whole of Python-Markdown's reading done (the reference for the shortcut in scan())."""
    return list(_level_two(scan_thoroughly(body), first_line))


def _level_two(found: Scan, first_line: int) -> tuple[Heading, ...]:
    return tuple(Heading(first_line + h.line, *heading_title(h.text)) for h in found.headings if h.level == 2)


@functools.lru_cache(maxsize=4096)
def split_sections(body: str, first_line: int) -> tuple[str, tuple[Section, ...]]:
    """The text before the first level-2 heading, and the sections after it (cached, immutable)."""
    lines = editor_lines(body)
    starts = [(h.line - first_line, h) for h in headings(body, first_line)]
    intro_end = starts[0][0] if starts else len(lines)
    intro = "".join(lines[:intro_end])
    sections = []
    for index, (start, heading) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(lines)
        sections.append(Section(heading.id, heading.text, heading.line, "".join(lines[start:end])))
    return intro, tuple(sections)


# A line Markdown may make a heading of: hashes, or the underline of a heading ('===', '---').
HEADING_LINE = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|(?:=+|-+)[ \t]*$)", re.MULTILINE)


def section_ids(section: Section) -> list[str | None]:
    """The ids of the level-2 headings of a section read on its own (as a page that includes it shows it):
    its own heading's, unless another line of it could be a heading, when it is read again (headings)."""
    rest = section.markdown.split("\n", 1)[1] if "\n" in section.markdown else ""
    if HEADING_LINE.search(rest) is None:
        return [section.id]
    return [heading.id for heading in headings(section.markdown, 1)]


def looks_like_directive(line: str) -> bool:
    """Whether ``line`` was probably meant as an include (or another {% ... %} tag), however it is written."""
    if "{" not in line and "\uff5b" not in line and "\ufe5b" not in line:  # no brace at all: the common case, and fast
        return False
    folded = unicodedata.normalize("NFKC", line)
    return bool(_LOOKS_LIKE_DIRECTIVE.search(folded) or _TEMPLATE_TAG.match(folded))


def directives(body: str, first_line: int) -> list[Directive]:
    """Every include directive outside code; one written any other way than the exact form is flagged malformed."""
    return list(_directives(body, first_line))


@functools.lru_cache(maxsize=32768)  # an overlay's directives are read by the resolver, the hashes and the checks
def _directives(body: str, first_line: int) -> tuple[Directive, ...]:
    if "{" not in body and "\uff5b" not in body and "\ufe5b" not in body:  # no brace: no directive (the common case, and fast)
        return ()
    # Code is fenced (``` or ~~~) or indented (four spaces, or a tab); without either, there is none.
    maybe_code = "```" in body or "~~~" in body or "    " in body or "\t" in body
    code = scan(body).code_lines if maybe_code else frozenset()
    found = []
    for offset, line in enumerate(editor_lines(body, keepends=False)):
        if offset in code:
            continue
        match = _DIRECTIVE.match(line)
        if match:
            found.append(Directive(first_line + offset, match.group("target")))
        elif looks_like_directive(line):
            found.append(Directive(first_line + offset, "", malformed=True))
    return tuple(found)
