"""Markdown's structure as the sites read it: code, raw HTML, reference definitions, headings, links
and images, each at its place in the file.

Whether a line is code or a link is a link is decided by Python-Markdown with the sites' extensions
(``markup.MARKDOWN_EXTENSIONS``), so this module reads Markdown the way it does, step by step, and
keeps for every character the place in the file it came from:

1. whitespace as Python-Markdown normalises it (line endings, tabs to four spaces, blank lines);
2. fenced code blocks, found with fenced_code's own expression, before anything else;
3. raw HTML blocks, found by md_in_html's own HTML extractor (a subclass that only notes positions);
4. the block structure, a line-for-line port of Python-Markdown's block processors (and those of
   admonition, tables, pymdownx.details and md_in_html) on texts that remember their lines;
5. inline code spans and links, with Python-Markdown's inline patterns in its order of priority.

The contract, for the Markdown of one file (``scan(body)``):

- ``regions``: every fenced and indented code block, code span, raw HTML block and reference
  definition, with its first and last line. Whatever is in no region is text.
- ``headings``: the headings Python-Markdown places at the top of the document (not those in a list,
  quote, note or HTML block), with their level, line and text as written.
- ``links``: every link and image Python-Markdown makes, in the order written: inline, by reference
  (with the definition the URL comes from) and automatic links; none in code or raw HTML.
- ``code_lines``: the lines of the file inside a code block (fence lines included).

Markdown inside an HTML element marked ``markdown="1"`` is read as a document of its own, which is
how md_in_html reads the simple cases (a note or a ``<details>`` around paragraphs and lists). A link
written as raw HTML (``<a href>``) is HTML, not a Markdown link, and is not reported.

``tests/test_scanner.py`` compares this reading with Python-Markdown's own output on generated
documents, and checks that the registries of the sites' Markdown still hold the processors ported
here, in the same order.
"""

from __future__ import annotations

import functools
import html
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from xml.etree import ElementTree as etree

from markdown import util as md_util
from markdown.blockprocessors import (
    BlockQuoteProcessor,
    HashHeaderProcessor,
    HRProcessor,
    ReferenceProcessor,
    SetextHeaderProcessor,
)
from markdown.extensions.admonition import AdmonitionProcessor
from markdown.extensions.fenced_code import FencedBlockPreprocessor, get_attrs_and_remainder
from markdown.extensions.md_in_html import HTMLExtractorExtra
from markdown.extensions.tables import TableProcessor
from markdown.inlinepatterns import (
    AutolinkInlineProcessor,
    AutomailInlineProcessor,
    BacktickInlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
)
from markdown.serializers import RE_AMP as _AMP

from .documents import editor_lines

TAB = 4  # Python-Markdown's tab_length
BLOCK_LEVEL_ELEMENTS = tuple(md_util.BLOCK_LEVEL_ELEMENTS)

_STX, _ETX = md_util.STX, md_util.ETX
_BLANK_LINE = re.compile(r"(?<=\n) +\n")
_FENCE = FencedBlockPreprocessor.FENCED_BLOCK_RE
_HTML_PLACEHOLDER = md_util.HTML_PLACEHOLDER_RE
_HASH_HEADER = HashHeaderProcessor.RE
_SETEXT = SetextHeaderProcessor.RE
_HR = HRProcessor.SEARCH_RE
_QUOTE = BlockQuoteProcessor.RE
_DEFINITION = ReferenceProcessor.RE
_ADMONITION = AdmonitionProcessor.RE
_TABLE_PIPES = TableProcessor.RE_CODE_PIPES
_TABLE_END_BORDER = TableProcessor.RE_END_BORDER
# Built by OListProcessor, UListProcessor and ListIndentProcessor from tab_length = 4.
_OLIST = re.compile(rf"^[ ]{{0,{TAB - 1}}}\d+\.[ ]+(.*)")
_ULIST = re.compile(rf"^[ ]{{0,{TAB - 1}}}[*+-][ ]+(.*)")
_LIST_CHILD = re.compile(rf"^[ ]{{0,{TAB - 1}}}((\d+\.)|[*+-])[ ]+(.*)")
_LIST_INDENT = re.compile(rf"^[ ]{{{TAB},{TAB * 2 - 1}}}((\d+\.)|[*+-])[ ]+.*")
_INDENT = re.compile(rf"^(([ ]{{{TAB}}})+)")
# The attribute list of a heading (attr_list's HEADER_RE, which the sites' SafeAttrList inherits).
_HEADER_ATTRS = re.compile(r"[ ]+\{\:?[ ]*([^\}\n ][^\n]*)\}[ ]*$")
_ATTR_ID = re.compile(r"(?:^|\s)#(?P<id>[^\s}]+)")

_LINK_DESTINATION = LinkInlineProcessor.RE_LINK
_ID_SPACE = ReferenceInlineProcessor.NEWLINE_CLEANUP_RE

# A plain body: its lines are paragraph lines, '#' headings and items of simple lists (at the margin,
# their text starting as a paragraph does); no code, HTML, quote, table, note, rule, setext underline,
# reference definition or nested block. Its structure is read without the block parser (the tests
# hold the two readings equal).
# What may start a line that is not a paragraph's: an indent, a quote, a fence, a note, a list item, a
# reference definition, or a line of rule or underline characters alone.
_START = r"(?:[ >]|~~~|!!!|\?\?\?|\d+\.[ ]|[*+-][ ]|\[[^\[\]]*\]:|[-_*=][-_*= ]*$)"
# A list item whose text starts as a paragraph's (not a heading, a nested list, a rule ...).
_ITEM = re.compile(rf"(?:[*+-]|\d+\.)[ ]+(?!#|{_START})(?=\S)", re.MULTILINE)
_NOT_PLAIN_LINE = re.compile(rf"(?!{_ITEM.pattern}){_START}", re.MULTILINE)  # matched at the start of a line
_SUSPECT_LINE = re.compile(r"\n[ >~!?\d*+\-=_\[]")  # a line that starts as _START may: found fast by its '\n'


def is_plain(normal: str) -> bool:
    """Whether the normalised text is plain (see above): searched for characters, then at the lines that may not be."""
    if "`" in normal or "<" in normal or "|" in normal or _NOT_PLAIN_LINE.match(normal):
        return False
    return not any(_NOT_PLAIN_LINE.match(normal, found.start() + 1) for found in _SUSPECT_LINE.finditer(normal))


@dataclass(frozen=True)
class Region:
    """A stretch of the file that is not plain Markdown text."""

    kind: str  # "fenced-code", "indented-code", "code-span", "html" or "definition"
    line: int  # first line (0-based in the body; scan() callers add the body's first line)
    end_line: int  # last line, included


@dataclass(frozen=True)
class Target:
    """The URL of a link or image where it is written."""

    url: str  # as Python-Markdown puts it in href or src
    line: int  # 0-based line in the body
    start: int  # offsets in the body of the URL as written, or -1 when it is not there as such
    end: int


@dataclass(frozen=True)
class Link:
    kind: str  # "link", "image" or "autolink"
    line: int  # 0-based line of the opening bracket (or '<')
    target: Target
    text: str  # the link text as written, or the image's description as Python-Markdown makes it
    reference: str | None = None  # the id of [text][id] and [id], whose definition holds the URL


@dataclass(frozen=True)
class Heading:
    level: int
    line: int  # 0-based
    text: str  # as written, attribute list included


@dataclass(frozen=True)
class Scan:
    regions: tuple[Region, ...]
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    code_lines: frozenset[int]
    definitions: tuple[Target, ...] = field(default=())  # every reference definition Python-Markdown reads


