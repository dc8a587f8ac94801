"""The output folder of a build: never the sources, a home folder or the file system's root; a folder that
cannot be written gives one sentence naming it; and hcweb still imports where POSIX-only modules do not exist."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hcweb.site.output import check_output_folder
from helpers import TODAY, run

HCWEB = str(Path(sys.executable).with_name("hcweb"))
REFUSED = "Error: refusing to build into "


def tree_hashes(folder: Path) -> dict[str, str]:
    """Every file and link under ``folder``, by its path, with a hash of its bytes (a link: of its target's name)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def one_line(output: str, start: str) -> str:
    """The one line of ``output`` that starts with ``start``; fails when there is none, or a traceback."""
    assert "Traceback" not in output and "internal error" not in output, output
    lines = [line for line in output.splitlines() if line.startswith(start)]
    assert len(lines) == 1, output
    return lines[0]


# -- refused places ---------------------------------------------------------------


PROTECTED = {
    "content": "it is the repository's content/ folder",
    "content/providers": "it lies inside the repository's content/ folder",
    "content/providers/beta-hf": "it lies inside the repository's content/ folder",
    "content/providers/new-site": "it lies inside the repository's content/ folder",
    "schemas": "it is the repository's schemas/ folder",
    "schemas/out": "it lies inside the repository's schemas/ folder",
    "overrides": "it is the repository's overrides/ folder",
    "tooling/hcweb": "it lies inside the repository's tooling/ folder",
    "data": "it is the repository's data/ folder",
    ".git": "it is the repository's .git/ folder",
    ".git/refs": "it lies inside the repository's .git/ folder",
    ".": "it is the repository ({repo})",
    "..": "it contains the repository ({repo})",
    "/": "it is the root of the file system (/)",
}


@pytest.mark.parametrize("place", sorted(PROTECTED))
def test_build_refuses_the_sources_and_around_them(repo: Path, place: str) -> None:
    before = tree_hashes(repo / "content")
    out = repo / place if place != "/" else Path("/")
    existed = out.exists()
    result = run(repo, "build", "--all", "--out", str(out), "--today", TODAY)
    assert result.exit_code == 2, result.output
    shown = out.resolve()
    line = one_line(result.output, REFUSED)
    assert line == f"{REFUSED}{shown}: {PROTECTED[place].format(repo=repo)}; choose another --out folder, e.g. site/ in the repository"
    assert tree_hashes(repo / "content") == before
    assert out.exists() == existed
    assert not (repo / "site").exists()


def test_catalogue_build_refuses_the_sources(repo: Path) -> None:
    before = tree_hashes(repo / "content")
    result = run(repo, "build", "--catalogue", "--out", str(repo / "content/common"), "--today", TODAY)
    assert result.exit_code == 2
    assert one_line(result.output, REFUSED).endswith(
        ": it lies inside the repository's content/ folder; choose another --out folder, e.g. site/ in the repository"
    )
    assert tree_hashes(repo / "content") == before


def test_a_link_into_the_sources_is_refused(repo: Path, tmp_path: Path) -> None:
    before = tree_hashes(repo / "content")
    link = tmp_path / "published"
    link.symlink_to(repo / "content/providers")
    result = run(repo, "build", "--all", "--out", str(link), "--today", TODAY)
    assert result.exit_code == 2
    assert f"{repo / 'content/providers'}: it lies inside the repository's content/ folder" in one_line(result.output, REFUSED)
    assert tree_hashes(repo / "content") == before


def test_a_link_inside_the_output_folder_into_the_sources_is_refused(repo: Path) -> None:
    # site/ may be committed: a lock file that links to a national text would be opened for writing.
    before = tree_hashes(repo / "content")
    target = repo / "content/common/treatments/knee-replacement.md"
    (repo / "site").mkdir()
    (repo / "site/.hcweb-build.lock").symlink_to(target)
    result = run(repo, "build", "--all", "--today", TODAY)
    assert result.exit_code == 2
    assert one_line(result.output, REFUSED) == (
        f"{REFUSED}{repo / 'site'}: .hcweb-build.lock there is a link to {target}, which lies inside the repository's content/ folder"
    )
    assert tree_hashes(repo / "content") == before


def test_home_folders_are_refused(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from_env, from_system = tmp_path / "home-from-env", tmp_path / "home-from-system"
    from_env.mkdir()
    from_system.mkdir()
    monkeypatch.setenv("HOME", str(from_env))
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: from_system))
    for home in (from_env, from_system):
        result = run(repo, "build", "--all", "--out", str(home), "--today", TODAY)
        assert result.exit_code == 2
        assert (
            one_line(result.output, REFUSED)
            == f"{REFUSED}{home}: it is the home folder {home}; choose another --out folder, e.g. site/ in the repository"
        )
        assert list(home.iterdir()) == []
    result = run(repo, "build", "--all", "--out", str(tmp_path), "--today", TODAY)
    assert result.exit_code == 2
    assert one_line(result.output, REFUSED).startswith(f"{REFUSED}{tmp_path}: it contains ")


