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
from pathlib import Path

import git

from .errors import HcwebError
from .repo import Content, Repository
from .site.build import design_digest, provider_site, site_inputs
from .site.pages import SiteContext

GLOBAL_PATHS = ("overrides/", "schemas/", "tooling/", "hcweb.yml", "pyproject.toml", "constraints.txt")


def changed_paths(repo: Repository, base: str) -> set[str]:
    """Files that differ between ``base`` and the working tree, untracked ones included."""
    handle = require_revision(repo, base)
    tracked = handle.git.diff("--name-only", "--no-renames", base, "--").splitlines()
    untracked = handle.git.ls_files("--others", "--exclude-standard").splitlines()
    return {path for path in tracked + untracked if path}


def require_revision(repo: Repository, base: str) -> git.Repo:
    """The repository's git handle, when ``base`` is one of its commits; else HcwebError saying why not."""
    handle = repo.git.repo
    if handle is None:
        raise HcwebError(f"{repo.root} is not a git repository")
    try:
        handle.git.rev_parse("--verify", f"{base}^{{commit}}")
    except git.GitCommandError:
        raise HcwebError(f"'{base}' is not a revision of this repository (in a shallow clone, fetch it first)") from None
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
