"""What an approval covers, as hashes: pure functions of the text, no git and no file system.

- A national text's **revision** covers its body and every front-matter field a
  reader sees on a page or in the open-data export, never ``reviewed`` or ``approved``.
- A local file's **local hash** (an overlay or a provider page) covers its body,
  its shown front matter and, for an overlay, the body of every snippet it
  includes, directly or through other snippets.

Both are 12 hexadecimal characters of a SHA-256 over a canonical form: line
endings are normalised and the fields are written as sorted JSON, so neither
key order nor YAML quoting changes a hash, and any change of a shown word does.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from .sections import directives

# The front-matter fields a reader sees, per kind of file (README: "What an approval covers").
NATIONAL_SHOWN = ("title", "summary", "responsible", "owner", "type", "helsenorge", "choose_location", "specialty")
OVERLAY_SHOWN = ("uses", "title", "department", "locations")
PAGE_SHOWN = ("title", "summary", "responsible")
# A translation shows its own title, summary and body; ``translates`` (the source revision it renders) is part of
# what its approval covers. Owner, responsible, type, specialty, helsenorge and choose_location are the source's.
TRANSLATION_SHOWN = ("title", "summary", "translates")

HASH = re.compile(r"^[0-9a-f]{12}$")
_SNIPPET = re.compile(r"^snippets/(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)$")

# A snippet's body by name, or None when the provider has no such snippet.
SnippetReader = Callable[[str], "str | None"]


def normalised(body: str) -> str:
    """``body`` with every line ending written as \\n: what the hashes see."""
    return body.replace("\r\n", "\n").replace("\r", "\n")


def _digest(parts: Iterable[str]) -> str:
    sha = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        sha.update(len(data).to_bytes(8, "big"))  # length-prefixed: no two lists of parts read the same
        sha.update(data)
    return sha.hexdigest()[:12]


def shown_fields(meta: Any, fields: tuple[str, ...]) -> str:
    """The shown fields of ``meta`` as canonical JSON (absent fields left out)."""
    data = meta if isinstance(meta, dict) else {}
    chosen = {key: data[key] for key in fields if key in data and data[key] is not None}
    return json.dumps(chosen, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def national_revision(meta: Any, body: str) -> str:
    """The revision hash of a national text: its shown front matter and its body."""
    return _digest(("national", shown_fields(meta, NATIONAL_SHOWN), normalised(body)))


def translation_revision(meta: Any, body: str, language: str) -> str:
    """The revision hash of a translation of a national text: its language, shown front matter and body."""
    return _digest(("translation", language, shown_fields(meta, TRANSLATION_SHOWN), normalised(body)))


def page_local(meta: Any, body: str) -> str:
    """The local hash of a provider's own page: its shown front matter and its body."""
    return _digest(("page", shown_fields(meta, PAGE_SHOWN), normalised(body)))


def included_snippets(body: str, read_snippet: SnippetReader) -> list[tuple[str, str]]:
    """(name, body) of every snippet ``body`` includes, directly or through snippets, each once, sorted by name.

    A missing snippet is left out (it is an error of its own); cycles end where they close.
    """
    found: dict[str, str] = {}
    pending = [body]
    while pending:
        for directive in directives(pending.pop(), 1):
            match = _SNIPPET.match(directive.target)
            if match is None or match.group("name") in found:
                continue
            snippet = read_snippet(match.group("name"))
            if snippet is not None:
                found[match.group("name")] = snippet
                pending.append(snippet)
    return sorted(found.items())


def overlay_local(meta: Any, body: str, read_snippet: SnippetReader) -> str:
    """The local hash of an overlay: its shown front matter, its body and the snippets it includes."""
    parts = ["overlay", shown_fields(meta, OVERLAY_SHOWN), normalised(body)]
    for name, snippet in included_snippets(body, read_snippet):
        parts += [name, normalised(snippet)]
    return _digest(parts)