def test_ordinary_output_folders_are_allowed(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for out in (repo / "site", repo / "build/sites", tmp_path / "published", tmp_path / "home-sub/site"):
        check_output_folder(out, repo)  # raises when refused


# -- folders that cannot be written -------------------------------------------------


def make_read_only(folder: Path) -> bool:
    """Make ``folder`` refuse new entries, also for root (the immutable flag); False when that is not possible here."""
    folder.chmod(0o555)
    if os.geteuid() == 0 and shutil.which("chattr"):
        subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
    probe = folder / "probe"
    try:
        probe.mkdir()
    except OSError:
        return True
    probe.rmdir()
    return False


def make_writable(folder: Path) -> None:
    if os.geteuid() == 0 and shutil.which("chattr"):
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    folder.chmod(0o755)


@pytest.fixture
def read_only(tmp_path: Path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    if not make_read_only(folder):
        make_writable(folder)
        pytest.skip("cannot make a folder read-only here")
    yield folder
    make_writable(folder)


@pytest.mark.parametrize("inside", [False, True], ids=["the-folder", "a-folder-in-it"])
def test_a_read_only_output_folder_is_one_sentence(repo: Path, read_only: Path, inside: bool) -> None:
    out = read_only / "site" if inside else read_only
    result = run(repo, "build", "--all", "--out", str(out), "--today", TODAY)
    assert result.exit_code == 1
    line = one_line(result.output, "Error: ")
    assert line.startswith(f"Error: cannot write to the output folder {out}: ")
    assert line.rsplit(": ", 1)[1].split(" (")[0] in ("Permission denied", "Operation not permitted")


def test_an_output_folder_that_cannot_be_created_is_one_sentence(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
    out = tmp_path / "a-file/site"
    result = run(repo, "build", "--all", "--out", str(out), "--today", TODAY)
    assert result.exit_code == 1
    assert one_line(result.output, "Error: ") == f"Error: cannot write to the output folder {out}: Not a directory"
    result = run(repo, "build", "--catalogue", "--out", str(out), "--today", TODAY)
    assert result.exit_code == 1
    assert one_line(result.output, "Error: ") == f"Error: cannot write to the output folder {out}: Not a directory"


@pytest.mark.skipif(sys.platform != "linux", reason="file size limits as set here are Linux's")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_is_one_sentence(repo: Path, tmp_path: Path, jobs: str) -> None:
    """A limit on the size of files written stands in for a full disk: writes fail with an error, as they would."""
    out = tmp_path / "out"

    def limit_file_size() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    args = [HCWEB, "--root", str(repo), "build", "--all", "--out", str(out), "--jobs", jobs, "--today", TODAY]
    result = subprocess.run(args, capture_output=True, text=True, preexec_fn=limit_file_size, timeout=120)
    assert result.returncode == 1, result.stderr
    line = one_line(result.stderr, "Error: ")
    assert line.startswith(f"Error: cannot write to the output folder {out}: File too large ({out}/.")
    assert sorted(p.name for p in out.iterdir()) in ([".hcweb-build.lock"], [".hcweb-build.lock", ".hcweb-cache"])  # no half-built site


# -- where fcntl does not exist -----------------------------------------------------

WITHOUT_POSIX = """
import importlib, pkgutil, sys
for name in ("fcntl", "termios", "resource", "pwd", "grp"):
    sys.modules[name] = None  # import fails, as on Windows
import hcweb
for module in pkgutil.walk_packages(hcweb.__path__, "hcweb."):
    importlib.import_module(module.name)
from hcweb.cli import cli
sys.argv = ["hcweb", "validate", "--help"]
cli.main()
"""


def test_hcweb_imports_and_runs_without_posix_only_modules() -> None:
    result = subprocess.run([sys.executable, "-c", WITHOUT_POSIX], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: hcweb validate [OPTIONS]")
