"""A published site is readable by a web server running as another user: folders 0755, files 0644, whatever the umask."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from helpers import TODAY, run


@contextlib.contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def modes(folder: Path) -> dict[str, set[str]]:
    """Every mode found under ``folder`` (itself included), with the paths that have it."""
    found: dict[str, set[str]] = {}
    for path in [folder, *folder.rglob("*")]:
        mode = path.lstat().st_mode
        kind = "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"
        found.setdefault(f"{kind} {stat.S_IMODE(mode):o}", set()).add(path.relative_to(folder).as_posix())
    return found


def test_every_folder_of_a_built_site_and_the_catalogue_is_0755_and_every_file_0644(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "public/sites"
    with umask(0o077):  # a careful account: what it writes is its own unless it says otherwise
        result = run(repo, "build", "--all", "--catalogue", "--out", str(out), "--today", TODAY)
    assert result.exit_code == 0, result.output
    sites = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert sites == ["alfa-hf", "beta-hf", "catalogue"]
    for site in sites:
        found = modes(out / site)
        assert set(found) == {"folder 755", "file 644"}, (site, {mode: sorted(paths)[:3] for mode, paths in found.items()})
        assert "index.html" in found["file 644"] and "assets" in found["folder 755"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o755  # the output folder the build made can be entered
    assert stat.S_IMODE(out.parent.stat().st_mode) == 0o700  # but a folder above it is the account's own business


def test_a_site_an_older_build_left_closed_is_opened_by_the_next_build_even_when_unchanged(repo: Path) -> None:
    assert run(repo, "build", "--provider", "alfa-hf", "--today", TODAY).exit_code == 0
    site = repo / "site/alfa-hf"
    for path in [site, *site.rglob("*")]:
        path.chmod(0o700 if path.is_dir() else 0o600)
    mine = repo / "site/notes"
    mine.mkdir(mode=0o700)
    mine.chmod(0o700)
    result = run(repo, "build", "--provider", "alfa-hf", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "unchanged" in result.output  # nothing was rendered or published again
    assert set(modes(site)) == {"folder 755", "file 644"}
    assert stat.S_IMODE(mine.stat().st_mode) == 0o700  # a folder hcweb did not publish is left as it is
