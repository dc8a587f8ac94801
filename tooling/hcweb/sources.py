"""What each provider's site is made from, hashed without parsing anything: the first test of an incremental build.

A site is made from its provider's files, and from what every site shares: the national
texts, the registry of every provider, media, data snapshots, the policy and schemas, the
design and hcweb's own code, the date, and what git says of when each file last changed.
When neither the provider's part nor the shared part changed since the site's last good
build, its files are neither read nor checked again: they passed every check then, with the
same shared content (a build refuses any content with errors), so they pass now. Anything
else goes through loading, checking and merging, and then the exact comparison of the
merged pages (site_inputs) decides. The records live in the output folder (site/outputs.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import checks
from .diagnostics import Diagnostic
from .repo import PROVIDER_FILE, Content, GitView, Repository

if TYPE_CHECKING:
    from .site.outputs import OutputFolder
SHARED_FOLDERS = ("schemas", "content/common", "content/media", "data")


@dataclass
class Sources:
    shared: str
    providers: dict[str, str]  # provider id -> hash of its own files

    def key(self, provider_id: str) -> str | None:
        own = self.providers.get(provider_id)
        return None if own is None else hashlib.sha256(f"{self.shared}:{own}".encode()).hexdigest()


def _walk(folder: Path, follow: bool) -> list[Path]:
    """Every file under ``folder``; with ``follow``, also under linked folders (each real folder once)."""
    found: list[Path] = []
    seen: set[str] = set()
    for directory, subdirs, files in os.walk(folder, followlinks=follow):
        real = os.path.realpath(directory)
        if real in seen:  # a link back up the tree
            subdirs.clear()
            continue
        seen.add(real)
        subdirs.sort()
        found += [Path(directory) / name for name in sorted(files)]
    return found


def _file_hash(path: Path) -> bytes:
    """A regular file's bytes, hashed; a link by where it points and, when that is a regular file, its bytes
    (whatever reads the link reads them); anything else by its kind, unread (a pipe would never end)."""
    try:
        info = path.lstat()
        if stat.S_ISREG(info.st_mode):
            with open(path, "rb") as handle:
                return hashlib.file_digest(handle, "sha256").digest()
        if stat.S_ISLNK(info.st_mode):
            target = path.resolve()
            regular = stat.S_ISREG(target.stat().st_mode)
            return b"link:" + os.readlink(path).encode() + (_file_hash(target) if regular else b"")
        return f"kind:{stat.S_IFMT(info.st_mode)}".encode()
    except (OSError, RuntimeError):
        return b"unreadable"


def source_hashes(repo: Repository, today: dt.date, design: str, approved_only: bool) -> Sources:
    """Hashes of the shared sources and of each provider's own files (bytes, names and git dates)."""
    git = repo.git

    def add(digest, path: Path) -> None:
        rel = repo.rel(path)
        digest.update(f"{rel}\x00{git.last_changed(rel)}\x00".encode() + _file_hash(path) + b"\x00")

    shared = hashlib.sha256(json.dumps([design, today.isoformat(), approved_only]).encode())
    for name in ("hcweb.yml", ".github/CODEOWNERS"):
        if (repo.root / name).is_file():
            add(shared, repo.root / name)
    for folder in SHARED_FOLDERS:
        for path in _walk(repo.root / folder, follow=not folder.startswith("content/")):  # the loader follows links in data/ and schemas/
            add(shared, path)
    providers: dict[str, str] = {}
    folder = repo.content_dir / "providers"
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not path.is_dir():
            add(shared, path)
            continue
        own = hashlib.sha256()
        for file in _walk(path, follow=False):
            add(shared if file == path / PROVIDER_FILE else own, file)
        providers[path.name] = own.hexdigest()
    return Sources(shared.hexdigest(), providers)


