"""Rendering sites: each site staged (its Markdown and mkdocs.yml), rendered by MkDocs in a process of its own, and finished.

The steps of a build, in the order commands.build takes them: a site is merged and compared
with its last good build (prepare), staged (stage), rendered (Rendering.start: in a worker
when there are workers, else here), and published (Rendering.publish). The output folder and its layout are
outputs.OutputFolder's; MkDocs is reached through hcweb's plugin (plugin.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import logging
import multiprocessing
import os
import pickle
import shutil
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import urls
from ..links import relative_site_links
from ..media import image_refs, relative_media_links
from . import render_cache
from .mkdocs_config import mkdocs_config
from .output import concerns
from .outputs import OutputFolder
from .pages import Page, SiteContext, site_pages
from .search import add_word_forms
from .security import add_content_security_policy

Progress = Callable[[str, "BuildResult | None"], None]  # (site, result when done; None when it starts)
PageProgress = Callable[[str, int, int], None]  # (site, pages done, pages in all): see plugin.PageCount
META_FILE = "hcweb-meta.json"  # in a site's staging folder: each page's hcweb metadata, read by the plugin


@dataclass
class BuildResult:
    provider_id: str
    ok: bool
    pages: int = 0
    seconds: float = 0.0
    messages: list[str] = field(default_factory=list)
    unchanged: bool = False  # not rebuilt: its inputs are those of the site already there
    cache: dict = field(default_factory=dict)  # what the render cache gave and what was rendered (render_cache.Stats)
    files: list[str] = field(default_factory=list)  # with a share of a site (render(share=)): the files of its pages
    urls: list[str] = field(default_factory=list)  # ... and their addresses


@dataclass
class SiteSpec:
    """One site to build: its folder name, its pages, and how to configure MkDocs for them."""

    name: str
    make_pages: Callable[[], list[Page]]  # called once, when the build gets to this site
    config: Callable[[list[Page], Path, Path], dict]  # (pages, docs folder, site folder) -> mkdocs config
    logo: str | None = None
    frame_hosts: tuple[str, ...] = ()

    @functools.cached_property
    def pages(self) -> list[Page]:
        return self.make_pages()

    def used_media(self) -> list[str]:
        """The images under content/media/ the site shows: its logo and those in its pages."""
        used = {self.logo} if self.logo else set()
        for page in self.pages:
            used |= {ref.path for ref in image_refs(page.markdown, 1)}
        return sorted(used)


def provider_site(context: SiteContext, overrides: Path) -> SiteSpec:
    return SiteSpec(
        context.provider.id,
        lambda: site_pages(context),
        lambda pages, docs, site: mkdocs_config(context, pages, docs, site, overrides),
        context.provider.logo,
        context.content.policy.iframe_hosts,
    )


@dataclass(frozen=True)
class RenderSettings:
    """How one build renders its sites."""

    media_dir: Path  # content/media
    shared: str = ""  # design_digest(): what every site shares
    incremental: bool = True  # a site whose inputs are those of its last good build is not rendered again
    cache: Path | None = None  # the render cache (OutputFolder.cache_dir); None: every page is rendered afresh
    parts: bool = False  # pages are rendered in parts that the other sites of the build can share (render_cache.py)


@dataclass
class StagedSite:
    """A site ready to be written and rendered in any process (everything here pickles)."""

    name: str
    pages: list[Page]
    config: dict
    staging: Path
    site_tmp: Path
    media: list[tuple[Path, str]]  # (image in content/media, path under docs/media)
    frame_hosts: tuple[str, ...]
    inputs: str = ""  # site_inputs(): recorded with the site when it is published


def prepare(spec: SiteSpec, output: OutputFolder, settings: RenderSettings) -> StagedSite | None:
    """Merge the site's pages and compare them with its last good build: the site staged when they differ, else None."""
    inputs = site_inputs(spec, settings.media_dir, settings.shared)
    if settings.incremental and output.has_site(spec.name) and output.site_inputs(spec.name) == inputs:
        return None
    return stage(spec, output.path, settings.media_dir, settings, inputs)


