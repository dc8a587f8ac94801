"""adopt, new national, diff, codeowners and the coordinator reports."""

from __future__ import annotations

import csv
import fnmatch
import io
import json
from pathlib import Path

from hcweb.repo import Repository
from helpers import TODAY, commit, edit_file, run

KNEE = "content/common/treatments/knee-replacement.md"
BETA_KNEE = "content/providers/beta-hf/treatments/knee-replacement.md"


def knee_revision(repo: Path) -> str:
    """The revision of the national knee text as it is in the working tree."""
    return Repository(repo).load().national["treatments/knee-replacement"].revision


def revise_knee(repo: Path) -> None:
    """The owner changes the referral rules and approves the new revision (Kari Berg), committed on main on 2026-10-01."""
    path = repo / KNEE
    path.write_text(
        path.read_text(encoding="utf-8").replace("Fastlegen henviser deg.", "Fastlegen eller avtalespesialist henviser deg."),
        encoding="utf-8",
    )
    approved = run(repo, "approve", str(path), "--by", "Kari Berg", "--on", "2026-10-01", "--today", "2026-10-01")
    assert approved.exit_code == 0, approved.output
    commit(repo, "referral rules changed, approved by the owner", date="2026-10-01T09:00:00")


def test_adopt_scaffolds_every_section_and_validate_asks_for_approval(repo: Path) -> None:
    result = run(repo, "adopt", "treatments/knee-replacement", "--provider", "alfa-hf")
    assert result.exit_code == 0, result.output
    created = repo / "content/providers/alfa-hf/treatments/knee-replacement.md"
    assert created.read_text(encoding="utf-8") == (
        "---\nuses: treatments/knee-replacement\n"
        "# Where Helse Alfa HF offers this: location ids from provider.yml (sentrum, fjell)\nlocations: []\n---\n"
        '{% include "treatments/knee-replacement#about" %}\n\n'
        '{% include "treatments/knee-replacement#referral" %}\n\n'
        '{% include "treatments/knee-replacement#follow-up" %}\n'
    )
    checked = run(repo, "validate", "--today", TODAY)
    assert checked.exit_code == 1
    assert (
        "content/providers/alfa-hf/treatments/knee-replacement.md:2: error: no approval is recorded: an expert must review "
        "the text and run 'hcweb approve <file> --by NAME' [schema]" in checked.output.splitlines()
    )
    assert run(repo, "approve", str(created), "--by", "Per Dahl", "--today", TODAY).exit_code == 0
    assert run(repo, "validate", "--today", TODAY).exit_code == 0


def test_adopt_refuses_unknown_texts_drafts_and_existing_files(repo: Path) -> None:
    unknown = run(repo, "adopt", "treatments/knee-replacment", "--provider", "alfa-hf")
    assert unknown.exit_code == 1
    assert "there is no national text 'treatments/knee-replacment'; did you mean 'treatments/knee-replacement'?" in unknown.output
    existing = run(repo, "adopt", "treatments/cataract-surgery", "--provider", "alfa-hf")
    assert existing.exit_code == 1 and "already exists" in existing.output
    assert run(repo, "adopt", "treatments/knee-replacement", "--provider", "gamma").exit_code == 2
    (repo / "content/common/treatments/draft.md").write_text(
        "---\ntitle: Utkast\ntype: treatment\nsummary: Kort.\nowner: alfa-hf\nstatus: draft\n---\n", encoding="utf-8"
    )
    draft = run(repo, "adopt", "treatments/draft", "--provider", "beta-hf")
    assert draft.exit_code == 1 and "'treatments/draft' is a draft" in draft.output
    named = run(repo, "adopt", "treatments/knee-replacement", "--provider", "beta-hf", "--name", "knee-replacement-sor")
    assert named.exit_code == 0 and (repo / "content/providers/beta-hf/treatments/knee-replacement-sor.md").is_file()


def test_new_national_text_is_a_valid_draft(repo: Path) -> None:
    result = run(repo, "new", "national", "treatments/shoulder-surgery", "--owner", "alfa-hf", "--title", "Skulderoperasjon")
    assert result.exit_code == 0, result.output
    text = (repo / "content/common/treatments/shoulder-surgery.md").read_text(encoding="utf-8")
    assert "status: draft" in text and "## Henvisning {#referral}" in text
    assert run(repo, "validate", "--today", TODAY).exit_code == 0
    assert run(repo, "new", "national", "shoulder", "--owner", "alfa-hf").exit_code == 2


