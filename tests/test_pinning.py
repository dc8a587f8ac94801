"""Pinning: a provider's site keeps the national text its experts approved until they approve a newer one."""

from __future__ import annotations

import subprocess
from pathlib import Path

from hcweb.repo import Repository
from helpers import KNEE_BODY, TODAY, commit, run

KNEE = "content/common/treatments/knee-replacement.md"
BETA_KNEE = "content/providers/beta-hf/treatments/knee-replacement.md"
NEW_BODY = KNEE_BODY.replace("Fastlegen henviser deg.", "Fastlegen eller avtalespesialist henviser deg.").replace(
    "## Etter behandlingen {#follow-up}", "## Etter operasjonen {#follow-up}"
)


def knee_revision(repo: Path) -> str:
    """The revision of the national knee text as it is in the working tree."""
    return Repository(repo).load().national["treatments/knee-replacement"].revision


def change_national_text(repo: Path, body: str = NEW_BODY, date: str = "2026-10-01T09:00:00") -> None:
    """The owner revises the national text and approves the new revision (Kari Berg, that day), in one commit on main.

    The sealed first commit holds the revision the owner approved before, so both are on the main line: the
    provider's pin to the old one can be published.
    """
    path = repo / KNEE
    path.write_text(path.read_text(encoding="utf-8").replace(KNEE_BODY, body), encoding="utf-8")
    day = date[:10]
    approved = run(repo, "approve", str(path), "--by", "Kari Berg", "--on", day, "--today", day)
    assert approved.exit_code == 0, approved.output
    commit(repo, "national text revised and approved by its owner", date=date)


def knee_page(repo: Path) -> str:
    return (repo / "site/beta-hf/behandlinger/kneprotese/index.html").read_text(encoding="utf-8")


def test_stale_approval_is_a_warning_with_its_age(repo: Path) -> None:
    approved = knee_revision(repo)
    change_national_text(repo)
    result = run(repo, "validate", "--today", TODAY)
    assert result.exit_code == 0, result.output
    expected = (
        f"{BETA_KNEE}:7: warning: 'treatments/knee-replacement' has changed since it was approved here on 2026-05-01 "
        f"(its owner approved a new revision on 2026-10-01, 60 days ago); the site keeps showing the approved revision {approved} "
        f"until an expert re-evaluates it: see 'hcweb diff {BETA_KNEE}', then approve [approval-stale]"
    )
    assert expected in result.output.splitlines()
    assert run(repo, "validate", "--today", TODAY, "--strict").exit_code == 1


def test_site_publishes_the_approved_revision_until_approved_again(repo: Path) -> None:
    approved = knee_revision(repo)
    change_national_text(repo)
    revised = knee_revision(repo)
    assert revised != approved
    assert run(repo, "build", "--all", "--today", TODAY).exit_code == 0
    html = knee_page(repo)
    assert "Fastlegen henviser deg." in html
    assert "avtalespesialist" not in html
    assert f'data-national-revision="{approved}"' in html  # the page says which revision it shows, to machines
    assert "1. februar 2026" in html  # last updated: the approved revision (the first commit), not the newer change
    assert "1. oktober 2026" not in html
    assert "[approval-stale]" in run(repo, "validate", "--today", TODAY).output
    diff = run(repo, "diff", str(repo / BETA_KNEE))
    assert diff.exit_code == 1
    changed = [line for line in diff.output.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == [
        "-Fastlegen henviser deg.",
        "+Fastlegen eller avtalespesialist henviser deg.",
        "-## Etter behandlingen {#follow-up}",
        "+## Etter operasjonen {#follow-up}",
    ]
    approved = run(repo, "approve", str(repo / BETA_KNEE), "--by", "Ola Nord", "--on", TODAY, "--today", TODAY)
    assert approved.exit_code == 0, approved.output
    assert run(repo, "build", "--all", "--today", TODAY).exit_code == 0
    html = knee_page(repo)
    assert "Fastlegen eller avtalespesialist henviser deg." in html
    assert f'data-national-revision="{revised}"' in html


def test_section_removed_later_is_still_published_from_the_approved_revision(repo: Path) -> None:
    change_national_text(repo, KNEE_BODY.replace("## Henvisning {#referral}\nFastlegen henviser deg.\n\n", ""))
    result = run(repo, "validate", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert run(repo, "build", "--provider", "beta-hf", "--today", TODAY).exit_code == 0
    assert "Fastlegen henviser deg." in knee_page(repo)


def test_section_that_only_the_unapproved_revision_has_cannot_be_included(repo: Path) -> None:
    change_national_text(repo, KNEE_BODY + "\n## Risiko {#risks}\nInfeksjon kan skje.\n")
    overlay = repo / BETA_KNEE
    overlay.write_text(overlay.read_text(encoding="utf-8") + '\n{% include "treatments/knee-replacement#risks" %}\n', encoding="utf-8")
    result = run(repo, "validate", "--today", TODAY)
    assert result.exit_code == 1
    assert (
        f"{BETA_KNEE}:19: error: 'treatments/knee-replacement' has no section 'risks' (its sections: about, referral, follow-up) [include-section]"
        in result.output.splitlines()
    )


def test_revision_not_in_history_fails_closed(repo: Path) -> None:
    overlay = repo / BETA_KNEE
    text = overlay.read_text(encoding="utf-8")
    assert f"treatments/knee-replacement: {knee_revision(repo)}" in text
    overlay.write_text(text.replace(knee_revision(repo), "0123456789ab"), encoding="utf-8")
    result = run(repo, "build", "--all", "--today", TODAY)
    assert result.exit_code == 1
    assert (
        f"{BETA_KNEE}:7: error: the approved revision 0123456789ab of 'treatments/knee-replacement' cannot be published: "
        f"no committed version of the text has this revision; see the current text with 'hcweb diff {BETA_KNEE}' and approve it "
        "[approval-revision-missing]" in result.output.splitlines()
    )
    assert not (repo / "site/beta-hf").exists()


def test_shallow_clone_cannot_find_the_pinned_revision(repo: Path, tmp_path: Path) -> None:
    change_national_text(repo)
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], check=True)
    result = run(shallow, "validate", "--today", TODAY)
    assert result.exit_code == 2  # refused before anything is read (tests/test_shallow.py)
    assert result.output.strip().endswith("fetch the whole history first: git fetch --unshallow")
