"""Every sentence a patient reads was approved, by a real person, at exactly that wording.

Each row of the attack table in the trust issue, replayed with real commits in a test repository:
each is refused with a path:line message that says what to do (or, for a safety correction,
published everywhere with a note).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hcweb.documents import split_front_matter
from hcweb.repo import Repository
from hcweb.revisions import NATIONAL_SHOWN, national_revision
from helpers import TODAY, commit, edit_file, git, run, seal

KNEE = "content/common/treatments/knee-replacement.md"
BETA = "content/providers/beta-hf/provider.yml"
BETA_KNEE = "content/providers/beta-hf/treatments/knee-replacement.md"
PARKING = "content/providers/beta-hf/snippets/parkering.md"
ABOUT_US = "content/providers/beta-hf/pages/om-oss.md"


def line_of(repo: Path, rel: str, prefix: str) -> int:
    """The 1-based line of the first line of ``rel`` that starts with ``prefix``."""
    lines = (repo / rel).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(prefix))


def validate(repo: Path, today: str = TODAY) -> tuple[int, list[str]]:
    result = run(repo, "validate", "--today", today)
    return result.exit_code, result.output.splitlines()


def errors(lines: list[str]) -> list[str]:
    return [line for line in lines if ": error: " in line]


def revision(repo: Path, rel: str) -> str:
    source = split_front_matter((repo / rel).read_text(encoding="utf-8"), rel)
    return national_revision(source.data, source.body)


def approve(repo: Path, *args: str) -> None:
    """hcweb approve, with paths given relative to the repository."""
    args = tuple(str(repo / arg) if arg.startswith("content/") else arg for arg in args)
    result = run(repo, "approve", *args, "--today", TODAY)
    assert result.exit_code == 0, result.output


def build(repo: Path, out: Path) -> str:
    result = run(repo, "build", "--provider", "beta-hf", "--out", str(out), "--today", TODAY)
    assert result.exit_code == 0, result.output
    return (out / "beta-hf/behandlinger/kneprotese/index.html").read_text(encoding="utf-8")


# -- what a revision covers ------------------------------------------------------------------------------


@pytest.mark.parametrize("field", NATIONAL_SHOWN)
def test_every_shown_field_is_part_of_the_revision(field: str) -> None:
    meta = {"title": "Kneprotese", "summary": "Kort.", "type": "treatment", "responsible": {"name": "Kari Berg", "title": "Overlege"}}
    changed = {**meta, field: {"name": "Noen Andre", "title": "Lege"} if field == "responsible" else "annet"}
    assert national_revision(changed, "Tekst.\n") != national_revision(meta, "Tekst.\n")


def test_the_review_record_and_the_approval_are_not_part_of_the_revision() -> None:
    meta = {"title": "Kneprotese", "reviewed": {"on": "2026-03-01", "by": "Kari Berg"}, "approved": {"by": "Kari Berg"}}
    other = {
        "title": "Kneprotese",
        "reviewed": {"on": "2027-01-01", "by": "Per Dahl"},
        "approved": {"by": "Per Dahl", "revision": "0" * 12},
    }
    assert national_revision(meta, "Tekst.\r\n") == national_revision(other, "Tekst.\n")


# -- row 1: only the overlay's own local text changed -----------------------------------------------------


def test_a_changed_local_text_is_refused_until_an_expert_approves_it(repo: Path) -> None:
    edit_file(repo, BETA_KNEE, "Oppmøte i resepsjonen i 2. etasje.", "Oppmøte i resepsjonen. Har du tanker om selvmord, si fra.")
    commit(repo, "local text changed", date="2026-06-02T10:00:00")
    code, lines = validate(repo)
    assert code == 1
    assert errors(lines) == [
        f"{BETA_KNEE}:{line_of(repo, BETA_KNEE, '  local:')}: error: the page's own text (its body, title, department, locations, "
        "or a snippet it includes) has changed since Ola Nord approved it; it is not published until an expert of Helse Beta HF "
        f"approves it again: see 'hcweb diff {BETA_KNEE}', then approve the pull request on GitHub or run 'hcweb approve {BETA_KNEE} --by NAME' "
        "[local-unapproved]"
    ]
    assert run(repo, "build", "--provider", "beta-hf", "--out", str(repo / "out"), "--today", TODAY).exit_code == 1
    approve(repo, BETA_KNEE, "--by", "Ola Nord")
    assert validate(repo)[0] == 0


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("locations: [nord]", "locations: [nord, sor]"),
        ("uses: treatments/knee-replacement\n", "uses: treatments/knee-replacement\ntitle: Nytt kne\n"),
        ("uses: treatments/knee-replacement\n", "uses: treatments/knee-replacement\ndepartment: nord-ortopedi\n"),
    ],
    ids=["locations", "title", "department"],
)
def test_a_changed_shown_field_of_an_overlay_needs_approval(repo: Path, old: str, new: str) -> None:
    edit_file(repo, BETA_KNEE, old, new)
    assert [line.rsplit("[", 1)[1] for line in errors(validate(repo)[1])] == ["local-unapproved]"]


def test_a_changed_snippet_needs_approval_of_every_overlay_that_includes_it(repo: Path) -> None:
    (repo / PARKING).write_text("Parkering koster nå 200 kroner timen.\n", encoding="utf-8")
    commit(repo, "snippet changed", date="2026-06-02T10:00:00")
    found = errors(validate(repo)[1])
    assert [line.split(": error:")[0] for line in found] == [f"{BETA_KNEE}:{line_of(repo, BETA_KNEE, '  local:')}"]
    assert "a snippet it includes" in found[0]
    diff = run(repo, "diff", str(repo / BETA_KNEE))
    assert diff.exit_code == 1
    assert "+Parkering koster nå 200 kroner timen." in diff.output and "-Parkering i P-huset ved hovedinngangen." in diff.output


def test_a_changed_provider_page_needs_approval(repo: Path) -> None:
    edit_file(repo, ABOUT_US, "Et lite helseforetak.", "Et stort helseforetak.")
    found = errors(validate(repo)[1])
    assert len(found) == 1 and found[0].startswith(f"{ABOUT_US}:") and found[0].endswith("[local-unapproved]")
    assert "an expert or the editor of Helse Beta HF" in found[0]
    approve(repo, ABOUT_US, "--by", "Redaktør Helse Beta HF")  # the editor may approve the provider's own pages
    assert validate(repo)[0] == 0


# -- rows 2 and 3: the national text changed, its approval left as it was -------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("title: Kneprotese", "title: Kneprotese – ny metode"),
        ("summary: Kort om kneprotese.", "summary: Alle kan få ny protese."),
        ("  name: Kari Berg\n  title: Overlege", "  name: Per Dahl\n  title: Overlege"),
        ("Fastlegen henviser deg.", "Du kan henvise deg selv."),
    ],
    ids=["title", "summary", "responsible", "body"],
)
def test_a_changed_national_text_is_refused_until_its_owner_approves_it(repo: Path, old: str, new: str) -> None:
    edit_file(repo, KNEE, old, new)
    commit(repo, "national text changed", date="2026-06-02T10:00:00")
    found = errors(validate(repo)[1])
    line = line_of(repo, KNEE, "  revision:")
    assert found == [
        f"{KNEE}:{line}: error: the text (its body or a field readers see: title, summary, responsible, ...) has changed since "
        f"Kari Berg approved revision {split_front_matter((repo / KNEE).read_text(), KNEE).data['approved']['revision']}; "
        "no site publishes it until an expert of Helse Alfa HF approves this wording: approve the pull request on GitHub, "
        f"or run 'hcweb approve {KNEE} --by NAME' [national-unapproved]"
    ]
    catalogue = run(repo, "build", "--catalogue", "--provider", "beta-hf", "--out", str(repo / "out"), "--today", TODAY)
    assert catalogue.exit_code == 1 and not (repo / "out/catalogue").exists()


def test_a_changed_review_record_does_not_change_the_revision(repo: Path) -> None:
    before = revision(repo, KNEE)
    edit_file(repo, KNEE, "reviewed: {on: 2026-03-01", "reviewed: {on: 2026-09-01")
    assert revision(repo, KNEE) == before
    assert validate(repo)[0] == 0


def test_a_pinned_revision_shows_its_own_title_summary_and_responsible(repo: Path, tmp_path: Path) -> None:
    edit_file(repo, KNEE, "title: Kneprotese", "title: Nytt kne\nslug: kneprotese")  # the slug keeps the address
    edit_file(repo, KNEE, "  name: Kari Berg\n  title: Overlege", "  name: Per Dahl\n  title: Overlege")
    approve(repo, KNEE, "--by", "Kari Berg")
    commit(repo, "retitled and a new responsible, approved by the owner", date="2026-06-02T10:00:00")
    code, lines = validate(repo)
    assert code == 0 and any("[approval-stale]" in line for line in lines)
    page = build(repo, tmp_path / "out")
    assert "<title>Kneprotese" in page and "Nytt kne" not in page
    assert "Kari Berg, Overlege" in page and "Per Dahl" not in page


# -- row 4: the overlay's revision edited by hand to the newest hash -------------------------------------


def test_a_hand_edited_revision_cannot_carry_an_older_approval_date(repo: Path) -> None:
    old = revision(repo, KNEE)
    edit_file(repo, KNEE, "Fastlegen henviser deg.", "Fastlegen eller avtalespesialist henviser deg.")
    approve(repo, KNEE, "--by", "Kari Berg", "--on", "2026-11-30")
    commit(repo, "national text revised and approved", date="2026-11-30T10:00:00")
    edit_file(repo, BETA_KNEE, old, revision(repo, KNEE))  # by and on (2026-05-01) kept
    commit(repo, "pin moved by hand", date="2026-11-30T11:00:00")
    found = errors(validate(repo)[1])
    assert found == [
        f"{BETA_KNEE}:{line_of(repo, BETA_KNEE, '  on:')}: error: the approval is dated 2026-05-01, but {KNEE} was committed on "
        "2026-11-30: an approval cannot be older than the words it approves; approve it again with today's date [approval-before-text]"
    ]


# -- row 5: an approval dated before the text existed -------------------------------------------------------


def test_approve_refuses_a_date_before_the_text_was_committed(repo: Path) -> None:
    edit_file(repo, KNEE, "Fastlegen henviser deg.", "Fastlegen eller avtalespesialist henviser deg.")
    commit(repo, "revised", date="2026-06-02T10:00:00")
    before = (repo / KNEE).read_bytes()
    result = run(repo, "approve", str(repo / KNEE), "--by", "Kari Berg", "--on", "2019-01-01", "--today", TODAY)
    assert result.exit_code == 1
    assert f"{KNEE}: an approval on 2019-01-01 cannot cover {KNEE}, which was committed on 2026-06-02" in result.output
    assert (repo / KNEE).read_bytes() == before
    assert "Traceback" not in result.output


def test_an_approval_in_the_future_is_refused(repo: Path) -> None:
    result = run(repo, "approve", str(repo / KNEE), "--by", "Kari Berg", "--on", "2027-01-01", "--today", TODAY)
    assert result.exit_code == 1 and "in the future" in result.output


# -- row 6: a pin to a revision that only a pull request's intermediate commit held --------------------------


def test_a_pin_to_an_intermediate_commit_of_a_merged_branch_is_refused(repo: Path) -> None:
    original = (repo / KNEE).read_text(encoding="utf-8")
    git(repo, "checkout", "-q", "-b", "feature")
    edit_file(repo, KNEE, "Fastlegen henviser deg.", "Du trenger ingen henvisning.")  # commit A: a rewrite, "approved"
    approve(repo, KNEE, "--by", "Kari Berg")
    commit(repo, "A: rewrite", date="2026-11-30T09:00:00")
    rewritten = revision(repo, KNEE)
    overlay = (repo / BETA_KNEE).read_text(encoding="utf-8")
    (repo / BETA_KNEE).write_text(overlay.replace(revision_of_pin(overlay), rewritten), encoding="utf-8")  # commit B: pin to A
    approve(repo, BETA_KNEE, "--by", "Ola Nord")
    commit(repo, "B: pin", date="2026-11-30T09:10:00")
    pinned = (repo / BETA_KNEE).read_text(encoding="utf-8")
    (repo / KNEE).write_text(original, encoding="utf-8")  # commit C: the text as it was
    commit(repo, "C: restore", date="2026-11-30T09:20:00")
    assert revision_of_pin((repo / BETA_KNEE).read_text(encoding="utf-8")) == rewritten
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge feature", "feature", date="2026-11-30T10:00:00")
    assert (repo / BETA_KNEE).read_text(encoding="utf-8") == pinned
    found = errors(validate(repo)[1])
    assert found == [
        f"{BETA_KNEE}:{line_of(repo, BETA_KNEE, '    treatments/knee-replacement:')}: error: the approved revision {rewritten} of "
        "'treatments/knee-replacement' cannot be published: it is not a revision approved by the text's owner on the main "
        "branch 'main': it exists only in a pull request's intermediate commits, on a side branch, or without the owner's "
        f"approval; see the current text with 'hcweb diff {BETA_KNEE}' and approve it [approval-revision-missing]"
    ]
    assert run(repo, "build", "--provider", "beta-hf", "--out", str(repo / "out"), "--today", TODAY).exit_code == 1


def revision_of_pin(overlay: str) -> str:
    return split_front_matter(overlay, "overlay").data["approved"]["revisions"]["treatments/knee-replacement"]


def test_a_pin_to_a_revision_its_owner_never_approved_is_refused(repo: Path) -> None:
    old = revision(repo, KNEE)
    edit_file(repo, KNEE, "Fastlegen henviser deg.", "Første utkast.")
    commit(repo, "draft wording, never approved", date="2026-06-02T10:00:00")
    draft = revision(repo, KNEE)
    edit_file(repo, KNEE, "Første utkast.", "Fastlegen eller avtalespesialist henviser deg.")
    approve(repo, KNEE, "--by", "Kari Berg")
    commit(repo, "final wording, approved", date="2026-06-03T10:00:00")
    edit_file(repo, BETA_KNEE, old, draft)
    found = errors(validate(repo)[1])
    assert len(found) == 1 and f"the approved revision {draft} of 'treatments/knee-replacement' cannot be published" in found[0]


# -- rows 7 and 9: approvals are GitHub reviews by the person named, as the registry was before --------------------


def reviews_file(tmp_path: Path, *reviews: tuple[str, str, str]) -> str:
    path = tmp_path / "reviews.json"
    entries = [
        {"user": {"login": login}, "state": state, "commit_id": commit_id, "submitted_at": f"2026-11-30T1{n}:00:00Z"}
        for n, (login, state, commit_id) in enumerate(reviews)
    ]
    path.write_text(json.dumps(entries), encoding="utf-8")
    return str(path)


def test_an_expert_added_in_the_same_pull_request_cannot_approve(repo: Path, tmp_path: Path) -> None:
    git(repo, "checkout", "-q", "-b", "pr")
    edit_file(repo, BETA, "experts:\n", "experts:\n  - name: Ny Ekspert\n    title: Lege\n    github: ny-ekspert\n")
    edit_file(repo, BETA_KNEE, "Oppmøte i resepsjonen i 2. etasje.", "Oppmøte i resepsjonen i 1. etasje.")
    approve(repo, BETA_KNEE, "--by", "Ny Ekspert")
    commit(repo, "new expert approves", date="2026-11-30T09:00:00")
    head = git(repo, "rev-parse", "HEAD").strip()
    assert validate(repo)[0] == 0  # the files are consistent: only the review can tell
    result = run(repo, "check-approvals", "--base", "main", "--reviews", reviews_file(tmp_path, ("ny-ekspert", "APPROVED", head)))
    assert result.exit_code == 1
    assert f"{BETA_KNEE}:" in result.output and "Ny Ekspert" in result.output


def test_a_record_is_backed_only_by_the_named_persons_review_of_that_content(repo: Path, tmp_path: Path) -> None:
    git(repo, "checkout", "-q", "-b", "pr")
    edit_file(repo, BETA_KNEE, "Oppmøte i resepsjonen i 2. etasje.", "Oppmøte i resepsjonen i 1. etasje.")
    commit(repo, "local text", date="2026-11-30T09:00:00")
    reviewed = git(repo, "rev-parse", "HEAD").strip()
    approve(repo, BETA_KNEE, "--by", "Ola Nord")
    commit(repo, "approval recorded after the review", date="2026-11-30T09:30:00")
    base = ["check-approvals", "--base", "main", "--reviews"]
    assert run(repo, *base, reviews_file(tmp_path, ("kari-berg", "APPROVED", reviewed))).exit_code == 1  # someone else
    assert run(repo, *base, reviews_file(tmp_path, ("Ola-Nord", "APPROVED", reviewed))).exit_code == 0
    withdrawn = reviews_file(tmp_path, ("ola-nord", "APPROVED", reviewed), ("ola-nord", "CHANGES_REQUESTED", reviewed))
    assert run(repo, *base, withdrawn).exit_code == 1
    edit_file(repo, BETA_KNEE, "1. etasje", "3. etasje")  # changed after the review, record rewritten
    approve(repo, BETA_KNEE, "--by", "Ola Nord")
    result = run(repo, *base, reviews_file(tmp_path, ("ola-nord", "APPROVED", reviewed)))
    assert result.exit_code == 1 and f"{BETA_KNEE}:" in result.output


# -- row 8: a review date bumped by hand -------------------------------------------------------------------


def test_a_review_names_its_reviewer_and_is_written_by_hcweb_review(repo: Path) -> None:
    edit_file(repo, KNEE, "reviewed: {on: 2026-03-01, by: Kari Berg}", "reviewed: 2026-09-01")
    found = errors(validate(repo)[1])
    assert len(found) == 1 and found[0].startswith(f"{KNEE}:{line_of(repo, KNEE, 'reviewed:')}: error:")
    result = run(repo, "review", str(repo / KNEE), "--by", "Kari Berg", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert validate(repo)[0] == 0
    text = (repo / KNEE).read_text(encoding="utf-8")
    assert "reviewed:\n  on: 2026-11-30\n  by: Kari Berg\n" in text
    report = json.loads(run(repo, "report", "reviews", "--format", "json", "--today", TODAY).output)
    assert {"text": "treatments/knee-replacement", "reviewed_by": "Kari Berg"}.items() <= next(
        r for r in report if r["text"] == "treatments/knee-replacement"
    ).items()
    refused = run(repo, "review", str(repo / KNEE), "--by", "Ola Nord", "--today", TODAY)
    assert refused.exit_code == 1 and "'Ola Nord' is not an expert of Helse Alfa HF" in refused.output


# -- specialties ------------------------------------------------------------------------------------------------


def test_only_an_expert_of_the_texts_specialty_may_approve_it(repo: Path) -> None:
    edit_file(repo, KNEE, "type: treatment\n", "type: treatment\nspecialty: ortopedi\n")
    edit_file(repo, "content/providers/alfa-hf/provider.yml", "    github: per-dahl\n", "    github: per-dahl\n    specialties: [øye]\n")
    refused = run(repo, "approve", str(repo / KNEE), "--by", "Per Dahl", "--today", TODAY)
    assert refused.exit_code == 1 and "Per Dahl is an expert in øye, not ortopedi" in refused.output
    approve(repo, KNEE, "--by", "Kari Berg")
    edit_file(repo, KNEE, "  by: Kari Berg\n  on: 2026-11-30", "  by: Per Dahl\n  on: 2026-11-30")
    found = errors(validate(repo)[1])
    assert any(
        line.endswith("[approver-specialty]") and line.startswith(f"{KNEE}:{line_of(repo, KNEE, '  by: Per Dahl')}") for line in found
    )


# -- stale approvals and safety corrections ---------------------------------------------------------------------


def revise_knee(repo: Path, *extra: str) -> None:
    """The owner revises the knee text on 1 September and approves it the same day."""
    edit_file(repo, KNEE, "Fastlegen henviser deg.", "Fastlegen eller avtalespesialist henviser deg.")
    commit(repo, "revised", date="2026-09-01T09:00:00")
    approve(repo, KNEE, "--by", "Kari Berg", "--on", "2026-09-01", *extra)
    commit(repo, "approved by the owner", date="2026-09-01T10:00:00")


def test_a_stale_approval_becomes_an_error_after_stale_max_days(repo: Path) -> None:
    revise_knee(repo)
    code, lines = validate(repo, "2026-11-30")  # 90 days after the owner approved the new revision
    assert code == 0 and any(line.endswith("[approval-stale]") for line in lines)
    code, lines = validate(repo, "2026-12-01")
    assert code == 1
    assert [line.rsplit("[", 1)[1] for line in errors(lines)] == ["approval-stale-expired]"]
    assert "stale for more than 90 days (hcweb.yml stale_max_days)" in errors(lines)[0]
    report = json.loads(run(repo, "report", "stale", "--format", "json", "--today", "2026-11-30").output)
    assert report[0]["experts"] == "Ola Nord (@ola-nord)" and report[0]["error_from"] == "2026-12-01"


def test_a_safety_correction_is_published_at_once_with_a_note(repo: Path, tmp_path: Path) -> None:
    revise_knee(repo, "--safety")
    code, lines = validate(repo)
    assert code == 0
    assert (
        f"{KNEE}:{line_of(repo, KNEE, '  safety:')}: warning: this safety correction is published on every site at once; "
        f"still to re-approve it locally: Helse Beta HF ({BETA_KNEE}) [safety-pending]"
    ) in lines
    assert any(line.startswith(f"{BETA_KNEE}:") and line.endswith("[approval-safety]") for line in lines)
    page = build(repo, tmp_path / "out")
    assert "Fastlegen eller avtalespesialist henviser deg." in page
    assert "Teksten ble rettet nasjonalt av Helse Alfa HF 1. september 2026 av hensyn til pasientsikkerheten" in page
    assert "Lokal faglig gjennomgang hos Helse Beta HF pågår." in page
    assert "Godkjent lokalt</dt>\n    <dd>Lokal gjennomgang av den nasjonale rettingen pågår</dd>" in page
    approve(repo, BETA_KNEE, "--by", "Ola Nord")
    assert not any("safety" in line for line in validate(repo)[1])


def test_a_later_ordinary_revision_keeps_the_safety_correction_for_providers_pinned_before_it(repo: Path, tmp_path: Path) -> None:
    revise_knee(repo, "--safety")
    edit_file(repo, KNEE, "Du får time til kontroll etter tre måneder.", "Du får time til kontroll etter seks uker.")
    commit(repo, "ordinary revision", date="2026-10-01T09:00:00")
    approve(repo, KNEE, "--by", "Kari Berg", "--on", "2026-10-01")
    commit(repo, "approved", date="2026-10-01T10:00:00")
    page = build(repo, tmp_path / "out")
    assert "Fastlegen eller avtalespesialist henviser deg." in page  # the safety correction, not the old pin
    assert "etter seks uker" not in page  # nor the newer revision nobody here approved


def test_the_pinned_revision_comes_from_the_main_line_when_working_on_a_branch(repo: Path, tmp_path: Path) -> None:
    revise_knee(repo)
    git(repo, "checkout", "-q", "-b", "work")
    code, lines = validate(repo)
    assert code == 0 and any(line.endswith("[approval-stale]") for line in lines)
    content = Repository(repo).load()
    assert content.policy.main_branch == "main"
    assert "Fastlegen henviser deg." in build(repo, tmp_path / "out")


def test_diff_shows_front_matter_and_body_changes_of_the_national_text(repo: Path) -> None:
    edit_file(repo, KNEE, "title: Kneprotese", "title: Nytt kne")
    revise_knee(repo)
    result = run(repo, "diff", str(repo / BETA_KNEE))
    assert result.exit_code == 1
    assert "-title: Kneprotese\n+title: Nytt kne\n" in result.output
    assert "-Fastlegen henviser deg.\n+Fastlegen eller avtalespesialist henviser deg.\n" in result.output
    assert f"{BETA_KNEE}: own text unchanged since it was approved" in result.output


def test_sealed_test_trees_validate(repo: Path) -> None:
    """The fixtures the rows above start from are valid: every failure above comes from its own change."""
    assert validate(repo) == (0, ["0 errors, 0 warnings"])
    seal(repo)  # sealing again changes nothing
    assert git(repo, "status", "--porcelain").strip() == ""


# -- approving without git: the records a GitHub review gives -------------------------------------------------


def test_approve_from_review_records_what_the_reviewer_may_approve(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "pr")
    edit_file(repo, KNEE, "Fastlegen henviser deg.", "Fastlegen eller avtalespesialist henviser deg.")
    edit_file(repo, BETA_KNEE, "Oppmøte i resepsjonen i 2. etasje.", "Oppmøte i resepsjonen i 1. etasje.")
    commit(repo, "national and local text", date="2026-11-30T09:00:00")
    untouched = (repo / "content/providers/alfa-hf/treatments/cataract-surgery.md").read_bytes()
    owner = run(repo, "approve", "--from-review", "--login", "KARI-BERG", "--base", "main", "--today", TODAY)
    assert owner.exit_code == 0, owner.output
    assert owner.output.splitlines() == [KNEE]  # the owner's expert: the national text, not beta's overlay
    local = run(repo, "approve", "--from-review", "--login", "ola-nord", "--base", "main", "--today", TODAY)
    assert local.output.splitlines() == [BETA_KNEE]
    assert (repo / "content/providers/alfa-hf/treatments/cataract-surgery.md").read_bytes() == untouched
    assert validate(repo)[0] == 0
    again = run(repo, "approve", "--from-review", "--login", "ola-nord", "--base", "main", "--today", TODAY)
    assert again.exit_code == 0 and again.output == ""  # nothing left to record


def test_approve_from_review_suggests_the_lines_for_a_fork(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "pr")
    edit_file(repo, BETA_KNEE, "Oppmøte i resepsjonen i 2. etasje.", "Oppmøte i resepsjonen i 1. etasje.")
    commit(repo, "local text", date="2026-11-30T09:00:00")
    before = (repo / BETA_KNEE).read_text(encoding="utf-8")
    result = run(repo, "approve", "--from-review", "--suggest", "--login", "ola-nord", "--base", "main", "--today", TODAY)
    assert result.exit_code == 0, result.output
    comments = json.loads(result.output)
    assert (repo / BETA_KNEE).read_text(encoding="utf-8") == before  # nothing written
    lines = before.splitlines(keepends=True)
    for comment in comments:  # applying the suggestions gives exactly what approve writes
        assert comment["path"] == BETA_KNEE and comment["side"] == "RIGHT" and comment["body"].startswith("```suggestion\n")
    patched = lines[:]
    for comment in sorted(comments, key=lambda c: c["line"], reverse=True):
        first = comment.get("start_line", comment["line"])
        patched[first - 1 : comment["line"]] = [comment["body"].removeprefix("```suggestion\n").removesuffix("```")]
    run(repo, "approve", str(repo / BETA_KNEE), "--by", "Ola Nord", "--today", TODAY)
    assert "".join(patched) == (repo / BETA_KNEE).read_text(encoding="utf-8")


def test_approve_from_review_ignores_someone_added_as_expert_in_the_pull_request(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "pr")
    edit_file(repo, BETA, "experts:\n", "experts:\n  - name: Ny Ekspert\n    title: Lege\n    github: ny-ekspert\n")
    edit_file(repo, BETA_KNEE, "Oppmøte i resepsjonen i 2. etasje.", "Oppmøte i resepsjonen i 1. etasje.")
    commit(repo, "new expert", date="2026-11-30T09:00:00")
    result = run(repo, "approve", "--from-review", "--login", "ny-ekspert", "--base", "main", "--today", TODAY)
    assert result.exit_code == 0 and result.output == ""


def test_a_hash_made_only_of_digits_is_written_as_text() -> None:
    """YAML would read 123456789012 as a number: approve quotes it, so the schema and the model read the hash."""
    from hcweb.approve import record_in_text, scalar

    text = record_in_text("---\ntitle: Side\n---\nTekst.\n", "side.md", "approved", {"by": "Ola Nord", "local": scalar("123456789012")})
    assert split_front_matter(text, "side.md").data["approved"] == {"by": "Ola Nord", "local": "123456789012"}


def test_the_preview_shows_words_before_they_are_approved_and_the_build_does_not(repo: Path, tmp_path: Path) -> None:
    """`hcweb serve` previews the working tree: waiting for an approval is a warning there, never in a published build."""
    import datetime as dt

    from hcweb import commands

    edit_file(repo, KNEE, "de slitte leddflatene", "de slitte leddflatene med metall og plast")
    validation, results = commands.build(
        Repository(repo), ["beta-hf"], tmp_path / "preview", dt.date.fromisoformat(TODAY), approved_only=False
    )
    assert results[0].ok and "national-unapproved" in [d.code for d in validation.warnings]
    assert "metall og plast" in (tmp_path / "preview/beta-hf/behandlinger/kneprotese/index.html").read_text(encoding="utf-8")
    assert run(repo, "build", "--provider", "beta-hf", "--out", str(tmp_path / "site"), "--today", TODAY).exit_code == 1


# -- holes found by attacking the chain ---------------------------------------------------------------------------


def pr_with(repo: Path, change, message: str = "change", date: str = "2026-11-30T09:00:00") -> str:
    """On a branch 'pr': ``change(repo)``, committed; the commit id."""
    git(repo, "checkout", "-q", "-b", "pr")
    change(repo)
    commit(repo, message, date=date)
    return git(repo, "rev-parse", "HEAD").strip()


def check(repo: Path, tmp_path: Path, *reviews: tuple[str, str, str]):
    return run(repo, "check-approvals", "--base", "main", "--reviews", reviews_file(tmp_path, *reviews))


def test_moving_a_text_to_another_owner_is_the_old_owners_to_approve(repo: Path, tmp_path: Path) -> None:
    before = revision(repo, KNEE)

    def move(root: Path) -> None:
        edit_file(root, KNEE, "owner: alfa-hf", "owner: beta-hf")
        edit_file(root, KNEE, "Fastlegen henviser deg.", "Du kan henvise deg selv.")
        approve(root, KNEE, "--by", "Ola Nord")  # an expert of the new owner

    head = pr_with(repo, move)
    assert revision(repo, KNEE) != before  # the owner is shown, so it is part of the revision
    result = check(repo, tmp_path, ("ola-nord", "APPROVED", head))
    assert result.exit_code == 1
    assert "Ola Nord is not an expert of Helse Alfa HF" in result.output


def test_a_tag_named_like_the_main_branch_is_not_the_main_line(repo: Path) -> None:
    revise_knee(repo)
    git(repo, "checkout", "-q", "-b", "decoy")
    edit_file(repo, KNEE, "Fastlegen eller avtalespesialist henviser deg.", "Du trenger ingen henvisning.")
    commit(repo, "decoy text", date="2026-11-01T09:00:00")
    approve(repo, KNEE, "--by", "Kari Berg", "--safety")
    commit(repo, "decoy approval", date="2026-11-01T10:00:00")
    git(repo, "tag", "main")
    git(repo, "checkout", "-q", "main")
    git(repo, "branch", "-q", "-D", "decoy")
    code, lines = validate(repo)
    assert code == 0 and any(line.endswith("[approval-stale]") for line in lines)
    assert not any("safety" in line for line in lines)


def test_a_revision_approved_on_the_main_line_by_someone_who_is_no_expert_is_not_pinnable(repo: Path) -> None:
    old = revision(repo, KNEE)
    edit_file(repo, KNEE, "Fastlegen henviser deg.", "Bare spesialister kan henvise.")
    commit(repo, "text", date="2026-06-02T09:00:00")
    text = (repo / KNEE).read_text(encoding="utf-8")
    (repo / KNEE).write_text(
        text.replace("  by: Kari Berg\n  on: 2026-03-01", "  by: Noen Andre\n  on: 2026-06-02").replace(old, revision(repo, KNEE)),
        encoding="utf-8",
    )
    commit(repo, "an approval by a name that is no expert, pushed to main", date="2026-06-02T10:00:00")
    forged = revision(repo, KNEE)
    git(repo, "checkout", "-q", "HEAD~2", "--", KNEE)  # the text as its owner approved it
    commit(repo, "restored", date="2026-06-03T10:00:00")
    edit_file(repo, BETA_KNEE, old, forged)
    found = errors(validate(repo)[1])
    assert any(f"the approved revision {forged} of 'treatments/knee-replacement' cannot be published" in line for line in found)


def test_an_approval_of_an_unrelated_change_does_not_back_a_record_added_after_it(repo: Path, tmp_path: Path) -> None:
    revise_knee(repo)  # beta-hf is stale now
    reviewed = pr_with(
        repo,
        lambda root: (
            edit_file(root, ABOUT_US, "Et lite helseforetak.", "Et lite helseforetak i nord.")
            or approve(root, ABOUT_US, "--by", "Ola Nord")
        ),
    )
    approve(repo, BETA_KNEE, "--by", "Ola Nord")  # pushed after the review: the stale pin moved on
    commit(repo, "re-approval nobody was shown", date="2026-11-30T10:00:00")
    result = check(repo, tmp_path, ("ola-nord", "APPROVED", reviewed))
    assert result.exit_code == 1
    assert f"{BETA_KNEE}:" in result.output and "did not change anything this record covers" in result.output
    assert f"{ABOUT_US}:" not in result.output  # the page the reviewer was shown is backed


def test_a_safety_mark_added_after_the_review_is_not_backed(repo: Path, tmp_path: Path) -> None:
    def revise(root: Path) -> None:
        edit_file(root, KNEE, "Fastlegen henviser deg.", "Fastlegen eller avtalespesialist henviser deg.")
        approve(root, KNEE, "--by", "Kari Berg")

    reviewed = pr_with(repo, revise)
    assert check(repo, tmp_path, ("kari-berg", "APPROVED", reviewed)).exit_code == 0
    approve(repo, KNEE, "--by", "Kari Berg", "--safety")
    commit(repo, "marked as a safety correction after the review", date="2026-11-30T10:00:00")
    result = check(repo, tmp_path, ("kari-berg", "APPROVED", reviewed))
    assert result.exit_code == 1 and "not marked as a safety correction" in result.output


def test_a_record_dated_after_the_review_is_not_backed(repo: Path, tmp_path: Path) -> None:
    def revise(root: Path) -> None:
        edit_file(root, BETA_KNEE, "Oppmøte i resepsjonen i 2. etasje.", "Oppmøte i resepsjonen i 1. etasje.")
        approve(root, BETA_KNEE, "--by", "Ola Nord")

    reviewed = pr_with(repo, revise)
    path = tmp_path / "late.json"
    path.write_text(
        json.dumps([{"user": {"login": "ola-nord"}, "state": "APPROVED", "commit_id": reviewed, "submitted_at": "2026-11-01T10:00:00Z"}])
    )
    result = run(repo, "check-approvals", "--base", "main", "--reviews", str(path))
    assert result.exit_code == 1
    assert "the record is dated 2026-11-30, after ola-nord's review on 2026-11-01" in result.output


def test_one_github_account_cannot_stand_for_two_people(repo: Path) -> None:
    edit_file(repo, "content/providers/alfa-hf/provider.yml", "github: per-dahl", "github: kari-berg")
    found = errors(validate(repo)[1])
    assert [line.rsplit("[", 1)[1] for line in found] == ["github-shared]"]
    assert "the GitHub account 'kari-berg' is already Kari Berg's" in found[0]
