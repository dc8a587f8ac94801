"""A shallow clone is refused, with the one command that fixes it, by every command that reads git dates or history.

In a shallow clone the oldest commit there stands for every older change: a page's dateModified would be
the day of the clone and pinned revisions would be missing. A folder without git keeps working.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import TODAY, base_tree, commit, edit_file, make_repo, run

BETA_KNEE = "content/providers/beta-hf/treatments/knee-replacement.md"
REFUSAL = "is a shallow clone, so the dates of the changes and the approved revisions cannot be read from it; fetch the whole history first: git fetch --unshallow"


@pytest.fixture(scope="module")
def clones(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A repository with two commits, a shallow clone of it (--depth 1) and a full one."""
    folder = tmp_path_factory.mktemp("shallow")
    origin = make_repo(folder / "origin", base_tree())
    edit_file(origin, "content/providers/beta-hf/provider.yml", "Hverdager 08.00", "Hverdager 07.30")
    commit(origin, "opening hours", "2026-07-01T12:00:00")
    found = {"origin": origin}
    for name, depth in (("shallow", ["--depth", "1"]), ("full", [])):
        subprocess.run(["git", "clone", "-q", *depth, f"file://{origin}", str(folder / name)], check=True)
        found[name] = folder / name
    (folder / "reviews.json").write_text("[]", encoding="utf-8")
    found["reviews"] = folder / "reviews.json"
    return found


def commands(clones: dict[str, Path], out: Path) -> dict[str, list[str]]:
    return {
        "validate": ["validate", "--today", TODAY],
        "build": ["build", "--all", "--out", str(out), "--today", TODAY],
        "affected": ["affected", "--base", "HEAD~1", "--today", TODAY],
        "report stale": ["report", "stale", "--today", TODAY],
        "report adoption": ["report", "adoption"],
        "diff": ["diff", str(clones["shallow"] / BETA_KNEE)],
        "check-approvals": ["check-approvals", "--base", "HEAD~1", "--reviews", str(clones["reviews"])],
        "serve": ["serve", "--provider", "beta-hf", "--port", "0", "--today", TODAY],
    }


@pytest.mark.parametrize(
    "command", ["validate", "build", "affected", "report stale", "report adoption", "diff", "check-approvals", "serve"]
)
def test_a_shallow_clone_is_refused_in_one_line_naming_the_fix(clones: dict[str, Path], tmp_path: Path, command: str) -> None:
    result = run(clones["shallow"], *commands(clones, tmp_path / "site")[command])
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [f"Error: {clones['shallow']} {REFUSAL}"]
    assert not (tmp_path / "site").exists()


def test_the_installed_command_refuses_without_a_traceback(clones: dict[str, Path]) -> None:
    hcweb = shutil.which("hcweb") or str(Path(__file__).resolve().parents[1] / ".venv/bin/hcweb")
    result = subprocess.run([hcweb, "validate", "--today", TODAY], cwd=clones["shallow"], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"Error: {clones['shallow']} {REFUSAL}"] and result.stdout == ""


def test_a_full_clone_works(clones: dict[str, Path], tmp_path: Path) -> None:
    full = clones["full"]
    assert run(full, "validate", "--today", TODAY).exit_code == 0
    affected = run(full, "affected", "--base", "HEAD~1", "--format", "json", "--today", TODAY)
    assert affected.exit_code == 0 and json.loads(affected.stdout) == ["beta-hf"]
    built = run(full, "build", "--provider", "beta-hf", "--out", str(tmp_path / "site"), "--today", TODAY)
    assert built.exit_code == 0, built.output
    assert (tmp_path / "site/beta-hf/index.html").is_file()


def test_after_git_fetch_unshallow_the_clone_works(clones: dict[str, Path], tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{clones['origin']}", str(clone)], check=True)
    assert run(clone, "validate", "--today", TODAY).exit_code == 2
    subprocess.run(["git", "fetch", "-q", "--unshallow"], cwd=clone, check=True)
    assert run(clone, "validate", "--today", TODAY).exit_code == 0


def test_a_folder_without_git_keeps_working(clones: dict[str, Path], tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(clones["origin"], plain, ignore=shutil.ignore_patterns(".git"))
    result = run(plain, "validate", "--today", TODAY)
    assert result.exit_code == 0, result.output
    built = run(plain, "build", "--provider", "beta-hf", "--out", str(tmp_path / "site"), "--today", TODAY)
    assert built.exit_code == 0, built.output
