"""The core operations behind the CLI: each takes typed, already-checked arguments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import checks, codeowners
from .checks import approvals
from .diagnostics import Diagnostic
from .diagnostics import strict as make_strict
from .errors import ContentErrors, UnknownProvider
from .repo import Content, Repository
from .site.build import BuildResult, build_sites, design_digest, provider_site, renderers, tidy
from .site.output import check_output_folder
from .site.pages import SiteContext
from .sources import remember as remember_sources
from .sources import remember_shared_checked, shared_checked, source_hashes
from .sources import unchanged as sources_unchanged


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


def validate(repo: Repository, today: dt.date, provider_id: str | None = None, strict: bool = False) -> Validation:
    content = repo.load(only_provider=provider_id)
    if provider_id is not None:
        require_provider(content, provider_id)
    found = checks.run_all(content, today, provider_id, repo.git)
    if (repo.root / ".github").is_dir():
        found += codeowners.check(content, read_codeowners(repo))
    return Validation(make_strict(found) if strict else found)


def build_catalogue(repo: Repository, out_dir: Path, today: dt.date, incremental: bool = True, cache: bool = True) -> BuildResult:
    """The catalogue of national texts and the coordinator dashboard, at OUT/catalogue/.

    Refuses (OutputFolderRefused) an output folder among or around the sources (site/output.py).
    """
    from .site.catalogue import catalogue_site

    check_output_folder(out_dir, repo.root)
    content = repo.load()
    errors = [d for d in checks.run_all(content, today, git=repo.git) if d.is_error and d.path.startswith("content/common/")]
    if errors:
        raise ContentErrors(errors, "catalogue build")
    site = catalogue_site(content, repo.git, today, repo.overrides_dir)
    media = repo.content_dir / "media"
    return build_sites([site], out_dir, media, design=design_digest(repo.overrides_dir), incremental=incremental, cache=cache)[0]


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
    progress=None,
    cache: bool = True,
) -> tuple[Validation, list[BuildResult]]:
    """Validate, then build the sites; refuses (ContentErrors) when the content has errors, and
    (OutputFolderRefused) an output folder among or around the sources (site/output.py).

    With ``approved_only`` False (a preview), national texts are shown as they are now, not as approved.
    Incremental (see sources.py): a site whose provider's files and shared sources are those of its
    last good build is neither read, checked nor built again (its warnings are shown again); when
    only some providers' files changed, only those are read and checked; when anything shared
    changed, everything is. Then a site whose merged pages did not change is not rendered again
    (build_sites), and a rendered one takes unchanged parts and pages from the render cache.
    """
    check_output_folder(out_dir, repo.root)
    design = design_digest(repo.overrides_dir)
    sources = source_hashes(repo, today, design, approved_only)
    known: dict[str, tuple[int, list[Diagnostic]]] = {}  # sites whose sources did not change: (pages, warnings)
    shared_warnings = shared_checked(out_dir, sources.shared) if provider_ids is None else []
    for provider_id in (provider_ids or sorted(sources.providers)) if incremental and shared_warnings is not None else []:
        last = sources_unchanged(out_dir, provider_id, sources.key(provider_id))
        if last is not None:
            known[provider_id] = last
    wanted = set(provider_ids or sources.providers)
    skipped = {pid: BuildResult(pid, True, pages, unchanged=True) for pid, (pages, _) in known.items()}
    if known and known.keys() == wanted:
        # Nothing any of the sites is made from changed: nothing to read, check or build.
        warnings = sorted({d for _, found in known.values() for d in found} | set(shared_warnings or []))
        tidy(out_dir)
        return Validation(warnings), [skipped[pid] for pid in provider_ids or sorted(skipped)]
    workers = min(jobs, len(wanted - known.keys()))
    with renderers(workers, getattr(progress, "pages", None)) as pool:  # they start while the content is checked
        scoped = provider_ids is not None or bool(known)
        content = repo.load(only_provider=(wanted - known.keys()) if scoped else None)
        for provider_id in provider_ids or []:
            require_provider(content, provider_id)
        selected = [pid for pid in provider_ids or sorted(content.providers) if pid not in known]
        validation = Validation([])

        def check() -> None:
            """Every check of what was read; the build is refused on any error (nothing is swapped in)."""
            found: list[Diagnostic] = [d for _, warnings in known.values() for d in warnings]
            if not scoped:
                found += checks.run_all(content, today, git=repo.git)
            else:
                if provider_ids is None:
                    # Every shared file passed with these sources (shared_checked), and so did every provider not read now.
                    found += content.problems + (shared_warnings or [])
                for provider_id in selected:
                    found += checks.run_all(content, today, provider_id, repo.git)
            if not approved_only:
                found = approvals.for_preview(found)
            validation.diagnostics = sorted(set(found))
            if validation.errors:
                raise ContentErrors(validation.diagnostics, "build")

        def remember(built: list[BuildResult]) -> None:
            """Under the output lock: what each site was made from, if no file changed while it was built."""
            after = source_hashes(repo, today, design, approved_only)
            if provider_ids is None and not scoped:
                remember_shared_checked(out_dir, sources.shared if after.shared == sources.shared else None, validation.warnings)
            for result in built:
                key = sources.key(result.provider_id)
                if result.ok and key == after.key(result.provider_id):
                    concerning = checks.concerning(validation.warnings, content, result.provider_id)
                    remember_sources(out_dir, result.provider_id, key, result.pages, concerning)

        specs = [provider_site(SiteContext(content, content.providers[pid], repo.git, today, approved_only), repo.overrides_dir) for pid in selected]
        media = repo.content_dir / "media"
        built = build_sites(specs, out_dir, media, workers, design, incremental, progress, cache, pool, gate=check, after=remember)
    results = {**skipped, **{result.provider_id: result for result in built}}
    return validation, [results[pid] for pid in provider_ids or sorted(results)]
