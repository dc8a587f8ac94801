"""Which provider sites a change affects: compare what each site would show before and after it.

Rather than guess from file names, the pages of every provider are merged
twice, at the base revision and in the working tree, and the sites whose pages
differ are affected. A national text changed after a provider approved it
leaves that (pinned) provider's pages as they were, so it is not affected.
Changes to the design, schemas, tooling or policy affect every site.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import git

from .errors import UnknownRevision
from .repo import Content, Repository
from .site.build import design_digest, provider_site, site_inputs
from .site.catalogue import NAME as CATALOGUE
from .site.catalogue import catalogue_site
from .site.pages import SiteContext

GLOBAL_PATHS = ("overrides/", "schemas/", "tooling/", "hcweb.yml", "pyproject.toml", "constraints.txt")


def changed_paths(repo: Repository, base: str) -> set[str]:
    """Files that differ between ``base`` and the working tree, untracked ones included."""
    handle = require_revision(repo, base)
    tracked = handle.git.diff("--name-only", "--no-renames", base, "--").splitlines()
    untracked = handle.git.ls_files("--others", "--exclude-standard").splitlines()
    return {path for path in tracked + untracked if path}


def require_revision(repo: Repository, base: str) -> git.Repo:
    """The repository's git handle, when ``base`` is one of its commits; else UnknownRevision saying why not."""
    handle = repo.git.repo
    if handle is None:
        raise UnknownRevision(f"{repo.root} is not a git repository")
    if not base.strip():
        raise UnknownRevision("no base revision was given")
    if set(base) == {"0"}:  # how GitHub names the commit before the first push of a branch
        raise UnknownRevision(f"'{base}' names no commit (the branch is new)")
    try:
        handle.git.rev_parse("--verify", f"{base}^{{commit}}")
    except git.GitCommandError:
        raise UnknownRevision(f"'{base}' is not a revision of this repository (fetch it first, e.g. git fetch origin main)") from None
    return handle


@contextlib.contextmanager
def checkout(repo: Repository, base: str) -> Iterator[Path]:
    """The repository as it was at ``base``, in a temporary worktree that shares its history."""
    handle = repo.git.repo
    with tempfile.TemporaryDirectory(prefix="hcweb-base-") as folder:
        path = Path(folder) / "base"
        handle.git.worktree("add", "--detach", "--quiet", str(path), base)
        try:
            yield path
        finally:
            handle.git.worktree("remove", "--force", str(path))


def fingerprint(repo: Repository, content: Content, provider_id: str, today: dt.date, shared: str) -> str:
    """A hash of everything the provider's site is made from (the same one incremental builds use).

    Content that cannot be merged (an overlay of a text the change deletes, say) is a fingerprint of its
    own: the site is affected, and the build will say how.
    """
    missing = missing_texts(content, provider_id)
    if missing:
        return "unbuildable: " + ", ".join(missing)
    context = SiteContext(content, content.providers[provider_id], repo.git, today)
    try:
        spec = provider_site(context, repo.overrides_dir)
        return site_inputs(spec, repo.content_dir / "media", shared)
    except Exception as exc:  # noqa: BLE001 - broken content changes the output too: the build will say how
        return f"unbuildable: {type(exc).__name__}"


def site_fingerprint(repo: Repository, content: Content, name: str, today: dt.date, shared: str) -> str:
    """fingerprint() of a provider's site, or of the catalogue (CATALOGUE) of national texts and the dashboard."""
    if name != CATALOGUE:
        return fingerprint(repo, content, name, today, shared) if name in content.providers else "no such provider"
    try:
        return site_inputs(catalogue_site(content, repo.git, today, repo.overrides_dir), repo.content_dir / "media", shared)
    except Exception as exc:  # noqa: BLE001 - as in fingerprint(): the build will say how
        return f"unbuildable: {type(exc).__name__}"


