"""A content-addressed cache of rendered Markdown and finished pages, shared by every site and process.

Two kinds of entry, each named by a hash of everything that went into it:

- parts: the HTML of one part of a page (when a build has more than one site, pages are cut
  before each level-2 heading; otherwise a page is one part) with its table of contents,
  anchors and links. The key is the part's Markdown, the page's place in the
  site and the renderer's versions; the entry also records every file its links were looked up
  in and what was found, and is only used where the same lookups find the same files. A national
  section is the same Markdown at the same place on every site that shows it, so it is rendered
  once per revision, not once per provider.
- pages: a page's finished HTML, keyed by its rendered content, its metadata and a digest of
  everything the site shares (configuration, menu, design and tool versions). A rebuilt site
  renders through the theme only the pages whose inputs changed.

Entries live in one SQLite database (see Store): processes building at once never see half
an entry; an entry that cannot be read is a miss, and a cache that cannot be written costs
time, never a build. A build uses the cache through the plugin (plugin.py), in a SiteRenderCache
of its own; rendering Markdown as MkDocs does is mkdocs_adapter.py's.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import re
import sqlite3
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

FORMAT = "hcweb-render-2"  # 2: pages hold the theme's HTML before on_post_page
MAX_AGE_DAYS = 30  # entries not used for this long are removed after a build
TEMPLATES = "templates-escaped"  # the theme's compiled templates (Jinja's bytecode cache), compiled with autoescape

# What reaches beyond one block, so that a page with it is rendered whole: reference definitions
# anywhere (also inside lists, quotes and notes), the [TOC] marker, code fences and raw HTML
# (their ends follow rules of their own), and line breaks other than \n.
_WHOLE = re.compile(r"\]:|\[TOC\]|```|~~~|^[ \t>]*<[A-Za-z!/?]|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]", re.MULTILINE)
_ID = re.compile(r"""\sid=["']([^"']+)["']""")


def split_parts(markdown: str) -> list[str]:
    """The page cut before each level-2 heading that follows a blank line; joined, the parts are the page.

    A page with anything that reaches beyond one block (see _WHOLE) is one part.
    """
    if _WHOLE.search(markdown):
        return [markdown]
    parts: list[str] = []
    current: list[str] = []
    previous_blank = True
    for line in markdown.split("\n"):
        if previous_blank and current and (line.startswith("## ") or line == "##"):
            parts.append("\n".join(current) + "\n")
            current = []
        current.append(line)
        previous_blank = not line.strip()
    parts.append("\n".join(current))
    return parts


class Store:
    """Entries in one SQLite database under ``root`` (compressed), written in batches.

    SQLite makes the cache safe for processes building at once (one writer at a time, readers
    never see half a batch) and needs no file per entry: on a national-size build that is tens
    of thousands of files fewer. A database that cannot be opened or read is started afresh
    once; after that, or when it cannot be written, the build goes on without the cache.
    """

    FILE = "render.sqlite"
    BATCH = 400  # entries written per transaction

    def __init__(self, root: Path) -> None:
        self.root = root
        self._db: sqlite3.Connection | None = None
        self._broken = False
        self._pending: dict[tuple[str, str], bytes] = {}
        self._used: set[tuple[str, str]] = set()

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self._broken:
            for attempt in (1, 2):
                try:
                    self.root.mkdir(parents=True, exist_ok=True)
                    db = sqlite3.connect(self.root / self.FILE, timeout=120, isolation_level=None)
                    db.execute("PRAGMA journal_mode=WAL")
                    db.execute("PRAGMA synchronous=NORMAL")
                    db.execute(
                        "CREATE TABLE IF NOT EXISTS entries (kind TEXT, key TEXT, data BLOB, used REAL, PRIMARY KEY (kind, key)) WITHOUT ROWID"
                    )
                    self._db = db
                    break
                except sqlite3.DatabaseError as exc:
                    if attempt == 2 or getattr(exc, "sqlite_errorname", "") not in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
                        self._broken = True
                        break
                    self._discard()  # damaged, and so used by no one: start afresh
                except (sqlite3.Error, OSError):
                    self._broken = True  # locked for too long, no space, no folder: go on without the cache
                    break
        return self._db

    def _discard(self) -> None:
        """Remove a damaged database (it is only a cache)."""
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                (self.root / (self.FILE + suffix)).unlink()

    def get(self, kind: str, key: str) -> bytes | None:
        if (kind, key) in self._pending:
            return zlib.decompress(self._pending[kind, key])
        db = self._connect()
        if db is None:
            return None
        try:
            row = db.execute("SELECT data FROM entries WHERE kind = ? AND key = ?", (kind, key)).fetchone()
            data = zlib.decompress(row[0]) if row else None
        except (sqlite3.Error, zlib.error, TypeError):
            return None
        if data is not None:
            self._used.add((kind, key))
        return data

    def put(self, kind: str, key: str, data: bytes) -> None:
        if self._broken:
            return
        self._pending[kind, key] = zlib.compress(data, 1)
        if len(self._pending) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the entries put since the last flush, and when the ones read were used."""
        db = self._connect()
        pending, used = self._pending, self._used
        self._pending, self._used = {}, set()
        if db is None or not (pending or used):
            return
        now = time.time()
        try:
            with db:
                db.execute("BEGIN IMMEDIATE")
                db.executemany(
                    "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", [(k, key, data, now) for (k, key), data in pending.items()]
                )
                db.executemany("UPDATE entries SET used = ? WHERE kind = ? AND key = ?", [(now, k, key) for k, key in used])
        except sqlite3.Error:
            self._broken = True  # e.g. a full disk: the rest of this build goes without the cache

    def prune(self, max_age_days: int) -> int:
        db = self._connect()
        if db is None:
            return 0
        try:
            with db:
                return db.execute("DELETE FROM entries WHERE used < ?", (time.time() - max_age_days * 86400,)).rowcount
        except sqlite3.Error:
            return 0

    def close(self) -> None:
        self.flush()
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None

    def get_json(self, kind: str, key: str) -> dict | None:
        data = self.get(kind, key)
        if data is None:
            return None
        try:
            value = json.loads(data)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def put_json(self, kind: str, key: str, value: dict) -> None:
        self.put(kind, key, json.dumps(value, ensure_ascii=False).encode("utf-8"))


