"""Recording an approval in a file's front matter, changing nothing else in the file.

The edit is made on the text, guided by the YAML parser's positions: the values
of ``approved.by`` and ``approved.on`` are replaced where they stand and the
tool-owned ``revisions`` block is rewritten; comments, key order, quoting and
the body stay byte for byte.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .diagnostics import Diagnostic
from .documents import ContentLoader
from .errors import HcwebError
from .files import write_atomic
from .model import NationalText, Overlay, is_plausible
from .repo import Content, Repository
from .resolve import expand_overlay

_PLAIN_SAFE = re.compile(r"^[A-Za-zÀ-ÿ0-9][^:#\n]*[^\s:#]$|^[A-Za-zÀ-ÿ]$")


@dataclass
class Approved:
    rel: str
    by: str
    on: dt.date
    revisions: dict[str, str]
    changed: bool


def scalar(value: str) -> str:
    """A YAML scalar for ``value`` that reads back as the same text."""
    if _PLAIN_SAFE.match(value) and yaml.load(value, Loader=ContentLoader) == value:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class BadArgument(HcwebError):
    """The command line names a file that cannot be approved, or an impossible date (a usage problem: exit 2)."""

    exit_code = 2


# Problems that leave a file unread or half read: it cannot be approved until they are fixed.
UNREADABLE = ("yaml", "front-matter", "encoding", "unreadable", "outside-root", "link", "invisible-character", "file-too-large")


def find_document(content: Content, rel: str) -> NationalText | Overlay:
    """The national text or overlay at ``rel``; BadArgument (a usage error) for any other file.

    A file that is there but could not be read is reported with the reason, at its line.
    """
    for text in content.national.values():
        if text.rel == rel:
            return text
    for provider in content.providers.values():
        for overlay in provider.overlays:
            if overlay.rel == rel:
                return overlay
    unread = unreadable_problems(content, rel)
    if unread:
        first = unread[0]
        raise HcwebError(f"{first.path}:{first.line}: {first.message}")
    raise BadArgument(f"{rel} is not a national text or a local overlay")


def unreadable_problems(content: Content, rel: str) -> list[Diagnostic]:
    """The problems that kept the file ``rel`` from being read whole."""
    return [p for p in content.problems if p.path == rel and p.code.startswith(UNREADABLE)]


def approve(repo: Repository, path: Path, by: str, on: dt.date, today: dt.date) -> Approved:
    rel = repo.argument_rel(path)
    content = repo.load()
    document = find_document(content, rel)
    own_problems = unreadable_problems(content, rel)
    if own_problems:
        first = own_problems[0]
        raise HcwebError(f"{first.path}:{first.line}: {first.message} (fix the file before approving it)")
    if on > today:
        raise HcwebError(f"the approval date {on.isoformat()} is in the future")
    if not is_plausible(on):
        raise BadArgument(f"the approval date {on.isoformat()} is not plausible; give a date between 1900 and 2099")
    if isinstance(document, NationalText):
        provider = content.providers.get(document.owner or "")
        revisions: dict[str, str] | None = None
    else:
        provider = content.providers[document.provider_id]
        expansion = expand_overlay(content, provider, document)
        if expansion.problems:
            first = expansion.problems[0]
            raise HcwebError(f"{first.path}:{first.line}: {first.message} (fix the includes before approving)")
        revisions = {text_id: content.national[text_id].revision for text_id in sorted(expansion.included)}
    if provider is None:
        raise HcwebError(f"{rel}: its owner is not a provider, so nobody can approve it")
    if provider.expert(by) is None:
        experts = ", ".join(e.name for e in provider.experts) or "none listed"
        raise HcwebError(f"'{by}' is not an expert of {provider.name} (its experts: {experts})")
    target = repo.root / rel
    original = target.read_bytes().decode("utf-8")
    updated = record_in_text(original, rel, by, on, revisions)
    if updated != original:
        write_atomic(target, updated)
    return Approved(rel, by, on, revisions or {}, updated != original)


def record_in_text(text: str, rel: str, by: str, on: dt.date, revisions: dict[str, str] | None) -> str:
    """``text`` with the approval recorded; a byte-order mark and old Mac line endings (CR alone) are kept."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text[len(bom) :]
    cr_only = "\r" in text and "\n" not in text
    if cr_only:  # edited with \n line endings, written back with \r (the file had no \n to lose)
        text = text.replace("\r", "\n")
    updated = _edit_front_matter(text, rel, by, on, revisions)
    if cr_only:
        updated = updated.replace("\n", "\r")
    return bom + updated


