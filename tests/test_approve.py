"""hcweb approve records who approved which revision and changes nothing else in the file."""

from __future__ import annotations

from pathlib import Path

from hcweb.sections import content_hash
from helpers import KNEE_BODY, TODAY, dedent, run

KNEE = "content/common/treatments/knee-replacement.md"
BETA_KNEE = "content/providers/beta-hf/treatments/knee-replacement.md"
CHANGED_BODY = KNEE_BODY.replace("Fastlegen henviser deg.", "Fastlegen eller avtalespesialist henviser deg.")


def change_national_text(repo: Path) -> None:
    path = repo / KNEE
    path.write_text(path.read_text(encoding="utf-8").replace(KNEE_BODY, CHANGED_BODY), encoding="utf-8")


def test_approve_makes_a_stale_overlay_valid_and_changes_only_the_approval(repo: Path) -> None:
    change_national_text(repo)
    stale = run(repo, "validate", "--today", TODAY)
    assert "[approval-stale]" in stale.output and "it has uncommitted changes" in stale.output
    overlay = repo / BETA_KNEE
    before = overlay.read_text(encoding="utf-8")
    result = run(repo, "approve", str(overlay), "--by", "Ola Nord", "--on", "2026-11-20", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert f"{BETA_KNEE}: approval by Ola Nord on 2026-11-20 recorded" in result.output
    expected = before.replace("on: 2026-05-01", "on: 2026-11-20").replace(content_hash(KNEE_BODY), content_hash(CHANGED_BODY))
    assert overlay.read_text(encoding="utf-8") == expected
    assert "0 errors, 0 warnings" in run(repo, "validate", "--today", TODAY).output


def test_comments_quoting_order_and_line_endings_survive(repo: Path) -> None:
    overlay = repo / BETA_KNEE
    original = dedent(
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
        """
    ).replace("\n", "\r\n")
    overlay.write_bytes(original.encode("utf-8"))
    result = run(repo, "approve", str(overlay), "--by", "Ola Nord", "--on", "2026-11-02", "--today", TODAY)
    assert result.exit_code == 0, result.output
    expected = original.replace("on: 2026-01-01", "on: 2026-11-02").replace("'Ola Nord'", "Ola Nord").replace(
        "treatments/old-text: 111111111111", f"treatments/knee-replacement: {content_hash(KNEE_BODY)}"
    )
    assert overlay.read_bytes().decode("utf-8") == expected


def test_approval_block_is_added_when_missing(repo: Path) -> None:
    overlay = repo / BETA_KNEE
    overlay.write_text('---\nuses: treatments/knee-replacement\nlocations: [nord]\n---\n{% include "treatments/knee-replacement" %}\n', encoding="utf-8")
    assert run(repo, "approve", str(overlay), "--by", "Ola Nord", "--today", TODAY).exit_code == 0
    assert overlay.read_text(encoding="utf-8") == (
        "---\nuses: treatments/knee-replacement\nlocations: [nord]\napproved:\n  by: Ola Nord\n"
        f"  on: {TODAY}\n  revisions:\n    treatments/knee-replacement: {content_hash(KNEE_BODY)}\n---\n"
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
    result = run(repo, "approve", str(repo / BETA_KNEE), "--by", "Ola Nord", "--on", "2027-01-01", "--today", TODAY)
    assert result.exit_code == 1
    assert "the approval date 2027-01-01 is in the future" in result.output


def test_approving_an_overlay_with_broken_includes_is_refused(repo: Path) -> None:
    overlay = repo / BETA_KNEE
    overlay.write_text(overlay.read_text(encoding="utf-8").replace("#referral", "#nope"), encoding="utf-8")
    before = overlay.read_bytes()
    result = run(repo, "approve", str(overlay), "--by", "Ola Nord", "--today", TODAY)
    assert result.exit_code == 1
    assert f"{BETA_KNEE}:17: 'treatments/knee-replacement' has no section 'nope'" in result.output
    assert overlay.read_bytes() == before
