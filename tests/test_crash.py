"""Killed with SIGKILL at a random moment, a build, an approve or a sync leaves the previous files whole,
and the next run succeeds. HCWEB_KILL_ROUNDS sets how many random moments each test tries (default 3)."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers import TODAY, run

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
    page = repo / "site/beta-hf/treatments/knee-replacement/index.html"
    chance = random.Random(20261129)
    for round_number in range(ROUNDS):
        overlay = repo / BETA_KNEE
        overlay.write_text(re.sub(r"(Runde \d+: o|O)ppmøte i", f"Runde {round_number}: oppmøte i", overlay.read_text(encoding="utf-8")), encoding="utf-8")
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
    chance = random.Random(7)
    for round_number in range(ROUNDS):
        before = overlay.read_bytes()
        day = f"2026-11-{10 + round_number:02d}"
        code = kill_after(["--root", str(repo), "approve", str(overlay), "--by", "Ola Nord", "--on", day, "--today", TODAY], chance.uniform(0.05, 0.8))
        after = overlay.read_bytes()
        approved = re.sub(rb"\n  on: \d{4}-\d{2}-\d{2}\n", f"\n  on: {day}\n".encode(), before)
        assert after in (before, approved), f"round {round_number}: a half-written file (exit {code})"
        assert not [p for p in overlay.parent.iterdir() if p.name.startswith(".")]
        assert run(repo, "approve", str(overlay), "--by", "Ola Nord", "--on", day, "--today", TODAY).exit_code == 0
        assert f"on: {day}".encode() in overlay.read_bytes()


def test_killed_sync_leaves_the_old_snapshot_or_the_new_one(repo: Path, tmp_path: Path) -> None:
    snapshot = repo / "data/waiting-times.json"
    chance = random.Random(11)
    for round_number in range(ROUNDS):
        feed = tmp_path / f"feed-{round_number}.csv"
        feed.write_text(f"code,provider,location,figure,weeks,reported\nkneprotese,beta-hf,nord,assessment,{round_number + 2},2026-11-01\n", encoding="utf-8")
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
