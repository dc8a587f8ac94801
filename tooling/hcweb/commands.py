"""The core operations behind the CLI: each takes typed, already-checked arguments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import checks, codeowners
from .diagnostics import Diagnostic
from .diagnostics import strict as make_strict
from .errors import ContentErrors, UnknownProvider
from .repo import Content, Repository
from .site.build import BuildResult, build_sites, provider_site, renderers
from .site.pages import SiteContext


@dataclass
class Validation:
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]


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


def build_catalogue(repo: Repository, out_dir: Path, today: dt.date) -> BuildResult:
    """The catalogue of national texts and the coordinator dashboard, at OUT/catalogue/."""
    from .site.catalogue import catalogue_site

    content = repo.load()
    errors = [d for d in checks.run_all(content, today, git=repo.git) if d.is_error and d.path.startswith("content/common/")]
    if errors:
        raise ContentErrors(errors, "catalogue build")
    return build_sites([catalogue_site(content, repo.git, today, repo.overrides_dir)], out_dir, repo.content_dir / "media")[0]


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
    """Validate, then build the sites; refuses (ContentErrors) when the content has errors.

    With ``approved_only`` False (a preview), national texts are shown as they are now, not as approved.
    """
    with renderers(min(jobs, len(provider_ids)) if provider_ids else jobs) as pool:  # they start while the content is checked
        content = repo.load(only_provider=provider_ids[0] if provider_ids and len(provider_ids) == 1 else None)
        for provider_id in provider_ids or []:
            require_provider(content, provider_id)
        selected = provider_ids or sorted(content.providers)
        found: list[Diagnostic] = []
        if provider_ids is None:
            found = checks.run_all(content, today, git=repo.git)
        else:
            for provider_id in selected:
                found += checks.run_all(content, today, provider_id, repo.git)
        validation = Validation(sorted(set(found)))
        if validation.errors:
            raise ContentErrors(validation.diagnostics, "build")
        specs = [provider_site(SiteContext(content, content.providers[pid], repo.git, today, approved_only), repo.overrides_dir) for pid in selected]
        media = repo.content_dir / "media"
        return validation, build_sites(specs, out_dir, media, jobs, repo.overrides_dir, incremental, progress, cache, pool)
