"""The output folder of a build: which folders it may be, and the errors of writing to it.

A build replaces folders inside its output folder and removes what killed builds left
there, so the output folder must never be, contain or lie inside what the repository
is made from. The default, site/ in the repository, is fine.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from ..errors import HcwebError

SOURCE_FOLDERS = ("content", "schemas", "overrides", "tooling", "data", ".git", ".github")


class OutputFolderRefused(HcwebError):
    """The output folder would overwrite sources or a home folder (a usage problem: exit 2)."""

    exit_code = 2


class OutputFolderUnwritable(HcwebError):
    """The output folder cannot be created or written (read-only, a file in the way, a full disk)."""


def check_output_folder(out_dir: Path, root: Path) -> None:
    """Refuse an output folder that is, contains or lies inside the sources, or is (or contains)
    the repository, a home folder or the file system's root. Links are resolved first."""
    target, root = _real(out_dir), _real(root)
    shown = str(out_dir) if target == out_dir.absolute() else f"{out_dir} (a link to {target})"
    problem = _conflict(target, root)
    if problem is not None:
        raise OutputFolderRefused(
            f"refusing to build into {shown}: it {problem}; choose another --out folder, e.g. site/ in the repository"
        )
    for entry in _links_in(target):
        problem = _conflict(_real(entry), root)
        if problem is not None:
            raise OutputFolderRefused(f"refusing to build into {shown}: {entry.name} there is a link to {_real(entry)}, which {problem}")


def _real(path: Path) -> Path:
    """``path`` absolute with every link resolved, also where it does not exist (yet) or links in a loop."""
    return Path(os.path.realpath(path))


def _conflict(target: Path, root: Path) -> str | None:
    """How ``target`` collides with a protected place, in words; None when it does not."""
    places = _whole_places(root)
    for place, name in places:
        if target == place:
            return f"is {name}"
    for name in SOURCE_FOLDERS:
        source = _real(root / name)
        if target == source:
            return f"is the repository's {name}/ folder"
        if source in target.parents:
            return f"lies inside the repository's {name}/ folder"
        if target in source.parents and target not in root.parents:
            return f"contains the repository's {name}/ folder"
    for place, name in places:
        if target in place.parents:
            return f"contains {name}"
    return None


def _whole_places(root: Path) -> list[tuple[Path, str]]:
    """Folders a build may neither be nor contain: the repository, the home folder, the file system's root."""
    places = [(root, f"the repository ({root})")]
    homes = {os.environ.get("HOME") or ""}
    with contextlib.suppress(RuntimeError, KeyError):
        homes.add(str(Path.home()))
    places += [(_real(Path(home)), f"the home folder {home}") for home in sorted(homes) if home]
    places.append((Path(root.anchor), f"the root of the file system ({root.anchor})"))
    return places


def _links_in(folder: Path) -> list[Path]:
    """The links directly inside ``folder`` (the build opens and replaces entries there by name)."""
    try:
        return sorted(entry for entry in folder.iterdir() if entry.is_symlink())
    except OSError:  # not there yet, or not a folder: creating it reports that
        return []


def unwritable(out_dir: Path, error: OSError) -> OutputFolderUnwritable:
    """The one-line message for an output folder that cannot be written."""
    path = _path_in(out_dir, error) or _named(error.filename)  # creating the folder may fail on a folder above it
    where = f" ({path})" if path is not None and path != out_dir else ""
    reason = error.strerror or type(error).__name__
    return OutputFolderUnwritable(f"cannot write to the output folder {out_dir}: {reason}{where}")


def concerns(out_dir: Path, error: OSError) -> bool:
    """Whether ``error`` is about a path in the output folder."""
    return _path_in(out_dir, error) is not None


def _path_in(out_dir: Path, error: OSError) -> Path | None:
    """The path ``error`` names that is in ``out_dir`` (a copy names two paths)."""
    for path in (_named(error.filename), _named(error.filename2)):
        if path is not None and (path == out_dir or out_dir in path.parents):
            return path
    return None


def _named(filename: object) -> Path | None:
    """The absolute path an error names, if it names one (some name a file descriptor, or nothing)."""
    if isinstance(filename, (str, bytes, os.PathLike)):
        return Path(os.path.abspath(os.fsdecode(filename)))
    return None


@contextlib.contextmanager
def writing_to(out_dir: Path):
    """Turn a failure to write into the output folder into its one-line message."""
    try:
        yield
    except OSError as error:
        if concerns(out_dir, error):
            raise unwritable(out_dir, error) from None
        raise
