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

from .diagnostics import Diagnostic, Severity
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


def _walk(folder: Path) -> list[Path]:
    found = []
    for directory, subdirs, files in os.walk(folder):
        subdirs.sort()
        found += [Path(directory) / name for name in sorted(files)]
    return found


def _file_hash(path: Path, content_dir: Path) -> bytes:
    """A regular file's bytes, hashed; a link by where it points (and that file, when it is inside content/,
    where the loader reads it); anything else by its kind, unread (a pipe would never end)."""
    try:
        info = path.lstat()
        if stat.S_ISREG(info.st_mode):
            with open(path, "rb") as handle:
                return hashlib.file_digest(handle, "sha256").digest()
        if stat.S_ISLNK(info.st_mode):
            target = path.resolve()
            inside = target.is_relative_to(content_dir.resolve()) and stat.S_ISREG(target.stat().st_mode)
            return b"link:" + os.readlink(path).encode() + (_file_hash(target, content_dir) if inside else b"")
        return f"kind:{stat.S_IFMT(info.st_mode)}".encode()
    except (OSError, RuntimeError):
        return b"unreadable"


def source_hashes(repo: Repository, today: dt.date, design: str, approved_only: bool) -> Sources:
    """Hashes of the shared sources and of each provider's own files (bytes, names and git dates)."""
    git = repo.git

    def add(digest, path: Path) -> None:
        rel = repo.rel(path)
        digest.update(f"{rel}\x00{git.last_changed(rel)}\x00".encode() + _file_hash(path, repo.content_dir) + b"\x00")

    shared = hashlib.sha256(json.dumps([design, today.isoformat(), approved_only]).encode())
    for name in ("hcweb.yml", ".github/CODEOWNERS"):
        if (repo.root / name).is_file():
            add(shared, repo.root / name)
    for folder in SHARED_FOLDERS:
        for path in _walk(repo.root / folder):
            add(shared, path)
    providers: dict[str, str] = {}
    folder = repo.content_dir / "providers"
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not path.is_dir():
            add(shared, path)
            continue
        own = hashlib.sha256()
        for file in _walk(path):
            add(shared if file == path / PROVIDER_FILE else own, file)
        providers[path.name] = own.hexdigest()
    return Sources(shared.hexdigest(), providers)


def unchanged(out_dir: Path, provider_id: str, key: str | None) -> tuple[int, list[Diagnostic]] | None:
    """(pages, warnings) of the site's last good build when it was made from the sources ``key`` names."""
    record = out_dir / RECORDS / f"{provider_id}.sources"
    if key is None or not (out_dir / provider_id).is_dir():
        return None
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    try:
        warnings = [Diagnostic(d["path"], d["line"], Severity(d["severity"]), d["code"], d["message"]) for d in data["warnings"]]
        return int(data["pages"]), warnings
    except (KeyError, TypeError, ValueError):
        return None


def remember(out_dir: Path, provider_id: str, key: str | None, pages: int, warnings: list[Diagnostic]) -> None:
    """Record what the site just built (or found up to date) was made from, and the warnings that concern it."""
    if key is None:
        return
    record = out_dir / RECORDS / f"{provider_id}.sources"
    entries = [{"path": d.path, "line": d.line, "severity": d.severity.value, "code": d.code, "message": d.message} for d in warnings]
    write_atomic(record, json.dumps({"key": key, "pages": pages, "warnings": entries}, ensure_ascii=False))