def prune(root: Path, max_age_days: int = MAX_AGE_DAYS, every_hours: float = 24) -> int:
    """Remove entries and compiled templates not used for ``max_age_days``; returns how many.

    Looks at most once every ``every_hours``.
    """
    stamp = root / "pruned"
    now = time.time()
    try:
        if now - stamp.stat().st_mtime < every_hours * 3600:
            return 0
    except OSError:
        pass
    if not root.is_dir():
        return 0
    store = Store(root)
    removed = store.prune(max_age_days)
    store.close()
    for path in root.glob(f"{TEMPLATES}/*"):
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime > max_age_days * 86400:
                path.unlink()
                removed += 1
    with contextlib.suppress(OSError):
        stamp.touch()
    return removed


def digest(*values) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()


@dataclass
class Stats:
    """What one site's build took from the cache and what it rendered."""

    parts_cached: int = 0
    parts_rendered: int = 0
    pages_cached: int = 0
    pages_rendered: int = 0
    whole_pages: int = 0  # pages rendered in one part (see split_parts)

    def as_dict(self) -> dict:
        return asdict(self)


# --- One site's build through the cache ---------------------------------------------------------


class SiteRenderCache:
    """The render cache as one build of one site uses it; the plugin makes one per build (plugin.py).

    Markdown: each page's parts (or the page whole) come from the cache where it has them; the others
    are rendered (mkdocs_adapter.Converter) and kept. Pages: the theme's HTML of a page whose inputs
    did not change comes from the cache; the others are rendered through the theme and kept.
    """

    def __init__(self, store: Store, site: str = "", parts: bool = False) -> None:
        self.store = store
        self.site = site  # a digest of everything the site's pages share (settings, design, versions); "": no page cache
        self.parts = parts  # render missing parts one by one, for the other sites of the build to share
        self.stats = Stats()
        self._converter = None  # one for the build (mkdocs_adapter.Converter), made when first needed
        self._settings: str | None = None  # what in the configuration changes how Markdown renders, hashed
        self._page_keys: dict[str, str] = {}  # source path -> key of the page's HTML (find_pages)

    # Markdown: pages rendered in parts, each part once

    def render(self, page, text: str, config, files) -> list[dict]:
        """``text``, the Markdown of ``page``, as rendered parts that make it up in order (mkdocs_adapter.apply).

        The cache has a page in parts (when they are all there and fit together) or whole; the two are
        the same HTML, so a page rendered whole by one build serves the next, and the other way round.
        """
        split = split_parts(text)
        found = [self._cached(page, config, files, part) for part in split] if len(split) > 1 else []
        chosen: list[tuple[dict, bool]] | None = None  # (entry, from the cache)
        if found and all(found) and not _ids_collide(found):
            chosen = [(entry, True) for entry in found]
        if chosen is None and (whole := self._cached(page, config, files, text)) is not None:
            chosen = [(whole, True)]
        if chosen is None and found and self.parts:
            # Render the missing parts, for other sites to share (only where a build has several: cutting costs a little).
            chosen = [
                (entry, True) if entry is not None else (self._rendered(page, config, files, part), False)
                for entry, part in zip(found, split, strict=True)
            ]
            if _ids_collide([entry for entry, _ in chosen]):
                chosen = None
        if chosen is None:
            chosen = [(self._rendered(page, config, files, text), False)]
        return self._counted(chosen)

    def _counted(self, chosen: list[tuple[dict, bool]]) -> list[dict]:
        """The entries, counted; the warnings of those from the cache given again, as rendering gave them."""
        from .mkdocs_adapter import PAGES_LOG

        logger = logging.getLogger(PAGES_LOG)
        for entry, cached in chosen:
            if cached:
                self.stats.parts_cached += 1
                for level, message in entry.get("warnings", []):
                    logger.log(level, message)
        if len(chosen) == 1:
            self.stats.whole_pages += 1
        return [entry for entry, _ in chosen]

    def _cached(self, page, config, files, text: str) -> dict | None:
        """The rendered part from the cache, if its links still lead where they led."""
        from .mkdocs_adapter import describe_file

        entry = self.store.get_json("parts", self._part_key(page, config, _without_trailing_blank_lines(text)))
        if entry is None or not all(
            describe_file(files.get_file_from_path(path)) == found for path, found in entry.get("lookups", {}).items()
        ):
            return None
        return entry

    def _rendered(self, page, config, files, text: str) -> dict:
        from .mkdocs_adapter import Converter

        if self._converter is None:
            self._converter = Converter(config)
        text = _without_trailing_blank_lines(text)
        entry = self._converter.convert(page, files, text)
        self.stats.parts_rendered += 1
        self.store.put_json("parts", self._part_key(page, config, text), entry)
        return entry

    def _part_key(self, page, config, text: str) -> str:
        if self._settings is None:
            self._settings = digest(
                FORMAT,
                renderer_versions(),
                config["markdown_extensions"],
                config["mdx_configs"],
                str(config["validation"]),
                config["use_directory_urls"],
            )
        place = f"{self._settings}\x00{page.file.src_uri}\x00{page.file.url}\x00{page.file.inclusion.is_excluded()}\x00"
        return hashlib.sha256(place.encode("utf-8") + text.encode("utf-8")).hexdigest()

    # Pages: the theme renders only pages whose inputs changed

    def find_pages(self, pages: list, nav) -> list:
        """The pages whose HTML can come from the cache (not those left out of the site), each keyed now,
        before anything changes them on their way through the theme."""
        if not self.site:
            return []
        nav_key = nav_digest(nav)
        found = [page for page in pages if not page.file.inclusion.is_excluded()]
        for page in found:
            self._page_keys[page.file.src_uri] = page_key(page, self.site, nav_key)
        return found

    def page_html(self, page, render: Callable[[], str]) -> str:
        """The page's HTML through the theme: from the cache, or from ``render`` (and then kept)."""
        key = self._page_keys[page.file.src_uri]
        data = self.store.get("pages", key)
        if data is not None:
            with contextlib.suppress(UnicodeDecodeError):
                html = data.decode("utf-8", "surrogatepass")
                self.stats.pages_cached += 1
                return html
        html = render()
        self.stats.pages_rendered += 1
        self.store.put("pages", key, html.encode("utf-8", "surrogatepass"))
        return html

    def close(self) -> None:
        """Write what the build put into the cache, and let go of the database."""
        self.store.close()


