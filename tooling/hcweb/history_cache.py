"""What git's history says, kept between runs in ``.git/hcweb-history.json``, keyed by commit id.

A commit never changes. The files each commit reachable from a commit changed, with their dates, and
what a national text holds at a commit (its revision, whether its owner approved it) are the same on
every run, so they are read once and kept: each log under the commit id the branch pointed at, each
version under its commit and path. A new commit is a new key and is read again; nothing is ever
updated in place, so nothing can go stale. The working tree is never kept (``git status`` is asked on
every run). The whole file is also keyed by the code that computed it: another hcweb reads afresh.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
import weakref
from pathlib import Path

FILE_NAME = "hcweb-history.json"
FORMAT = 1
_KEPT_LOGS = 4  # logs of other commits kept beside those read now (HEAD and the main line, and the last few)
_KEPT_VERSIONS = 200_000  # versions of files kept at most

# Per file: the commits that changed it, newest first, with their commit dates.
Log = dict[str, list[tuple[str, dt.date]]]


def _code_digest() -> str:
    """The code whose results are kept: a cache written by other code is not read."""
    here = Path(__file__).parent
    digest = hashlib.sha256(str(FORMAT).encode())
    for name in ("history_cache.py", "repo.py", "revisions.py", "documents.py", "model.py"):
        with contextlib.suppress(OSError):
            digest.update((here / name).read_bytes())
    return digest.hexdigest()


_CODE: list[str] = []


def code_digest() -> str:
    if not _CODE:
        _CODE.append(_code_digest())
    return _CODE[0]


class HistoryCache:
    """The logs and versions of files kept for one repository; written back when the view is dropped or the program ends."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._logs: dict[str, Log] = {}  # read or made in this run
        self._old_logs: dict[str, dict] = {}  # as stored, not yet decoded
        self.versions: dict[str, list | None] = {}
        self._state = {"dirty": False}
        if path is not None:
            self._load(path)
            weakref.finalize(self, _save, path, self._logs, self._old_logs, self.versions, self._state)

    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("code") != code_digest():
                return
            logs, versions = data["logs"], data["versions"]
            if isinstance(logs, dict) and isinstance(versions, dict):
                self._old_logs, self.versions = logs, versions
        except (OSError, ValueError, KeyError, TypeError):
            return  # no cache, or one that cannot be read: read history afresh

    def log(self, key: str) -> Log | None:
        if key in self._logs:
            return self._logs[key]
        stored = self._old_logs.get(key)
        if stored is None:
            return None
        try:
            commits = [(sha, dt.date.fromisoformat(day)) for sha, day in stored["commits"]]
            found = {rel: [commits[index] for index in indexes] for rel, indexes in stored["files"].items()}
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None
        self._logs[key] = found
        return found

    def remember_log(self, key: str, found: Log) -> None:
        self._logs[key] = found
        self._state["dirty"] = True

    def remember_version(self, key: str, value: list | None) -> None:
        self.versions[key] = value
        self._state["dirty"] = True


def _encode(found: Log) -> dict:
    commits: dict[str, int] = {}
    listed: list[list[str]] = []
    files: dict[str, list[int]] = {}
    for rel, changes in found.items():
        indexes = []
        for sha, day in changes:
            if sha not in commits:
                commits[sha] = len(listed)
                listed.append([sha, day.isoformat()])
            indexes.append(commits[sha])
        files[rel] = indexes
    return {"commits": listed, "files": files}


def _save(path: Path, logs: dict[str, Log], old_logs: dict[str, dict], versions: dict, state: dict) -> None:
    """Write the cache atomically (a reader sees the old file or the new one); a folder it cannot write to is left alone."""
    if not state["dirty"]:
        return
    kept = {key: _encode(found) for key, found in logs.items()}
    for key, stored in old_logs.items():
        if len(kept) >= len(logs) + _KEPT_LOGS:
            break
        kept.setdefault(key, stored)
    if len(versions) > _KEPT_VERSIONS:
        versions = dict(list(versions.items())[-_KEPT_VERSIONS:])
    payload = json.dumps({"code": code_digest(), "logs": kept, "versions": versions}, separators=(",", ":"))
    try:
        handle, temporary = tempfile.mkstemp(prefix=".hcweb-history-", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(temporary)
    state["dirty"] = False
