"""The core operations behind the CLI: each takes typed, already-checked arguments."""

from __future__ import annotations

import datetime as dt
import functools
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import checks, codeowners
from .checks import approvals
from .diagnostics import Diagnostic
from .diagnostics import strict as make_strict
from .errors import ContentErrors, UnknownProvider
from .repo import Content, Repository
from .site import render_cache
from .site.build import BuildResult, Progress, Rendering, RenderSettings, design_digest, merge_and_render, provider_site, renderers
from .site.outputs import OutputFolder
from .site.pages import SiteContext
from .sources import BuildPlan, source_hashes


@dataclass
class Validation:
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]


def require_provider(content: Content, provider_id: str) -> None:
    if provider_id not in content.providers:
        known = ", ".join(sorted(content.providers)) or "none"
        raise UnknownProvider(f"there is no provider '{provider_id}' (known: {known})")


def validate(repo: Repository, today: dt.date, provider_id: str | None = None, strict: bool = False, base: str | None = None) -> Validation:
    content = repo.load(only_provider=provider_id)
    if provider_id is not None:
        require_provider(content, provider_id)
    published = published_at(repo, base) if base else None
    found = checks.run_all(content, today, provider_id, repo.git, published, base)
    if (repo.root / ".github").is_dir():
        found += codeowners.check(content, read_codeowners(repo))
    return Validation(make_strict(found) if strict else found)


def published_at(repo: Repository, base: str) -> dict:
    """Per provider, every address its site answered at in the revision ``base`` (checks/redirects.py)."""
    from .affected import checkout, require_revision
    from .checks.redirects import published_urls

    require_revision(repo, base)
    with checkout(repo, base) as folder:
        old = Repository(folder)
        old.schemas = repo.schemas  # an older checkout may lack a schema this tooling reads; only its addresses matter here
        return published_urls(old.load())


def build_catalogue(repo: Repository, out_dir: Path, today: dt.date, incremental: bool = True, cache: bool = True) -> BuildResult:
    """The catalogue of national texts and the coordinator dashboard, at OUT/catalogue/.

    Refuses (OutputFolderRefused) an output folder among or around the sources (site/output.py).
    """
    from .site.catalogue import catalogue_site

    output = OutputFolder.checked(out_dir, repo.root)
    content = repo.load()
    errors = [d for d in checks.run_all(content, today, git=repo.git) if d.is_error and d.path.startswith("content/common/")]
    if errors:
        raise ContentErrors(errors, "catalogue build")
    site = catalogue_site(content, repo.git, today, repo.overrides_dir)
    settings = RenderSettings(
        repo.content_dir / "media", design_digest(repo.overrides_dir), incremental, output.cache_dir if cache else None
    )
    with output.locked(), Rendering(output) as rendering:
        merge_and_render([site], output, settings, rendering)
        (result,) = rendering.finish()
        rendering.publish()
        if cache:
            render_cache.prune(output.cache_dir)
    return result


def read_codeowners(repo: Repository) -> str | None:
    path = repo.root / codeowners.PATH
    return path.read_text(encoding="utf-8") if path.is_file() else None


def write_codeowners(repo: Repository) -> bool:
    """Write .github/CODEOWNERS from the registry; True when it changed."""
    from .files import write_atomic

    content = repo.load()
    text = codeowners.render(content)
    if read_codeowners(repo) == text:
        return False
    path = repo.root / codeowners.PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)
    return True


