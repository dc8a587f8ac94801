"""hcweb approve records who approved which revision and changes nothing else in the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcweb.repo import Repository
from hcweb.sections import content_hash
from helpers import CATARACT_BODY, KNEE_BODY, TODAY, base_tree, commit, dedent, edit_file, make_repo, overlay, run

KNEE = "content/common/treatments/knee-replacement.md"
BETA_KNEE = "content/providers/beta-hf/treatments/knee-replacement.md"
BETA_PAGE = "content/providers/beta-hf/pages/om-oss.md"
SNIPPET = "content/providers/beta-hf/snippets/parkering.md"
CHANGED_BODY = KNEE_BODY.replace("Fastlegen henviser deg.", "Fastlegen eller avtalespesialist henviser deg.")


def revision_of(repo: Path, text_id: str = "treatments/knee-replacement") -> str:
    """The revision of a national text as it is in the working tree."""
    return Repository(repo).load().national[text_id].revision


def local_of(repo: Path, rel: str) -> str:
    """The local hash of an overlay or a provider's page as it is in the working tree."""
    content = Repository(repo).load()
    for provider in content.providers.values():
        for item in provider.overlays:
            if item.rel == rel:
                return item.local_hash(provider)
        for page in provider.pages:
            if page.rel == rel:
                return page.local_hash
    raise AssertionError(f"{rel} is neither an overlay nor a provider's page")


def content_files(repo: Path) -> dict[str, bytes]:
    return {str(path.relative_to(repo)): path.read_bytes() for path in sorted((repo / "content").rglob("*")) if path.is_file()}


def change_national_text(repo: Path, day: str = "2026-11-15") -> None:
    """The owner revises the national text and approves the new revision that day; committed on main the same day."""
    path = repo / KNEE
    path.write_text(path.read_text(encoding="utf-8").replace(KNEE_BODY, CHANGED_BODY), encoding="utf-8")
    approved = run(repo, "approve", str(path), "--by", "Kari Berg", "--on", day, "--today", day)
    assert approved.exit_code == 0, approved.output
    commit(repo, "referral rules changed, approved by the owner", date=f"{day}T09:00:00")


