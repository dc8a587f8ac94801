"""Writing files safely: a temporary file beside the target, then one rename."""

from __future__ import annotations

import glob
import os
import re
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step: readers see the old file or the new one, never half.

    The file keeps its permissions; a new file gets 0644. A temporary file that an earlier write of the same
    file left behind (it was killed between writing and renaming) is removed first.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(path)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove_leftovers(path: Path) -> None:
    """The temporary files write_atomic made for ``path`` and never renamed (mkstemp's names: the prefix and 8 characters)."""
    leftover = re.compile(re.escape(f".{path.name}.") + r"[a-z0-9_]{8}")
    for name in glob.glob(glob.escape(str(path.parent / f".{path.name}.")) + "*"):
        if leftover.fullmatch(os.path.basename(name)):
            Path(name).unlink(missing_ok=True)