def build(
    repo: Repository,
    provider_ids: list[str] | None,
    out_dir: Path,
    today: dt.date,
    jobs: int = 1,
    approved_only: bool = True,
    incremental: bool = True,
    progress: Progress | None = None,
    cache: bool = True,
) -> tuple[Validation, list[BuildResult]]:
    """Validate, then build the sites; refuses (ContentErrors) when the content has errors, and
    (OutputFolderRefused) an output folder among or around the sources (site/output.py).

    With ``approved_only`` False (a preview), national texts are shown as they are now, not as approved.
    Incremental (see sources.py): a site whose provider's files and shared sources are those of its
    last good build is neither read, checked nor built again (its warnings are shown again); when
    only some providers' files changed, only those are read and checked; when anything shared
    changed, everything is. Then a site whose merged pages did not change is not rendered again
    (site.build.prepare), and a rendered one takes unchanged parts and pages from the render cache.
    With workers (``jobs``), the checks run while they render; nothing is published unless they pass.
    """
    output = OutputFolder.checked(out_dir, repo.root)
    design = design_digest(repo.overrides_dir)
    plan = BuildPlan.make(output, source_hashes(repo, today, design, approved_only), provider_ids, incremental)  # 1. plan
    if plan.up_to_date:
        output.tidy()
        return Validation(plan.known_warnings()), _in_order(plan, [])
    pages_progress = getattr(progress, "pages", None)
    one_site = len(plan.to_build) == 1  # with workers, one more for its checks (_checks), and its pages shared
    with renderers(jobs + 1 if one_site and jobs > 1 else min(jobs, len(plan.to_build)), pages_progress) as pool:
        content = repo.load(only_provider=plan.to_read)  # 2. load and check (the workers start meanwhile)
        for provider_id in provider_ids or []:
            require_provider(content, provider_id)
        check = _checks(plan, content, repo, today, approved_only, pool)
        specs = [
            provider_site(SiteContext(content, content.providers[pid], repo.git, today, approved_only), repo.overrides_dir)
            for pid in plan.selected(content)
        ]
        settings = RenderSettings(
            repo.content_dir / "media", design, incremental, output.cache_dir if cache else None, parts=len(specs) > 1
        )
        with output.locked(), Rendering(output, pool, progress, pages_progress, split=jobs if one_site else 1) as rendering:
            if pool is None:
                check()
            try:
                merge_and_render(specs, output, settings, rendering)  # 3-5. merge, compare, render
            except Exception:
                check()  # content the checks refuse may not even merge: say so, not how merging failed
                raise
            validation = check()
            built = rendering.finish()
            rendering.publish()  # 6. publish
            plan.remember(output, source_hashes(repo, today, design, approved_only), content, validation.warnings, built)
            if cache:
                render_cache.prune(output.cache_dir)
    return validation, _in_order(plan, built)


def _checks(plan: BuildPlan, content: Content, repo: Repository, today: dt.date, approved_only: bool, pool) -> Callable[[], Validation]:
    """The build's checks, run once when first asked for (before rendering without workers, else while the sites render).

    One site with workers: a worker of its own starts them at once, on the content as read here (sent along,
    not read again), while this process merges and stages the site and the other workers share its pages
    (site.build.SPLIT_MIN). Several sites: they run here once every site is merged and staged.
    """
    if pool is None or len(plan.to_build) != 1:
        return functools.cache(lambda: _checked(plan, content, repo, today, approved_only))
    # Pickled here and now: the pool would pickle it in a thread of its own while this process goes on
    # merging, which fills caches in the content as it reads it.
    checking = pool.submit(_found_in_worker, pickle.dumps((plan, content), pickle.HIGHEST_PROTOCOL), repo.root, today)
    return functools.cache(lambda: _validated(checking.result(), approved_only))


def _checked(plan: BuildPlan, content: Content, repo: Repository, today: dt.date, approved_only: bool) -> Validation:
    """Every check the plan calls for; the build is refused (ContentErrors) on any error: nothing is published."""
    return _validated(plan.check(content, today, repo.git), approved_only)


def _found_in_worker(read: bytes, root: Path, today: dt.date) -> list[Diagnostic]:
    """plan.check in a worker process, on the content the build read (``read``: the plan and the content,
    pickled; it is sent along, not read again)."""
    plan, content = pickle.loads(read)
    return plan.check(content, today, Repository(root).git)


def _validated(found: list[Diagnostic], approved_only: bool) -> Validation:
    if not approved_only:
        found = approvals.for_preview(found)
    validation = Validation(sorted(set(found)))
    if validation.errors:
        raise ContentErrors(validation.diagnostics, "build")
    return validation


def _in_order(plan: BuildPlan, built: list[BuildResult]) -> list[BuildResult]:
    """The results of the sites asked for (every site: by name), those the plan found up to date included."""
    results = {pid: BuildResult(pid, True, pages, unchanged=True) for pid, (pages, _) in plan.known.items()}
    results.update((result.provider_id, result) for result in built)
    return [results[pid] for pid in plan.provider_ids or sorted(results)]
