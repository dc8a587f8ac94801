"""The Markdown structure hcweb cares about: level-2 sections with ids, and include directives.

Lines inside fenced code blocks are text, never headings or directives.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterator

from .documents import editor_lines

SECTION_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_H2 = re.compile(r"^ {0,3}##(?!#)(?:[ \t]+(?P<text>.*?))?[ \t]*$")
_ATTRS = re.compile(r"[ \t]*\{(?P<attrs>[^{}]*)\}[ \t]*$")
_ATTR_ID = re.compile(r"(?:^|\s)#(?P<id>[^\s}]+)")
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


def _outside_fences(body: str, first_line: int) -> Iterator[tuple[int, str, bool]]:
    """(file line, line text, inside a fence?) for every line of ``body``, lines counted as an editor counts them."""
    if "```" not in body and "~~~" not in body:  # no fences: every line is outside (the common case, and fast)
        for offset, line in enumerate(editor_lines(body, keepends=False)):
            yield first_line + offset, line, False
        return
    fence: str | None = None
    for offset, line in enumerate(editor_lines(body, keepends=False)):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * len(match.group(1))
            yield first_line + offset, line, True
            continue
        if fence is not None:
            if line.strip().startswith(fence) and set(line.strip()) == {fence[0]}:
                fence = None
            yield first_line + offset, line, True
            continue
        yield first_line + offset, line, False


def fenced_lines(body: str, first_line: int) -> set[int]:
    """The file lines of ``body`` that are inside code fences (fence lines included)."""
    return {number for number, _, fenced in _outside_fences(body, first_line) if fenced}


def parse_heading(line: str) -> tuple[str, str | None] | None:
    """(text, id) of an ATX level-2 heading, or None when ``line`` is not one."""
    match = _H2.match(line)
    if not match:
        return None
    text = (match.group("text") or "").rstrip("#").rstrip()
    heading_id = None
    attrs = _ATTRS.search(text)
    if attrs:
        found = _ATTR_ID.search(attrs.group("attrs"))
        heading_id = found.group("id") if found else None
        text = text[: attrs.start()].rstrip()
    return text, heading_id


@functools.lru_cache(maxsize=4096)
def headings(body: str, first_line: int) -> tuple[Heading, ...]:
    """The level-2 headings of ``body`` (cached: national texts are read by many overlays)."""
    return tuple(_headings(body, first_line))


_H2_CANDIDATE = re.compile(r"^ {0,3}##(?!#).*$", re.MULTILINE)


def _headings(body: str, first_line: int) -> list[Heading]:
    found = []
    if "```" not in body and "~~~" not in body and "\r" not in body:
        # Fast path: only the lines that start like a heading are looked at (lines counted at \n; a file
        # with old Mac or Windows line endings is read line by line).
        line, position = first_line, 0
        for candidate in _H2_CANDIDATE.finditer(body):
            line += body.count("\n", position, candidate.start())
            position = candidate.start()
            parsed = parse_heading(candidate.group(0))
            if parsed:
                found.append(Heading(line, parsed[0], parsed[1]))
        return found
    return headings_line_by_line(body, first_line)


def headings_line_by_line(body: str, first_line: int) -> list[Heading]:
    """The level-2 headings, every line looked at (the reference for the fast path)."""
    found = []
    for number, line, fenced in _outside_fences(body, first_line):
        if fenced:
            continue
        parsed = parse_heading(line)
        if parsed:
            found.append(Heading(number, parsed[0], parsed[1]))
    return found


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


def looks_like_directive(line: str) -> bool:
    """Whether ``line`` was probably meant as an include (or another {% ... %} tag), however it is written."""
    if "{" not in line and "\uff5b" not in line and "\ufe5b" not in line:  # no brace at all: the common case, and fast
        return False
    folded = unicodedata.normalize("NFKC", line)
    return bool(_LOOKS_LIKE_DIRECTIVE.search(folded) or _TEMPLATE_TAG.match(folded))


def directives(body: str, first_line: int) -> list[Directive]:
    """Every include directive outside code fences; one written any other way than the exact form is flagged malformed."""
    found = []
    for number, line, fenced in _outside_fences(body, first_line):
        if fenced:
            continue
        match = _DIRECTIVE.match(line)
        if match:
            found.append(Directive(number, match.group("target")))
        elif looks_like_directive(line):
            found.append(Directive(number, "", malformed=True))
    return found
