"""What each provider's site is made from, hashed without parsing anything: the first test of an incremental build.

A site is made from its provider's files, and from what every site shares: the national
texts, the registry of every provider, media, data snapshots, the policy and schemas, the
design and hcweb's own code, the date, and what git says of when each file last changed.
When neither the provider's part nor the shared part changed since the site's last good
build, its files are neither read nor checked again: they passed every check then, with the
same shared content (a build refuses any content with errors), so they pass now. Anything
else goes through loading, checking and merging, and then the exact comparison of the
merged pages (site_inputs) decides.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic
from .files import write_atomic
from .repo import PROVIDER_FILE, Repository

RECORDS = ".hcweb-inputs"
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


def _read(record: Path, key: str | None) -> tuple[dict, list[Diagnostic]] | None:
    """A record and its warnings, when it was written for ``key``; else None (also when it cannot be read)."""
    if key is None:
        return None
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        return data, [Diagnostic.from_dict(entry) for entry in data["warnings"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write(record: Path, key: str, warnings: list[Diagnostic], **more) -> None:
    write_atomic(record, json.dumps({"key": key, **more, "warnings": [d.as_dict() for d in warnings]}, ensure_ascii=False))


def unchanged(out_dir: Path, provider_id: str, key: str | None) -> tuple[int, list[Diagnostic]] | None:
    """(pages, warnings) of the site's last good build when it was made from the sources ``key`` names."""
    found = _read(out_dir / RECORDS / f"{provider_id}.sources", key) if (out_dir / provider_id).is_dir() else None
    if found is None or not isinstance(found[0].get("pages"), int):
        return None
    return found[0]["pages"], found[1]


def remember(out_dir: Path, provider_id: str, key: str | None, pages: int, warnings: list[Diagnostic]) -> None:
    """Record what the site just built (or found up to date) was made from, and the warnings that concern it."""
    if key is not None:
        _write(out_dir / RECORDS / f"{provider_id}.sources", key, warnings, pages=pages)


def shared_checked(out_dir: Path, shared: str) -> list[Diagnostic] | None:
    """The warnings about shared files when every file was last checked with these shared sources, else None.

    A build of every site may skip providers only then: their files passed, and so did everything else.
    """
    found = _read(out_dir / RECORDS / "shared.checked", shared)
    return None if found is None else found[1]


def remember_shared_checked(out_dir: Path, shared: str | None, warnings: list[Diagnostic]) -> None:
    """Record that every file passed every check with the shared sources ``shared`` (None: forget it)."""
    record = out_dir / RECORDS / "shared.checked"
    if shared is None:
        record.unlink(missing_ok=True)
        return
    _write(record, shared, [d for d in warnings if not d.path.startswith("content/providers/")])  # what depends on shared files only