def test_diff_shows_changed_sections_since_approval(repo: Path) -> None:
    old = knee_revision(repo)
    unchanged = run(repo, "diff", str(repo / BETA_KNEE))
    assert unchanged.exit_code == 0
    assert f"treatments/knee-replacement: unchanged since it was approved ({old})" in unchanged.output.splitlines()
    revise_knee(repo)
    new = knee_revision(repo)
    changed = run(repo, "diff", str(repo / BETA_KNEE))
    assert changed.exit_code == 1
    lines = changed.output.splitlines()
    assert f"treatments/knee-replacement: changed (approved revision {old}, committed 2026-02-01; now {new})" in lines
    assert f"--- treatments/knee-replacement#referral (approved {old})" in lines
    assert f"+++ treatments/knee-replacement#referral (now {new})" in lines
    assert "-Fastlegen henviser deg." in lines and "+Fastlegen eller avtalespesialist henviser deg." in lines
    assert not any("#about" in line for line in lines)  # unchanged sections are not shown
    assert "\x1b[" not in changed.output  # no colour codes when not on a terminal


def test_diff_refuses_a_national_text(repo: Path) -> None:
    assert run(repo, "diff", str(repo / KNEE)).exit_code == 2


def owners_of(codeowners: str, path: str) -> list[str]:
    """Whom GitHub asks to review ``path``: the owners on the last line whose pattern matches it."""
    owners: list[str] = []
    for line in codeowners.splitlines():
        if line.strip() and not line.startswith("#"):
            pattern, *names = line.split()
            if _pattern_matches(pattern, path):
                owners = names
    return owners


def _pattern_matches(pattern: str, path: str) -> bool:
    """CODEOWNERS patterns as gitignore reads them: ``/`` anchors at the top, a trailing ``/`` names a folder, ``*`` stays within one folder."""
    if pattern == "*":
        return True
    wanted, parts = pattern.strip("/").split("/"), path.split("/")
    starts = [0] if pattern.startswith("/") or "/" in pattern.rstrip("/") else range(len(parts))
    for start in starts:
        rest = parts[start:]
        if len(rest) >= len(wanted) and all(fnmatch.fnmatchcase(part, want) for part, want in zip(rest, wanted)):
            return len(rest) > len(wanted) or not pattern.endswith("/")
    return False


def test_owners_of_reads_codeowners_as_github_does() -> None:
    rules = "* @org/all\n/content/providers/a/ @org/a\n/content/providers/*/provider.yml @org/coord\n/hcweb.yml @org/coord\n"
    assert owners_of(rules, "README.md") == ["@org/all"]
    assert owners_of(rules, "content/providers/a/pages/x.md") == ["@org/a"]
    assert owners_of(rules, "content/providers/a/provider.yml") == ["@org/coord"]
    assert owners_of(rules, "content/providers/a/pages/provider.yml") == ["@org/a"]  # * stays within one folder
    assert owners_of(rules, "content/providers/b/provider.yml") == ["@org/coord"]  # a provider that a pull request adds
    assert owners_of(rules, "docs/hcweb.yml") == ["@org/all"]  # anchored at the top


