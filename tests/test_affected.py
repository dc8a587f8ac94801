"""hcweb affected: which provider sites a change between a revision and the working tree affects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import TODAY, build_file_tree, commit, edit_file, run

KNEE = "content/common/treatments/knee-replacement.md"
BETA_KNEE = "content/providers/beta-hf/treatments/knee-replacement.md"


def affected(repo: Path, base: str = "main") -> list[str]:
    result = run(repo, "affected", "--base", base, "--format", "json", "--today", TODAY)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_no_change_affects_nothing_in_every_format(repo: Path) -> None:
    assert affected(repo) == []
    assert run(repo, "affected", "--base", "main").stdout == ""
    assert run(repo, "affected", "--base", "main", "--format", "github-matrix").stdout.strip() == '{"provider":[]}'


@pytest.mark.parametrize(
    "rel, old, new",
    [
        (BETA_KNEE, "Oppmøte i resepsjonen", "Oppmøte i vestibylen"),
        ("content/providers/beta-hf/snippets/parkering.md", "P-huset", "parkeringshuset"),
        ("content/providers/beta-hf/pages/om-oss.md", "Et lite helseforetak.", "Et lite og godt helseforetak."),
        ("content/providers/beta-hf/events/kneskole.md", "title: Kneskole", "title: Kneskole for pasienter"),
        ("content/providers/beta-hf/provider.yml", 'phone: "22 00 00 02"', 'phone: "22 00 00 09"'),
    ],
)
def test_a_providers_own_files_affect_only_that_provider(repo: Path, rel: str, old: str, new: str) -> None:
    edit_file(repo, rel, old, new)
    assert affected(repo) == ["beta-hf"]


def test_committed_changes_count_too(repo: Path) -> None:
    edit_file(repo, BETA_KNEE, "Oppmøte i resepsjonen", "Oppmøte i vestibylen")
    commit(repo, "local text")
    assert affected(repo, "HEAD~1") == ["beta-hf"]
    assert affected(repo, "HEAD") == []


def approve_by_owner(repo: Path) -> None:
    """The owner's expert approves the national knee text as it is now (a change must be, before any site may show it)."""
    result = run(repo, "approve", str(repo / KNEE), "--by", "Kari Berg", "--today", TODAY)
    assert result.exit_code == 0, result.output


def test_national_text_change_does_not_affect_a_provider_pinned_to_the_approved_revision(repo: Path) -> None:
    edit_file(repo, KNEE, "Fastlegen henviser deg.", "Fastlegen eller avtalespesialist henviser deg.")
    approve_by_owner(repo)
    assert affected(repo) == []  # uncommitted: beta-hf still shows the revision it approved
    commit(repo, "national text revised and approved by its owner")
    assert affected(repo, "HEAD~1") == []  # committed: the same
    assert run(repo, "approve", str(repo / BETA_KNEE), "--by", "Ola Nord", "--today", TODAY).exit_code == 0
    assert affected(repo, "HEAD~1") == ["beta-hf"]  # approving the new revision changes beta-hf's page


def test_national_text_used_by_a_current_provider_affects_it_once_approved(repo: Path) -> None:
    edit_file(repo, KNEE, "Du får time til kontroll etter tre måneder.", "Du får time til kontroll etter seks uker.")
    approve_by_owner(repo)
    assert affected(repo) == []  # beta-hf still shows the revision it approved
    assert run(repo, "approve", str(repo / BETA_KNEE), "--by", "Ola Nord", "--today", TODAY).exit_code == 0
    # The changed section is not on beta-hf's page, but the revision it shows (and names) is new.
    assert affected(repo) == ["beta-hf"]


def test_review_date_of_a_national_text_affects_its_users(repo: Path) -> None:
    edit_file(repo, KNEE, "reviewed: {on: 2026-03-01", "reviewed: {on: 2026-09-01")
    assert affected(repo) == ["beta-hf"]  # the page shows the review date; alfa-hf does not use the text


def test_owner_name_shown_on_other_sites(repo: Path) -> None:
    edit_file(repo, "content/providers/alfa-hf/provider.yml", "name: Helse Alfa HF", "name: Helse Alfa og Omegn HF")
    assert affected(repo) == ["alfa-hf", "beta-hf"]  # beta-hf's knee page names alfa-hf as the owner


@pytest.mark.parametrize(
    "rel", ["overrides/main.html", "schemas/overlay.schema.json", "hcweb.yml", "tooling/hcweb/extra.py", "pyproject.toml"]
)
def test_design_schemas_tooling_and_policy_affect_everyone(repo: Path, rel: str) -> None:
    path = repo / rel
    build_file_tree(repo, {rel: (path.read_text(encoding="utf-8") if path.exists() else "") + "\n"})
    assert affected(repo) == ["alfa-hf", "beta-hf"]


def test_an_image_affects_the_sites_that_show_it(repo: Path) -> None:
    build_file_tree(
        repo,
        {
            "content/media/foto.svg": "<svg/>",
            "content/media/foto.svg.yml": "credit: Foto\nlicence: CC0\nowner: beta-hf\nreuse: open\n",
            "content/providers/beta-hf/snippets/parkering.md": "Parkering.\n\n![Inngangen](/media/foto.svg)\n",
        },
    )
    commit(repo, "image")
    build_file_tree(repo, {"content/media/foto.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>'})
    assert run(repo, "affected", "--base", "HEAD", "--format", "json").stdout.strip() == '["beta-hf"]'


def test_waiting_times_affect_the_sites_that_show_them(repo: Path) -> None:
    # The code is a field readers see: the owner approves the new revision, and beta-hf approves it for its page.
    edit_file(
        repo,
        KNEE,
        "reviewed: {on: 2026-03-01, by: Kari Berg}\n",
        "reviewed: {on: 2026-03-01, by: Kari Berg}\nchoose_location:\n  code: kneprotese\n",
    )
    approve_by_owner(repo)
    commit(repo, "code")
    figures = {
        "source": "test",
        "synced": TODAY,
        "figures": [{"code": "kneprotese", "provider": "beta-hf", "location": "nord", "assessment_weeks": 3, "reported": TODAY}],
    }
    build_file_tree(repo, {"data/waiting-times.json": json.dumps(figures)})
    # beta-hf still shows the revision it approved, without the code: the figures are not on its site yet.
    assert run(repo, "affected", "--base", "HEAD", "--format", "json").stdout.strip() == "[]"
    assert run(repo, "approve", str(repo / BETA_KNEE), "--by", "Ola Nord", "--today", TODAY).exit_code == 0
    commit(repo, "beta-hf approves the revision with the code")
    figures["figures"][0]["assessment_weeks"] = 4
    build_file_tree(repo, {"data/waiting-times.json": json.dumps(figures)})
    assert run(repo, "affected", "--base", "HEAD", "--format", "json").stdout.strip() == '["beta-hf"]'


def test_unknown_base_revision(repo: Path) -> None:
    result = run(repo, "affected", "--base", "no-such-branch")
    assert result.exit_code == 1
    assert "'no-such-branch' is not a revision of this repository" in result.output


def test_a_deleted_national_text_still_used_is_the_reason_not_a_crash(repo: Path) -> None:
    (repo / KNEE).unlink()
    commit(repo, "the knee text deleted; beta-hf's overlay still uses it")
    from click.testing import CliRunner

    from hcweb.cli import cli

    result = CliRunner().invoke(cli, ["--root", str(repo), "affected", "--base", "HEAD~1", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == ["beta-hf"]
    assert "beta-hf: uses treatments/knee-replacement, which this change deletes" in result.stderr