def changed_since(repo: Repository, base: str, base_today: dt.date, today: dt.date, head: Content, sites: list[str]) -> list[str]:
    """The ``sites`` (provider ids, CATALOGUE) whose output, built from the working tree for ``today``, differs from
    the output built from ``base`` for ``base_today``: what a site published from ``base`` on that day lacks now.

    The same comparison as affected(), with a date on each side, so that a site whose pages change only with the
    date (an event that is over, a review that falls due) counts as changed too.
    """
    changed = changed_paths(repo, base)
    if any(path == prefix or path.startswith(prefix) for path in changed for prefix in GLOBAL_PATHS):
        return list(sites)
    content_changed = any(path.startswith(("content/", "data/")) for path in changed)
    if not content_changed and base_today == today:
        return []
    head_shared = design_digest(repo.overrides_dir)
    now = {name: site_fingerprint(repo, head, name, today, head_shared) for name in sites}
    if not content_changed:  # the same files: only the date differs
        return [name for name in sites if site_fingerprint(repo, head, name, base_today, head_shared) != now[name]]
    with checkout(repo, base) as base_root:
        old_repo = Repository(base_root)
        old_repo.schemas = repo.schemas
        old = old_repo.load()
        old_shared = design_digest(old_repo.overrides_dir)
        return [
            name
            for name in sites
            if (name != CATALOGUE and name not in old.providers)
            or site_fingerprint(old_repo, old, name, base_today, old_shared) != now[name]
        ]


def missing_texts(content: Content, provider_id: str) -> list[str]:
    """The national texts the provider's overlays use that are not (or no longer) there."""
    return sorted({o.uses for o in content.providers[provider_id].overlays if o.uses and o.uses not in content.national})


def reasons(repo: Repository, base: str, today: dt.date) -> dict[str, str]:
    """Each affected provider site, with why (a deleted national text its overlays still use is named)."""
    head = repo.load()
    return {
        provider_id: (
            f"uses {', '.join(missing)}, which this change deletes: remove or change the overlays"
            if (missing := missing_texts(head, provider_id))
            else "its pages change"
        )
        for provider_id in affected(repo, base, today, head)
    }


@dataclass(frozen=True)
class AffectedSites:
    """The affected provider sites with why, and ``note``: why every site is listed when there was no usable base."""

    reasons: dict[str, str]
    note: str | None = None

    @property
    def providers(self) -> list[str]:
        return sorted(self.reasons)

    def markdown(self) -> str:
        """A section of a job summary: each affected site and why, and the note."""
        lines = ["### Affected provider sites", ""]
        lines += [f"- {provider_id}: {self.reasons[provider_id]}" for provider_id in self.providers] or ["No provider site changes."]
        if self.note:
            lines += ["", f"Note: {self.note}."]
        return "\n".join(lines) + "\n"


def reasons_or_all(repo: Repository, base: str, today: dt.date) -> AffectedSites:
    """As reasons(); but when ``base`` is missing or not a commit here, every provider site, with a note saying why.

    For a first push, a new branch, or a base that was never fetched: building everything is safe, skipping is not.
    """
    try:
        require_revision(repo, base)
    except UnknownRevision as exc:
        every = sorted(repo.load().providers)
        return AffectedSites(dict.fromkeys(every, "no usable base to compare with"), f"every provider site is listed: {exc}")
    return AffectedSites(reasons(repo, base, today))


def affected(repo: Repository, base: str, today: dt.date, head: Content | None = None) -> list[str]:
    changed = changed_paths(repo, base)
    head = head or repo.load()
    providers = sorted(head.providers)
    if any(path == prefix or path.startswith(prefix) for path in changed for prefix in GLOBAL_PATHS):
        return providers
    if not any(path.startswith(("content/", "data/")) for path in changed):
        return []
    with checkout(repo, base) as base_root:
        old_repo = Repository(base_root)
        old_repo.schemas = repo.schemas  # an older checkout may lack a schema this tooling reads (redirects)
        old = old_repo.load()
        old_shared, head_shared = design_digest(old_repo.overrides_dir), design_digest(repo.overrides_dir)
        return [
            provider_id
            for provider_id in providers
            if provider_id not in old.providers
            or fingerprint(old_repo, old, provider_id, today, old_shared) != fingerprint(repo, head, provider_id, today, head_shared)
        ]