def _edit_front_matter(text: str, rel: str, by: str, on: dt.date, revisions: dict[str, str] | None) -> str:
    if not text.startswith("---") or "\n" not in text:
        raise HcwebError(f"{rel}:1: the file has no front matter to record the approval in")
    newline = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
    first_end = text.index("\n") + 1
    closing = re.search(r"^(---|\.\.\.)[ \t]*\r?$", text[first_end:], re.M)
    if closing is None:
        raise HcwebError(f"{rel}:1: the file has no front matter to record the approval in")
    fm_start, fm_end = first_end, first_end + closing.start()
    front = text[fm_start:fm_end]
    root = yaml.compose(front, Loader=ContentLoader)
    if not isinstance(root, yaml.MappingNode):
        raise HcwebError(f"{rel}:2: the front matter must be a list of 'key: value' lines")
    approved = _value(root, "approved")
    if approved is None or not isinstance(approved, yaml.MappingNode) or approved.flow_style:
        block = _approved_block(by, on, revisions, "  ", newline)
        if approved is None:
            suffix = "" if front.endswith("\n") or not front else newline
            front = front + suffix + "approved:" + newline + block
        else:
            key = _key(root, "approved")
            start = _line_start(front, key.start_mark.index)
            end = _block_end(front, approved, key.start_mark.column)
            front = front[:start] + "approved:" + newline + block + front[end:]
        return text[:fm_start] + front + text[fm_end:]
    indent = " " * approved.start_mark.column
    edits: list[tuple[int, int, str]] = []
    for key, new in (("by", scalar(by)), ("on", on.isoformat())):
        node = _value(approved, key)
        if node is not None and isinstance(node, yaml.ScalarNode):
            edits.append((node.start_mark.index, node.end_mark.index, new))
        elif node is None:
            at = _line_start(front, approved.start_mark.index)
            edits.append((at, at, f"{indent}{key}: {new}{newline}"))
    if revisions is not None:
        lines = [f"{indent}revisions:"] + [f"{indent}  {k}: {scalar(v)}" for k, v in revisions.items()]
        if not revisions:
            lines = [f"{indent}revisions: {{}}"]
        replacement = newline.join(lines) + newline
        key = _key(approved, "revisions")
        if key is None:
            at = _block_end(front, approved, _key(root, "approved").start_mark.column)
            edits.append((at, at, replacement))
        else:
            value = _value(approved, "revisions")
            start = _line_start(front, key.start_mark.index)
            end = _block_end(front, value, key.start_mark.column)
            edits.append((start, end, replacement))
    for start, end, new in sorted(edits, reverse=True):
        front = front[:start] + new + front[end:]
    return text[:fm_start] + front + text[fm_end:]


def _key(mapping: yaml.MappingNode, name: str) -> yaml.Node | None:
    return next((k for k, _ in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == name), None)


def _value(mapping: yaml.MappingNode, name: str) -> yaml.Node | None:
    return next((v for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == name), None)


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end == -1 else end + 1


def _block_end(text: str, node: yaml.Node, key_column: int | None = None) -> int:
    """The end of the lines that belong to ``node``: up to the next line indented no deeper than its key."""
    column = key_column if key_column is not None else node.start_mark.column
    position = _line_end(text, node.start_mark.index)
    while position < len(text):
        end = _line_end(text, position)
        line = text[position:end]
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and len(line) - len(line.lstrip(" ")) <= column:
            break
        position = end
    return position


def _approved_block(by: str, on: dt.date, revisions: dict[str, str] | None, indent: str, newline: str) -> str:
    lines = [f"{indent}by: {scalar(by)}", f"{indent}on: {on.isoformat()}"]
    if revisions is not None:
        lines.append(f"{indent}revisions:" if revisions else f"{indent}revisions: {{}}")
        lines += [f"{indent}  {k}: {scalar(v)}" for k, v in revisions.items()]
    return newline.join(lines) + newline