@functools.cache
def renderer_versions() -> str:
    """The versions of what renders a part: Markdown, MkDocs, the extensions, Python and hcweb's code that renders."""
    from importlib.metadata import version

    own = hashlib.sha256()
    for name in ("render_cache.py", "mkdocs_adapter.py"):
        own.update(Path(__file__).with_name(name).read_bytes())
    packages = ";".join(f"{name}={version(name)}" for name in ("Markdown", "mkdocs", "pymdown-extensions"))
    return f"{packages};python={sys.version};hcweb-render={own.hexdigest()}"


def _without_trailing_blank_lines(text: str) -> str:
    """Blank lines at the end of a part change nothing, and differ from page to page (spaces ending a line do count)."""
    lines = text.split("\n")
    while lines and not lines[-1].strip(" \t"):
        lines.pop()
    return "\n".join(lines) + "\n"


def _ids_collide(entries: list[dict]) -> bool:
    """True when an id is in more than one part: rendered whole, the page would have made it unique."""
    seen: set[str] = set()
    for entry in entries:
        ids = set(_ID.findall(entry["html"]))
        if ids & seen:
            return True
        seen |= ids
    return False


def nav_digest(nav) -> str:
    """The menu as every page sees it: titles, addresses and order."""

    def walk(items) -> list:
        return [[type(item).__name__, item.title, getattr(item, "url", None), walk(item.children or [])] for item in items]

    return digest(walk(nav.items))


