"""Reading content files: front matter split off the body, YAML read safely with line numbers.

Every value keeps the line of the file it came from, so that a schema error on
``approved.by`` points at the line where ``by:`` is written, counted from the top
of the file (not from the top of the front matter).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import Diagnostic, error

try:  # libyaml is about eight times faster; the pure-Python parser gives the same nodes
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

Key = tuple[Any, ...]

_DELIMITER = re.compile(r"^---[ \t]*$")
_CLOSING = re.compile(r"^(---|\.\.\.)[ \t]*$")

# Characters that Python and YAML read as line breaks but text editors do not (or not by default).
# Where one stands, the editor's line numbers and ours would drift apart, so it is reported.
_INVISIBLE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_INVISIBLE_LIMIT = 10  # lines reported per file; the rest are the same mistake

# How deep a value may nest: content needs a handful of levels, and a deeper value only serves to exhaust the stack.
MAX_DEPTH = 20

_STANDARD_TAGS = {
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


class ContentLoader(_BaseLoader):
    """A safe loader with YAML 1.2 scalars.

    ``on``, ``no`` and ``yes`` stay words (``approved: {on: ...}`` and the
    language code ``no`` must not turn into booleans), and dates stay text: the
    schemas check their format and the model parses them, so an impossible date
    such as 2026-02-30 is an error at its line instead of a crash.
    """


ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
ContentLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@dataclass
class LineMap:
    """Where each value of a YAML document was written (1-based file lines)."""

    lines: dict[Key, int] = field(default_factory=dict)
    default: int = 1

    def __call__(self, *path: Any) -> int:
        """The line of ``path``, or of its nearest written parent."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.default


@dataclass
class YamlDocument:
    data: Any
    lines: LineMap
    problems: list[Diagnostic]


def editor_line(text: str, index: int, first_line: int = 1) -> int:
    """The line of ``text[index]`` as a text editor counts lines: at \\n, \\r\\n and a lone \\r."""
    before = text[:index]
    return first_line + before.count("\n") + before.count("\r") - before.count("\r\n")


_EDITOR_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def editor_lines(text: str, keepends: bool = True) -> list[str]:
    """The lines of ``text``, broken where a text editor breaks them: at \\n, \\r\\n and a lone \\r.

    (str.splitlines() also breaks at form feeds, U+2028 and others, which editors show inside a line.)
    Joined, the lines with their endings give ``text`` back.
    """
    lines = _EDITOR_LINE.findall(text)
    return lines if keepends else [line.rstrip("\r\n") for line in lines]