def _read(data: dict | None, key: str | None) -> tuple[dict, list[Diagnostic]] | None:
    """A record and its warnings, when it was written for ``key``; else None (also when it is damaged)."""
    if key is None or data is None or data.get("key") != key:
        return None
    try:
        return data, [Diagnostic.from_dict(entry) for entry in data["warnings"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _record(key: str, warnings: list[Diagnostic], **more) -> dict:
    return {"key": key, **more, "warnings": [d.as_dict() for d in warnings]}


def unchanged(output: OutputFolder, provider_id: str, key: str | None) -> tuple[int, list[Diagnostic]] | None:
    """(pages, warnings) of the site's last good build when it was made from the sources ``key`` names."""
    found = _read(output.sources_record(provider_id), key)
    if found is None or not isinstance(found[0].get("pages"), int):
        return None
    return found[0]["pages"], found[1]


def remember(output: OutputFolder, provider_id: str, key: str | None, pages: int, warnings: list[Diagnostic]) -> None:
    """Record what the site just built (or found up to date) was made from, and the warnings that concern it."""
    if key is not None:
        output.write_sources_record(provider_id, _record(key, warnings, pages=pages))


def shared_checked(output: OutputFolder, shared: str) -> list[Diagnostic] | None:
    """The warnings about shared files when every file was last checked with these shared sources, else None.

    A build of every site may skip providers only then: their files passed, and so did everything else.
    """
    found = _read(output.checked_record(), shared)
    return None if found is None else found[1]


def remember_shared_checked(output: OutputFolder, shared: str | None, warnings: list[Diagnostic]) -> None:
    """Record that every file passed every check with the shared sources ``shared`` (None: forget it)."""
    if shared is None:
        output.write_checked_record(None)
        return
    shared_only = [d for d in warnings if not d.path.startswith("content/providers/")]  # what depends on shared files only
    output.write_checked_record(_record(shared, shared_only))


@dataclass
class BuildPlan:
    """What a build must read, check and render, decided from the hashes of the sources alone (make()).

    ``known`` are the sites whose sources are those of their last good build: they are neither
    read, checked nor rendered again, and their warnings are shown again.
    """

    provider_ids: list[str] | None  # the sites asked for; None: every site
    sources: Sources
    known: dict[str, tuple[int, list[Diagnostic]]]  # site -> (pages, warnings) of its last good build
    shared_warnings: list[Diagnostic] | None  # of the shared files, when every file last passed with these shared sources

    @classmethod
    def make(cls, output: OutputFolder, sources: Sources, provider_ids: list[str] | None, incremental: bool) -> BuildPlan:
        shared_warnings = shared_checked(output, sources.shared) if provider_ids is None else []
        known: dict[str, tuple[int, list[Diagnostic]]] = {}
        for provider_id in (provider_ids or sorted(sources.providers)) if incremental and shared_warnings is not None else []:
            last = unchanged(output, provider_id, sources.key(provider_id))
            if last is not None:
                known[provider_id] = last
        return cls(provider_ids, sources, known, shared_warnings)

    @property
    def to_build(self) -> set[str]:
        return set(self.provider_ids or self.sources.providers) - self.known.keys()

    @property
    def up_to_date(self) -> bool:
        """Nothing any of the sites is made from changed: nothing to read, check or build."""
        return bool(self.known) and not self.to_build

    @property
    def scoped(self) -> bool:
        """Only some providers' files are read and checked (the others' passed with these sources)."""
        return self.provider_ids is not None or bool(self.known)

    @property
    def to_read(self) -> set[str] | None:
        """The providers whose own files are read (None: every file)."""
        return self.to_build if self.scoped else None

    def known_warnings(self) -> list[Diagnostic]:
        return sorted({d for _, found in self.known.values() for d in found} | set(self.shared_warnings or []))

    def selected(self, content: Content) -> list[str]:
        """The sites to merge, compare and perhaps render, in order."""
        return [pid for pid in self.provider_ids or sorted(content.providers) if pid not in self.known]

    def check(self, content: Content, today: dt.date, git: GitView | None) -> list[Diagnostic]:
        """Every check of what was read, and the warnings of what was not (it passed with these sources)."""
        found: list[Diagnostic] = [d for _, warnings in self.known.values() for d in warnings]
        if not self.scoped:
            return found + checks.run_all(content, today, git=git)
        if self.provider_ids is None:
            # Every shared file passed with these sources (shared_checked), and so did every provider not read now.
            found += content.problems + (self.shared_warnings or [])
        for provider_id in self.selected(content):
            found += checks.run_all(content, today, provider_id, git)
        return found

    def remember(self, output: OutputFolder, after: Sources, content: Content, warnings: list[Diagnostic], built: list) -> None:
        """Under the output folder's lock: what each site was made from, if no file changed while it was built
        (``after``: the sources hashed again); and, after a build of every file, that they passed."""
        if self.provider_ids is None and not self.scoped:
            remember_shared_checked(output, self.sources.shared if after.shared == self.sources.shared else None, warnings)
        for result in built:
            key = self.sources.key(result.provider_id)
            if result.ok and key == after.key(result.provider_id):
                remember(output, result.provider_id, key, result.pages, checks.concerning(warnings, content, result.provider_id))
