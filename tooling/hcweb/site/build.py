"""Staging the pages, running MkDocs (one site per process) and swapping the result in atomically."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

from ..errors import BuildFailed, HcwebError
from ..files import write_atomic
from ..links import relative_site_links
from ..media import image_refs, relative_media_links
from . import render_cache
from .mkdocs_config import mkdocs_config
from .output import concerns, unwritable, writing_to
from .pages import Page, SiteContext, site_pages
from .search import add_word_forms
from .security import add_content_security_policy


@dataclass
class BuildResult:
    provider_id: str
    ok: bool
    pages: int = 0
    seconds: float = 0.0
    messages: list[str] = field(default_factory=list)
    unchanged: bool = False  # not rebuilt: its inputs are those of the site already there
    cache: dict = field(default_factory=dict)  # what the render cache gave and what was rendered (render_cache.Stats)


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


def stage(spec: SiteSpec, out_dir: Path, media_dir: Path, shared: str = "", cache: Path | None = None, parts: bool = False) -> StagedSite:
    """Folders and MkDocs configuration for one site; write_docs() fills the folder.

    Both folders are inside ``out_dir``, under its lock: the Markdown in OUT/.hcweb-staging/<name>-*,
    the site in OUT/.<name>.building-*. What a killed build left there, the next one removes.

    With ``cache``, rendering goes through the render cache there; ``shared`` is design_digest();
    ``parts``: pages are rendered in parts that other sites of the build can share (render_cache.py).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / STAGING).mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{spec.name}-", dir=out_dir / STAGING))
    site_tmp = Path(tempfile.mkdtemp(prefix=f".{spec.name}.building-", dir=out_dir))
    config = spec.config(spec.pages, staging / "docs", site_tmp)
    extra = config.setdefault("extra", {})
    if cache is not None:
        extra["hcweb_site"] = render_cache.digest(shared, settings(config))  # what every page of the site shares
        extra["hcweb_cache"] = str(cache)
        extra["hcweb_parts"] = parts
    config["hooks"] = [str(Path(__file__).with_name("mkdocs_hooks.py"))]
    extra["hcweb_name"] = spec.name
    extra["hcweb_meta"] = str(staging / "hcweb-meta.json")
    extra["hcweb_stats"] = str(staging / "hcweb-cache-stats.json")
    media = [(media_dir / path, path) for path in spec.used_media()]  # only the images this site shows
    return StagedSite(spec.name, spec.pages, config, staging, site_tmp, media, spec.frame_hosts)


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
        target.write_text(f"---\n{front}---\n\n{markdown}", encoding="utf-8")
        for name, text in page.assets.items():
            (target.parent / name).write_text(text, encoding="utf-8")
    for source, path in site.media:
        target = docs / "media" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink() or not source.is_file():  # the loader refuses these; never follow one here either
            raise OSError(f"{source.name} is not a plain file in content/media; it was not copied")
        shutil.copyfile(source, target)
    (site.staging / "hcweb-meta.json").write_text(json.dumps(hcweb_meta, ensure_ascii=False), encoding="utf-8")
    config_file = site.staging / "mkdocs.yml"
    config_file.write_text(yaml.dump(site.config, Dumper=_DUMPER, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config_file


def make_site(site: StagedSite) -> BuildResult:
    """Everything of one site that needs no other site: write, render, and finish its files.

    Runs in a worker process when sites are built in parallel. A failure to write into the output
    folder (a full disk, say) is raised, to stop the whole build; any other fails this site only.
    """
    started = time.perf_counter()
    try:
        result = render(site.name, str(write_docs(site)), site.site_tmp.parent)
        stats = site.staging / "hcweb-cache-stats.json"
        if stats.is_file():
            result.cache = json.loads(stats.read_text(encoding="utf-8"))
        if result.ok:
            write_open_data(site.site_tmp, site.pages)
            add_word_forms(site.site_tmp, site.pages)
            add_content_security_policy(site.site_tmp, site.frame_hosts)
    except OSError as exc:
        if concerns(site.site_tmp.parent, exc):
            raise
        result = BuildResult(site.name, False, messages=[_os_error(exc)])
    result.pages = len(site.pages)
    result.seconds = time.perf_counter() - started
    return result


def render(provider_id: str, config_file: str, out_dir: Path | None = None) -> BuildResult:
    """Run MkDocs on a staged site. Runs in its own process: MkDocs is not thread-safe.

    A failure to write into ``out_dir`` is raised (see make_site); any other fails the site.
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    started = time.perf_counter()
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                messages.append(record.getMessage())

    logger = logging.getLogger("mkdocs")
    handler = Collect()
    logger.addHandler(handler)
    logger.propagate = False
    try:
        config = load_config(config_file)
        build(config)
        return BuildResult(provider_id, True, seconds=time.perf_counter() - started, messages=messages)
    except Exception as exc:  # noqa: BLE001 - any failure of the renderer fails this site only
        if isinstance(exc, OSError) and out_dir is not None and concerns(out_dir, exc):
            raise
        reason = str(exc) if isinstance(exc, MkDocsException) else _os_error(exc) if isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}"
        return BuildResult(provider_id, False, seconds=time.perf_counter() - started, messages=[*messages, reason])
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


def _os_error(exc: OSError) -> str:
    """An error of the file system in words, e.g. 'No space left on device: /out/.hcweb-staging/x/docs/index.md'."""
    paths = " -> ".join(str(name) for name in (exc.filename, exc.filename2) if name)
    reason = exc.strerror or type(exc).__name__
    return f"{reason}: {paths}" if paths else reason


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_cwd = -100
    result = renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), _RENAME_EXCHANGE)
    return result == 0


def swap_in(site_tmp: Path, target: Path) -> None:
    """Replace ``target`` by the freshly built ``site_tmp``.

    Readers (and a kill at any moment) see the old site or the new one: the two
    folders are exchanged in one step where the system allows it; elsewhere the
    old one is renamed aside first, and an interrupted swap is undone by recover().
    """
    if target.exists() and _exchange(site_tmp, target):
        shutil.rmtree(site_tmp, ignore_errors=True)  # now holds the old site
        return
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, old)
    os.rename(site_tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


LOCK = ".hcweb-build.lock"
STAGING = ".hcweb-staging"  # each site's Markdown and mkdocs.yml while it is built; see clear_leftovers()
_LEFTOVER = re.compile(r"^\.(?P<site>.+)\.(?:old|building)-[^.]+$")


@contextlib.contextmanager
def output_lock(out_dir: Path):
    """One build at a time may write into ``out_dir``; the lock goes with the process, even when killed.

    Whatever a build leaves in ``out_dir`` beside the sites belongs to the build holding this lock:
    what is there when the lock is taken was left by a killed build, and is cleared (clear_leftovers).
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = os.open(out_dir / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        raise unwritable(out_dir, exc) from None
    try:
        if not _try_lock(handle):
            raise BuildFailed(f"another build is writing to {out_dir}; wait for it to finish")
        with writing_to(out_dir):
            clear_leftovers(out_dir)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                (out_dir / STAGING).rmdir()  # when empty: every site's staging folder was removed
    finally:
        os.close(handle)  # and with it the lock


def _try_lock(handle: int) -> bool:
    """Take the lock on an open file without waiting; False when another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def clear_leftovers(out_dir: Path) -> None:
    """Under the lock: remove the staging folders of builds that were killed, and finish or undo their swaps."""
    shutil.rmtree(out_dir / STAGING, ignore_errors=True)
    for name in sorted({match["site"] for match in map(_LEFTOVER.match, os.listdir(out_dir)) if match}):
        recover(out_dir, name)


def tidy(out_dir: Path) -> None:
    """Clear what killed builds left in ``out_dir`` when no build is writing there now (a build that
    writes nothing, every site being unchanged, still removes what a killed one left)."""
    if (out_dir / LOCK).is_file():
        with contextlib.suppress(HcwebError, OSError), output_lock(out_dir):
            pass


def recover(out_dir: Path, provider_id: str) -> None:
    """Undo a swap interrupted between its two renames, and clear leftovers of killed builds."""
    target = out_dir / provider_id
    leftovers = sorted(out_dir.glob(f".{provider_id}.old-*"))
    if not target.exists() and leftovers:
        os.rename(leftovers.pop(), target)
    for path in leftovers + list(out_dir.glob(f".{provider_id}.building-*")):
        shutil.rmtree(path, ignore_errors=True)


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
    digest.update(json.dumps(settings(spec.config(spec.pages, Path("docs"), Path("site"))), sort_keys=True, default=str).encode())
    return digest.hexdigest()


def settings(config: dict) -> dict:
    """A site's MkDocs settings (language, address, menu) without where things are: the folders differ
    from build to build, and the design's content is in design_digest()."""
    kept = {key: value for key, value in config.items() if key not in ("docs_dir", "site_dir")}
    kept["theme"] = {key: value for key, value in (config.get("theme") or {}).items() if key != "custom_dir"}
    return kept


Progress = Callable[[str, BuildResult | None], None]  # (site, result when done; None when it starts)


def build_sites(
    specs: list[SiteSpec],
    out_dir: Path,
    media_dir: Path,
    jobs: int = 1,
    design: str | None = None,
    incremental: bool = True,
    progress: Progress | None = None,
    cache: bool = True,
    pool: ProcessPoolExecutor | None = None,
    gate: Callable[[], None] | None = None,
    after: Callable[[list[BuildResult]], None] | None = None,
) -> list[BuildResult]:
    """Build each site; a site replaces the old one only when its build succeeded.

    Incremental: a site whose inputs are those of its last good build is not rebuilt; ``design``
    is design_digest() of the design folder, made once by the caller (None: no design folder).
    ``gate`` (the checks) must pass before anything is swapped in; ``after`` runs with the results
    while the output folder is still locked.
    With ``cache``, parts of pages and finished pages come from the render cache in
    OUT/.hcweb-cache when nothing they are made from changed (see render_cache.py).
    """
    own_pool = pool is None and min(jobs, len(specs)) > 1
    with output_lock(out_dir), writing_to(out_dir), (renderers(min(jobs, len(specs))) if own_pool else contextlib.nullcontext(pool)) as workers:
        cache_dir = out_dir / CACHE_DIR if cache else None
        shared = design if design is not None else design_digest(None)
        results = _build_sites(specs, out_dir, media_dir, workers, shared, incremental, progress or (lambda name, result: None), cache_dir, gate)
        if after is not None:
            after(results)  # still holding the lock: records written here belong to this build
        if cache_dir is not None:
            render_cache.prune(cache_dir)
        return results


CACHE_DIR = ".hcweb-cache"


def _build_sites(
    specs: list[SiteSpec],
    out_dir: Path,
    media_dir: Path,
    pool: ProcessPoolExecutor | None,
    shared: str,
    incremental: bool,
    progress: Progress,
    cache: Path | None,
    gate: Callable[[], None] | None = None,
) -> list[BuildResult]:
    """Merge, compare and stage one site after the other, each sent to a worker as soon as it is staged.

    ``gate`` (the content checks) raises when the content may not be published. With workers, it runs
    while they render, and nothing is swapped in unless it passed; without, it runs first.
    """
    staged: dict[str, StagedSite] = {}
    running: dict[Future, str] = {}
    results: dict[str, BuildResult] = {}
    inputs: dict[str, str] = {}
    record = out_dir / ".hcweb-inputs"
    if gate is not None and pool is None:
        gate()
        gate = None
    try:
        for spec in specs:
            try:
                inputs[spec.name] = site_inputs(spec, media_dir, shared)
            except Exception:
                if gate is not None:
                    gate()  # content the checks refuse may not even merge: report that, not the failure
                raise
            previous = record / spec.name
            if incremental and (out_dir / spec.name).is_dir() and previous.is_file() and previous.read_text() == inputs[spec.name]:
                results[spec.name] = BuildResult(spec.name, True, len(spec.pages), 0.0, unchanged=True)
                progress(spec.name, results[spec.name])
                continue
            site = staged[spec.name] = stage(spec, out_dir, media_dir, shared, cache, parts=len(specs) > 1)
            progress(spec.name, None)
            if pool is None:
                results[spec.name] = make_site(site)
                progress(spec.name, results[spec.name])
            else:
                running[pool.submit(make_site, site)] = spec.name
        if gate is not None:
            gate()
        for future in as_completed(running):
            name = running[future]
            results[name] = future.result()
            progress(name, results[name])
    finally:
        for future in running:
            future.cancel()
        wait(running)  # a worker may still be writing into a folder removed below
        for name, site in staged.items():
            result = results.get(name)
            if result is not None and result.ok:
                (record / name).unlink(missing_ok=True)
                (record / f"{name}.sources").unlink(missing_ok=True)  # see sources.py: written again after the swap
                swap_in(site.site_tmp, out_dir / name)
                record.mkdir(exist_ok=True)
                write_atomic(record / name, inputs[name])
            else:
                shutil.rmtree(site.site_tmp, ignore_errors=True)
            shutil.rmtree(site.staging, ignore_errors=True)
    return [results[spec.name] for spec in specs]


PageProgress = Callable[[str, int, int], None]  # (site, pages done, pages in all): see render_cache.REPORT


@contextlib.contextmanager
def renderers(jobs: int, report: PageProgress | None = None):
    """Worker processes for building sites in parallel (None with one job), started at once.

    Started before the content is loaded and checked, so that starting them and loading
    MkDocs in them happens while the parent works. ``report`` hears how far each site's
    rendering has come, from the workers through a queue read by a thread here.
    """
    if jobs <= 1:
        previous, render_cache.REPORT = render_cache.REPORT, report
        try:
            yield None
        finally:
            render_cache.REPORT = previous
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
    while (event := queue.get()) is not None:
        report(*event)


def _worker_started(queue, parent: int) -> None:
    die_with_parent(parent)
    if queue is not None:
        render_cache.REPORT = lambda name, done, total: queue.put((name, done, total))


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

    from . import mkdocs_hooks  # noqa: F401


def write_open_data(site_dir: Path, pages: list[Page]) -> None:
    """/api/pages.json: the site's texts with attribution, for reuse by others."""
    records = []
    for page in pages:
        hcweb = page.meta.get("hcweb", {})
        if hcweb.get("kind") not in ("national", "page"):
            continue
        records.append(
            {
                "id": hcweb.get("id") or page.path[: -len(".md")],
                "url": page.url,
                "title": page.title,
                "sections": page.sections,
                "responsible": hcweb.get("responsible"),
                "owner": hcweb.get("owner"),
                "last_reviewed": hcweb.get("reviewed_iso") or None,
                "last_updated": hcweb.get("last_updated_iso"),
                "locations": [loc["url"] for loc in hcweb.get("locations", [])],
            }
        )
    api = site_dir / "api"
    api.mkdir(exist_ok=True)
    (api / "pages.json").write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