def test_approve_makes_a_stale_overlay_valid_and_changes_only_the_approval(repo: Path) -> None:
    old = revision_of(repo)
    change_national_text(repo)
    new = revision_of(repo)
    assert new != old
    stale = run(repo, "validate", "--today", TODAY)
    assert "[approval-stale]" in stale.output and "its owner approved a new revision on 2026-11-15, 15 days ago" in stale.output
    overlay_path = repo / BETA_KNEE
    before = overlay_path.read_text(encoding="utf-8")
    result = run(repo, "approve", str(overlay_path), "--by", "Ola Nord", "--on", "2026-11-20", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert f"{BETA_KNEE}: approval by Ola Nord on 2026-11-20 recorded" in result.output
    # The tool-owned revisions are rewritten as a block; every other line stays as it was.
    expected = before.replace("on: 2026-05-01", "on: 2026-11-20").replace(
        f"  revisions: {{treatments/knee-replacement: {old}}}\n", f"  revisions:\n    treatments/knee-replacement: {new}\n"
    )
    assert expected != before
    assert overlay_path.read_text(encoding="utf-8") == expected  # the local hash is unchanged: only the national text changed
    assert "0 errors, 0 warnings" in run(repo, "validate", "--today", TODAY).output


# Files whose approval block is written in unusual ways: comments, quoting, key order and CRLF line endings.
# Each is committed on 2026-10-15, then approved on 2026-11-02 by the person named.
BYTE_EXACT = {
    "overlay, local added": (
        BETA_KNEE,
        "Ola Nord",
        """
        ---
        # Lokal side for kneprotese
        title: "Kneprotese: operasjon hos oss"   # ny tittel fra 2026
        approved:
          on: 2026-01-01  # første godkjenning
          by: 'Ola Nord'
          revisions:
            treatments/old-text: 111111111111
        uses: treatments/knee-replacement
        locations: [nord]
        ---
        {% include "treatments/knee-replacement#about" %}
        """,
    ),
    "national text, revision replaced": (
        KNEE,
        "Kari Berg",
        """
        ---
        # Nasjonal tekst
        title: "Kneprotese: ny tittel"   # endret 2026
        type: treatment
        summary: 'Kort om kneprotese.'
        owner: alfa-hf
        responsible: {name: Kari Berg, title: Overlege}
        approved:
          on: 2026-01-01  # første godkjenning
          by: 'Per Dahl'
          revision: 111111111111   # gammel
        reviewed: {on: 2026-03-01, by: Kari Berg}
        ---
        ## Om behandlingen {#about}
        Ny tekst.

        ## Henvisning {#referral}
        Fastlegen henviser deg.
        """,
    ),
    "page, flow mapping": (
        BETA_PAGE,
        "Redaktør Helse Beta HF",
        """
        ---
        title: 'Om oss'
        # godkjent av redaksjonen
        approved: {on: 2026-01-01, by: Ola Nord, local: 111111111111}   # kommentar
        responsible:
          name: Ola Nord
          title: Overlege
        ---
        ## Hvem vi er {#who}
        Et lite helseforetak.
        """,
    ),
}


@pytest.mark.parametrize("case", list(BYTE_EXACT))
def test_comments_quoting_order_and_line_endings_survive(repo: Path, case: str) -> None:
    rel, by, text = BYTE_EXACT[case]
    path = repo / rel
    original = dedent(text).replace("\n", "\r\n")
    path.write_bytes(original.encode("utf-8"))
    commit(repo, "rewritten", date="2026-10-15T09:00:00")
    result = run(repo, "approve", str(path), "--by", by, "--on", "2026-11-02", "--today", TODAY)
    assert result.exit_code == 0, result.output
    written = path.read_bytes().decode("utf-8")
    if rel == BETA_KNEE:
        expected = (
            original.replace("on: 2026-01-01", "on: 2026-11-02")
            .replace("'Ola Nord'", "Ola Nord")
            .replace(
                "treatments/old-text: 111111111111\r\n",
                f"treatments/knee-replacement: {revision_of(repo)}\r\n  local: {local_of(repo, rel)}\r\n",
            )
        )
    elif rel == KNEE:
        expected = (
            original.replace("on: 2026-01-01", "on: 2026-11-02")
            .replace("'Per Dahl'", "Kari Berg")
            .replace("revision: 111111111111", f"revision: {revision_of(repo)}")
        )
    else:
        expected = original.replace(
            "{on: 2026-01-01, by: Ola Nord, local: 111111111111}",
            f"{{on: 2026-11-02, by: Redaktør Helse Beta HF, local: {local_of(repo, rel)}}}",
        )
    assert "111111111111" not in expected and expected != original
    assert written == expected
    errors = [line for line in run(repo, "validate", "--today", TODAY).output.splitlines() if line.startswith(f"{rel}:")]
    assert not any(code in line for line in errors for code in ("[national-unapproved]", "[local-unapproved]", "[approval-before-text]"))


def test_approval_block_is_added_when_missing(repo: Path) -> None:
    overlay_path = repo / BETA_KNEE
    overlay_path.write_text(
        '---\nuses: treatments/knee-replacement\nlocations: [nord]\n---\n{% include "treatments/knee-replacement" %}\n', encoding="utf-8"
    )
    local = local_of(repo, BETA_KNEE)
    assert run(repo, "approve", str(overlay_path), "--by", "Ola Nord", "--today", TODAY).exit_code == 0
    assert overlay_path.read_text(encoding="utf-8") == (
        "---\nuses: treatments/knee-replacement\nlocations: [nord]\napproved:\n  by: Ola Nord\n"
        f"  on: {TODAY}\n  revisions:\n    treatments/knee-replacement: {revision_of(repo)}\n  local: {local}\n---\n"
        '{% include "treatments/knee-replacement" %}\n'
    )


def test_national_text_approval_needs_an_expert_of_the_owner(repo: Path) -> None:
    path = repo / KNEE
    before = path.read_bytes()
    refused = run(repo, "approve", str(path), "--by", "Ola Nord", "--today", TODAY)
    assert refused.exit_code == 1
    assert "'Ola Nord' is not an expert of Helse Alfa HF (its experts: Kari Berg, Per Dahl)" in refused.output
    assert path.read_bytes() == before
    accepted = run(repo, "approve", str(path), "--by", "Per Dahl", "--on", "2026-11-01", "--today", TODAY)
    assert accepted.exit_code == 0, accepted.output
    assert path.read_bytes() == before.replace(b"  by: Kari Berg\n  on: 2026-03-01", b"  by: Per Dahl\n  on: 2026-11-01")


def test_future_approval_date_is_refused(repo: Path) -> None:
    before = content_files(repo)
    result = run(repo, "approve", str(repo / BETA_KNEE), "--by", "Ola Nord", "--on", "2027-01-01", "--today", TODAY)
    assert result.exit_code == 1
    assert "the approval date 2027-01-01 is in the future" in result.output
    assert content_files(repo) == before


def test_approving_an_overlay_with_broken_includes_is_refused(repo: Path) -> None:
    overlay_path = repo / BETA_KNEE
    overlay_path.write_text(overlay_path.read_text(encoding="utf-8").replace("#referral", "#nope"), encoding="utf-8")
    before = overlay_path.read_bytes()
    result = run(repo, "approve", str(overlay_path), "--by", "Ola Nord", "--today", TODAY)
    assert result.exit_code == 1
    assert f"{BETA_KNEE}:17: 'treatments/knee-replacement' has no section 'nope'" in result.output
    assert overlay_path.read_bytes() == before


BETA_CATARACT = "content/providers/beta-hf/treatments/cataract-surgery.md"


def test_approve_with_several_paths_writes_all_of_them_or_none(tmp_path: Path) -> None:
    tree = base_tree()
    # A second overlay of beta-hf that includes the same snippet: a changed snippet needs both re-approved.
    tree[BETA_CATARACT] = overlay(
        "treatments/cataract-surgery",
        "Ola Nord",
        {"treatments/cataract-surgery": content_hash(CATARACT_BODY)},  # sealed to its current revision
        '{% include "treatments/cataract-surgery#about" %}\n\n{% include "snippets/parkering" %}\n',
        locations="[sor]",
    )
    repo = make_repo(tmp_path / "repo", tree)
    assert run(repo, "validate", "--today", TODAY).output.splitlines()[-1] == "0 errors, 0 warnings"
    edit_file(repo, SNIPPET, "Parkering i P-huset", "Gratis parkering i P-huset")
    edit_file(repo, BETA_PAGE, "Et lite helseforetak.", "Et lite helseforetak i nord.")
    commit(repo, "parking is free", date="2026-11-10T09:00:00")
    checked = run(repo, "validate", "--today", TODAY)
    unapproved = sorted(line.split(":", 1)[0] for line in checked.output.splitlines() if line.endswith("[local-unapproved]"))
    assert unapproved == sorted([BETA_CATARACT, BETA_KNEE, BETA_PAGE])
    paths = [str(repo / rel) for rel in (BETA_KNEE, BETA_CATARACT, BETA_PAGE)]

    # One file Ola Nord may not approve (a text of alfa-hf): nothing is written, not even the files he may approve.
    before = content_files(repo)
    refused = run(repo, "approve", *paths, str(repo / KNEE), "--by", "Ola Nord", "--today", TODAY)
    assert refused.exit_code == 1
    assert f"{KNEE}: 'Ola Nord' is not an expert of Helse Alfa HF" in refused.output
    assert content_files(repo) == before

    result = run(repo, "approve", *paths, "--by", "Ola Nord", "--today", TODAY)
    assert result.exit_code == 0, result.output
    for rel in (BETA_KNEE, BETA_CATARACT, BETA_PAGE):
        assert f"{rel}: approval by Ola Nord on {TODAY} recorded" in result.output.splitlines()
        assert f"  local: {local_of(repo, rel)}" in result.output.splitlines()
        assert f"local: {local_of(repo, rel)}" in (repo / rel).read_text(encoding="utf-8")
    changed = {rel for rel, data in content_files(repo).items() if before[rel] != data}
    assert changed == {BETA_KNEE, BETA_CATARACT, BETA_PAGE}
    assert run(repo, "validate", "--today", TODAY).output.splitlines()[-1] == "0 errors, 0 warnings"


@pytest.mark.parametrize("rel", [KNEE, BETA_KNEE, BETA_PAGE])
def test_approval_dated_before_the_text_was_committed_is_refused(repo: Path, rel: str) -> None:
    # Everything in the repository was committed on 2026-02-01 (make_repo).
    before = content_files(repo)
    by = "Kari Berg" if rel == KNEE else "Ola Nord"
    result = run(repo, "approve", str(repo / rel), "--by", by, "--on", "2019-01-01", "--today", TODAY)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith(f"Error: {rel}: an approval on 2019-01-01 cannot cover ")
    assert result.output.splitlines()[-1].endswith(
        ", which was committed on 2026-02-01; give a date on or after that (or leave out --on for today)"
    )
    assert content_files(repo) == before
    assert run(repo, "approve", str(repo / rel), "--by", by, "--on", "2026-01-31", "--today", TODAY).exit_code == 1
    assert content_files(repo) == before
    on_the_day = run(repo, "approve", str(repo / rel), "--by", by, "--on", "2026-02-01", "--today", TODAY)
    assert on_the_day.exit_code == 0, on_the_day.output
    assert "on: 2026-02-01" in (repo / rel).read_text(encoding="utf-8")


def test_approval_dated_before_the_text_was_committed_writes_none_of_several_files(repo: Path) -> None:
    before = content_files(repo)
    paths = [str(repo / rel) for rel in (BETA_KNEE, BETA_PAGE)]
    result = run(repo, "approve", *paths, "--by", "Ola Nord", "--on", "2019-01-01", "--today", TODAY)
    assert result.exit_code == 1
    assert "an approval on 2019-01-01 cannot cover" in result.output
    assert content_files(repo) == before