def merge_and_render(specs: list[SiteSpec], output: OutputFolder, settings: RenderSettings, rendering: Rendering) -> None:
    """Merge, compare and stage one site after the other, each rendered as soon as it is staged
    (with workers, one takes the first site while the next is merged)."""
    for spec in specs:
        site = prepare(spec, output, settings)
        if site is None:
            rendering.unchanged(spec)
        else:
            rendering.start(site)


def stage(spec: SiteSpec, out_dir: Path, media_dir: Path, settings: RenderSettings | None = None, inputs: str = "") -> StagedSite:
    """Folders (OutputFolder.new_site) and the MkDocs configuration of one site; write_docs() fills the folder."""
    staging, site_tmp = OutputFolder(out_dir).new_site(spec.name)
    config = spec.config(spec.pages, staging / "docs", site_tmp)
    config["plugins"] = [*config.get("plugins", []), {"hcweb": plugin_settings(spec, config, staging, settings)}]
    media = [(media_dir / path, path) for path in spec.used_media()]  # only the images this site shows
    return StagedSite(spec.name, spec.pages, config, staging, site_tmp, media, spec.frame_hosts, inputs)


def plugin_settings(spec: SiteSpec, config: dict, staging: Path, settings: RenderSettings | None) -> dict:
    """The settings of hcweb's MkDocs plugin for one site (plugin_config.py)."""
    options = {"name": spec.name, "meta": str(staging / META_FILE), "frame_hosts": list(spec.frame_hosts)}
    if settings is not None and settings.cache is not None:
        options["cache"] = str(settings.cache)
        options["site_digest"] = render_cache.digest(settings.shared, site_settings(config), spec.frame_hosts)  # what every page shares
        options["parts"] = settings.parts
    return options


def write_docs(site: StagedSite) -> Path:
    """Write the pages, their images and mkdocs.yml into the staging folder; returns mkdocs.yml."""
    docs = site.staging / "docs"
    hcweb_meta: dict[str, dict] = {}
    for page in site.pages:
        target = docs / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        plain = {key: value for key, value in page.meta.items() if key != "hcweb"}
        if "hcweb" in page.meta:
            hcweb_meta[page.path] = page.meta["hcweb"]
        front = yaml.dump(plain, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)
        markdown = relative_site_links(relative_media_links(page.markdown, page.path), page.url)
        _write(target, f"---\n{front}---\n\n{markdown}")
        for name, text in page.assets.items():
            _write(target.parent / name, text)
    for source, path in site.media:
        target = docs / "media" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink() or not source.is_file():  # the loader refuses these; never follow one here either
            raise OSError(f"{source.name} is not a plain file in content/media; it was not copied")
        shutil.copyfile(source, target)
    _write(site.staging / META_FILE, json.dumps(hcweb_meta, ensure_ascii=False))
    config_file = site.staging / "mkdocs.yml"
    _write(config_file, yaml.dump(site.config, Dumper=_DUMPER, allow_unicode=True, sort_keys=False))
    return config_file