_NOTHING = Scan((), (), (), frozenset())


def heading_title(text: str) -> tuple[str, str | None]:
    """(title, explicit id) of a heading's text: ``Henvisning {#referral}`` -> ('Henvisning', 'referral')."""
    attrs = _HEADER_ATTRS.search(text)
    if not attrs:
        return text, None
    found = _ATTR_ID.search(attrs.group(1))
    return text[: attrs.start()].rstrip(), found.group("id") if found else None


@functools.lru_cache(maxsize=32768)  # every text of a national corpus, its sections and pinned revisions
def scan(body: str) -> Scan:
    """The structure of ``body`` as the sites' Python-Markdown reads it (cached: texts are read often)."""
    normal = normalise(body)
    reading = _Reading(body, normal)
    if is_plain(normal):
        reading.read_plain()
    else:
        try:
            reading.read()
        except Exception:  # noqa: BLE001 - text Python-Markdown cannot read either (too deep, '<![' ...): the HTML check reports it
            reading = _Reading(body, normal)
            reading.read_plain(lines_only=True)
    return reading.result()


def replaced(text: str, edits: dict[tuple[int, int], str]) -> str:
    """``text`` with each (start, end) stretch replaced: targets rewritten where they are written."""
    if not edits:
        return text
    out, position = [], 0
    for (start, end), replacement in sorted(edits.items()):
        out += [text[position:start], replacement]
        position = end
    out.append(text[position:])
    return "".join(out)


def scan_thoroughly(body: str) -> Scan:
    """``scan`` without the shortcut for plain text (the reference the shortcut is tested against)."""
    reading = _Reading(body, normalise(body))
    reading.read()
    return reading.result()


