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
time, never a build. MkDocs is patched here, in the process that renders (see
mkdocs_hooks.py), and only for builds whose configuration names a cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import sqlite3
import sys
import time
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

FORMAT = "hcweb-render-1"
MAX_AGE_DAYS = 30  # entries not used for this long are removed after a build

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
                    db.execute("CREATE TABLE IF NOT EXISTS entries (kind TEXT, key TEXT, data BLOB, used REAL, PRIMARY KEY (kind, key)) WITHOUT ROWID")
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
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", [(k, key, data, now) for (k, key), data in pending.items()])
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
    for path in root.glob("templates/*"):
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


@dataclass
class _Build:
    """What belongs to the build running in this process; start_build() begins a new one."""

    stats: Stats = field(default_factory=Stats)
    markdown: object | None = None  # one converter, reset between parts (MkDocs makes a new one for every page)
    settings: str | None = None  # what in the configuration changes how Markdown renders, hashed
    nav: str | None = None  # the menu's digest, made when pages are built and every title is known
    steps: list[int] = field(default_factory=lambda: [0, 0])  # progress: done, in all (two a page)


_BUILD = _Build()
_STORES: dict[str, Store] = {}


def stats() -> Stats:
    """What the current build took from the cache and what it rendered."""
    return _BUILD.stats


def store_for(config) -> Store | None:
    """The cache a build's configuration names (``extra.hcweb_cache``), or None."""
    root = (config.get("extra") or {}).get("hcweb_cache")
    if not root:
        return None
    if root not in _STORES:
        _STORES[root] = Store(Path(root))
    return _STORES[root]


# --- Markdown: pages rendered in parts, each part once ---------------------------------------

_RENDERER: str | None = None


def renderer_versions() -> str:
    global _RENDERER
    if _RENDERER is None:
        from importlib.metadata import version

        own = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()  # this module renders the parts
        packages = ";".join(f"{name}={version(name)}" for name in ("Markdown", "mkdocs", "pymdown-extensions"))
        _RENDERER = f"{packages};python={sys.version};hcweb-render={own}"
    return _RENDERER


class _RecordingFiles:
    """Files as MkDocs' link rewriting sees them, remembering every lookup and what it found."""

    def __init__(self, files) -> None:
        self.files = files
        self.seen: dict[str, list | None] = {}

    def get_file_from_path(self, path: str):
        found = self.files.get_file_from_path(path)
        self.seen[path] = describe_file(found)
        return found


def describe_file(file) -> list | None:
    """What a link to ``file`` turns into: its address and whether it is left out of the site."""
    return None if file is None else [file.src_uri, file.url, file.inclusion.is_excluded()]