def _write(path: Path, text: str) -> None:
    """Write a staged file; a failed write names the file (an error while writing names none), so that a full
    disk under the output folder is told apart from a failure of one site (output.concerns)."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from exc


def make_site(site: StagedSite, report: PageProgress | None = None) -> BuildResult:
    """Everything of one site that needs no other site: write, render, and finish its files.

    Runs in a worker process when sites are built in parallel. A failure to write into the output
    folder (a full disk, say) is raised, to stop the whole build; any other fails this site only.
    """
    started = time.perf_counter()
    try:
        result = render(site.name, str(write_docs(site)), site.site_tmp.parent, report)
        if result.ok:
            add_content_security_policy(site.site_tmp, site.frame_hosts, result.files)
            _finish_site(site)
    except OSError as exc:
        result = _failed_writing(site, exc)
    result.pages = len(site.pages)
    result.seconds = time.perf_counter() - started
    return result


def _failed_writing(site: StagedSite, exc: OSError) -> BuildResult:
    """The site failed on a file; a failure to write into the output folder (a full disk) is raised, to stop the build."""
    if concerns(site.site_tmp.parent, exc):
        raise exc
    return BuildResult(site.name, False, len(site.pages), messages=[_os_error(exc)])


def _finish_site(site: StagedSite, index: dict | None = None) -> None:
    """What is added to a rendered site from its pages: the open data and the search terms (``index``: the
    search index as the site's file holds it, when it is in hand already)."""
    write_open_data(site.site_tmp, site.pages)
    add_word_forms(site.site_tmp, site.pages, site.config["theme"].get("language", "nb"), index)


# --- One site rendered by several processes -----------------------------------------------------
#
# A large site's pages are split into runs in MkDocs' order, one per process (plugin.py: share).
# Each process builds the whole site's menu, search and links as usual but renders and writes only
# its own pages, into a folder of its own; the first run's folder gets the others' pages and a
# search index that is theirs put together in order, so the site is the one a single process makes
# (tests/test_parallel_site.py compares them byte for byte).

SPLIT_MIN = 400  # pages: a smaller site is rendered by one process (starting MkDocs again costs more than it saves)


def share_folder(site: StagedSite, k: int) -> Path:
    """Where the k-th run of a site's pages is rendered: the site's own folder for the first."""
    return site.site_tmp if k == 0 else site.staging / f"share-{k}"


def render_share(site: StagedSite, config_file: str, k: int, n: int, report: PageProgress | None = None) -> BuildResult:
    """Render the k-th of n runs of the site's pages (write_docs has been done), with the search index of those pages only."""
    folder = share_folder(site, k)
    try:
        result = render(site.name, config_file, site.site_tmp.parent, report, share=(k, n), site_dir=folder)
        if result.ok:
            _keep_own_entries(folder, set(result.urls))
            add_content_security_policy(folder, site.frame_hosts, result.files)
    except OSError as exc:
        result = _failed_writing(site, exc)
    return result


def put_together(site: StagedSite, shares: list[BuildResult], started: float) -> BuildResult:
    """One site from its runs of pages (render_share): the others' pages and search entries into the first's folder."""
    messages = list(dict.fromkeys(message for share in shares for message in share.messages))  # the site's own, once
    ok = all(share.ok for share in shares)
    result = BuildResult(site.name, ok, len(site.pages), messages=messages, cache=_added([share.cache for share in shares]))
    if ok:
        try:
            index = _search_index(site.site_tmp)  # the first run's; the others' entries follow in order
            for k, share in enumerate(shares[1:], start=1):
                folder = share_folder(site, k)
                if index is not None:
                    index["docs"] += (_search_index(folder) or {}).get("docs", [])
                for name in share.files:
                    target = site.site_tmp / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(folder / name, target)
                shutil.rmtree(folder, ignore_errors=True)
            _finish_site(site, index)
        except OSError as exc:
            result = _failed_writing(site, exc)
    result.pages = len(site.pages)
    result.seconds = time.perf_counter() - started
    return result


def _added(stats: list[dict]) -> dict:
    total: dict = {}
    for one in stats:
        for key, value in one.items():
            total[key] = total.get(key, 0) + value
    return total


def _search_index(folder: Path) -> dict | None:
    index = folder / urls.SEARCH_INDEX
    return json.loads(index.read_text(encoding="utf-8")) if index.is_file() else None


def _keep_own_entries(folder: Path, addresses: set[str]) -> None:
    """The search index of a run of pages without the (empty) entries of the pages other processes render."""
    index = _search_index(folder)
    if index is None:
        return
    index["docs"] = [doc for doc in index["docs"] if doc.get("location", "").split("#", 1)[0] in addresses]
    (folder / urls.SEARCH_INDEX).write_text(_search_json(index), encoding="utf-8")


def _search_json(index: dict) -> str:
    """As mkdocs-material's search plugin writes its index."""
    return json.dumps(index, separators=(",", ":"), default=str)


def render(
    name: str,
    config_file: str,
    out_dir: Path | None = None,
    report: PageProgress | None = None,
    share: tuple[int, int] = (0, 1),
    site_dir: Path | None = None,
) -> BuildResult:
    """Run MkDocs on a staged site. Runs in its own process: MkDocs is not thread-safe.

    With ``share`` (k, n), only the k-th of n runs of the pages is rendered, into ``site_dir``.
    A failure to write into ``out_dir`` is raised (see make_site); any other fails the site.
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    started = time.perf_counter()
    messages: list[str] = []
    with _warnings_into(messages):
        try:
            config = load_config(config_file, **({"site_dir": str(site_dir)} if site_dir is not None else {}))
            plugin = config.plugins.get("hcweb")
            if plugin is not None:
                plugin.report = report
                plugin.share = share
            build(config)
            files, urls = plugin.rendered_here() if plugin is not None else ([], [])
            seconds = time.perf_counter() - started
            return BuildResult(
                name, True, seconds=seconds, messages=messages, cache=plugin.stats() if plugin else {}, files=files, urls=urls
            )
        except Exception as exc:  # noqa: BLE001 - any failure of the renderer fails this site only
            if isinstance(exc, OSError) and out_dir is not None and concerns(out_dir, exc):
                raise
            reason = (
                str(exc)
                if isinstance(exc, MkDocsException)
                else _os_error(exc)
                if isinstance(exc, OSError)
                else f"{type(exc).__name__}: {exc}"
            )
            return BuildResult(name, False, seconds=time.perf_counter() - started, messages=[*messages, reason])


@contextlib.contextmanager
def _warnings_into(messages: list[str]):
    """MkDocs' warnings, collected into ``messages`` instead of printed."""

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                messages.append(record.getMessage())

    logger = logging.getLogger("mkdocs")
    handler = Collect()
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


def _os_error(exc: OSError) -> str:
    """An error of the file system in words, e.g. 'No space left on device: /out/.hcweb-staging/x/docs/index.md'."""
    paths = " -> ".join(str(name) for name in (exc.filename, exc.filename2) if name)
    reason = exc.strerror or type(exc).__name__
    return f"{reason}: {paths}" if paths else reason


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def design_digest(design: Path | None) -> str:
    """A hash of what every site shares: the design folder, hcweb's own code and the renderer's versions.

    Computed once per build, not once per site.
    """
    from importlib.metadata import version

    digest = hashlib.sha256()
    for package in ("hcweb", "mkdocs", "mkdocs-material", "pymdown-extensions", "Markdown", "Jinja2"):
        digest.update(f"{package}={version(package)};".encode())
    code = Path(__file__).resolve().parents[1]
    for path in sorted(code.rglob("*.py")):
        digest.update(path.relative_to(code).as_posix().encode() + path.read_bytes())
    for path in sorted(design.rglob("*")) if design is not None and design.is_dir() else []:
        if path.is_file():
            digest.update(path.relative_to(design).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def site_inputs(spec: SiteSpec, media_dir: Path, shared: str) -> str:
    """A hash of everything a site is made from: its merged pages (national texts at their pinned
    revisions included), the images it shows, its MkDocs settings, and ``shared`` (design_digest())."""
    digest = hashlib.sha256(shared.encode())
    for page in spec.pages:
        digest.update(json.dumps([page.path, page.markdown, page.meta, page.assets], sort_keys=True, default=str).encode())
    for name in spec.used_media():
        image = media_dir / name
        digest.update(name.encode() + (image.read_bytes() if image.is_file() else b"-"))
    digest.update(repr(spec.frame_hosts).encode())
    digest.update(json.dumps(site_settings(spec.config(spec.pages, Path("docs"), Path("site"))), sort_keys=True, default=str).encode())
    return digest.hexdigest()


def site_settings(config: dict) -> dict:
    """A site's MkDocs settings (language, address, menu) without where things are: the folders differ
    from build to build, and the design's content is in design_digest()."""
    kept = {key: value for key, value in config.items() if key not in ("docs_dir", "site_dir")}
    kept["theme"] = {key: value for key, value in (config.get("theme") or {}).items() if key != "custom_dir"}
    return kept


class Rendering:
    """Sites being rendered, each as soon as it is staged: by the workers when there are any, else here, in turn.

    Used as a context manager: on leaving it, no worker is still writing into a folder of this
    build (what has not started is cancelled), and every staging folder and every rendered
    site that was not published is removed.
    """

    def __init__(
        self,
        output: OutputFolder,
        pool: ProcessPoolExecutor | None = None,
        progress: Progress | None = None,
        report: PageProgress | None = None,
        split: int = 1,
    ):
        self.output = output
        self.pool = pool
        self.split = split if pool is not None else 1  # processes that share a large site's pages (SPLIT_MIN)
        self.progress: Progress = progress or (lambda name, result: None)
        self.report = report  # how far the rendering here has come (workers report through renderers())
        self.order: list[str] = []
        self.staged: list[StagedSite] = []
        self.running: dict[Future, StagedSite] = {}
        self.shared: list[tuple[StagedSite, list[Future], float]] = []  # sites rendered in shares: their runs, when they started
        self.results: dict[str, tuple[StagedSite | None, BuildResult]] = {}

    def __enter__(self) -> Rendering:
        return self

    def __exit__(self, *exc) -> None:
        futures = [*self.running, *(future for _, shares, _ in self.shared for future in shares)]
        for future in futures:
            future.cancel()
        wait(futures)  # a worker may still be writing into a folder removed below
        for site in self.staged:
            self.output.discard(site.site_tmp)  # gone already where it was published
            self.output.discard(site.staging)

    def start(self, site: StagedSite) -> None:
        """Render a staged site: sent to a worker, or rendered here and now."""
        self.order.append(site.name)
        self.staged.append(site)
        self.progress(site.name, None)
        if self.pool is None:
            self._done(site, make_site(site, self.report))
        elif self.split > 1 and len(site.pages) >= SPLIT_MIN:
            self._start_shares(site)
        else:
            self.running[self.pool.submit(_make_site_in_worker, _pickled(site))] = site

    def _start_shares(self, site: StagedSite) -> None:
        """Write the site's pages here, and have each worker render a run of them (render_share)."""
        started = time.perf_counter()
        try:
            config_file = str(write_docs(site))
        except OSError as exc:
            self._done(site, _failed_writing(site, exc))
            return
        light = dataclasses.replace(site, pages=[])  # what a worker needs of it: its folders (the pages are written)
        sent = _pickled(light)
        shares = [self.pool.submit(_render_share_in_worker, sent, config_file, k, self.split) for k in range(self.split)]
        self.shared.append((site, shares, started))

    def unchanged(self, spec: SiteSpec) -> None:
        """A site that is not rendered again: its inputs are those of its last good build (prepare)."""
        self.order.append(spec.name)
        self._done(None, BuildResult(spec.name, True, len(spec.pages), unchanged=True))

    def finish(self) -> list[BuildResult]:
        """Wait for every site; their results in the order they were started."""
        for future in as_completed(self.running):
            self._done(self.running[future], future.result())
        for site, shares, started in self.shared:
            self._done(site, put_together(site, [future.result() for future in shares], started))
        return [self.results[name][1] for name in self.order]

    def publish(self) -> None:
        """Swap in every site that rendered well (OutputFolder.publish); the others leave the published ones as they are."""
        for site, result in self.results.values():
            if site is not None and result.ok:
                self.output.publish(site.name, site.site_tmp, site.inputs)

    def _done(self, site: StagedSite | None, result: BuildResult) -> None:
        name = result.provider_id if site is None else site.name
        self.results[name] = (site, result)
        self.progress(name, result)


@contextlib.contextmanager
def renderers(jobs: int, report: PageProgress | None = None):
    """Worker processes for building sites in parallel (None with one job), started at once.

    Started before the content is loaded and checked, so that starting them and loading
    MkDocs in them happens while the parent works. ``report`` hears how far each site's
    rendering has come, from the workers through a queue read by a thread here.
    """
    if jobs <= 1:
        yield None
        return
    context = multiprocessing.get_context("spawn")
    queue = context.SimpleQueue() if report is not None else None
    listener = threading.Thread(target=_listen, args=(queue, report), daemon=True) if queue is not None else None
    if listener is not None:
        listener.start()
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_started, initargs=(queue, os.getpid())) as pool:
            for _ in range(jobs):
                pool.submit(_warm_up)
            yield pool
    finally:
        if queue is not None and listener is not None:
            queue.put(None)
            listener.join(timeout=10)


def _listen(queue, report: PageProgress) -> None:
    """Progress from the workers; a site rendered in shares is told as one (the pages of all its runs added up)."""
    shares: dict[str, dict[int, tuple[int, int]]] = {}
    while (event := queue.get()) is not None:
        name, done, total, share = event
        runs = shares.setdefault(name, {})
        runs[share] = (done, total)
        report(name, sum(d for d, _ in runs.values()), sum(t for _, t in runs.values()))


class _Worker:
    """A worker process's line to the build that started it (renderers()), set once when the process starts.

    It belongs to the process, not to a build: a worker renders the sites of one build only.
    """

    report: PageProgress | None = None


def _worker_started(queue, parent: int) -> None:
    die_with_parent(parent)
    if queue is not None:
        _Worker.report = lambda name, done, total, share=0: queue.put((name, done, total, share))


def _pickled(site: StagedSite) -> bytes:
    """A staged site as sent to a worker, pickled here and now: the pool would pickle it in a thread of its own,
    while this process goes on merging the next site (which may fill caches that the pages share)."""
    return pickle.dumps(site, pickle.HIGHEST_PROTOCOL)


def _make_site_in_worker(site: bytes) -> BuildResult:
    return make_site(pickle.loads(site), _Worker.report)


def _render_share_in_worker(site: bytes, config_file: str, k: int, n: int) -> BuildResult:
    report = _Worker.report
    return render_share(pickle.loads(site), config_file, k, n, report and (lambda name, done, total: report(name, done, total, k)))


_PR_SET_PDEATHSIG = 1
_SIGKILL = 9


def die_with_parent(parent: int) -> None:
    """Have the system kill this worker when the build that started it dies, even by SIGKILL (Linux).

    Without this, a killed build's workers wait for work forever, and so does multiprocessing's
    resource tracker, which lives until the last of them is gone. Elsewhere this does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, _SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)


def _warm_up() -> None:
    """Load the renderer in a worker before its first site arrives."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import material.plugins.search.plugin  # noqa: F401
    import mkdocs.commands.build  # noqa: F401

    from . import plugin  # noqa: F401


def write_open_data(site_dir: Path, pages: list[Page]) -> None:
    """The open-data export (urls.OPEN_DATA): the site's texts with attribution, for reuse by others."""
    records = []
    for page in pages:
        hcweb = page.meta.get("hcweb", {})
        if hcweb.get("kind") not in ("national", "page"):
            continue
        responsible = hcweb.get("responsible")
        records.append(
            {
                "id": hcweb.get("id") or page.path[: -len(".md")],
                "url": page.url,
                "title": page.title,
                "language": hcweb.get("text_language") or hcweb.get("language"),  # what the text is shown in
                "sections": page.sections,
                "responsible": f"{responsible['name']}, {responsible['title']}" if responsible else "",
                "owner": hcweb.get("owner"),
                "last_reviewed": hcweb.get("reviewed") or None,
                "last_updated": hcweb.get("last_updated"),
                "locations": [urls.url_of(urls.location_path(loc["id"])) for loc in hcweb.get("locations", [])],
                **({"national_revision": hcweb["national_revision"]} if hcweb.get("national_revision") else {}),
            }
        )
    api = site_dir / urls.OPEN_DATA_FOLDER
    api.mkdir(exist_ok=True)
    (api / "pages.json").write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