def character_name(char: str) -> str:
    """'U+2028 LINE SEPARATOR': a character that cannot be shown, as a message names it."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def invisible_breaks(text: str, rel: str, first_line: int = 1) -> list[Diagnostic]:
    """An error on each line (the first few) that holds a character some programs read as a line break."""
    found: list[Diagnostic] = []
    line, position = first_line, 0
    for match in _INVISIBLE_BREAKS.finditer(text):
        line = editor_line(text[position : match.start()], match.start() - position, line)
        position = match.start()
        if not found or found[-1].line != line:
            found.append(invisible_break(rel, line, match.group()))
            if len(found) == _INVISIBLE_LIMIT:
                break
    return found


def invisible_break(rel: str, line: int, char: str) -> Diagnostic:
    return error(
        rel,
        line,
        "invisible-character",
        f"this line contains an invisible character ({character_name(char)}) that some programs read as a line break; "
        "delete it and type an ordinary line break if one is meant",
    )


def load_yaml(text: str, rel: str, *, first_line: int = 1) -> YamlDocument:
    """Parse YAML ``text`` that starts at line ``first_line`` of file ``rel``."""
    lines = LineMap(default=first_line)
    invisible = invisible_breaks(text, rel, first_line)
    if invisible:  # reported; read as spaces, so that YAML counts lines as the editor does
        text = _INVISIBLE_BREAKS.sub(" ", text)
    loader = ContentLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(None, lines, invisible)
        walker = _NodeWalker(loader, rel, first_line, lines)
        data = walker.to_data(node, ())
        return YamlDocument(data, lines, invisible + walker.problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = exc.problem or exc.context or "not valid YAML"
        return YamlDocument(None, lines, invisible + [error(rel, line, "yaml-syntax", _explain_yaml(problem))])
    except yaml.reader.ReaderError as exc:
        return YamlDocument(None, lines, invisible + [_reader_problem(text, rel, first_line, exc)])
    except yaml.YAMLError as exc:
        return YamlDocument(None, lines, invisible + [error(rel, first_line, "yaml-syntax", f"not valid YAML: {exc}")])
    finally:
        loader.dispose()


def _reader_problem(text: str, rel: str, first_line: int, exc: yaml.reader.ReaderError) -> Diagnostic:
    """A character YAML does not accept (a control character, say), at its line."""
    # The reader stops at the first character it refuses, so that is the first place the character occurs
    # (libyaml counts its position in bytes, the pure-Python reader in characters).
    char = chr(exc.character) if isinstance(exc.character, int) else ""
    position = max(text.find(char), 0) if char else 0
    line = editor_line(text, position, first_line)
    shown = character_name(char) if char else "an unreadable character"
    return error(rel, line, "yaml-syntax", f"this line contains a character that is not allowed here ({shown}); delete it")


_PLAIN_YAML_PROBLEMS = (
    ("mapping values are not allowed", "a ': ' inside a value starts a new field; put the whole value in quotes"),
    ("could not find expected ':'", "a line here is not 'key: value'; check the colon and the indentation"),
    ("expected <block end>", "the indentation is uneven; fields at the same level must line up"),
    ("found character '\\t'", "a tab is used to indent; use spaces"),
    ("found unexpected end of stream", "a quote or bracket opened here is never closed"),
    ("found undefined alias", "a value starts with '*'; put it in quotes"),
)


def _explain_yaml(problem: str) -> str:
    for pattern, plain in _PLAIN_YAML_PROBLEMS:
        if pattern in problem:
            return f"this line cannot be read: {plain}"
    return f"this line cannot be read: {problem}"


class _NodeWalker:
    def __init__(self, loader: ContentLoader, rel: str, first_line: int, lines: LineMap) -> None:
        self.loader = loader
        self.rel = rel
        self.first_line = first_line
        self.lines = lines
        self.problems: list[Diagnostic] = []
        self._seen: set[int] = set()

    def line(self, node: yaml.Node) -> int:
        return self.first_line + node.start_mark.line

    def to_data(self, node: yaml.Node, path: Key) -> Any:
        if len(path) > MAX_DEPTH:
            self.problems.append(
                error(
                    self.rel,
                    self.line(node),
                    "yaml-depth",
                    f"the value here is nested more than {MAX_DEPTH} levels deep; content never needs that",
                )
            )
            return None
        if id(node) in self._seen:
            # The composer hands back the same node for an alias: refuse them, so an
            # alias bomb cannot expand into gigabytes.
            self.problems.append(
                error(
                    self.rel,
                    self.line(node),
                    "yaml-alias",
                    "YAML anchors and aliases (& and *) are not allowed in content; write the value out",
                )
            )
            return None
        self._seen.add(id(node))
        if node.tag not in _STANDARD_TAGS:
            self.problems.append(error(self.rel, self.line(node), "yaml-tag", f"the YAML tag {node.tag!r} is not allowed in content"))
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(error(self.rel, self.line(key_node), "yaml-key", "a key must be a plain word"))
                    continue
                before = len(self.problems)
                key = self.scalar(key_node)
                if len(self.problems) > before:
                    continue
                if not isinstance(key, str):
                    key = str(key)
                if key in result:
                    self.problems.append(error(self.rel, self.line(key_node), "yaml-duplicate-key", f"'{key}' is written twice; keep one"))
                    continue
                self.lines.lines[path + (key,)] = self.line(key_node)
                result[key] = self.to_data(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines.lines[path + (index,)] = self.line(item)
                items.append(self.to_data(item, path + (index,)))
            return items
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        """The value of a scalar, or None (and a problem) when it cannot be read as its kind."""
        try:
            value = self.loader.construct_object(node)
        except (ValueError, KeyError, TypeError, OverflowError):
            value = _UNREADABLE
        if value is _UNREADABLE or (isinstance(value, int) and value.bit_length() > _MAX_INT_BITS):
            self.problems.append(error(self.rel, self.line(node), "yaml-value", _unreadable_scalar(node)))
            return None
        return value


_UNREADABLE = object()
_MAX_INT_BITS = 256  # about 77 digits: no number in content comes near, and Python cannot print some larger ones
_KIND_WORDS = {"int": "a whole number", "float": "a number", "bool": "true or false", "null": "empty"}


def _unreadable_scalar(node: yaml.Node) -> str:
    """Why a value cannot be read: a number too long to be a number, or an explicit !!tag that does not fit."""
    kind = str(node.tag).rsplit(":", 1)[-1]
    value = str(node.value)
    if kind == "int" and len(value) > 60:
        return f"this number is {len(value)} characters long, too long to be a number; if it is meant as text, put it in quotes"
    shown = value if len(value) <= 40 else value[:37] + "..."
    return f"'{shown}' cannot be read as {_KIND_WORDS.get(kind, kind)}; if it is meant as text, put it in quotes"


@dataclass
class FrontMatterFile:
    """A Markdown file split into its front matter and body."""

    rel: str
    text: str
    data: Any  # the front matter (a dict when well formed), None when absent or broken
    lines: LineMap
    body: str
    body_line: int  # the file line the body starts on
    has_front_matter: bool
    problems: list[Diagnostic]


_UNCLOSED = -1


def _closing_line(raw_lines: list[str]) -> int | None:
    """The index of the line that closes the front matter; None when the file has none, _UNCLOSED when it is never closed.

    The one place that decides where front matter is: every reader and writer of it goes through here.
    """
    if not raw_lines or not _DELIMITER.match(raw_lines[0].rstrip("\r\n")):
        return None
    for index in range(1, len(raw_lines)):
        if _CLOSING.match(raw_lines[index].rstrip("\r\n")):
            return index
    return _UNCLOSED


def front_matter_span(text: str) -> tuple[int, int] | None:
    """Where the YAML of ``text``'s front matter lies, as (start, end) offsets; None without a closed front matter.

    ``text`` without a byte-order mark, as split_front_matter reads it.
    """
    raw_lines = editor_lines(text)
    closing = _closing_line(raw_lines)
    if closing is None or closing == _UNCLOSED:
        return None
    start = len(raw_lines[0])
    return start, start + sum(len(line) for line in raw_lines[1:closing])


def split_front_matter(text: str, rel: str) -> FrontMatterFile:
    """Split ``text`` into front matter and body; never raises on bad content."""
    if text.startswith("\ufeff"):
        text = text[1:]
    raw_lines = editor_lines(text)
    closing = _closing_line(raw_lines)
    if closing is None:
        return FrontMatterFile(rel, text, None, LineMap(), text, 1, False, invisible_breaks(text, rel))
    if closing != _UNCLOSED:
        yaml_text = "".join(raw_lines[1:closing])
        body = "".join(raw_lines[closing + 1 :])
        document = load_yaml(yaml_text, rel, first_line=2)
        problems = [*document.problems, *invisible_breaks(body, rel, closing + 2)]
        data = document.data
        if data is None and not problems:
            data = {}
        if data is not None and not isinstance(data, dict):
            problems.append(error(rel, 2, "front-matter-shape", "the front matter must be a list of 'key: value' lines"))
            data = None
        return FrontMatterFile(rel, text, data, document.lines, body, closing + 2, True, problems)
    return FrontMatterFile(
        rel,
        text,
        None,
        LineMap(),
        "",
        len(raw_lines) + 1,
        True,
        [
            error(rel, 1, "front-matter-unclosed", "the front matter that starts here is never closed: add a line with only --- after it"),
            *invisible_breaks(text, rel),
        ],
    )