class _Capture(logging.Handler):
    """The warnings a part gives while it is rendered, to give them again when it comes from the cache."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[list] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append([record.levelno, record.getMessage()])


_PAGES_LOG = "mkdocs.structure.pages"


def _markdown(config):
    if _BUILD.markdown is None:
        import markdown

        _BUILD.markdown = markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"] or {})
    return _BUILD.markdown


def _flat(tokens: list[dict]) -> list[dict]:
    out = []
    for token in tokens:
        out.append({key: value for key, value in token.items() if key != "children"})
        out += _flat(token.get("children", []))
    return out


def _convert(page, config, files, text: str) -> dict:
    """Render one part as MkDocs renders a page, with the same processors."""
    from mkdocs.structure.pages import _ExtractAnchorsTreeprocessor, _ExtractTitleTreeprocessor, _RawHTMLPreprocessor, _RelativePathTreeprocessor

    md = _markdown(config)
    md.reset()
    lookups = _RecordingFiles(files)
    raw_html = _RawHTMLPreprocessor()
    raw_html._register(md)
    anchors = _ExtractAnchorsTreeprocessor(page.file, files, config)
    anchors._register(md)
    relative = _RelativePathTreeprocessor(page.file, lookups, config)
    relative._register(md)
    title = _ExtractTitleTreeprocessor()
    title._register(md)
    capture = _Capture()
    logger = logging.getLogger(_PAGES_LOG)
    logger.addHandler(capture)
    try:
        html = md.convert(text)
    finally:
        logger.removeHandler(capture)
    return {
        "html": html,
        "toc": _flat(getattr(md, "toc_tokens", [])),
        "title": title.title,
        "anchors": sorted(anchors.present_anchor_ids | raw_html.present_anchor_ids),
        "links": {target.src_uri: links for target, links in relative.links_to_anchors.items()},
        "lookups": lookups.seen,
        "warnings": capture.records,
    }


def _part_key(page, config, text: str) -> str:
    if _BUILD.settings is None:
        _BUILD.settings = digest(
            FORMAT, renderer_versions(), config["markdown_extensions"], config["mdx_configs"], str(config["validation"]), config["use_directory_urls"]
        )
    place = f"{_BUILD.settings}\x00{page.file.src_uri}\x00{page.file.url}\x00{page.file.inclusion.is_excluded()}\x00"
    return hashlib.sha256(place.encode("utf-8") + text.encode("utf-8")).hexdigest()


def _without_trailing_blank_lines(text: str) -> str:
    """Blank lines at the end of a part change nothing, and differ from page to page (spaces ending a line do count)."""
    lines = text.split("\n")
    while lines and not lines[-1].strip(" \t"):
        lines.pop()
    return "\n".join(lines) + "\n"


def _cached(page, config, files, text: str, store: Store) -> dict | None:
    """The rendered part from the cache, if its links still lead where they led."""
    entry = store.get_json("parts", _part_key(page, config, _without_trailing_blank_lines(text)))
    if entry is None or not all(describe_file(files.get_file_from_path(path)) == found for path, found in entry.get("lookups", {}).items()):
        return None
    return entry


def _rendered(page, config, files, text: str, store: Store) -> dict:
    text = _without_trailing_blank_lines(text)
    entry = _convert(page, config, files, text)
    _BUILD.stats.parts_rendered += 1
    store.put_json("parts", _part_key(page, config, text), entry)
    return entry


def _ids_collide(entries: list[dict]) -> bool:
    """True when an id is in more than one part: rendered whole, the page would have made it unique."""
    seen: set[str] = set()
    for entry in entries:
        ids = set(_ID.findall(entry["html"]))
        if ids & seen:
            return True
        seen |= ids
    return False


def render_page(page, config, files) -> bool:
    """Page.render from the cache; False when the build names no cache (MkDocs renders as usual)."""
    from markdown.extensions.toc import nest_toc_tokens
    from mkdocs.structure.toc import get_toc

    store = store_for(config)
    if store is None:
        return False
    # What the cache has, in parts (when they are all there and fit together) or whole; the two are the same
    # HTML, so a page rendered whole by one build serves the next, and the other way round.
    split = split_parts(page.markdown)
    found = [_cached(page, config, files, text, store) for text in split] if len(split) > 1 else []
    chosen: list[tuple[dict, bool]] | None = None  # (entry, from the cache)
    if found and all(found) and not _ids_collide(found):
        chosen = [(entry, True) for entry in found]
    if chosen is None and (whole := _cached(page, config, files, page.markdown, store)) is not None:
        chosen = [(whole, True)]
    if chosen is None and found and (config.get("extra") or {}).get("hcweb_parts"):
        # Render the missing parts, for other sites to share (only where a build has several: cutting costs a little).
        chosen = [(entry, True) if entry is not None else (_rendered(page, config, files, text, store), False) for entry, text in zip(found, split, strict=True)]
        if _ids_collide([entry for entry, _ in chosen]):
            chosen = None
    if chosen is None:
        chosen = [(_rendered(page, config, files, page.markdown, store), False)]
    logger = logging.getLogger(_PAGES_LOG)
    for entry, cached in chosen:
        if cached:
            _BUILD.stats.parts_cached += 1
            for level, message in entry.get("warnings", []):
                logger.log(level, message)
    entries = [entry for entry, _ in chosen]
    if len(entries) == 1:
        _BUILD.stats.whole_pages += 1
    page.content = "\n".join(entry["html"] for entry in entries if entry["html"])
    page.toc = get_toc(nest_toc_tokens([dict(token) for entry in entries for token in entry["toc"]]))
    page._title_from_render = entries[0]["title"]
    page.present_anchor_ids = {anchor for entry in entries for anchor in entry["anchors"]}
    if logger.getEffectiveLevel() > logging.DEBUG:
        links: dict = {}
        for entry in entries:
            for src_uri, anchors in entry["links"].items():
                target = files.get_file_from_path(src_uri)
                if target is not None:
                    for anchor, url in anchors.items():
                        links.setdefault(target, {}).setdefault(anchor, url)
        page.links_to_anchors = links
    return True


# --- Pages: the theme renders only pages whose inputs changed ----------------------------------


def nav_digest(nav) -> str:
    """The menu as every page sees it: titles, addresses and order."""

    def walk(items) -> list:
        return [[type(item).__name__, item.title, getattr(item, "url", None), walk(item.children or [])] for item in items]

    return digest(walk(nav.items))


def _toc(items) -> list:
    return [[item.title, item.id, item.level, _toc(item.children)] for item in items]


def page_key(page, config, nav_key: str) -> str | None:
    site = (config.get("extra") or {}).get("hcweb_site")
    if not site:
        return None
    return digest(FORMAT, site, nav_key, page.file.src_uri, page.file.url, page.title, page.meta, page.content, _toc(page.toc))


def cached_build_page(original, page, config, doc_files, nav, env, dirty: bool = False, excluded: bool = False) -> None:
    """mkdocs' _build_page, taking the finished HTML from the cache when nothing it is made from changed.

    Plugins still see every page (the search index is made from all of them).
    """
    from mkdocs import utils
    from mkdocs.commands.build import get_context

    store = store_for(config)
    if _BUILD.nav is None:
        _BUILD.nav = nav_digest(nav)
    key = page_key(page, config, _BUILD.nav) if store is not None and not (dirty or excluded) else None
    cached = store.get("pages", key) if key and store else None
    if cached is None:
        original(page, config, doc_files, nav, env, dirty, excluded)
        if key and store:
            _BUILD.stats.pages_rendered += 1
            try:
                store.put("pages", key, Path(page.file.abs_dest_path).read_bytes())
            except OSError:
                pass
        return
    _BUILD.stats.pages_cached += 1
    config._current_page = page
    try:
        page.active = True
        context = get_context(nav, doc_files, config, page)
        config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        utils.write_file(cached, page.file.abs_dest_path)
    finally:
        page.active = False
        config._current_page = None


# Who hears of the progress of the site being rendered: (site, pages done, pages in all), counted in
# half pages (each page's Markdown, then its page through the theme). Set by site.build in each rendering process.
REPORT: Callable[[str, int, int], None] | None = None


def _step(config, files=None) -> None:
    if REPORT is None:
        return
    steps = _BUILD.steps
    if files is not None and not steps[1]:
        steps[1] = 2 * len(files.documentation_pages())
    steps[0] += 1
    if steps[0] % 25 == 0 or steps[0] == steps[1]:
        REPORT((config.get("extra") or {}).get("hcweb_name") or config["site_name"], steps[0] // 2, steps[1] // 2)


def start_build() -> None:
    """Forget what belonged to the previous build in this process: converter, menu digest, counts."""
    global _BUILD
    finish_build()
    _BUILD = _Build()


def finish_build() -> None:
    """Write what the build put into the cache, and let go of the database."""
    for store in _STORES.values():
        store.close()
    _STORES.clear()


_INSTALLED = False
ORIGINAL: dict[str, Callable] = {}  # MkDocs' own functions, as they were before install()


def install() -> None:
    """Route MkDocs' page rendering and page building through the cache (once per process)."""
    global _INSTALLED
    if _INSTALLED:
        return
    import mkdocs.commands.build as mkdocs_build
    from mkdocs.structure.pages import Page

    original_render = Page.render
    original_build_page = mkdocs_build._build_page
    ORIGINAL["render"] = original_render

    def render(self, config, files):
        if not render_page(self, config, files):
            original_render(self, config, files)
        _step(config, files)

    def build_page(page, config, doc_files, nav, env, dirty=False, excluded=False):
        cached_build_page(original_build_page, page, config, doc_files, nav, env, dirty, excluded)
        _step(config)

    Page.render = render
    mkdocs_build._build_page = build_page
    _INSTALLED = True
