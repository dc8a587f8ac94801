"""Summaries of the helsenorge.no pages national texts link to: title and a short description.

What is stored is plain text, never markup: the page is read with a streaming
parser (linear in the size of the page, so a hostile page cannot stall a sync),
and each value taken from it is made plain text by a full HTML5 parser
(selectolax, as a browser would read it): entities decoded, tags and the content
of scripts removed, whitespace collapsed, length bounded, control characters
refused. Pages escape the text when they show it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from selectolax.lexbor import LexborHTMLParser

from ..documents import LineMap
from ..files import write_atomic
from ..model import NationalText
from ..schema import Schemas
from .fetch import FetchError, read, session, shown_url
from .snapshots import HELSENORGE_DIR, dumps, read_quietly
from .waiting_times import SyncResult

if TYPE_CHECKING:
    from requests import Session

HELSENORGE = "https://www.helsenorge.no"
MAX_SUMMARY = 300
MAX_TITLE = 150
MAX_RAW = 20_000  # characters of a value given to the HTML5 parser: its work grows faster than the text
MAX_ROUNDS = 4  # rounds of decoding: text encoded twice (&amp;lt;b&amp;gt;) needs two
MAX_FILE_NAME = 100
SKIPPED = ("script", "style", "nav", "header", "footer", "template", "noscript")
DROPPED_WITH_CONTENT = ["script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math"]
_MARKUP = re.compile(r"<[A-Za-z/!?]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


class UnusableText(Exception):
    """A value from a page that cannot be stored as plain text; the message says why."""


class _PageReader(HTMLParser):
    """Collects <title>, the meta descriptions and the first real paragraph of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.paragraph = ""
        self._in: str | None = None
        self._buffer: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = values.get("name") or values.get("property")
            if key and values.get("content"):
                self.meta.setdefault(key.lower(), values["content"])
        elif tag in SKIPPED:
            self._skip += 1
        elif tag in ("title", "p") and self._in is None and not self._skip and not (self.title if tag == "title" else self.paragraph):
            self._in, self._buffer = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self._skip:
            self._skip -= 1
        elif tag == self._in:
            text = "".join(self._buffer)
            if tag == "title":
                self.title = text
            elif len(" ".join(text.split())) >= 40:  # a real paragraph, not a caption
                self.paragraph = text
            self._in = None

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        """``<![foo[``, which Python's parser refuses with an AssertionError, is skipped to the next '>' as a browser does."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i + 3)
            return -1 if end < 0 else end + 1

    def handle_data(self, data: str) -> None:
        if self._in and not self._skip and sum(map(len, self._buffer)) < MAX_RAW:
            self._buffer.append(data)


def plain_text(value: str, what: str) -> str:
    """``value`` as plain text on one line; UnusableText when control characters remain or it will not settle."""
    text = value[:MAX_RAW]
    for _ in range(MAX_ROUNDS):
        if not _may_hold_markup(text):
            break
        parsed = _text_of(text)
        if parsed == text:
            break
        text = parsed
    else:
        if _may_hold_markup(text) and _text_of(text) != text:
            raise UnusableText(f"the {what} is still markup after decoding it {MAX_ROUNDS} times")
    text = " ".join(text.split())
    bad = next((ch for ch in text if unicodedata.category(ch) == "Cc" or _BIDI.match(ch)), None)
    if bad is not None:
        raise UnusableText(f"the {what} contains a control character (U+{ord(bad):04X})")
    if _MARKUP.search(text):  # cannot happen once the parser has settled; refuse rather than store it
        raise UnusableText(f"the {what} contains markup")
    return text


def _may_hold_markup(text: str) -> bool:
    return "<" in text or "&" in text or "\0" in text


def _text_of(html: str) -> str:
    """The text a browser shows for ``html``: entities decoded, tags gone, scripts and styles with their content gone."""
    tree = LexborHTMLParser(html)
    tree.strip_tags(DROPPED_WITH_CONTENT)
    body = tree.body
    return body.text(separator="") if body is not None else ""


def _shortened(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:–-") + "…"


def summarise(html: str) -> tuple[str, str] | None:
    """(title, summary) of a page: its meta description, or else its first paragraph, as plain text.

    None when the page has no text to show; UnusableText when what it has cannot be stored.
    """
    reader = _PageReader()
    try:
        reader.feed(html)
        reader.close()
    except (AssertionError, ValueError) as exc:  # the standard library's parser on input it does not expect
        raise UnusableText(f"the page cannot be read as HTML ({type(exc).__name__})") from None
    title = plain_text(reader.meta.get("og:title") or reader.title, "title")
    title = re.sub(r"\s*[|–-]\s*helsenorge(\.no)?\s*$", "", title, flags=re.I)
    summary = ""
    for candidate in (reader.meta.get("description"), reader.meta.get("og:description"), reader.paragraph):
        summary = plain_text(candidate or "", "summary")
        if summary:
            break
    if not title or not summary:
        return None
    return _shortened(title, MAX_TITLE), _shortened(summary, MAX_SUMMARY)


def file_name(url: str) -> str:
    """The snapshot file of ``url``: its path in lowercase letters, digits and hyphens, shortened with a hash when long."""
    try:
        path = urlparse(url).path.strip("/") or "index"
    except ValueError:
        path = url
    name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "index"
    if len(name) > MAX_FILE_NAME:
        name = f"{name[:80].rstrip('-')}-{hashlib.sha256(url.encode()).hexdigest()[:12]}"
    return name + ".json"


def linked_urls(texts: Iterable[NationalText]) -> list[str]:
    """The helsenorge.no pages the published national texts link to."""
    return sorted({entry["url"] for text in texts if not text.is_draft for entry in text.helsenorge})


def sync(root: Path, urls: list[str], schemas: Schemas, today: dt.date, mirror: str | None = None) -> SyncResult:
    """Refresh data/helsenorge/ for ``urls``: each page on its own, so one failure keeps only that page's old summary."""
    result = SyncResult()
    http = session()
    for url in urls:
        source = mirror.rstrip("/") + url[len(HELSENORGE) :] if mirror and url.startswith(HELSENORGE) else url
        try:
            entry = fetch_entry(url, source, http, schemas, today)
        except UnusableText as exc:
            result.fail(f"{shown_url(url)}: {exc}")
            continue
        _store(root / HELSENORGE_DIR / file_name(url), entry, result)
    return result


def fetch_entry(url: str, source: str, http: Session, schemas: Schemas, today: dt.date) -> dict:
    """The checked entry for ``url``, read from ``source``; UnusableText with the reason when there is none."""
    try:
        html = read(source, http).decode("utf-8", errors="replace")
    except FetchError as exc:
        raise UnusableText(exc.reason) from None
    found = summarise(html)
    if found is None:
        raise UnusableText("the page has no title and no description or paragraph to show")
    entry = {"url": url, "title": found[0], "summary": found[1], "fetched": today.isoformat()}
    problems = schemas.validate("helsenorge", entry, url, LineMap())
    if problems:
        raise UnusableText(problems[0].message)
    return entry


def _store(path: Path, entry: dict, result: SyncResult) -> None:
    old = read_quietly(path)
    try:
        write_atomic(path, dumps(entry))
    except OSError as exc:
        result.fail(f"{shown_url(entry['url'])}: {HELSENORGE_DIR}/{path.name} cannot be written ({exc.strerror or type(exc).__name__})")
        return
    if old is None:
        result.added += 1
    elif {k: v for k, v in old.items() if k != "fetched"} == {k: v for k, v in entry.items() if k != "fetched"}:
        result.unchanged += 1
    else:
        result.updated += 1
