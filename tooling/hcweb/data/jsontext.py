"""JSON from outside, read with bounds: no deep nesting, no giant numbers, and where a problem is.

Python's JSON reader raises RecursionError on deep nesting and a bare ValueError on
a number of more than 4,300 digits, neither with a line. Feeds and snapshots are
flat, so anything deeper than MAX_DEPTH or longer than MAX_NUMBER_CHARS is refused
here with the line and the field, before anything else looks at the data.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 16
MAX_NUMBER_CHARS = 20

# One JSON token that matters for the bounds: a string (a key when a colon follows),
# an opening or closing bracket, a number, or a literal.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"(?P<colon>\s*:)?|[\[{]|[\]}]|-?[0-9][0-9.eE+-]*|true|false|null')

Path = tuple[str | int, ...]


class JsonProblem(Exception):
    """JSON that cannot be used: the line, and what is wrong.

    For a value that is too deep or too large, ``path`` is where it stands (keys and
    0-based indexes) and ``message`` continues a sentence about it ("is nested ...");
    for broken JSON, ``path`` is None and ``message`` is a sentence of its own.
    """

    def __init__(self, line: int, path: Path | None, message: str) -> None:
        self.line = line
        self.path = path
        self.message = message
        super().__init__(f"line {line}: {self.sentence()}")

    def sentence(self, subject: str | None = None) -> str:
        """The problem as a sentence about ``subject`` (default: the field at ``path``)."""
        if self.path is None:
            return self.message
        if subject is None:
            subject = f"'{field_name(self.path)}'" if self.path else "a value"
        return f"{subject} {self.message}"


_FAILED = object()


def load(text: str) -> Any:
    """The data of ``text``, or a JsonProblem saying where it is broken or too deep or too large."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonProblem(exc.lineno, None, f"not valid JSON: {exc.msg}") from None
    except (ValueError, RecursionError):  # a giant number or deep nesting: found and named below
        data = _FAILED
    check_bounds(text)
    if data is _FAILED:  # the bounds check finds what json refused; this is a safety net
        raise JsonProblem(1, None, "the JSON cannot be read")
    return data


def check_bounds(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH and numbers longer than MAX_NUMBER_CHARS."""
    stack: list[list[Any]] = []  # per open bracket: ["[", index of the current item] or ["{", current key]
    for match in _TOKEN.finditer(text):
        token = match.group()
        if match.group("colon"):
            if stack and stack[-1][0] == "{":
                stack[-1][1] = _key(token[: token.rindex(":")].rstrip())
            continue
        if token in ("]", "}"):
            if stack:
                stack.pop()
            continue
        if stack and stack[-1][0] == "[":
            stack[-1][1] += 1
        if token in ("[", "{"):
            stack.append([token, -1 if token == "[" else None])
            if len(stack) > MAX_DEPTH:
                raise JsonProblem(
                    _line(text, match.start()),
                    _holder(_path(stack[:-1])),
                    f"is nested more than {MAX_DEPTH} levels deep (lists or groups inside each other)",
                )
        elif token[0] in "-0123456789" and len(token) > MAX_NUMBER_CHARS:
            digits = sum(ch.isdigit() for ch in token)
            raise JsonProblem(_line(text, match.start()), _path(stack), f"is a number of {digits} digits, which cannot be a real figure")


def _key(token: str) -> str:
    try:
        key = json.loads(token)
    except ValueError:
        key = token.strip('"')
    return key if isinstance(key, str) else str(key)


def _path(stack: list[list[Any]]) -> Path:
    return tuple(entry[1] for entry in stack if entry[1] is not None and entry[1] != -1)


def _holder(path: Path) -> Path:
    """The field that holds a too-deep value: its first three steps, without the list positions inside it."""
    path = path[:3]
    while path and isinstance(path[-1], int) and len(path) > 1:
        path = path[:-1]
    return path


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def field_name(path: Path) -> str:
    """A path as an author reads it: figures[2].reported (items counted from 1), at most 60 characters."""
    parts: list[str] = []
    for part in path:
        parts.append(f"[{part + 1}]" if isinstance(part, int) else ("." if parts else "") + part)
    name = "".join(parts)
    name = re.sub(r"[\x00-\x1f\x7f-\x9f]", "?", name)
    return name if len(name) <= 60 else name[:57] + "..."