def normalise(body: str) -> str:
    """Python-Markdown's NormalizeWhitespace: the text its block parser and fences see."""
    text = body
    if _STX in text or _ETX in text:
        text = text.replace(_STX, "").replace(_ETX, "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text += "\n\n"
    if "\t" in text:
        text = text.expandtabs(TAB)
    return _BLANK_LINE.sub("\n", text) if "\n " in text else text


# --- positions ----------------------------------------------------------------------------------


class _Runs:
    """Where the characters of a derived text come from: runs of (start here, start there, length)."""

    __slots__ = ("starts", "runs")

    def __init__(self, runs: list[tuple[int, int, int]]) -> None:
        self.runs = runs
        self.starts = [run[0] for run in runs]

    def find(self, offset: int) -> int:
        index = bisect_right(self.starts, offset) - 1
        if index >= 0:
            start, origin, length = self.runs[index]
            if offset < start + length:
                return origin + offset - start
        return -1


class _Text:
    """A text the block parser works on, with the offset in the normalised text of each line's start (-1: made up)."""

    __slots__ = ("s", "at")

    def __init__(self, s: str, at: list[int]) -> None:
        self.s = s
        self.at = at

    def cut(self, start: int, end: int | None = None) -> _Text:
        s = self.s
        if end is None:
            end = len(s)
        if start == 0:
            if end == len(s):
                return self
            return _Text(s[:end], self.at[: s.count("\n", 0, end) + 1])
        first = s.count("\n", 0, start)
        column = start - (s.rfind("\n", 0, start) + 1)
        origin = self.at[first]
        count = s.count("\n", start, end)
        return _Text(s[start:end], [origin + column if origin >= 0 else -1, *self.at[first + 1 : first + 1 + count]])

    def lines(self) -> list[_Text]:
        return [_Text(line, [at]) for line, at in zip(self.s.split("\n"), self.at)]

    def blocks(self) -> list[_Text]:
        """``s.split('\\n\\n')``, each part with its lines."""
        found = []
        line = 0  # the line each part starts on (all but the first start a line)
        at = self.at
        for part in self.s.split("\n\n"):
            lines = part.count("\n") + 1
            found.append(_Text(part, at[line : line + lines]))
            line += lines + 1
        return found

    def lstrip(self, chars: str | None = None) -> _Text:
        stripped = self.s.lstrip(chars)
        return self.cut(len(self.s) - len(stripped)) if len(stripped) != len(self.s) else self

    def rstrip(self, chars: str | None = None) -> _Text:
        return self.cut(0, len(self.s.rstrip(chars)))

    def strip(self, chars: str | None = None) -> _Text:
        return self.lstrip(chars).rstrip(chars)

    def detab(self, length: int = TAB) -> tuple[_Text, _Text]:
        """BlockProcessor.detab: the indented lines with the indent removed, and the rest."""
        kept: list[_Text] = []
        lines = self.lines()
        for line in lines:
            if line.s.startswith(" " * length):
                kept.append(line.cut(length))
            elif not line.s.strip():
                kept.append(line.cut(len(line.s)))
            else:
                break
        return _join(kept), _join(lines[len(kept) :])

    def loose_detab(self, level: int = 1) -> _Text:
        width = TAB * level
        return _join([line.cut(width) if line.s.startswith(" " * width) else line for line in self.lines()])


def _join(parts: list[_Text]) -> _Text:
    if not parts:
        return _Text("", [-1])
    return _Text("\n".join(part.s for part in parts), [at for part in parts for at in part.at])


_EMPTY = _Text("", [-1])


def _filled(text: _Text | None) -> bool:
    return text is not None and bool(text.s)


class _Element:
    """An element of the tree the block processors build: only what they look at, and the texts."""

    __slots__ = ("tag", "kids", "text", "tail", "cls", "line_at", "index")

    def __init__(self, tag: str, cls: str = "") -> None:
        self.tag = tag
        self.kids: list[_Element] = []
        self.text: _Text | None = None
        self.tail: _Text | None = None
        self.cls = cls
        self.line_at = -1  # a heading: the normalised offset of its line
        self.index = -1  # a code block: its place in _Reading.code

    def add(self, tag: str, cls: str = "") -> _Element:
        child = _Element(tag, cls)
        self.kids.append(child)
        return child

    def last(self) -> _Element | None:
        return self.kids[-1] if self.kids else None


# --- raw HTML -------------------------------------------------------------------------------------


class _Stash:
    """What md_in_html's HTML extractor needs of a Markdown instance: the stash and the block-level tags."""

    block_level_elements = list(BLOCK_LEVEL_ELEMENTS)

    def __init__(self, taken: int) -> None:
        self.htmlStash = md_util.HtmlStash()
        for _ in range(taken):
            self.htmlStash.store("")

    def is_block_level(self, tag) -> bool:
        return isinstance(tag, str) and tag.lower().rstrip("/") in self.block_level_elements


class _HtmlReader(HTMLExtractorExtra):
    """md_in_html's extractor, noting where each piece of the text it hands on came from."""

    def reset(self) -> None:
        super().reset()
        self.base = 0  # offset of self.rawdata in the text fed
        self.total = 0
        self.placed = 0  # pieces of cleandoc already placed
        self.origins: list[int] = []  # offset in the fed text of each piece of cleandoc, -1 when made up
        self.depth = 0  # open markdown="1" elements at the last position
        self.opened = (0, 0)
        self.elements: dict[int, tuple[int, int]] = {}  # stash index of a markdown="1" element -> (inner start, inner end)

    def feed(self, data: str) -> None:
        self.total = len(data)
        super().feed(data)

    def goahead(self, end: bool) -> None:
        super().goahead(end)
        self.base = self.total - len(self.rawdata)

    def updatepos(self, i: int, j: int) -> int:
        self._place(i)
        depth = len(self.mdstack)
        if depth and not self.depth:
            self.opened = (self.base + i, self.base + j)
        elif self.depth and not depth:
            self._close_element(self.base + i)
        self.depth = depth
        return super().updatepos(i, j)

    def close(self) -> None:
        super().close()
        self._place(0)
        if self.depth and not self.mdstack:
            self._close_element(self.total)

    def _place(self, i: int) -> None:
        cursor = i
        rawdata = self.rawdata
        for piece in self.cleandoc[self.placed :]:
            if piece and rawdata.startswith(piece, cursor):
                self.origins.append(self.base + cursor)
                cursor += len(piece)
            else:
                self.origins.append(-1)
        self.placed = len(self.cleandoc)

    def _close_element(self, inner_end: int) -> None:
        for piece in reversed(self.cleandoc):
            found = _HTML_PLACEHOLDER.match(piece)
            if found:
                self.elements[int(found.group(1))] = (self.opened[1], inner_end)
                return


# --- reading --------------------------------------------------------------------------------------


class _Reading:
    """One reading of one body: the stages above, and what they found."""

    def __init__(self, body: str, normal: str) -> None:
        self.body = body
        self.normal = normal
        self.fences: list[tuple[int, int]] = []  # (start, end) in the normalised text
        self.html: list[tuple[int, int]] = []
        self.code: list[list[int]] = []  # the lines (normalised offsets) of each indented code block
        self.spans: list[tuple[int, int]] = []  # code spans
        self.definitions: list[tuple[int, int]] = []  # (start, end) of each definition
        self.references: dict[str, tuple[str, int, int]] = {}  # id -> (url, url start, url end)
        self.headings: list[tuple[int, int, str]] = []  # at the top: (level, offset, text)
        self.links: list[tuple[str, int, str, int, int, str, str | None]] = []
        # The texts the inline patterns read: an element's text ("parent": it has children too), or a tail.
        self.units: list[tuple[_Text, str]] = []
        # A markdown="1" element by its stash index: tag, class, state, inner text and its runs.
        self.elements: dict[int, tuple[str, str, str, str, _Runs]] = {}
        self.taken = 0  # placeholders handed out
        self.state: list[str] = []  # BlockParser.state: "list", "looselist", "detabbed", "blockquote"
        self.admonition: tuple[_Element | None, int] = (None, 0)
        self.details: tuple[_Element | None, int] = (None, 0)
        self.table: tuple[int, list[str]] = (0, [])  # the borders and separator cells of the table the last test found
        self.hr_match: re.Match | None = None

    # stage 1: fences
    def _fenced(self) -> tuple[str, _Runs]:
        text = self.normal
        runs: list[tuple[int, int, int]] = []
        shift = 0  # offset in ``text`` minus offset in the normalised text, after the last replacement
        done = 0  # normalised offset up to which ``runs`` is complete
        index = 0
        while True:
            found = _FENCE.search(text, index)
            if not found:
                break
            if found.group("attrs"):
                _, remainder = get_attrs_and_remainder(found.group("attrs"))
                if remainder:
                    index = found.end("attrs")
                    continue
            start, end = found.start() - shift, found.end() - shift
            runs.append((done + shift, done, start - done))
            self.fences.append((start, end))
            placeholder = md_util.HTML_PLACEHOLDER % self.taken
            self.taken += 1
            text = f"{text[: found.start()]}\n{placeholder}\n{text[found.end() :]}"
            index = found.start() + 1 + len(placeholder)
            shift += len(placeholder) + 2 - (end - start)
            done = end
        runs.append((done + shift, done, len(self.normal) - done))
        return text, _Runs([run for run in runs if run[2] > 0])

    # stage 2: raw HTML
    def _without_html(self, text: str, within: _Runs) -> tuple[str, _Runs]:
        """md_in_html's HtmlBlockPreprocessor on ``text``; the runs map the result to the normalised text."""
        if "<" not in text:
            return text, within
        stash = _Stash(self.taken)
        reader = _HtmlReader(stash)
        reader.feed(text)
        reader.close()
        self.taken = len(stash.htmlStash.rawHtmlBlocks)
        runs: list[tuple[int, int, int]] = []
        position = 0
        kept = []  # ranges of ``text`` handed on as they are
        for piece, origin in zip(reader.cleandoc, reader.origins):
            if origin >= 0:
                for start, source, length in _split_run(position, origin, len(piece), within):
                    runs.append((start, source, length))
                kept.append((origin, origin + len(piece)))
            position += len(piece)
        inner_spans = []
        for index, (inner_start, inner_end) in reader.elements.items():
            element = stash.htmlStash.rawHtmlBlocks[index]
            if isinstance(element, etree.Element):
                inner = text[inner_start:inner_end]
                inner_runs = _Runs(list(_split_run(0, inner_start, len(inner), within)))
                self.elements[index] = (element.tag, element.get("class") or "", element.get("markdown") or "block", inner, inner_runs)
                inner_spans.append((inner_start, inner_end))
        self._note_html(len(text), sorted(kept + inner_spans), within)
        return "".join(reader.cleandoc), _Runs(runs)

    def _note_html(self, length: int, kept: list[tuple[int, int]], within: _Runs) -> None:
        """The stretches of the text neither handed on nor read as Markdown inside an element are raw HTML."""
        position = 0
        for start, end in [*kept, (length, length)]:
            if start > position:
                for _, source, size in _split_run(0, position, start - position, within):
                    self.html.append((source, source + size))
            position = max(position, end)

    def read(self) -> None:
        if not self.body.strip():  # Markdown.convert: a blank document is nothing
            return
        fenced, runs = self._fenced()
        text, runs = self._without_html(fenced, runs)
        self.processors = self._block_processors(text + "".join(element[3] for element in self.elements.values()))
        root = _Element("div")
        self._parse_chunk(root, self._text(text, runs))
        self._collect(root, top=True)
        self._read_inline()

    def _text(self, text: str, runs: _Runs) -> _Text:
        at, start = [], 0
        while True:
            at.append(runs.find(start))
            end = text.find("\n", start)
            if end < 0:
                return _Text(text, at)
            start = end + 1

    def read_plain(self, lines_only: bool = False) -> None:
        """The structure of a plain body (see is_plain): paragraphs, simple lists and '#' headings.

        A heading is a line Python-Markdown's HashHeader expression takes whole, and it ends the block
        it is in; a block that starts with an item is a list, whose every line that is not an item
        continues the item before it; any other block is a paragraph. With ``lines_only``, the
        headings alone.
        """
        if not self.body.strip():
            return
        normal = self.normal
        if lines_only or "[" not in normal:  # no link can be written without '[' (nor '<', which is not plain)
            for start in _hash_lines(normal):
                line = normal[start : normal.find("\n", start)]
                header = _HASH_HEADER.match(line)
                if header is not None:
                    self.headings.append((len(header.group("level")), start, line[header.start("header") : header.end("header")].strip()))
            return
        offset = 0
        unit: list[_Text] = []
        in_list = None  # in a block: None at its start, then whether it is a list
        for line in normal.split("\n"):
            here = _Text(line, [offset])
            offset += len(line) + 1
            header = _HASH_HEADER.match(line) if line.startswith("#") else None
            item = _ITEM.match(line) if in_list is not False and line and header is None else None
            if line and header is None and item is None:
                unit.append(here)
                in_list = bool(in_list)
                continue
            if unit:
                self.units.append((_join(unit), "text"))
                unit = []
            if item is not None:
                unit.append(here.cut(item.end()))
                in_list = True
                continue
            in_list = None
            if header is not None:
                text = here.cut(header.start("header"), header.end("header")).strip()
                self.headings.append((len(header.group("level")), here.at[0], text.s))
                self.units.append((text, "text"))
        self._read_inline()

    # stage 3: blocks (Python-Markdown's BlockParser and its processors, in their order)
    def _parse_chunk(self, parent: _Element, text: _Text) -> None:
        self._parse_blocks(parent, text.blocks())

    def _parse_blocks(self, parent: _Element, blocks: list[_Text]) -> None:
        processors = self.processors
        while blocks:
            for test, run in processors:
                if test(parent, blocks[0]) and run(parent, blocks) is not False:
                    break

    def _block_processors(self, text: str):
        """Python-Markdown's block processors as the sites' Markdown orders them, as (test, run).

        A processor whose test cannot be true anywhere in ``text`` is left out (every block is cut
        from ``text``, so it holds no character the text does not): a note needs '!!!', a table '|'.
        """
        elements = bool(self.elements)
        every = (
            (elements, self._html_test, self._html_run),
            ("!!!" in text or elements, self._admonition_test, self._admonition_run),
            ("???" in text or elements, self._details_test, self._details_run),
            (True, lambda parent, block: not block.s or block.s[0] == "\n", self._empty_run),
            ("    " in text, self._indent_test, self._indent_run),
            ("    " in text, lambda parent, block: block.s.startswith("    "), self._code_run),
            ("|" in text, self._table_test, self._table_run),
            ("#" in text, _hash_test, self._hash_run),
            ("=" in text or "-" in text, lambda parent, block: _SETEXT.match(block.s) is not None, self._setext_run),
            ("-" in text or "_" in text or "*" in text, self._hr_test, self._hr_run),
            (
                "." in text,
                lambda parent, block: _OLIST.match(block.s) is not None,
                lambda parent, blocks: self._list_run(parent, blocks, "ol"),
            ),
            (True, lambda parent, block: _ULIST.match(block.s) is not None, lambda parent, blocks: self._list_run(parent, blocks, "ul")),
            (">" in text, lambda parent, block: ">" in block.s and _QUOTE.search(block.s) is not None, self._quote_run),
            ("]:" in text, lambda parent, block: True, self._definition_run),
            (True, lambda parent, block: True, self._paragraph_run),
        )
        return tuple((test, run) for needed, test, run in every if needed)

    # md_in_html: MarkdownInHtmlProcessor
    def _html_test(self, parent: _Element, block: _Text) -> bool:
        return block.s.startswith(_STX)

    def _html_run(self, parent: _Element, blocks: list[_Text]):
        found = _HTML_PLACEHOLDER.match(blocks[0].s)
        if not found or int(found.group(1)) not in self.elements:
            return False
        tag, cls, state, inner, inner_runs = self.elements.pop(int(found.group(1)))
        block = blocks.pop(0)
        element = parent.add(tag, cls)
        if state == "span":
            element.text = self._text(inner, inner_runs)
        else:
            text, runs = self._without_html(inner, inner_runs)
            self._parse_blocks(element, self._text(text.rstrip("\n"), runs).blocks())
        content = block.cut(found.end())
        if content.s:
            blocks.insert(0, content)
        return True

    # admonition: AdmonitionProcessor
    def _admonition_content(self, parent: _Element, block: _Text):
        old = block
        rest = _EMPTY
        sibling, indent = self.admonition
        if sibling is not None:
            block, rest = block.detab(indent)
            self.admonition = (None, 0)
            return sibling, block, rest
        sibling = parent.last()
        if sibling is None or sibling.tag != "div" or "admonition" not in sibling.cls:
            sibling = None
        else:
            last = sibling.last()
            indent = 0
            while last is not None:
                if sibling is not None and block.s.startswith(" " * TAB * 2) and last.tag in ("ul", "ol", "dl"):
                    sibling = last.last()
                    last = sibling.last() if sibling is not None else None
                    block = block.cut(TAB)
                    indent += TAB
                else:
                    last = None
            if not block.s.startswith(" " * TAB):
                sibling = None
            if sibling is not None:
                indent += TAB
                block, rest = old.detab(indent)
                self.admonition = (sibling, indent)
        return sibling, block, rest

    def _admonition_test(self, parent: _Element, block: _Text) -> bool:
        if "!!!" in block.s and _ADMONITION.search(block.s):
            return True
        return self._admonition_content(parent, block)[0] is not None

    def _admonition_run(self, parent: _Element, blocks: list[_Text]) -> None:
        block = blocks.pop(0)
        found = _ADMONITION.search(block.s)
        if found:
            if found.start() > 0:
                self._parse_blocks(parent, [block.cut(0, found.start())])
            head = block
            block, rest = block.cut(found.end()).detab()
            div = parent.add("div", "admonition " + found.group(1).lower())
            if found.group(2):
                div.add("p").text = head.cut(found.start(2), found.end(2))
        else:
            sibling, block, rest = self._admonition_content(parent, block)
            if sibling.tag in ("li", "dd") and _filled(sibling.text):
                sibling.add("p").text = sibling.text
                sibling.text = None
            div = sibling
        self._parse_chunk(div, block)
        if rest.s:
            blocks.insert(0, rest)

    # pymdownx.details: DetailsProcessor
    def _details_content(self, parent: _Element, block: _Text):
        old = block
        rest = _EMPTY
        sibling, indent = self.details
        if sibling is not None:
            block, rest = block.detab(indent)
            self.details = (None, 0)
            return sibling, block, rest
        sibling = parent.last()
        if sibling is None or sibling.tag.lower() != "details":
            sibling = None
        else:
            last = sibling.last()
            indent = 0
            while last is not None:
                if sibling is not None and block.s.startswith(" " * TAB * 2) and last.tag in ("ul", "ol", "dl"):
                    sibling = last.last()
                    last = sibling.last() if sibling is not None else None
                    block = block.cut(TAB)
                    indent += TAB
                else:
                    last = None
            if not block.s.startswith(" " * TAB):
                sibling = None
            if sibling is not None:
                indent += TAB
                block, rest = old.detab(indent)
                self.details = (sibling, indent)
        return sibling, block, rest

    def _details_test(self, parent: _Element, block: _Text) -> bool:
        if "???" in block.s and _details()[0].search(block.s):
            return True
        return self._details_content(parent, block)[0] is not None

    def _details_run(self, parent: _Element, blocks: list[_Text]) -> None:
        block = blocks.pop(0)
        found = _details()[0].search(block.s)
        if found:
            if found.start() > 0:
                self._parse_blocks(parent, [block.cut(0, found.start())])
            head = block
            block, rest = block.cut(found.end()).detab()
            details = parent.add("details")
            summary = details.add("summary")
            if not found.group(4) and found.group(3) is not None:
                title = head.cut(found.start(3), found.end(3))
                heading = _details()[1].match(title.s)
                if heading:
                    summary.add(f"h{len(heading.group('level'))}").text = title.cut(heading.start("header"), heading.end("header")).strip()
                else:
                    summary.text = title
        else:
            sibling, block, rest = self._details_content(parent, block)
            if sibling.tag in ("li", "dd") and _filled(sibling.text):
                sibling.add("p").text = sibling.text
                sibling.text = None
            details = sibling
        self._parse_chunk(details, block)
        if rest.s:
            blocks.insert(0, rest)

    # EmptyBlockProcessor
    def _empty_run(self, parent: _Element, blocks: list[_Text]) -> None:
        block = blocks.pop(0)
        if block.s:
            rest = block.cut(1)
            if rest.s:
                blocks.insert(0, rest)

    # ListIndentProcessor
    def _indent_test(self, parent: _Element, block: _Text) -> bool:
        if not block.s.startswith("    ") or (self.state and self.state[-1] == "detabbed"):
            return False
        return parent.tag == "li" or bool(parent.kids and parent.kids[-1].tag in ("ul", "ol"))

    def _indent_run(self, parent: _Element, blocks: list[_Text]) -> None:
        block = blocks.pop(0)
        found = _INDENT.match(block.s)
        indent_level = len(found.group(1)) / TAB if found else 0
        level = 1 if self.state and self.state[-1] == "list" else 0
        sibling = parent
        while indent_level > level:
            child = sibling.last()
            if child is not None and child.tag in ("ul", "ol", "li"):
                if child.tag in ("ul", "ol"):
                    level += 1
                sibling = child
            else:
                break
        block = block.loose_detab(level)
        self.state.append("detabbed")
        if parent.tag == "li":
            if parent.kids and parent.kids[-1].tag in ("ul", "ol"):
                self._parse_blocks(parent.kids[-1], [block])
            else:
                self._parse_blocks(parent, [block])
        elif sibling.tag == "li":
            self._parse_blocks(sibling, [block])
        elif sibling.kids and sibling.kids[-1].tag == "li":
            item = sibling.kids[-1]
            if _filled(item.text):
                paragraph = _Element("p")
                paragraph.text = item.text
                item.text = None
                item.kids.insert(0, paragraph)
            self._parse_chunk(item, block)
        else:
            self._parse_blocks(sibling.add("li"), [block])
        self.state.pop()

    # CodeBlockProcessor
    def _code_run(self, parent: _Element, blocks: list[_Text]) -> None:
        sibling = parent.last()
        block = blocks.pop(0)
        if sibling is None or sibling.tag != "pre":  # a new code block; else this part continues the last one
            sibling = parent.add("pre")
            sibling.index = len(self.code)
            self.code.append([])
        code, rest = block.detab()
        lines = self.code[sibling.index]
        for line in code.lines():
            if line.at[0] >= 0 and (line.s.strip() or not lines):
                lines.append(line.at[0])
        if rest.s:
            blocks.insert(0, rest)

    # tables: TableProcessor
    def _table_test(self, parent: _Element, block: _Text) -> bool:
        if "|" not in block.s or "\n" not in block.s:
            return False
        rows = [row.strip(" ") for row in block.s.split("\n")]
        if len(rows) < 2:
            return False
        header = rows[0]
        border = 0
        if header.startswith("|"):
            border |= 1
        if _TABLE_END_BORDER.search(header) is not None:
            border |= 2
        row0 = len(_table_cells(header, border))
        is_table = row0 > 1
        if not is_table and row0 == 1 and border:
            for row in rows[1:]:
                is_table = row.startswith("|") or _TABLE_END_BORDER.search(row) is not None
                if not is_table:
                    break
        if is_table:
            separator = [rows[1][start:end] for start, end in _table_cells(rows[1], border)]
            is_table = len(separator) == row0 and set("".join(separator)) <= set("|:- ")
            if is_table:
                self.table = (border, separator)
        return is_table

    def _table_run(self, parent: _Element, blocks: list[_Text]) -> None:
        lines = blocks.pop(0).lines()
        border, separator = self.table
        rows = [lines[0], *lines[2:]]
        table = parent.add("table")
        for row in rows:
            row = row.strip(" ")
            cells = _table_cells(row.s, border)
            line = table.add("tr")
            for index in range(len(separator)):
                cell = line.add("td")
                if index < len(cells):
                    cell.text = row.cut(*cells[index]).strip(" ")

    # HashHeaderProcessor
    def _hash_run(self, parent: _Element, blocks: list[_Text]) -> None:
        block = blocks.pop(0)
        found = _HASH_HEADER.search(block.s)
        before, after = block.cut(0, found.start()), block.cut(found.end())
        if before.s:
            self._parse_blocks(parent, [before])
        heading = parent.add(f"h{len(found.group('level'))}")
        heading.text = block.cut(found.start("header"), found.end("header")).strip()
        heading.line_at = block.cut(found.start("level")).at[0]
        if after.s:
            if self.state and self.state[-1] == "looselist":
                after = after.loose_detab()
            blocks.insert(0, after)

    # SetextHeaderProcessor
    def _setext_run(self, parent: _Element, blocks: list[_Text]) -> None:
        lines = blocks.pop(0).lines()
        heading = parent.add("h1" if lines[1].s.startswith("=") else "h2")
        heading.text = lines[0].strip()
        heading.line_at = lines[0].at[0]
        if len(lines) > 2:
            blocks.insert(0, _join(lines[2:]))

    # HRProcessor
    def _hr_test(self, parent: _Element, block: _Text) -> bool:
        self.hr_match = _HR.search(block.s)
        return self.hr_match is not None

    def _hr_run(self, parent: _Element, blocks: list[_Text]) -> None:
        block = blocks.pop(0)
        found = self.hr_match
        before = block.cut(0, found.start()).rstrip("\n")
        if before.s:
            self._parse_blocks(parent, [before])
        parent.add("hr")
        after = block.cut(found.end()).lstrip("\n")
        if after.s:
            blocks.insert(0, after)

    # OListProcessor and UListProcessor
    def _list_run(self, parent: _Element, blocks: list[_Text], tag: str) -> None:
        items = _list_items(blocks.pop(0))
        sibling = parent.last()
        if sibling is not None and sibling.tag in ("ol", "ul"):
            listing = sibling
            item = listing.kids[-1]
            if _filled(item.text):
                paragraph = _Element("p")
                paragraph.text = item.text
                item.text = None
                item.kids.insert(0, paragraph)
            last = item.last()
            if last is not None and _filled(last.tail):
                item.add("p").text = last.tail.lstrip()
                last.tail = None
            item = listing.add("li")
            self.state.append("looselist")
            self._parse_blocks(item, [items.pop(0)])
            self.state.pop()
        elif parent.tag in ("ol", "ul"):
            listing = parent
        else:
            listing = parent.add(tag)
        self.state.append("list")
        for item in items:
            if item.s.startswith("    "):
                self._parse_blocks(listing.kids[-1], [item])
            else:
                self._parse_blocks(listing.add("li"), [item])
        self.state.pop()

    # BlockQuoteProcessor
    def _quote_run(self, parent: _Element, blocks: list[_Text]) -> None:
        block = blocks.pop(0)
        found = _QUOTE.search(block.s)
        if found:
            self._parse_blocks(parent, [block.cut(0, found.start())])
            block = _join([_unquote(line) for line in block.cut(found.start()).lines()])
        sibling = parent.last()
        quote = sibling if sibling is not None and sibling.tag == "blockquote" else parent.add("blockquote")
        self.state.append("blockquote")
        self._parse_chunk(quote, block)
        self.state.pop()

    # ReferenceProcessor
    def _definition_run(self, parent: _Element, blocks: list[_Text]):
        block = blocks.pop(0)
        s = block.s
        found = _DEFINITION.search(s)
        if not found:
            blocks.insert(0, block)
            return False
        start = end = found.start()
        for found in _DEFINITION.finditer(s, start):
            if found.start() > start and (s[end : found.start()].strip("\n") or "\n" in found.group()):
                break
            written = found.group(2)
            url = written.lstrip("<").rstrip(">")
            url_start = found.start(2) + len(written) - len(written.lstrip("<"))
            place = block.cut(url_start, url_start + len(url))
            self.references[found.group(1).strip().lower()] = (url, place.at[0], place.at[0] + len(url) if place.at[0] >= 0 else -1)
            self.definitions.append((block.cut(found.start()).at[0], block.cut(found.end()).at[0]))
            end = found.end()
        if s[end:].strip():
            blocks.insert(0, block.cut(end).lstrip("\n"))
        if s[:start].strip():
            blocks.insert(0, block.cut(0, start).rstrip("\n"))
        return True

    # ParagraphProcessor
    def _paragraph_run(self, parent: _Element, blocks: list[_Text]) -> None:
        block = blocks.pop(0)
        if not block.s.strip():
            return
        if self.state and self.state[-1] == "list":
            sibling = parent.last()
            if sibling is not None:
                sibling.tail = _join([sibling.tail, block]) if _filled(sibling.tail) else _Text("\n" + block.s, [-1, *block.at])
            elif _filled(parent.text):
                parent.text = _join([parent.text, block])
            else:
                parent.text = block.lstrip()
        else:
            parent.add("p").text = block.lstrip()

    def _heading_lines(self) -> tuple[Heading, ...]:
        found, line, position = [], 0, 0
        for level, at, text in self.headings:
            if at >= 0:
                line += self.normal.count("\n", position, at)
                position = at
                found.append(Heading(level, line, text))
        return tuple(found)

    def _collect(self, element: _Element, top: bool = False) -> None:
        """The texts Python-Markdown's inline processor works on, and the headings at the top."""
        for child in element.kids:
            if top and child.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.headings.append((int(child.tag[1]), child.line_at, child.text.s))
            if _filled(child.text):
                self.units.append((child.text, "parent" if child.kids else "text"))
            if _filled(child.tail):
                self.units.append((child.tail, "tail"))
            self._collect(child)

    # stage 4: inline
    def _read_inline(self) -> None:
        if any("[" in unit.s or "<" in unit.s or "`" in unit.s for unit, _ in self.units):
            _Inline(self).run(self.units)

    def result(self) -> Scan:
        if not (self.fences or self.html or self.code or self.spans or self.definitions or self.links):
            if not self.headings:
                return _NOTHING
            return Scan((), self._heading_lines(), (), frozenset())  # headings alone (most texts): lines counted as they come
        places = _Places(self.body, self.normal)
        regions: list[Region] = []
        code_lines: set[int] = set()
        for kind, stretches in (("fenced-code", self.fences), ("html", self.html)):
            for start, end in stretches:
                first, last = places.line(start), places.line(max(start, end - 1))
                regions.append(Region(kind, first, last))
                if kind == "fenced-code":
                    code_lines.update(range(first, last + 1))
        for block in self.code:
            lines = [places.line(offset) for offset in block]
            code_lines.update(lines)
            if lines:
                regions.append(Region("indented-code", lines[0], lines[-1]))
        for start, end in self.spans:
            regions.append(Region("code-span", places.line(start), places.line(max(start, end - 1))))
        definitions = []
        for start, end in self.definitions:
            regions.append(Region("definition", places.line(start), places.line(end) if end >= 0 else places.line(start)))
        for url, start, end in self.references.values():
            definitions.append(places.target(html.unescape(_AMP.sub("&amp;", url)), start, end))
        regions.sort(key=lambda region: (region.line, region.end_line))
        headings = tuple(Heading(level, places.line(at), text) for level, at, text in self.headings if at >= 0)
        links = []
        for kind, at, url, start, end, text, reference in sorted(self.links, key=lambda link: link[1]):
            links.append(Link(kind, places.line(at), places.target(url, start, end, places.line(at)), text, reference))
        return Scan(tuple(regions), headings, tuple(links), frozenset(code_lines), tuple(definitions))


def _split_run(position: int, origin: int, length: int, within: _Runs):
    """Runs (position, source, length) for ``length`` characters that start at ``origin`` of a text mapped by ``within``."""
    end = origin + length
    index = max(0, bisect_right(within.starts, origin) - 1)
    runs = within.runs
    while index < len(runs) and origin < end:
        start, source, size = runs[index]
        if start + size <= origin:
            index += 1
            continue
        if start >= end:
            break
        low = max(start, origin)
        high = min(start + size, end)
        yield position + low - origin, source + low - start, high - low
        index += 1


def _hash_lines(normal: str):
    """The offsets of the lines that start with '#'."""
    if normal.startswith("#"):
        yield 0
    index = normal.find("\n#")
    while index >= 0:
        yield index + 1
        index = normal.find("\n#", index + 1)


def _hash_test(parent: _Element, block: _Text) -> bool:
    s = block.s
    return (s.startswith("#") or "\n#" in s) and _HASH_HEADER.search(s) is not None


def _unquote(line: _Text) -> _Text:
    """BlockQuoteProcessor.clean."""
    found = _QUOTE.match(line.s)
    if line.s.strip() == ">":
        return line.cut(len(line.s))
    if found:
        return line.cut(found.start(2))
    return line


def _list_items(block: _Text) -> list[_Text]:
    """OListProcessor.get_items."""
    items: list[_Text] = []
    for line in block.lines():
        found = _LIST_CHILD.match(line.s)
        if found:
            items.append(line.cut(found.start(3)))
        elif _LIST_INDENT.match(line.s):
            if items[-1].s.startswith(" " * TAB):
                items[-1] = _join([items[-1], line])
            else:
                items.append(line)
        else:
            items[-1] = _join([items[-1], line])
    return items


def _table_cells(row: str, border: int) -> list[tuple[int, int]]:
    """TableProcessor._split_row, as (start, end) of each cell in ``row``."""
    offset = 0
    if border:
        if row.startswith("|"):
            row = row[1:]
            offset = 1
        end_border = _TABLE_END_BORDER.search(row)
        if end_border:
            row = row[: end_border.start()]
    pipes, tics, tic_points, tic_region = [], [], [], []
    for found in _TABLE_PIPES.finditer(row):
        if found.group(2):
            tics.append(len(found.group(2)) - 1)
            tic_points.append((found.start(2), found.end(2) - 1, 1))
        elif found.group(3):
            tics.append(len(found.group(3)))
            tic_points.append((found.start(3), found.end(3) - 1, 0))
        elif found.group(5):
            pipes.append(found.start(5))
    position = 0
    while position < len(tics):
        try:
            size = tics[position] - tic_points[position][2]
            if size == 0:
                raise ValueError
            index = tics[position + 1 :].index(size) + 1
            tic_region.append((tic_points[position][0], tic_points[position + index][1]))
            position += index + 1
        except ValueError:
            position += 1
    cells = []
    start = 0
    for pipe in pipes:
        if any(low <= pipe <= high for low, high in tic_region):
            continue
        cells.append((offset + start, offset + pipe))
        start = pipe + 1
    cells.append((offset + start, offset + len(row)))
    return cells


class _Marked(str):
    """A string that knows the place of each of its characters (an offset in the normalised text, -1: made up)."""

    at: list[int]


def _marked(text: str, at: list[int]) -> _Marked:
    marked = _Marked(text)
    marked.at = at
    return marked


def _made_up(text: str) -> _Marked:
    return text if isinstance(text, _Marked) else _marked(text, [-1] * len(text))


def _plus(first: str, second: str) -> _Marked:
    first, second = _made_up(first), _made_up(second)
    return _marked(first + second, first.at + second.at)


def _slice(text: str, start: int, end: int | None = None) -> str:
    part = text[start:end]
    if isinstance(text, md_util.AtomicString):
        return md_util.AtomicString(part)
    return _marked(part, _made_up(text).at[start:end])


@functools.lru_cache(maxsize=1)
def _details() -> tuple[re.Pattern, re.Pattern]:
    """pymdownx.details' expressions for ``??? note "Title"`` and a heading as its title (imported when first needed: it is slow to import)."""
    from pymdownx.details import RE_NORMAL_HEADING, DetailsProcessor

    return DetailsProcessor.START, RE_NORMAL_HEADING


@functools.lru_cache(maxsize=1)
def _inline_markdown():
    """The sites' Markdown, whose inline patterns the scanner calls (reset before each use)."""
    import markdown

    from .markup import _extension_configs, _extension_names

    return markdown.Markdown(extensions=_extension_names(), extension_configs=_extension_configs())


class _Inline:
    """Python-Markdown's InlineProcessor (markdown/treeprocessors.py), line for line, on one text.

    The inline patterns are the sites' own (their handleMatch decides every match); what this adds
    is the place of every character, carried by the strings, so that each link found is known where
    it is written. Only what ends up in the tree counts: a link inside an image's description is not one.
    """

    def __init__(self, reading: _Reading) -> None:
        self.reading = reading
        md = _inline_markdown()
        md.reset()
        for _ in range(reading.taken):  # inline raw HTML is numbered after the blocks, as in Python-Markdown
            md.htmlStash.store("")
        md.references.update({ident: (url, None) for ident, (url, _, _) in reading.references.items()})
        self.md = md
        self.patterns = list(md.inlinePatterns)
        self._unescape = md.treeprocessors["unescape"].unescape
        self.stashed_nodes: dict[str, object] = {}
        md.treeprocessors["inline"].stashed_nodes = self.stashed_nodes  # what the patterns' unescape() reads
        self.found: dict[int, tuple] = {}  # id(element) -> what it is, for the elements the patterns made

    def unescape(self, value: str) -> str:
        """An attribute as a browser reads it: Markdown escapes undone (UnescapeTreeprocessor), '&' escaped by the
        serializer unless it starts an entity, raw HTML put back (RawHtmlPostprocessor), and entities decoded."""
        value = _AMP.sub("&amp;", self._unescape(value))
        if _STX in value:
            blocks = self.md.htmlStash.rawHtmlBlocks

            def raw(found: re.Match) -> str:
                index = int(found.group(1))
                return blocks[index] if index < len(blocks) and isinstance(blocks[index], str) else found.group(0)

            value = _HTML_PLACEHOLDER.sub(raw, value).replace(md_util.AMP_SUBSTITUTE, "&")
        return html.unescape(value)

    def run(self, units: list[tuple[_Text, str]]) -> None:
        for unit, role in units:
            if "[" in unit.s or "<" in unit.s or "`" in unit.s:
                self._unit(unit, role)

    def _unit(self, unit: _Text, role: str) -> None:
        """The text in a tree shaped as Python-Markdown's is around it where that changes what it does.

        A tail, or the text of an element that also holds blocks (a list item with a paragraph), has
        what the patterns made in it visited once more, with every pattern (see run()).
        """
        at: list[int] = []
        for line, origin in zip(unit.s.split("\n"), unit.at):
            at.extend(range(origin, origin + len(line)) if origin >= 0 else [-1] * len(line))
            at.append(-1)
        text = _marked(unit.s, at[: len(unit.s)])
        root = etree.Element("div")
        holder = etree.SubElement(root, "p")
        if role == "tail":
            etree.SubElement(holder, "hr").tail = text
        else:
            holder.text = text
            if role == "parent":
                etree.SubElement(holder, "hr")
        self._run(root)
        for element in root.iter():
            what = self.found.get(id(element))
            if what is not None:
                self._keep(element, what)

    def _keep(self, element, what) -> None:
        kind = what[0]
        if kind == "code":
            self.reading.spans.append(what[1])
            return
        _, at, url, start, end, text, reference = what
        self.reading.links.append((kind, at, url, start, end, text, reference))

    # InlineProcessor.run
    def _run(self, tree) -> None:
        stack = [tree]
        while stack:
            current = stack.pop(0)
            queue = []
            index = 0
            while index < len(current):
                child = current[index]
                index += 1
                if child.text and not isinstance(child.text, md_util.AtomicString):
                    text = child.text
                    child.text = None
                    found = self._placeholders(self._handle(text), child)
                    stack += found
                    queue.append((child, found))
                if child.tail:
                    tail = self._handle(child.tail)
                    dummy = etree.Element("d")
                    child.tail = None
                    result = self._placeholders(tail, dummy, False)
                    if dummy.tail:
                        child.tail = dummy.tail
                    position = list(current).index(child) + 1
                    result.reverse()
                    for new in result:
                        current.insert(position, new)
                if len(child):
                    stack.append(child)
            for element, found in queue:
                for position, new in enumerate(found):
                    element.insert(position, new)

    # InlineProcessor.__handleInline
    def _handle(self, data: str, index: int = 0) -> str:
        if isinstance(data, md_util.AtomicString):
            return data
        start = 0
        while index < len(self.patterns):
            data, matched, start = self._apply(self.patterns[index], data, index, start)
            if not matched:
                index += 1
        return data

    # InlineProcessor.__applyPattern
    def _apply(self, pattern, data: str, index: int, start: int) -> tuple[str, bool, int]:
        data = _made_up(data)
        match = None
        for match in pattern.getCompiledRegExp().finditer(data, start):
            node, begin, end = pattern.handleMatch(match, data)
            if begin is None or end is None:
                match = None
                continue
            break
        if match is None:
            return data, False, 0
        if node is None:
            return data, True, end
        if not isinstance(node, str):
            self._note(pattern, match, node, data, begin, end)
            if not isinstance(node.text, md_util.AtomicString):
                for child in [node, *node]:
                    if child.text:
                        child.text = self._handle(child.text, index + 1)
                    if child.tail:
                        child.tail = self._handle(child.tail, index)
        key = f"{len(self.stashed_nodes):04d}"
        placeholder = md_util.INLINE_PLACEHOLDER % key
        self.stashed_nodes[key] = node
        replaced = _marked(data[:begin] + placeholder + data[end:], data.at[:begin] + [-1] * len(placeholder) + data.at[end:])
        return replaced, True, begin + len(placeholder)

    # InlineProcessor.__processPlaceholders
    def _placeholders(self, data: str, parent, is_text: bool = True) -> list:
        result: list = []

        def link_text(text: str) -> None:
            if text:
                if result:
                    last = result[-1]
                    last.tail = _plus(last.tail, text) if last.tail else text
                elif not is_text:
                    parent.tail = _plus(parent.tail, text) if parent.tail else text
                elif parent.text:
                    parent.text = _plus(parent.text, text)
                else:
                    parent.text = text

        start = 0
        while data:
            index = data.find(md_util.INLINE_PLACEHOLDER_PREFIX, start)
            if index != -1:
                found = md_util.INLINE_PLACEHOLDER_RE.search(data, index)
                key, end = (found.group(1), found.end()) if found else (None, index + 1)
                if key in self.stashed_nodes:
                    node = self.stashed_nodes.get(key)
                    if index > 0:
                        link_text(_slice(data, start, index))
                    if not isinstance(node, str):
                        for child in [node, *node]:
                            if child.tail and child.tail.strip():
                                self._element_text(node, child, False)
                            if child.text and child.text.strip():
                                self._element_text(child, child)
                    else:
                        link_text(_made_up(node))
                        start = end
                        continue
                    start = end
                    result.append(node)
                else:
                    end = index + len(md_util.INLINE_PLACEHOLDER_PREFIX)
                    link_text(_slice(data, start, end))
                    start = end
            else:
                link_text(_slice(data, start))
                data = ""
        return result

    # InlineProcessor.__processElementText
    def _element_text(self, node, subnode, is_text: bool = True) -> None:
        if is_text:
            text = subnode.text
            subnode.text = None
        else:
            text = subnode.tail
            subnode.tail = None
        result = self._placeholders(text, subnode, is_text)
        position = list(node).index(subnode) + 1 if not is_text and node is not subnode else 0
        result.reverse()
        for new in result:
            node.insert(position, new)

    def _note(self, pattern, match, node, data: _Marked, begin: int, end: int) -> None:
        """What an element a pattern made is, and the place of each character of its texts."""
        if isinstance(pattern, LinkInlineProcessor) and node.tag in ("a", "img"):
            text, text_end, _ = pattern.getText(data, match.end(0))
            node.text = _slice(data, match.end(0), text_end - 1) if node.text is not None else None
            kind = "image" if node.tag == "img" else "link"
            attribute = "src" if kind == "image" else "href"
            url = self.unescape(node.get(attribute) or "")
            shown = self.unescape(node.get("alt") or "") if kind == "image" else self.unescape(pattern.unescape(text))
            if isinstance(pattern, ReferenceInlineProcessor):
                ident = text.lower()
                if not isinstance(pattern, (ShortReferenceInlineProcessor, ShortImageReferenceInlineProcessor)):
                    ident = pattern.evalId(data, text_end, text)[0]
                ident = _ID_SPACE.sub(" ", ident)
                _, start, stop = self.reading.references[ident]
                self.found[id(node)] = (kind, data.at[begin], url, start, stop, shown, ident)
            else:
                url_start, url_end = _destination(data, text_end)
                start = data.at[url_start] if url_start < url_end else -1
                stop = data.at[url_end - 1] + 1 if url_start < url_end and data.at[url_end - 1] >= 0 else -1
                self.found[id(node)] = (kind, data.at[begin], url, start, stop, shown, None)
            return
        if node.tag == "a" and isinstance(pattern, AutolinkInlineProcessor):
            at = data.at[match.start(1)]
            self.found[id(node)] = (
                "autolink",
                data.at[begin],
                self.unescape(node.get("href")),
                at,
                data.at[match.end(1) - 1] + 1 if at >= 0 else -1,
                match.group(1),
                None,
            )
            return
        if node.tag == "a" and isinstance(pattern, AutomailInlineProcessor):
            url = self.unescape(node.get("href"))
            self.found[id(node)] = ("autolink", data.at[begin], url, -1, -1, url[len("mailto:") :], None)
            return
        if node.tag == "code" and isinstance(pattern, BacktickInlineProcessor):
            if data.at[begin] >= 0:
                self.found[id(node)] = ("code", (data.at[begin], data.at[end - 1] + 1))
            return
        cursor = begin + 1  # anything else (emphasis, ...): find its texts in order
        for element in node.iter():
            for name in ("text", "tail") if element is not node else ("text",):
                piece = getattr(element, name)
                if not piece or isinstance(piece, md_util.AtomicString):
                    continue
                place = data.find(piece, cursor, end)
                if place < 0:
                    setattr(element, name, _made_up(piece))
                    continue
                setattr(element, name, _slice(data, place, place + len(piece)))
                cursor = place + len(piece)


def _destination(data: str, index: int) -> tuple[int, int]:
    """Where LinkInlineProcessor.getLink finds the URL of ``(url "title")`` that starts at ``index``."""
    found = _LINK_DESTINATION.match(data, pos=index)
    if not found:
        return index, index
    if found.group(1):
        written = found.group(1)[1:-1]
        start = found.start(1) + 1 + len(written) - len(written.lstrip())
        return start, start + len(written.strip())
    bracket_count = 1
    backtrack_count = 1
    start_index = found.end()
    index = start_index
    last_bracket = -1
    quote = None
    start_quote = -1
    exit_quote = -1
    ignore_matches = False
    alt_quote = None
    start_alt_quote = -1
    exit_alt_quote = -1
    last = ""
    url_end = start_index
    for position in range(index, len(data)):
        char = data[position]
        if char == "(":
            if not ignore_matches:
                bracket_count += 1
            elif backtrack_count > 0:
                backtrack_count -= 1
        elif char == ")":
            if (exit_quote != -1 and quote == last) or (exit_alt_quote != -1 and alt_quote == last):
                bracket_count = 0
            elif not ignore_matches:
                bracket_count -= 1
            elif backtrack_count > 0:
                backtrack_count -= 1
                if backtrack_count == 0:
                    last_bracket = index + 1
        elif char in ("'", '"'):
            if not quote:
                ignore_matches = True
                backtrack_count = bracket_count
                bracket_count = 1
                start_quote = index + 1
                quote = char
            elif char != quote and not alt_quote:
                start_alt_quote = index + 1
                alt_quote = char
            elif char == quote:
                exit_quote = index + 1
            elif alt_quote and char == alt_quote:
                exit_alt_quote = index + 1
        index += 1
        if bracket_count == 0:
            if exit_quote >= 0 and quote == last:
                url_end = start_quote - 1
            elif exit_alt_quote >= 0 and alt_quote == last:
                url_end = start_alt_quote - 1
            else:
                url_end = index - 1
            break
        if char != " ":
            last = char
    if bracket_count != 0 and backtrack_count == 0:
        url_end = last_bracket - 1
    written = data[start_index:url_end]
    start = start_index + len(written) - len(written.lstrip())
    return start, start + len(written.strip())


class _Places:
    """Offsets in the normalised text as lines and offsets of the body."""

    def __init__(self, body: str, normal: str) -> None:
        self.body = body
        self.normal = normal
        self.normal_starts = [0, *accumulate(len(line) + 1 for line in normal.split("\n"))]
        breaks = body.count("\n") + body.count("\r") - body.count("\r\n")
        self.body_line_count = max(1, breaks + (0 if body.endswith(("\n", "\r")) else 1))

    @functools.cached_property
    def body_lines(self) -> list[str]:
        return editor_lines(self.body)

    @functools.cached_property
    def body_starts(self) -> list[int]:
        return [0, *accumulate(len(line) for line in self.body_lines)]

    def line(self, offset: int) -> int:
        index = bisect_right(self.normal_starts, offset) - 1
        return max(0, min(index, self.body_line_count - 1))

    def offset(self, offset: int) -> int:
        """The body offset of a character of the normalised text (tabs and removed characters counted)."""
        index = bisect_right(self.normal_starts, offset) - 1
        if index >= len(self.body_lines):
            return len(self.body)
        column = offset - self.normal_starts[index]
        written = self.body_lines[index].rstrip("\r\n")
        normal_line = self.normal[self.normal_starts[index] : self.normal_starts[index] + column]
        if written.startswith(normal_line):
            return self.body_starts[index] + column
        position = 0  # the line holds tabs or removed control characters: walk it as NormalizeWhitespace did
        width = 0
        for char in written:
            if width >= column:
                break
            position += 1
            if char in (_STX, _ETX):
                continue
            width = (width // TAB + 1) * TAB if char == "\t" else width + 1
        return self.body_starts[index] + position

    def target(self, url: str, start: int, end: int, line: int = 0) -> Target:
        """The URL at ``start`` (-1: nowhere as such; it is then at ``line``)."""
        if start < 0:
            return Target(url, line, -1, -1)
        line = self.line(start)
        body_start, body_end = self.offset(start), self.offset(end)
        if self.body[body_start:body_end] != url:
            return Target(url, line, -1, -1)
        return Target(url, line, body_start, body_end)
