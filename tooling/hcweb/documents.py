"""Reading content files: front matter split off the body, YAML read safely with line numbers.

Every value keeps the line of the file it came from, so that a schema error on
``approved.by`` points at the line where ``by:`` is written, counted from the top
of the file (not from the top of the front matter).
"""

from __future__ import annotations

import re
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
ContentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


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


def load_yaml(text: str, rel: str, *, first_line: int = 1) -> YamlDocument:
    """Parse YAML ``text`` that starts at line ``first_line`` of file ``rel``."""
    lines = LineMap(default=first_line)
    loader = ContentLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(None, lines, [])
        walker = _NodeWalker(loader, rel, first_line, lines)
        data = walker.to_data(node, ())
        return YamlDocument(data, lines, walker.problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = exc.problem or exc.context or "not valid YAML"
        return YamlDocument(None, lines, [error(rel, line, "yaml-syntax", _explain_yaml(problem))])
    except yaml.YAMLError as exc:
        return YamlDocument(None, lines, [error(rel, first_line, "yaml-syntax", f"not valid YAML: {exc}")])
    finally:
        loader.dispose()


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
        if id(node) in self._seen:
            # The composer hands back the same node for an alias: refuse them, so an
            # alias bomb cannot expand into gigabytes.
            self.problems.append(
                error(self.rel, self.line(node), "yaml-alias", "YAML anchors and aliases (& and *) are not allowed in content; write the value out")
            )
            return None
        self._seen.add(id(node))
        if node.tag not in _STANDARD_TAGS:
            self.problems.append(
                error(self.rel, self.line(node), "yaml-tag", f"the YAML tag {node.tag!r} is not allowed in content")
            )
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(error(self.rel, self.line(key_node), "yaml-key", "a key must be a plain word"))
                    continue
                key = self.loader.construct_object(key_node)
                if not isinstance(key, str):
                    key = str(key)
                if key in result:
                    self.problems.append(
                        error(self.rel, self.line(key_node), "yaml-duplicate-key", f"'{key}' is written twice; keep one")
                    )
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
        return self.loader.construct_object(node)


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


def split_front_matter(text: str, rel: str) -> FrontMatterFile:
    """Split ``text`` into front matter and body; never raises on bad content."""
    if text.startswith("\ufeff"):
        text = text[1:]
    raw_lines = text.splitlines(keepends=True)
    if not raw_lines or not _DELIMITER.match(raw_lines[0].rstrip("\r\n")):
        return FrontMatterFile(rel, text, None, LineMap(), text, 1, False, [])
    for index in range(1, len(raw_lines)):
        if _CLOSING.match(raw_lines[index].rstrip("\r\n")):
            yaml_text = "".join(raw_lines[1:index])
            body = "".join(raw_lines[index + 1 :])
            document = load_yaml(yaml_text, rel, first_line=2)
            problems = list(document.problems)
            data = document.data
            if data is None and not problems:
                data = {}
            if data is not None and not isinstance(data, dict):
                problems.append(error(rel, 2, "front-matter-shape", "the front matter must be a list of 'key: value' lines"))
                data = None
            return FrontMatterFile(rel, text, data, document.lines, body, index + 2, True, problems)
    return FrontMatterFile(
        rel,
        text,
        None,
        LineMap(),
        "",
        len(raw_lines) + 1,
        True,
        [error(rel, 1, "front-matter-unclosed", "the front matter that starts here is never closed: add a line with only --- after it")],
    )
