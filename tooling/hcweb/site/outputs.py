"""The output folder of a build: the one object that knows what is in it and how it is laid out.

    OUT/<site>/                  a published site, replaced whole (publish)
    OUT/.hcweb-build.lock        one build at a time writes here (locked)
    OUT/.hcweb-inputs/           records of the last good build of each site (site_inputs, *_record)
    OUT/.hcweb-cache/            the render cache (render_cache.py)
    OUT/.hcweb-staging/<site>-*  a site's Markdown and mkdocs.yml while it is built (new_site)
    OUT/.<site>.building-*       a site being rendered (new_site)
    OUT/.<site>.old-*            a site set aside for a moment where two folders cannot be exchanged

A published site is public: every folder of it is made 0755 and every file 0644 before it is
swapped in, whatever the umask of the build (tempfile makes its folders 0700), so that a web
server running as another user can read it. OUT itself is made 0755 when the build creates it;
the records, the cache and the staging folders beside the sites keep the umask's modes.

Whatever is there beside the sites belongs to the build holding the lock: what a killed
build left is cleared when the next one takes it (clear_leftovers). Which folders may be an
output folder at all is output.py's (check_output_folder).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from ..errors import BuildFailed, HcwebError
from ..files import write_atomic
from .output import check_output_folder, unwritable, writing_to

SITE_FOLDER_MODE = 0o755  # a published site's folders: anyone may list and enter them
SITE_FILE_MODE = 0o644  # and read its files; only the one who builds it may change them
_LEFTOVER = re.compile(r"^\.(?P<site>.+)\.(?:old|building)-[^.]+$")
_RENAME_EXCHANGE = 2


class OutputFolder:
    """OUT: its lock, its records, its cache folder, the staging of sites, and swapping them in."""

    LOCK = ".hcweb-build.lock"
    RECORDS = ".hcweb-inputs"
    CACHE = ".hcweb-cache"
    STAGING = ".hcweb-staging"

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def checked(cls, path: Path, root: Path) -> OutputFolder:
        """The output folder ``path``, refused (OutputFolderRefused) when it is among or around the sources in ``root``."""
        check_output_folder(path, root)
        return cls(path)

    def create(self) -> None:
        """Make OUT (and the folders above it) where it is missing; a web server must be able to enter the OUT it makes."""
        if not self.path.is_dir():
            self.path.mkdir(parents=True, exist_ok=True)
            os.chmod(self.path, SITE_FOLDER_MODE)

    def site(self, name: str) -> Path:
        return self.path / name

    def has_site(self, name: str) -> bool:
        return self.site(name).is_dir()

    @property
    def cache_dir(self) -> Path:
        return self.path / self.CACHE

    # --- one build at a time ---------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self):
        """Hold the lock while the block runs; failures to write here become one sentence (writing_to).

        The lock goes with the process, even when it is killed. What a killed build left is cleared first.
        """
        try:
            self.create()
            handle = os.open(self.path / self.LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as exc:
            raise unwritable(self.path, exc) from None
        try:
            if not _try_lock(handle):
                raise BuildFailed(f"another build is writing to {self.path}; wait for it to finish")
            with writing_to(self.path):
                self.clear_leftovers()
                self.open_published()
                try:
                    yield self
                finally:
                    with contextlib.suppress(OSError):
                        (self.path / self.STAGING).rmdir()  # when empty: every site's staging folder was removed
        finally:
            os.close(handle)  # and with it the lock

    def tidy(self) -> None:
        """Clear what killed builds left, when no build is writing here now (a build with nothing to write does this)."""
        if (self.path / self.LOCK).is_file():
            with contextlib.suppress(HcwebError, OSError), self.locked():
                pass

    def clear_leftovers(self) -> None:
        """Under the lock: remove the staging folders of killed builds, and finish or undo their swaps."""
        shutil.rmtree(self.path / self.STAGING, ignore_errors=True)
        for name in sorted({match["site"] for match in map(_LEFTOVER.match, os.listdir(self.path)) if match}):
            self.recover(name)

    def open_published(self) -> None:
        """Open the sites older builds published closed (0700), also those this build does not render again.

        Only folders hcweb published (with a record of their inputs); anything else in OUT is left as it is.
        """
        for entry in os.scandir(self.path):
            published = entry.is_dir(follow_symlinks=False) and self.site_inputs(entry.name) is not None
            if published and entry.stat(follow_symlinks=False).st_mode & 0o777 != SITE_FOLDER_MODE:
                make_world_readable(Path(entry.path))

    def recover(self, name: str) -> None:
        """Undo a swap interrupted between its two renames, and remove half-built copies of the site."""
        target = self.site(name)
        leftovers = sorted(self.path.glob(f".{name}.old-*"))
        if not target.exists() and leftovers:
            os.rename(leftovers.pop(), target)
        for path in leftovers + list(self.path.glob(f".{name}.building-*")):
            shutil.rmtree(path, ignore_errors=True)

    # --- staging and swapping -----------------------------------------------------------------

    def new_site(self, name: str) -> tuple[Path, Path]:
        """Two new folders for building the site ``name``: (its staging folder, the folder it is rendered into)."""
        self.create()
        (self.path / self.STAGING).mkdir(exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.path / self.STAGING))
        rendered = Path(tempfile.mkdtemp(prefix=f".{name}.building-", dir=self.path))
        return staging, rendered

    def publish(self, name: str, rendered: Path, inputs: str) -> None:
        """Swap the site rendered into ``rendered`` in, and record the digest of what it was made from.

        Its records are forgotten first: a site is never taken for another build's.
        """
        self.forget(name)
        self.forget(f"{name}.sources")  # sources.py records it again once the build is done
        make_world_readable(rendered)
        _swap_in(rendered, self.site(name))
        self._write(name, inputs)

    @staticmethod
    def discard(folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)

    # --- records --------------------------------------------------------------------------

    def site_inputs(self, name: str) -> str | None:
        """The digest of what the published site ``name`` was made from (site_inputs), if it is there."""
        try:
            return (self.path / self.RECORDS / name).read_text()
        except OSError:
            return None

    def sources_record(self, name: str) -> dict | None:
        """What the published site ``name`` was made from, as sources.py recorded it (None: no such record)."""
        return self._record(f"{name}.sources") if self.has_site(name) else None

    def write_sources_record(self, name: str, data: dict) -> None:
        self._write(f"{name}.sources", json.dumps(data, ensure_ascii=False))

    def checked_record(self) -> dict | None:
        """The shared sources every file last passed every check with, as sources.py recorded it."""
        return self._record("shared.checked")

    def write_checked_record(self, data: dict | None) -> None:
        """Record (None: forget) the shared sources every file passed every check with."""
        if data is None:
            self.forget("shared.checked")
        else:
            self._write("shared.checked", json.dumps(data, ensure_ascii=False))

    def _record(self, name: str) -> dict | None:
        try:
            data = json.loads((self.path / self.RECORDS / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def forget(self, name: str) -> None:
        (self.path / self.RECORDS / name).unlink(missing_ok=True)

    def _write(self, name: str, text: str) -> None:
        write_atomic(self.path / self.RECORDS / name, text)


def make_world_readable(folder: Path) -> None:
    """Every folder under ``folder`` (and itself) SITE_FOLDER_MODE, every file SITE_FILE_MODE; links are left alone."""
    os.chmod(folder, SITE_FOLDER_MODE)
    for top, folders, files in os.walk(folder):
        for name, mode in [(name, SITE_FOLDER_MODE) for name in folders] + [(name, SITE_FILE_MODE) for name in files]:
            path = os.path.join(top, name)
            if not os.path.islink(path):
                os.chmod(path, mode)


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
    return renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), _RENAME_EXCHANGE) == 0


def _swap_in(rendered: Path, target: Path) -> None:
    """Replace ``target`` by ``rendered``: readers (and a kill at any moment) see the old site or the new one.

    The two folders are exchanged in one step where the system allows it; elsewhere the old one is
    renamed aside first, and an interrupted swap is undone by recover().
    """
    if target.exists() and _exchange(rendered, target):
        shutil.rmtree(rendered, ignore_errors=True)  # now holds the old site
        return
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, old)
    os.rename(rendered, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
