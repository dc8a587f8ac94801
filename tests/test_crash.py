"""Killed with SIGKILL at a random moment, a build, an approve or a sync leaves the previous files whole,
and the next run succeeds; a killed parallel build leaves no process and no temporary folder behind.
HCWEB_KILL_ROUNDS sets how many random moments each test tries (default 3)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import TODAY, base_tree, make_repo, run

ROUNDS = int(os.environ.get("HCWEB_KILL_ROUNDS", "3"))
HCWEB = str(Path(sys.executable).with_name("hcweb"))
BETA_KNEE = "content/providers/beta-hf/treatments/knee-replacement.md"


def kill_after(args: list[str], delay: float) -> int | None:
    """Start hcweb, SIGKILL it (and anything it started) after ``delay`` seconds; its exit code if it finished first."""
    process = subprocess.Popen([HCWEB, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(delay)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    return process.wait()


def site_files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def test_killed_builds_leave_a_whole_site(repo: Path) -> None:
    assert run(repo, "build", "--all", "--today", TODAY).exit_code == 0
    expected = {provider: site_files(repo / "site" / provider) for provider in ("alfa-hf", "beta-hf")}
    page = repo / "site/beta-hf/behandlinger/kneprotese/index.html"
    chance = random.Random(20261129)
    for round_number in range(ROUNDS):
        overlay = repo / BETA_KNEE
        overlay.write_text(
            re.sub(r"(Runde \d+: o|O)ppmøte i", f"Runde {round_number}: oppmøte i", overlay.read_text(encoding="utf-8")), encoding="utf-8"
        )
        approved = run(repo, "approve", str(overlay), "--by", "Ola Nord", "--today", TODAY)  # the new words, approved: publishable
        assert approved.exit_code == 0, approved.output
        kill_after(["--root", str(repo), "build", "--all", "--jobs", "2", "--today", TODAY], chance.uniform(0.2, 3.0))
        for provider, files in expected.items():
            assert site_files(repo / "site" / provider) == files, f"round {round_number}: {provider} is not whole"
        assert "Oppmøte i" in page.read_text(encoding="utf-8") or "oppmøte i" in page.read_text(encoding="utf-8")
        again = run(repo, "build", "--all", "--today", TODAY)
        assert again.exit_code == 0, again.output
        assert f"Runde {round_number}: oppmøte i" in page.read_text(encoding="utf-8")
        assert sorted(p.name for p in (repo / "site").iterdir() if not p.name.startswith(".hcweb-")) == ["alfa-hf", "beta-hf"]


def test_killed_approve_leaves_the_old_file_or_the_new_one(repo: Path) -> None:
    overlay = repo / BETA_KNEE
    # once, not killed: approve writes its tool-owned revisions as a block, so from now on it changes the date alone
    assert run(repo, "approve", str(overlay), "--by", "Ola Nord", "--on", "2026-11-01", "--today", TODAY).exit_code == 0
    chance = random.Random(7)
    for round_number in range(ROUNDS):
        before = overlay.read_bytes()
        day = f"2026-11-{10 + round_number:02d}"
        code = kill_after(
            ["--root", str(repo), "approve", str(overlay), "--by", "Ola Nord", "--on", day, "--today", TODAY], chance.uniform(0.05, 0.8)
        )
        after = overlay.read_bytes()
        approved = re.sub(rb"\n  on: \d{4}-\d{2}-\d{2}\n", f"\n  on: {day}\n".encode(), before)
        assert after in (before, approved), f"round {round_number}: a half-written file (exit {code})"
        assert run(repo, "approve", str(overlay), "--by", "Ola Nord", "--on", day, "--today", TODAY).exit_code == 0
        assert f"on: {day}".encode() in overlay.read_bytes()
        # killed between writing and renaming, approve leaves its temporary file; the next write of the file removes it
        assert not [p for p in overlay.parent.iterdir() if p.name.startswith(".")]


def test_killed_sync_leaves_the_old_snapshot_or_the_new_one(repo: Path, tmp_path: Path) -> None:
    snapshot = repo / "data/waiting-times.json"
    chance = random.Random(11)
    for round_number in range(ROUNDS):
        feed = tmp_path / f"feed-{round_number}.csv"
        feed.write_text(
            f"code,provider,location,figure,weeks,reported\nkneprotese,beta-hf,nord,assessment,{round_number + 2},2026-11-01\n",
            encoding="utf-8",
        )
        before = snapshot.read_bytes() if snapshot.exists() else None
        kill_after(["--root", str(repo), "sync", "waiting-times", "--from", str(feed), "--today", TODAY], chance.uniform(0.05, 0.8))
        after = snapshot.read_bytes() if snapshot.exists() else None
        if after != before:
            assert json.loads(after)["figures"][0]["assessment_weeks"] == round_number + 2  # the whole new snapshot
        assert run(repo, "sync", "waiting-times", "--from", str(feed), "--today", TODAY).exit_code == 0
        assert json.loads(snapshot.read_bytes())["figures"][0]["assessment_weeks"] == round_number + 2


def test_two_builds_cannot_write_the_same_output(repo: Path) -> None:
    import fcntl

    (repo / "site").mkdir()
    with open(repo / "site/.hcweb-build.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = run(repo, "build", "--all", "--today", TODAY)
    assert result.exit_code == 1
    assert f"another build is writing to {repo / 'site'}; wait for it to finish" in result.output
    assert run(repo, "build", "--all", "--today", TODAY).exit_code == 0


def group_members(group: int) -> dict[int, str]:
    """The live processes of a process group (Linux /proc), by pid, with their command lines; zombies are dead."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            state, _, pgid = stat[stat.rindex(")") + 2 :].split()[:3]
            if int(pgid) == group and state not in ("Z", "X"):
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            continue  # ended meanwhile
    return found


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def leftovers(out: Path) -> list[str]:
    """What a killed build leaves in its output folder: staging folders, half-built and swapped-aside sites."""
    names = [p.name for p in out.iterdir()] if out.is_dir() else []
    return sorted(name for name in names if name == ".hcweb-staging" or re.match(r"^\..+\.(building|old)-", name))


