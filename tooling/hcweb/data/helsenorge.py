"""Summaries of the helsenorge.no pages national texts link to: title and a short description."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

from ..documents import LineMap
from ..files import write_atomic
from ..repo import Content
from ..schema import Schemas
from .fetch import FetchError, read, session
from .snapshots import HELSENORGE_DIR
from .waiting_times import SyncResult

HELSENORGE = "https://www.helsenorge.no"
MAX_SUMMARY = 300


class _PageReader(HTMLParser):
    """Collects <title>, the meta descriptions and the first paragraph of a page."""

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
        elif tag in ("script", "style", "nav", "header", "footer"):
            self._skip += 1
        elif tag in ("title", "p") and self._in is None and not self._skip:
            if tag == "title" and not self.title or tag == "p" and not self.paragraph:
                self._in, self._buffer = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "nav", "header", "footer") and self._skip:
            self._skip -= 1
        elif tag == self._in:
            text = " ".join("".join(self._buffer).split())
            if tag == "title":
                self.title = text
            elif len(text) >= 40:  # a real paragraph, not a caption
                self.paragraph = text
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buffer.append(data)


def summarise(html: str) -> tuple[str, str] | None:
    """(title, summary) of a page: its meta description, or else its first paragraph."""
    reader = _PageReader()
    reader.feed(html)
    title = reader.meta.get("og:title") or reader.title
    summary = reader.meta.get("description") or reader.meta.get("og:description") or reader.paragraph
    title = re.sub(r"\s*[|–-]\s*helsenorge(\.no)?\s*$", "", " ".join(title.split()), flags=re.I)
    summary = " ".join(summary.split())
    if not title or not summary:
        return None
    if len(summary) > MAX_SUMMARY:
        summary = summary[: MAX_SUMMARY - 1].rsplit(" ", 1)[0] + "…"
    return title, summary


def file_name(url: str) -> str:
    path = urlparse(url).path.strip("/") or "index"
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") + ".json"


def linked_urls(content: Content) -> list[str]:
    return sorted({entry["url"] for text in content.national.values() if not text.is_draft for entry in text.helsenorge})


def sync(root: Path, content: Content, schemas: Schemas, today: dt.date, mirror: str | None = None) -> SyncResult:
    """Refresh data/helsenorge/: each page on its own, so one failure keeps only that page's old summary."""
    result = SyncResult()
    http = session()
    folder = root / HELSENORGE_DIR
    for url in linked_urls(content):
        source = mirror.rstrip("/") + url[len(HELSENORGE):] if mirror and url.startswith(HELSENORGE) else url
        try:
            html = read(source, http).decode("utf-8", errors="replace")
        except FetchError as exc:
            result.failed.append(f"{url}: {str(exc).split(': ', 1)[-1]}")
            continue
        found = summarise(html)
        if found is None:
            result.failed.append(f"{url}: the page has no title and no description or paragraph to show")
            continue
        entry = {"url": url, "title": found[0], "summary": found[1], "fetched": today.isoformat()}
        problems = schemas.validate("helsenorge", entry, url, LineMap())
        if problems:
            result.failed.append(f"{url}: {problems[0].message}")
            continue
        path = folder / file_name(url)
        old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
        if old is None:
            result.added += 1
        elif {k: v for k, v in old.items() if k != "fetched"} == {k: v for k, v in entry.items() if k != "fetched"}:
            result.unchanged += 1
        else:
            result.updated += 1
        write_atomic(path, json.dumps(entry, ensure_ascii=False, indent=2) + "\n")
    return result