def test_codeowners_written_and_checked(repo: Path) -> None:
    assert run(repo, "codeowners").exit_code == 0
    written = (repo / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert "/content/common/treatments/knee-replacement.md @kari-berg @per-dahl" in written.splitlines()
    assert "/content/providers/beta-hf/ @hcweb/beta-hf-redaksjon" in written.splitlines()
    assert "/schemas/ @hcweb/hcweb-sentral" in written.splitlines()
    assert run(repo, "codeowners", "--check").exit_code == 0
    registry = repo / "content/providers/alfa-hf/provider.yml"
    registry.write_text(registry.read_text(encoding="utf-8").replace("github: per-dahl", "github: pdahl"), encoding="utf-8")
    stale = run(repo, "codeowners", "--check")
    assert stale.exit_code == 1
    assert (
        ".github/CODEOWNERS:1: error: .github/CODEOWNERS is out of date with the registry; run 'hcweb codeowners' and commit the result [codeowners-outdated]"
        in stale.output
    )
    assert run(repo, "codeowners").exit_code == 0
    assert "@kari-berg @pdahl" in (repo / ".github/CODEOWNERS").read_text(encoding="utf-8")


def test_validate_reports_outdated_codeowners(repo: Path) -> None:
    assert run(repo, "codeowners").exit_code == 0
    assert "[codeowners-outdated]" not in run(repo, "validate", "--today", TODAY).output
    edit_file(repo, "content/providers/alfa-hf/provider.yml", "github: per-dahl", "github: pdahl")
    result = run(repo, "validate", "--today", TODAY)
    assert result.exit_code == 1 and "[codeowners-outdated]" in result.output


def codeowners_of(repo: Path) -> str:
    assert run(repo, "codeowners").exit_code == 0
    return (repo / ".github/CODEOWNERS").read_text(encoding="utf-8")


def test_codeowners_sends_the_registry_and_the_policy_to_the_coordinators(repo: Path) -> None:
    written = codeowners_of(repo)
    assert owners_of(written, "hcweb.yml") == ["@hcweb/hcweb-koordinatorer"]
    # An editor who adds an expert to their own provider.yml cannot approve it with their own team.
    assert owners_of(written, "content/providers/beta-hf/provider.yml") == ["@hcweb/hcweb-koordinatorer"]
    assert owners_of(written, "content/providers/alfa-hf/provider.yml") == ["@hcweb/hcweb-koordinatorer"]
    assert owners_of(written, "content/providers/gamma-hf/provider.yml") == ["@hcweb/hcweb-koordinatorer"]  # a new provider too
    assert owners_of(written, "content/providers/beta-hf/pages/om-oss.md") == ["@hcweb/beta-hf-redaksjon"]
    assert owners_of(written, "content/providers/beta-hf/snippets/parkering.md") == ["@hcweb/beta-hf-redaksjon"]
    assert owners_of(written, "content/providers/beta-hf/redirects.yml") == ["@hcweb/beta-hf-redaksjon"]
    assert owners_of(written, "tooling/hcweb/cli.py") == ["@hcweb/hcweb-sentral"]
    assert owners_of(written, ".github/CODEOWNERS") == ["@hcweb/hcweb-sentral"]
    lines = written.splitlines()
    assert lines.index("/content/providers/*/provider.yml @hcweb/hcweb-koordinatorer") > lines.index(
        "/content/providers/beta-hf/ @hcweb/beta-hf-redaksjon"
    )


def test_codeowners_falls_back_to_the_central_team_without_coordinators(repo: Path) -> None:
    edit_file(repo, "hcweb.yml", "coordinators_team: hcweb-koordinatorer\n", "")
    written = codeowners_of(repo)
    assert owners_of(written, "hcweb.yml") == ["@hcweb/hcweb-sentral"]
    assert owners_of(written, "content/providers/beta-hf/provider.yml") == ["@hcweb/hcweb-sentral"]


def test_codeowners_sends_overlays_to_the_providers_experts(repo: Path) -> None:
    edit_file(
        repo,
        "content/providers/beta-hf/provider.yml",
        "github_team: beta-hf-redaksjon\n",
        "github_team: beta-hf-redaksjon\nexperts_team: beta-hf-fageksperter\n",
    )
    written = codeowners_of(repo)
    # beta-hf names a team of its experts; alfa-hf does not, so its experts are asked one by one.
    assert owners_of(written, "content/providers/beta-hf/treatments/knee-replacement.md") == ["@hcweb/beta-hf-fageksperter"]
    assert owners_of(written, "content/providers/beta-hf/treatments/knee-replacement-sor.md") == ["@hcweb/beta-hf-fageksperter"]
    assert owners_of(written, "content/providers/beta-hf/examinations/mri.md") == ["@hcweb/beta-hf-fageksperter"]
    assert owners_of(written, "content/providers/alfa-hf/treatments/cataract-surgery.md") == ["@kari-berg", "@per-dahl"]
    # Pages, snippets and events stay with the editorial team; national texts with the owner's experts.
    assert owners_of(written, "content/providers/beta-hf/pages/om-oss.md") == ["@hcweb/beta-hf-redaksjon"]
    assert owners_of(written, "content/providers/beta-hf/events/kneskole.md") == ["@hcweb/beta-hf-redaksjon"]
    assert owners_of(written, "content/common/treatments/knee-replacement.md") == ["@kari-berg", "@per-dahl"]
    assert owners_of(written, "content/common/treatments/new-text.md") == ["@hcweb/hcweb-sentral"]  # no owner known before it exists


def test_codeowners_asks_only_the_experts_whose_specialties_cover_a_national_text(repo: Path) -> None:
    edit_file(repo, "content/providers/alfa-hf/provider.yml", "github: per-dahl\n", "github: per-dahl\n    specialties: [oftalmologi]\n")
    edit_file(repo, "content/common/treatments/cataract-surgery.md", "owner: alfa-hf\n", "owner: alfa-hf\nspecialty: oftalmologi\n")
    edit_file(repo, "content/common/treatments/knee-replacement.md", "owner: alfa-hf\n", "owner: alfa-hf\nspecialty: ortopedi\n")
    written = codeowners_of(repo)
    assert owners_of(written, "content/common/treatments/cataract-surgery.md") == [
        "@kari-berg",
        "@per-dahl",
    ]  # Kari Berg lists no specialties
    assert owners_of(written, "content/common/treatments/knee-replacement.md") == ["@kari-berg"]
    # Overlays of any text go to all of the provider's experts: one rule per folder cannot tell texts apart.
    assert owners_of(written, "content/providers/alfa-hf/treatments/cataract-surgery.md") == ["@kari-berg", "@per-dahl"]


def report(repo: Path, kind: str, fmt: str, today: str = TODAY) -> str:
    result = run(repo, "report", kind, "--format", fmt, "--today", today)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_reviews_report_in_every_format(repo: Path) -> None:
    rows = json.loads(report(repo, "reviews", "json", "2028-02-15"))
    assert [(r["owner"], r["text"], r["due"], r["days_left"], r["status"]) for r in rows] == [
        ("alfa-hf", "treatments/cataract-surgery", "2028-03-01", 15, "due-soon"),
        ("alfa-hf", "treatments/knee-replacement", "2028-03-01", 15, "due-soon"),
    ]
    table = report(repo, "reviews", "table", "2028-04-01").splitlines()
    assert table[0] == "Professional reviews as of 2028-04-01"
    assert table[2].split() == ["owner", "text", "responsible", "reviewed", "reviewed_by", "due", "days_left", "status", "experts"]
    assert table[4].split() == [
        "alfa-hf",
        "treatments/cataract-surgery",
        "Per",
        "Dahl",
        "2026-03-01",
        "Per",
        "Dahl",
        "2028-03-01",
        "-31",
        "overdue",
        "Kari",
        "Berg",
        "(@kari-berg),",
        "Per",
        "Dahl",
        "(@per-dahl)",
    ]
    rows = list(csv.DictReader(io.StringIO(report(repo, "reviews", "csv", "2026-06-01"))))
    assert [(r["text"], r["days_left"], r["status"]) for r in rows] == [
        ("treatments/cataract-surgery", "639", "ok"),
        ("treatments/knee-replacement", "639", "ok"),
    ]


def test_adoption_report_in_every_format(repo: Path) -> None:
    revise_knee(repo)
    (repo / "content/common/treatments/shoulder.md").write_text(
        (repo / KNEE).read_text(encoding="utf-8").replace("title: Kneprotese", "title: Skulder"), encoding="utf-8"
    )
    rows = list(csv.DictReader(io.StringIO(report(repo, "adoption", "csv"))))
    assert rows == [
        {
            "text": "treatments/cataract-surgery",
            "owner": "alfa-hf",
            "alfa-hf": "current",
            "beta-hf": "-",
            "providers": "1",
            "status": "used",
        },
        {
            "text": "treatments/knee-replacement",
            "owner": "alfa-hf",
            "alfa-hf": "-",
            "beta-hf": "stale since 2026-10-01",
            "providers": "1",
            "status": "used",
        },
        {"text": "treatments/shoulder", "owner": "alfa-hf", "alfa-hf": "-", "beta-hf": "-", "providers": "0", "status": "unused"},
    ]
    assert json.loads(report(repo, "adoption", "json"))[2] == {
        "text": "treatments/shoulder",
        "owner": "alfa-hf",
        "alfa-hf": "-",
        "beta-hf": "-",
        "providers": 0,
        "status": "unused",
    }
    table = report(repo, "adoption", "table").splitlines()
    assert table[0] == "Adoption of national texts"
    assert table[5].split() == ["treatments/knee-replacement", "alfa-hf", "-", "stale", "since", "2026-10-01", "1", "used"]


def test_stale_report_in_every_format(repo: Path) -> None:
    assert "nothing to report" in report(repo, "stale", "table")
    old = knee_revision(repo)
    revise_knee(repo)
    new = knee_revision(repo)
    stale = json.loads(report(repo, "stale", "json"))
    assert [(s["provider"], s["text"], s["approved_on"], s["changed_on"], s["days_stale"]) for s in stale] == [
        ("beta-hf", "treatments/knee-replacement", "2026-05-01", "2026-10-01", 60)
    ]
    rows = list(csv.DictReader(io.StringIO(report(repo, "stale", "csv"))))
    assert rows[0]["overlay"] == BETA_KNEE and rows[0]["approved"] == old and rows[0]["current"] == new
    # An error once more than stale_max_days (90) have passed since the owner approved the new revision; whom to ask.
    assert (rows[0]["error_from"], rows[0]["experts"]) == ("2026-12-31", "Ola Nord (@ola-nord)")
    table = report(repo, "stale", "table").splitlines()
    assert table[0] == f"Stale local approvals as of {TODAY}"
    assert table[2].split() == [
        "provider",
        "overlay",
        "text",
        "approved",
        "approved_on",
        "current",
        "changed_on",
        "days_stale",
        "error_from",
        "safety",
        "experts",
    ]
    row = table[4].split()
    assert row[0] == "beta-hf"
    assert row[2:] == [
        "treatments/knee-replacement",
        old,
        "2026-05-01",
        new,
        "2026-10-01",
        "60",
        "2026-12-31",
        "False",
        "Ola",
        "Nord",
        "(@ola-nord)",
    ]
    # The table is wider than 200 columns, so the overlay's path may be folded onto the lines below the row.
    assert row[1] + "".join(line.strip() for line in table[5:]) == BETA_KNEE
