"""A provider's site kept in memory between builds of a preview, so that a saved edit of one page renders that page alone.

After a full build, a LiveSite holds what the build was made from: the loaded content, the merged pages,
and MkDocs' configuration, files, menu and theme with hcweb's plugin (mkdocs_adapter.open_site). When the
only files that changed are overlays or own pages of the provider, and what changed leaves everything
other pages show as it was (outline: every field of the merged page but its own text), update() reads and
checks those files, merges and renders those pages again, writes them into the published site (each file
replaced in one step) and updates the search index and the open-data export. Whatever else changed, or
when in doubt, it answers FULL: the caller builds the site as a whole again.

Every step is the one the full build takes (the loader's schemas, the checks validate runs, site_pages'
merging, write_docs, MkDocs with hcweb's plugin (which adds the Content-Security-Policy), add_word_forms,
write_open_data): tests/test_serve_fast.py proves the result byte-identical to a full build.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import json
import logging
import os
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .. import checks, urls
from ..checks import approvals, html, media, overlays
from ..diagnostics import Diagnostic
from ..errors import ContentErrors
from ..media import image_refs
from ..model import Overlay, ProviderPage
from ..repo import Content, Repository
from ..urls import split_language
from .build import StagedSite, design_digest, provider_site, site_inputs, stage, write_docs, write_open_data
from .mkdocs_adapter import OpenSite, open_site, render_again
from .outputs import SITE_FILE_MODE, OutputFolder
from .pages import Page, SiteContext, national_page, provider_page
from .search import add_terms, add_word_forms, index_json, site_words, tag_words
from .security import page_problems

FOLDER = ".hcweb-live"  # in the output folder: the live site's staged Markdown, and what MkDocs renders there
FULL = None  # update()'s answer when the site must be built as a whole
WATCHED_FOLDERS = ("content", "overrides", "data", "schemas")
# Checks of one document alone (run on the provider with only the changed documents); the other families
# compare documents with each other and run on the whole content. national: no national text changed.
ONE_DOCUMENT = (overlays, approvals, html, media)
WHOLE_CONTENT = (checks.providers, checks.translations, checks.site, checks.redirects, checks.data, checks.links)


@dataclass
class Update:
    pages: list[str]  # addresses of the pages rendered again
    seconds: float


class LiveSite:
    """One provider's site as its last full build made it, in memory; update() renders single pages again."""

    def __init__(self, repo: Repository, provider_id: str, output: OutputFolder, today: dt.date) -> None:
        self.repo, self.provider_id, self.output, self.today = repo, provider_id, output, today
        self.content: Content
        self.context: SiteContext
        self.pages: list[Page] = []
        self.staged: StagedSite
        self.mkdocs: OpenSite
        self.search: dict = {}  # the search index as MkDocs wrote it, before hcweb's terms (search.add_word_forms)
        self.published: dict = {}  # and as it is published, with them
        self.site_words: Counter = Counter()  # each word of the index (search.site_words), in how many entries
        self.tag_words: set[str] = set()  # the words of the pages' tags, which search.add_word_forms knows too
        self.terms_everywhere = False  # whether the last update found every page's search terms again
        self.media: set[str] = set()  # the images the site shows
        self.known: set[str] = set()  # every file under the watched folders when the site was opened
        self.known_folders: set[str] = set()  # and every folder they are in
        self.failed: set[str] = set()  # changed files whose last version had errors: read and checked again next time

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, repo: Repository, provider_id: str, out_dir: Path, today: dt.date) -> LiveSite | None:
        """The published site of ``provider_id`` in OUT, when the content now is exactly what it was built from; else None."""
        site = cls(repo, provider_id, OutputFolder(out_dir), today)
        return site if site._open() else None

    def _open(self) -> bool:
        repo, output = self.repo, self.output
        index = output.site(self.provider_id) / urls.SEARCH_INDEX
        recorded = output.site_inputs(self.provider_id)
        if recorded is None or not index.is_file():
            return False
        self.known = _files_under(repo.root)
        self.known_folders = {rel.rsplit("/", i)[0] for rel in self.known for i in range(1, rel.count("/") + 1)}
        self.content = repo.load(only_provider=self.provider_id)
        if self.provider_id not in self.content.providers:
            return False
        self.context = SiteContext(self.content, self.content.providers[self.provider_id], repo.git, self.today, approved_only=False)
        spec = provider_site(self.context, repo.overrides_dir)
        media_dir = repo.content_dir / "media"
        if site_inputs(spec, media_dir, design_digest(repo.overrides_dir)) != recorded:
            return False  # a file changed while the site was built: the next change builds it whole again
        self.pages = list(spec.pages)
        self.media = set(spec.used_media())
        folder = output.path / FOLDER
        shutil.rmtree(folder, ignore_errors=True)
        self.staged = stage(spec, folder, media_dir)  # no render cache: a page is rendered here, in this process
        with _mkdocs_warnings():
            self.mkdocs = open_site(str(write_docs(self.staged)))
        self.published = json.loads(index.read_text(encoding="utf-8"))
        self.search = copy.deepcopy(self.published)
        for doc in self.search.get("docs", []):
            doc.pop("tags", None)  # hcweb's terms (add_word_forms); MkDocs' entries of these pages have none
            doc.pop("boost", None)
            self.site_words.update(site_words({"docs": [doc]}))
        self.tag_words = tag_words(self.pages)
        return True

    # --- one change ------------------------------------------------------------------------

    def update(self, paths: set[Path]) -> Update | None:
        """Render again the pages of the changed files ``paths``; FULL (None) when the site must be built whole.

        ContentErrors when a changed file has errors: nothing is written, and the file is read again next time.
        """
        started = time.perf_counter()
        rels = self._documents(paths)
        if rels is FULL:
            return FULL
        rels |= self.failed
        if not rels:
            return Update([], 0.0)
        provider = self.context.provider
        old = {rel: _document(provider, rel) for rel in rels}
        if any(doc is None or not self._alone(doc) for doc in old.values()):
            return FULL
        problems: list[Diagnostic] = []
        new = {rel: self._read(doc, problems) for rel, doc in old.items()}
        if any(doc is None for doc in new.values()):
            self.failed = set(rels)
            raise ContentErrors(sorted(set(problems)), "build")
        self._swap(new)
        found = sorted(set(problems + self._check(set(rels))))
        if any(d.is_error for d in found):
            self._swap(old)
            self.failed = set(rels)
            raise ContentErrors(found, "build")
        self.failed = set()
        merged = {rel: self._merge(doc) for rel, doc in new.items()}
        by_path = {page.path: index for index, page in enumerate(self.pages)}
        for page in merged.values():
            index = by_path.get(page.path)
            if index is None or outline(self.pages[index]) != outline(page):
                return FULL  # what other pages show changed (a title, an address, locations, ...)
            if any(ref.path not in self.media for ref in image_refs(page.markdown, 1)):
                return FULL  # an image the site does not have yet
            if not any(_is_entry_of(doc, page.url.lstrip("/")) for doc in self.search.get("docs", [])):
                return FULL  # a page the search does not know: where its entries go is the full build's to say
        pages = list(self.pages)
        for page in merged.values():
            pages[by_path[page.path]] = page
        self._publish(pages, list(merged.values()))
        self.pages = pages
        return Update([page.url for page in merged.values()], time.perf_counter() - started)

    def _documents(self, paths: set[Path]) -> set[str] | None:
        """The overlays and pages of the provider among the changed ``paths``; FULL when anything else changed."""
        found: set[str] = set()
        prefix = f"content/providers/{self.provider_id}/"
        for path in paths:
            try:
                rel = path.relative_to(self.repo.root).as_posix()
            except ValueError:
                return FULL
            exists = path.is_file() and not path.is_symlink()
            if not exists and rel not in self.known and not path.is_dir():
                continue  # a file an editor wrote and removed again while saving
            if path.is_dir() and rel in self.known_folders:
                continue  # a folder's own time changed with a file in it
            if not (exists and rel in self.known and rel.startswith(prefix) and rel.endswith(".md")):
                return FULL
            found.add(rel)
        return found

    def _alone(self, doc) -> bool:
        """Whether the document's page has no versions in other languages (they point at each other: built whole)."""
        provider = self.context.provider
        if isinstance(doc, Overlay):
            return doc.language is None and not any(o.original is doc for o in provider.overlays)
        return doc.language is None and sum(1 for p in provider.pages if p.path == doc.path) == 1

    def _read(self, doc: Overlay | ProviderPage, problems: list[Diagnostic]) -> Overlay | ProviderPage | None:
        """The document read again, as Repository.load reads it (schema included); None when it cannot be read."""
        repo, content, provider = self.repo, self.content, self.context.provider
        path = repo.root / doc.rel
        before = len(problems)
        if isinstance(doc, Overlay):
            source = repo.read_markdown(path, "overlay", problems)
            if source is None:
                return None
            name, language = split_language(path.stem)
            overlay = Overlay(doc.rel, source, provider_id=provider.id, collection=doc.collection, slug=name, language=language)
            overlay.folder, overlay.national = content.policy.collection_path(doc.collection), content.national.get(overlay.uses or "")
            found = overlay
        else:
            source = repo.read_markdown(path, "page", problems)
            if source is None:
                return None
            parts = path.relative_to(repo.content_dir / "providers" / provider.id).parts
            name, language = split_language(path.stem)
            found = ProviderPage(doc.rel, source, provider_id=provider.id, path="/".join((*parts[1:-1], name)), language=language)
        content.problems[:] = [d for d in content.problems if d.path != doc.rel] + problems[before:]
        return found

    def _swap(self, documents: dict) -> None:
        """Put ``documents`` (rel -> overlay or page) in the place of the provider's documents of the same files."""
        provider = self.context.provider
        for rel, doc in documents.items():
            items = provider.overlays if isinstance(doc, Overlay) else provider.pages
            items[next(i for i, item in enumerate(items) if item.rel == rel)] = doc
            for key in [key for key in self.content.expansions if key[0] == rel]:
                del self.content.expansions[key]

    def _check(self, rels: set[str]) -> list[Diagnostic]:
        """What validate finds in the files ``rels`` (as in a preview: waiting for approval is a warning), and any
        problem the families that compare documents find now. National texts did not change, nor did anything
        another page shows (update() builds the site whole otherwise), so their problems are what they were."""
        provider = self.context.provider
        alone = dataclasses.replace(
            provider,
            overlays=[o for o in provider.overlays if o.rel in rels],
            pages=[p for p in provider.pages if p.rel in rels],
            events=[],
        )
        content = dataclasses.replace(self.content, providers={**self.content.providers, provider.id: alone})
        found = [d for d in self.content.problems if d.path in rels]
        one = checks.CheckContext(content, self.today, self.repo.git, provider.id)
        for family in ONE_DOCUMENT:
            found += [d for d in family.check(one) if d.path in rels]
        whole = checks.CheckContext(self.content, self.today, self.repo.git, provider.id)
        for family in WHOLE_CONTENT:
            found += family.check(whole)
        return approvals.for_preview(checks.concerning(sorted(set(found)), self.content, provider.id))

    def _merge(self, doc: Overlay | ProviderPage) -> Page:
        return national_page(self.context, doc) if isinstance(doc, Overlay) else provider_page(self.context, doc)

    # --- writing ---------------------------------------------------------------------------

    def _publish(self, pages: list[Page], changed: list[Page]) -> None:
        """Render the ``changed`` pages, and replace them, the search index and the open-data export in the site."""
        staged = self.staged
        write_docs(dataclasses.replace(staged, pages=changed, media=[]))
        hcweb = self.mkdocs.plugin("hcweb")
        search = self.mkdocs.plugin("search") or self.mkdocs.plugin("material/search")
        scratch = Path(tempfile.mkdtemp(prefix="render-", dir=staged.staging))
        site = self.output.site(self.provider_id)
        try:
            written: dict[str, bytes] = {}
            docs = list(self.search.get("docs", []))
            for page in changed:
                meta = page.meta.get("hcweb")
                if meta is not None:  # as the plugin reads it from the staged file (write_docs)
                    hcweb.site.meta[page.path] = json.loads(json.dumps(meta, ensure_ascii=False))
                search.search_index.entries = []
                with _mkdocs_warnings():
                    output = render_again(self.mkdocs, page.path)
                entries = search.search_index.entries
                dest = Path(self.mkdocs.files.get_file_from_path(page.path).dest_uri)
                problems = page_problems(output.decode("utf-8", "replace"))
                if problems:
                    raise RuntimeError(f"{dest.as_posix()}: {problems[0]}")
                (scratch / dest).parent.mkdir(parents=True, exist_ok=True)
                (scratch / dest).write_bytes(output)
                docs = _spliced(docs, entries, page.url.lstrip("/"))
            for html_file in scratch.rglob("*.html"):
                written[html_file.relative_to(scratch).as_posix()] = html_file.read_bytes()
            index = {**self.search, "docs": docs}
            counted = self.site_words.copy()
            for doc in self.search.get("docs", []):
                if any(_is_entry_of(doc, page.url.lstrip("/")) for page in changed):
                    counted.subtract(site_words({"docs": [doc]}))
            for doc in docs:
                if any(_is_entry_of(doc, page.url.lstrip("/")) for page in changed):
                    counted.update(site_words({"docs": [doc]}))
            counted = +counted
            language = staged.config["theme"].get("language", "nb")
            self.terms_everywhere = len(changed) > 1 or counted.keys() != self.site_words.keys()
            if self.terms_everywhere:  # a word came or went: any page's terms may change (compound parts)
                (scratch / "search").mkdir()
                raw = json.dumps(index, separators=(",", ":"), default=str)
                (scratch / urls.SEARCH_INDEX).write_text(raw, encoding="utf-8")
                add_word_forms(scratch, pages, language)
                written[urls.SEARCH_INDEX] = (scratch / urls.SEARCH_INDEX).read_bytes()
                published = json.loads(written[urls.SEARCH_INDEX])
            else:  # the terms of the changed pages' entries only, as add_word_forms finds them
                places = [page.url.lstrip("/") for page in changed]
                final = [doc for doc in self.published.get("docs", []) if not any(_is_entry_of(doc, url) for url in places)]
                fresh = [copy.deepcopy(doc) for doc in docs if any(_is_entry_of(doc, url) for url in places)]
                add_terms(fresh, changed, set(counted) | self.tag_words, language)
                published = {**self.published, "docs": _spliced_in(final, fresh, docs)}
                written[urls.SEARCH_INDEX] = index_json(published).encode("utf-8")
            if any(page.sections != self.pages[i].sections for i, page in _places(self.pages, changed)):
                write_open_data(scratch, pages)
                written[urls.OPEN_DATA] = (scratch / urls.OPEN_DATA).read_bytes()
            with self.output.locked():
                self.output.forget(self.provider_id)  # the site is no longer what a build recorded: the next one renders it
                self.output.forget(f"{self.provider_id}.sources")
                for rel, data in written.items():
                    replace_file(site / rel, data)
            self.search, self.published, self.site_words = index, published, counted
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def outline(page: Page) -> str:
    """Everything of a merged page that other pages may show or depend on: every field but its own text
    (the Markdown, its sections, and what follows from them on the page itself)."""
    meta = copy.deepcopy(page.meta)
    meta.pop("hide", None)  # the contents column, hidden on a page with few sections
    (meta.get("hcweb") or {}).pop("professional_sections", None)
    fields = {"path": page.path, "url": page.url, "title": page.title, "group": page.group, "files": sorted(page.files)}
    return json.dumps([fields, meta, page.assets], sort_keys=True, default=str)


