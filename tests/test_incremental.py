"""Incremental builds never serve stale output: a change rebuilds exactly the sites it affects, the others stay byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import TODAY, commit, edit_file, run

KNEE = "content/common/treatments/knee-replacement.md"
CATARACT = "content/common/treatments/cataract-surgery.md"


def snapshot(site: Path) -> dict[str, bytes]:
    """Every published file (not the build's own records and cache, whose names start with a dot)."""
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and not p.relative_to(site).parts[0].startswith(".")
    }


def build(repo: Path) -> str:
    result = run(repo, "build", "--all", "--today", TODAY)
    assert result.exit_code == 0, result.output
    return result.output


def test_nothing_changed_nothing_rebuilt(repo: Path) -> None:
    build(repo)
    before = snapshot(repo / "site")
    output = build(repo)
    assert "unchanged alfa-hf" in output and "unchanged beta-hf" in output
    assert snapshot(repo / "site") == before


ALFA_CATARACT = "content/providers/alfa-hf/treatments/cataract-surgery.md"
PARKING = "content/providers/beta-hf/snippets/parkering.md"
BETA_KNEE = "content/providers/beta-hf/treatments/knee-replacement.md"


@pytest.mark.parametrize(
    "rel, old, new, approvals, rebuilt, page, text",
    [
        # A national text that alfa-hf shows at its current revision: its owner approves the new wording, and alfa's page
        # changes once alfa approves it too.
        (
            CATARACT,
            "Linsen i øyet blir uklar.",
            "Linsen i øyet blir gradvis uklar.",
            [(CATARACT, "Per Dahl"), (ALFA_CATARACT, "Kari Berg")],
            "alfa-hf",
            "behandlinger/gra-staer",
            "gradvis uklar",
        ),
        # A snippet: the overlay that includes it is approved again by beta-hf's expert.
        (PARKING, "P-huset", "parkeringshuset", [(BETA_KNEE, "Ola Nord")], "beta-hf", "behandlinger/kneprotese", "parkeringshuset"),
        (
            "content/providers/beta-hf/provider.yml",
            'street: Sykehusveien 1\n      postcode: "0100"',
            'street: Sykehusgata 9\n      postcode: "0100"',
            [],
            "beta-hf",
            "steder/nord",
            "Sykehusgata 9",
        ),
    ],
)
def test_a_change_rebuilds_the_sites_it_affects_and_only_those(
    repo: Path, rel: str, old: str, new: str, approvals: list[tuple[str, str]], rebuilt: str, page: str, text: str
) -> None:
    build(repo)
    before = {provider: snapshot(repo / "site" / provider) for provider in ("alfa-hf", "beta-hf")}
    edit_file(repo, rel, old, new)
    for approved_rel, by in approvals:
        approved = run(repo, "approve", str(repo / approved_rel), "--by", by, "--today", TODAY)
        assert approved.exit_code == 0, approved.output
    output = build(repo)
    other = "beta-hf" if rebuilt == "alfa-hf" else "alfa-hf"
    assert f"built {rebuilt}:" in output and f"unchanged {other}" in output
    assert snapshot(repo / "site" / other) == before[other]
    changed = (repo / "site" / rebuilt / page / "index.html").read_text(encoding="utf-8")
    assert text in changed


def test_national_change_a_pinned_provider_has_not_approved_rebuilds_nothing(repo: Path) -> None:
    build(repo)
    before = snapshot(repo / "site")
    edit_file(repo, KNEE, "Fastlegen henviser deg.", "Fastlegen eller spesialist henviser deg.")
    approved = run(repo, "approve", str(repo / KNEE), "--by", "Kari Berg", "--today", TODAY)  # by its owner; beta-hf keeps its pin
    assert approved.exit_code == 0, approved.output
    output = build(repo)
    assert "unchanged beta-hf" in output
    assert snapshot(repo / "site") == before


def test_a_design_change_rebuilds_every_site(repo: Path) -> None:
    build(repo)
    css = repo / "overrides/assets/hcweb.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.hcweb-test { color: #000; }\n", encoding="utf-8")
    output = build(repo)
    assert "built alfa-hf" in output and "built beta-hf" in output
    assert ".hcweb-test" in (repo / "site/beta-hf/assets/hcweb.css").read_text(encoding="utf-8")


def test_force_rebuilds_and_a_missing_site_is_rebuilt(repo: Path) -> None:
    build(repo)
    assert "built alfa-hf" in run(repo, "build", "--all", "--force", "--today", TODAY).output
    import shutil

    shutil.rmtree(repo / "site/beta-hf")
    output = build(repo)
    assert "built beta-hf" in output and "unchanged alfa-hf" in output


def test_a_problem_in_a_changed_provider_refuses_the_build_while_the_others_are_not_read_again(repo: Path) -> None:
    build(repo)
    before = snapshot(repo / "site")
    edit_file(
        repo, BETA_KNEE, '{% include "treatments/knee-replacement#referral" %}', '{% include "treatments/knee-replacement#henvisning" %}'
    )
    result = run(repo, "build", "--all", "--today", TODAY)
    assert result.exit_code == 1
    assert f"{BETA_KNEE}:" in result.output and "henvisning" in result.output
    assert snapshot(repo / "site") == before