def busy_tree() -> dict[str, str]:
    """The base tree with enough pages that rendering takes a while."""
    tree = base_tree()
    for provider, person in (("alfa-hf", "Kari Berg"), ("beta-hf", "Ola Nord")):
        for number in range(12):
            tree[f"content/providers/{provider}/pages/side-{number}.md"] = (
                f"---\ntitle: Side {number}\nresponsible:\n  name: {person}\n  title: Overlege\n---\n"
                + "".join(f"## Del {part} {{#del-{part}}}\nTekst om del {part} av side {number}.\n\n" for part in range(6))
            )
    return tree


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; workers die with their parent on Linux")
def test_killed_parallel_build_leaves_no_process_and_no_temporary_folder(tmp_path: Path) -> None:
    """kill -9 of a build while its workers render: workers and resource tracker die with it, and the
    next build removes the staging and half-built folders it left; nothing goes to the temporary folder."""
    repo = make_repo(tmp_path / "repo", busy_tree())
    scratch = tmp_path / "tmp"  # the builds' temporary folder
    scratch.mkdir()
    environment = {**os.environ, "TMPDIR": str(scratch)}
    build = [HCWEB, "--root", str(repo), "build", "--all", "--today", TODAY]
    out = repo / "site"
    errors = tmp_path / "stderr.txt"
    with open(errors, "w") as stderr:
        process = subprocess.Popen(
            [*build, "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True, env=environment
        )
    try:

        def rendering() -> bool:
            workers = [cmd for cmd in group_members(process.pid).values() if "spawn_main" in cmd]
            return len(workers) == 2 and (out / ".hcweb-staging").is_dir() and any((out / ".hcweb-staging").iterdir())

        assert wait_for(lambda: process.poll() is not None or rendering(), 60)
        assert process.poll() is None, f"the build ended before its workers rendered a site: {errors.read_text()}"
        process.kill()
        process.wait()
        assert wait_for(lambda: not group_members(process.pid), 5), f"still running: {group_members(process.pid)}"
    finally:
        for pid in group_members(process.pid):  # what this test started and the build left running
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert leftovers(out)
    assert list(scratch.iterdir()) == []
    again = subprocess.run(build, capture_output=True, text=True, env=environment, timeout=300)
    assert again.returncode == 0, again.stderr
    assert leftovers(out) == []
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".hcweb-")) == ["alfa-hf", "beta-hf"]


def test_a_build_with_nothing_to_do_still_clears_what_a_killed_build_left(repo: Path) -> None:
    assert run(repo, "build", "--all", "--today", TODAY).exit_code == 0
    out = repo / "site"
    (out / ".hcweb-staging/beta-hf-k1ll3d/docs").mkdir(parents=True)
    (out / ".alfa-hf.building-k1ll3d/assets").mkdir(parents=True)
    result = run(repo, "build", "--all", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "unchanged alfa-hf" in result.output and "unchanged beta-hf" in result.output
    assert leftovers(out) == []


def test_the_next_write_removes_what_a_killed_write_left(tmp_path: Path) -> None:
    from hcweb.files import write_atomic

    target = tmp_path / "kneprotese.md"
    target.write_text("før\n", encoding="utf-8")
    (tmp_path / ".kneprotese.md.k3j_9x2a").write_text("halv", encoding="utf-8")  # as mkstemp names it
    (tmp_path / ".kneprotese.md.notater").write_text("mine", encoding="utf-8")  # not ours: left alone
    write_atomic(target, "etter\n")
    assert target.read_text(encoding="utf-8") == "etter\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kneprotese.md.notater", "kneprotese.md"]