def _toc(items) -> list:
    return [[item.title, item.id, item.level, _toc(item.children)] for item in items]


def page_key(page, site: str, nav_key: str) -> str:
    """What a page's HTML through the theme is made from: the site, the menu, the page's place, metadata and content."""
    return digest(FORMAT, site, nav_key, page.file.src_uri, page.file.url, page.title, page.meta, page.content, _toc(page.toc))


# --- For callers of the version that patched MkDocs (tests/test_render_cache.py) -----------------
# Nothing is patched any more: builds render through the plugin (plugin.py). These render one page
# through the cache its configuration names, in a SiteRenderCache of its own.


def render_page(page, config, files) -> bool:
    """Render ``page`` as Page.render does, through the cache in ``extra.hcweb_cache``; False when none is named."""
    from .mkdocs_adapter import apply

    extra = config.get("extra") or {}
    if not extra.get("hcweb_cache"):
        return False
    cache = SiteRenderCache(Store(Path(extra["hcweb_cache"])), parts=bool(extra.get("hcweb_parts")))
    try:
        apply(page, cache.render(page, page.markdown, config, files), files)
    finally:
        cache.close()
    return True


def install() -> None:
    """Nothing to install: MkDocs is no longer patched."""


def start_build() -> None:
    """Nothing to reset: each build's state is its own SiteRenderCache."""


def __getattr__(name: str):
    if name == "ORIGINAL":  # MkDocs' own page rendering, which is no longer replaced
        from mkdocs.structure.pages import Page

        return {"render": Page.render}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