def test_a_new_provider_folder_without_its_registry_refuses_the_build(repo: Path) -> None:
    build(repo)
    (repo / "content/providers/gamma-hf/treatments").mkdir(parents=True)
    (repo / "content/providers/gamma-hf/treatments/knee-replacement.md").write_text(
        "---\nuses: treatments/knee-replacement\n---\n", encoding="utf-8"
    )
    result = run(repo, "build", "--all", "--today", TODAY)
    assert result.exit_code == 1
    assert "content/providers/gamma-hf" in result.output and "provider.yml" in result.output


def test_warnings_are_shown_again_when_nothing_was_rebuilt(repo: Path) -> None:
    edit_file(repo, KNEE, "Fastlegen henviser deg.", "Fastlegen eller spesialist henviser deg.")
    # approved by its owner (recently enough that beta-hf's stale approval is a warning, not yet an error)
    approved = run(repo, "approve", str(repo / KNEE), "--by", "Kari Berg", "--on", "2026-11-15", "--today", "2026-11-15")
    assert approved.exit_code == 0, approved.output
    commit(repo, "a national change beta-hf has not approved", date="2026-11-15T09:00:00")
    first = build(repo)
    assert f"{BETA_KNEE}:" in first and "[approval-stale]" in first
    again = build(repo)
    assert "unchanged beta-hf" in again and "built beta-hf" not in again and "built alfa-hf" not in again
    assert f"{BETA_KNEE}:" in again and "[approval-stale]" in again


def test_a_forced_build_then_an_undone_edit_shows_the_text_as_it_is_again(repo: Path) -> None:
    build(repo)
    knee_page = repo / "site/beta-hf/behandlinger/kneprotese/index.html"
    approved_overlay = (repo / BETA_KNEE).read_bytes()
    edit_file(repo, PARKING, "P-huset", "parkeringshuset")
    approved = run(repo, "approve", str(repo / BETA_KNEE), "--by", "Ola Nord", "--today", TODAY)  # the overlay that includes it
    assert approved.exit_code == 0, approved.output
    assert run(repo, "build", "--all", "--force", "--today", TODAY).exit_code == 0
    assert "parkeringshuset" in knee_page.read_text(encoding="utf-8")
    edit_file(repo, PARKING, "parkeringshuset", "P-huset")  # back to the bytes of the first build,
    (repo / BETA_KNEE).write_bytes(approved_overlay)  # the overlay too, with the approval of those words
    build(repo)
    assert "parkeringshuset" not in knee_page.read_text(encoding="utf-8") and "P-huset" in knee_page.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "rel, old, new, message",
    [
        # checked while the workers render: the rendered sites are thrown away
        (
            BETA_KNEE,
            '{% include "treatments/knee-replacement#referral" %}',
            '{% include "treatments/knee-replacement#henvisning" %}',
            "henvisning",
        ),
        # content that cannot even be merged: the checks say why, not a crash
        (BETA_KNEE, "uses: treatments/knee-replacement", "uses: treatments/finnes-ikke", "finnes-ikke"),
    ],
)
def test_with_workers_content_with_errors_is_refused_and_the_sites_stay(repo: Path, rel: str, old: str, new: str, message: str) -> None:
    assert run(repo, "build", "--all", "--jobs", "2", "--today", TODAY).exit_code == 0
    before = snapshot(repo / "site")
    edit_file(repo, "content/providers/alfa-hf/treatments/cataract-surgery.md", "on: 2026-05-01", "on: 2026-05-02")
    edit_file(repo, rel, old, new)
    result = run(repo, "build", "--all", "--jobs", "2", "--today", TODAY)
    assert result.exit_code == 1
    assert f"{rel}:" in result.output and message in result.output and "internal error" not in result.output
    assert snapshot(repo / "site") == before
    assert not [p.name for p in (repo / "site").iterdir() if ".building-" in p.name]


def test_builds_of_single_providers_do_not_let_a_build_of_every_site_skip_its_checks(repo: Path) -> None:
    # A national text no provider uses, with an error: a one-provider build does not look at it.
    bad = "content/common/treatments/shoulder.md"
    (repo / bad).write_text(
        "---\ntitle: Skulder\ntype: treatment\nsummary: Kort.\nowner: finnes-ikke\n---\n## Om {#about}\nTekst.\n", encoding="utf-8"
    )
    commit(repo, "an unused national text with an error")
    for provider in ("alfa-hf", "beta-hf"):
        assert run(repo, "build", "--provider", provider, "--today", TODAY).exit_code == 0
    result = run(repo, "build", "--all", "--today", TODAY)
    assert result.exit_code == 1
    assert f"{bad}:" in result.output and "finnes-ikke" in result.output