def _spliced(docs: list[dict], entries: list[dict], location: str) -> list[dict]:
    """The search index's entries with those of the page at ``location`` replaced by ``entries``, in their place."""
    mine = [i for i, doc in enumerate(docs) if _is_entry_of(doc, location)]
    at = mine[0] if mine else len(docs)
    drop = set(mine)
    kept = [doc for i, doc in enumerate(docs) if i not in drop]
    return kept[:at] + list(entries) + kept[at:]


def _spliced_in(final: list[dict], fresh: list[dict], order: list[dict]) -> list[dict]:
    """The published entries ``final`` (the changed pages' left out) with ``fresh`` in the place ``order`` (the
    entries as MkDocs writes them, in the same order) gives them."""
    at = next(
        (i for i, doc in enumerate(order) if doc is not None and fresh and doc.get("location") == fresh[0].get("location")), len(order)
    )
    return final[:at] + fresh + final[at:]


def _places(pages: list[Page], changed: list[Page]) -> list[tuple[int, Page]]:
    index = {page.path: i for i, page in enumerate(pages)}
    return [(index[page.path], page) for page in changed]


def _is_entry_of(doc: dict, location: str) -> bool:
    """Whether a search entry is of the page at ``location`` (the page itself, or one of its sections)."""
    found = str(doc.get("location", ""))
    return found == location or found.startswith(location + "#")


def _document(provider, rel: str) -> Overlay | ProviderPage | None:
    return next((doc for doc in (*provider.overlays, *provider.pages) if doc.rel == rel), None)


def _files_under(root: Path) -> set[str]:
    found: set[str] = set()
    for name in WATCHED_FOLDERS:
        for folder, _, files in os.walk(root / name):
            found |= {(Path(folder) / file).relative_to(root).as_posix() for file in files}
    return found


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def replace_file(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` in one step: a reader gets the old file or the new one (published: 0644).

    On Windows a file being read cannot be replaced for a moment: the replacement is tried again.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, SITE_FILE_MODE)
        for attempt in range(20):
            try:
                os.replace(tmp, path)
                break
            except PermissionError:
                if attempt == 19:
                    raise
                time.sleep(0.05)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _mkdocs_warnings():
    """MkDocs' messages kept from the terminal while a page renders (a full build collects them too, see build.render)."""
    logger = logging.getLogger("mkdocs")
    handler = logging.NullHandler()
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
