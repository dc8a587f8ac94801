"""Translations of national texts: files, checks, pinning across languages, the report, scaffolding and diff."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from hcweb.repo import Repository
from hcweb.resolve import shown_translation
from helpers import KNEE_BODY, TODAY, approving_reviews, base_tree, commit, edit_file, make_repo, run

BETA = "content/providers/beta-hf/provider.yml"
KNEE = "content/common/treatments/knee-replacement.md"
KNEE_NN = "content/common/treatments/knee-replacement.nn.md"
OVERLAY = "content/providers/beta-hf/treatments/knee-replacement.md"

NN_BODY = """Kneprotese kan hjelpe når slitasjen i kneet er stor.

## Om behandlinga {#about}
Ved ein kneprotese blir dei slitne leddflatene bytte ut.

## Tilvising {#referral}
Fastlegen tilviser deg.

## Etter behandlinga {#follow-up}
Du får time til kontroll etter tre månader.
"""


def translation(revision: str, body: str = NN_BODY, title: str = "Kneprotese") -> str:
    return f"---\ntitle: {title}\nsummary: Kort om kneprotese på nynorsk.\ntranslates:\n  revision: {revision}\n---\n{body}"


def knee_revision(root: Path) -> str:
    return Repository(root).load().national["treatments/knee-replacement"].revision


def approve(root: Path, rel: str, by: str) -> None:
    result = run(root, "approve", str(root / rel), "--by", by, "--today", TODAY)
    assert result.exit_code == 0, result.output


def nynorsk_repo(root: Path) -> Path:
    """Helse Beta HF in nynorsk, with an nn translation of the knee text that its owner (Kari Berg, Helse Alfa
    HF) approved and Beta's expert approved on the overlay; committed on main."""
    tree = base_tree()
    tree[BETA] = tree[BETA].replace("language: nb", "language: nn")
    make_repo(root, tree)
    (root / KNEE_NN).write_text(translation(knee_revision(root)), encoding="utf-8")
    approve(root, KNEE_NN, "Kari Berg")
    approve(root, OVERLAY, "Ola Nord")
    commit(root, "nn translation of the knee text")
    return root


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return nynorsk_repo(tmp_path_factory.mktemp("translations") / "repo")


def copy(approved: Path, tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(approved, root, symlinks=True)
    return root


def page(root: Path) -> LexborHTMLParser:
    result = run(root, "build", "--provider", "beta-hf", "--today", TODAY)
    assert result.exit_code == 0, result.output
    overlay = next(o for o in Repository(root).load().providers["beta-hf"].overlays if o.uses == "treatments/knee-replacement")
    return LexborHTMLParser((root / "site/beta-hf" / overlay.url.strip("/") / "index.html").read_text(encoding="utf-8"))


def validate(root: Path) -> list[dict]:
    result = run(root, "validate", "--today", TODAY, "--format", "json")
    return json.loads(result.output[: result.output.rindex("]") + 1])


def test_the_overlay_approval_records_the_translation_revision(approved: Path) -> None:
    content = Repository(approved).load()
    nn = content.translations["treatments/knee-replacement"]["nn"]
    overlay = next(o for o in content.providers["beta-hf"].overlays)
    assert overlay.approved.translations == {"treatments/knee-replacement.nn": nn.revision}
    assert nn.approved.by == "Kari Berg" and nn.approved.revision == nn.revision
    assert content.policy.languages == ("nn", "en", "se", "pl", "ar")
    assert "treatments/knee-replacement.nn" not in content.national  # a translation is not a national text


def test_an_approved_translation_at_the_pinned_revision_is_shown_in_nynorsk_with_no_bokmal_mark(approved: Path) -> None:
    problems = validate(approved)
    assert [p for p in problems if p["severity"] == "error"] == []
    assert not [p for p in problems if p["code"].startswith("translation")]
    html = page(approved)
    assert html.css_first("html").attributes["lang"] == "nn"
    sections = {h.attributes["id"]: " ".join(h.text().split()).rstrip("¶ ") for h in html.css(".hcweb-text h2")}
    assert sections["about"] == "Om behandlinga" and sections["referral"] == "Tilvising"
    assert html.css('[lang="nb"]') == []
    assert html.css_first(".hcweb-ingress").text().strip() == "Kort om kneprotese på nynorsk."


def test_a_stale_translation_falls_back_to_bokmal_marked_lang_nb_and_diff_shows_the_source_change(approved: Path, tmp_path: Path) -> None:
    root = copy(approved, tmp_path)
    edit_file(root, KNEE, "Fastlegen henviser deg.", "Fastlegen eller legevakten henviser deg.")
    approve(root, KNEE, "Kari Berg")
    approve(root, OVERLAY, "Ola Nord")  # Beta approves the new bokmål revision: there is no nn translation of it
    commit(root, "referral changed", date="2026-11-20T12:00:00")
    problems = validate(root)
    assert [p for p in problems if p["severity"] == "error"] == []
    stale = next(p for p in problems if p["code"] == "translation-stale" and p["path"] == KNEE_NN)
    assert stale["line"] == 5 and "0 days ago" in stale["message"] and f"hcweb diff {KNEE_NN}" in stale["message"]
    at_overlay = next(p for p in problems if p["path"] == OVERLAY and p["code"] == "translation-stale")
    assert "bokmål" in at_overlay["message"]
    html = page(root)
    assert html.css_first("article h1").attributes.get("lang") == "nb"
    marked = {h.attributes["id"] for h in html.css('.hcweb-text div[lang="nb"] > h2')}
    assert marked == {"about", "referral"}
    assert "Tilvising" not in html.html and "legevakten henviser" in html.html
    report = run(root, "report", "translations", "--format", "csv", "--today", "2026-12-10")
    assert "treatments/knee-replacement,alfa-hf,stale (10 days),missing,missing,missing,missing" in report.output
    diff = run(root, "diff", str(root / KNEE_NN))
    assert diff.exit_code == 1
    assert "+Fastlegen eller legevakten henviser deg." in diff.output and "-Fastlegen henviser deg." in diff.output
    assert "treatments/knee-replacement#referral" in diff.output and "#about" not in diff.output


def test_a_translation_with_a_missing_and_an_extra_section_is_an_error_at_each_line(approved: Path, tmp_path: Path) -> None:
    root = copy(approved, tmp_path)
    body = NN_BODY.replace("## Tilvising {#referral}\nFastlegen tilviser deg.\n\n", "").replace(
        "## Etter behandlinga", "## Ekstra {#extra}\nMeir.\n\n## Etter behandlinga"
    )
    (root / KNEE_NN).write_text(translation(knee_revision(root), body), encoding="utf-8")
    problems = [p for p in validate(root) if p["path"] == KNEE_NN and p["code"].startswith("translation-section")]
    lines = (root / KNEE_NN).read_text(encoding="utf-8").splitlines()
    missing = next(p for p in problems if p["code"] == "translation-section-missing")
    extra = next(p for p in problems if p["code"] == "translation-section-extra")
    assert "'referral'" in missing["message"] and lines[missing["line"] - 1] == "## Etter behandlinga {#follow-up}"
    assert lines[extra["line"] - 1] == "## Ekstra {#extra}" and "'extra'" in extra["message"]
    assert len(problems) == 2


def test_a_translation_changed_after_the_provider_approved_it_is_pinned_never_shown_unapproved(approved: Path, tmp_path: Path) -> None:
    root = copy(approved, tmp_path)
    edit_file(root, KNEE_NN, "Fastlegen tilviser deg.", "Fastlegen din tilviser deg.")
    approve(root, KNEE_NN, "Kari Berg")  # the owner approves the new wording; Beta has not
    commit(root, "nn wording", date="2026-11-25T12:00:00")
    problems = validate(root)
    assert any(p["code"] == "translation-pinned" and p["path"] == OVERLAY for p in problems)
    html = page(root)
    assert "Fastlegen tilviser deg." in html.html and "Fastlegen din" not in html.html
    assert html.css('[lang="nb"]') == []
    # An unapproved change: validate refuses it, and what a site would show is still the approved version.
    edit_file(root, KNEE_NN, "Fastlegen din tilviser deg.", "Fastlegen vår tilviser deg.")
    codes = {(p["path"], p["code"], p["severity"]) for p in validate(root)}
    assert (KNEE_NN, "translation-unapproved", "error") in codes
    content = Repository(root).load()
    overlay = content.providers["beta-hf"].overlays[0]
    recorded = overlay.approved.translations["treatments/knee-replacement.nn"]
    shown = shown_translation(content, "treatments/knee-replacement", "nn", knee_revision(root), recorded, Repository(root).git)
    assert shown is not None and "Fastlegen tilviser deg." in shown.body and shown.pinned
    # A recorded revision that no approved version has: nothing is shown in nynorsk (the page falls back to bokmål).
    assert (
        shown_translation(content, "treatments/knee-replacement", "nn", knee_revision(root), "0123456789ab", Repository(root).git) is None
    )
    assert shown_translation(content, "treatments/knee-replacement", "nn", knee_revision(root)) is None  # the tree's is unapproved


def test_the_translations_report_says_current_stale_or_missing(approved: Path) -> None:
    result = run(approved, "report", "translations", "--format", "json", "--today", TODAY)
    assert result.exit_code == 0, result.output
    rows = {row["text"]: row for row in json.loads(result.output)}
    assert rows["treatments/knee-replacement"]["nn"] == "current"
    assert rows["treatments/knee-replacement"]["en"] == "missing"
    assert rows["treatments/cataract-surgery"]["nn"] == "missing"
    table = run(approved, "report", "translations", "--today", TODAY).output
    assert "treatments/knee-replacement" in table and "current" in table


def test_translate_scaffolds_every_section_with_the_source_in_comments_and_never_overwrites(approved: Path, tmp_path: Path) -> None:
    root = copy(approved, tmp_path)
    result = run(root, "translate", "treatments/knee-replacement", "--to", "en")
    assert result.exit_code == 0, result.output
    path = root / "content/common/treatments/knee-replacement.en.md"
    text = path.read_text(encoding="utf-8")
    assert f"translates:\n  revision: {knee_revision(root)}\n" in text and "approved" not in text
    for heading in ("## Om behandlingen {#about}", "## Henvisning {#referral}", "## Etter behandlingen {#follow-up}"):
        assert heading in text
    assert "## Henvisning {#referral}\n\n<!--\nFastlegen henviser deg.\n-->" in text
    assert "<!--\nKneprotese kan hjelpe" in text
    assert 'title: "Kneprotese"  # translate' in text
    problems = [p for p in validate(root) if p["path"] == "content/common/treatments/knee-replacement.en.md"]
    assert [p["code"] for p in problems] == ["translation-unapproved"]  # sections and revision in place
    again = run(root, "translate", "treatments/knee-replacement", "--to", "en")
    assert again.exit_code == 1 and "already exists" in again.output
    assert path.read_text(encoding="utf-8") == text
    unknown = run(root, "translate", "treatments/knee-replacement", "--to", "xx")
    assert unknown.exit_code == 1 and "not a language in hcweb.yml" in unknown.output


def test_a_translation_in_a_language_hcweb_yml_does_not_list_is_an_error(approved: Path, tmp_path: Path) -> None:
    root = copy(approved, tmp_path)
    shutil.copy(root / KNEE_NN, root / "content/common/treatments/knee-replacement.de.md")
    problems = [p for p in validate(root) if p["path"].endswith("knee-replacement.de.md")]
    assert any(p["code"] == "translation-language" and p["line"] == 1 for p in problems)


def test_a_translation_nobody_approved_is_not_recorded_by_the_provider_approval(approved: Path, tmp_path: Path) -> None:
    root = copy(approved, tmp_path)
    edit_file(root, KNEE_NN, "Fastlegen tilviser deg.", "Fastlegen din tilviser deg.")
    approve(root, OVERLAY, "Ola Nord")
    overlay = (root / OVERLAY).read_text(encoding="utf-8")
    assert "translations" not in overlay


def test_the_knee_body_is_what_the_translation_follows() -> None:
    ids = [line.split("{#")[1].rstrip("}") for line in KNEE_BODY.splitlines() if line.startswith("## ")]
    assert ids == [line.split("{#")[1].rstrip("}") for line in NN_BODY.splitlines() if line.startswith("## ")]


def test_the_dashboard_has_a_translations_column(approved: Path, tmp_path: Path) -> None:
    root = copy(approved, tmp_path)
    result = run(root, "build", "--catalogue", "--today", TODAY)
    assert result.exit_code == 0, result.output
    dashboard = LexborHTMLParser((root / "site/catalogue/dashboard/index.html").read_text(encoding="utf-8"))
    table = next(t for t in dashboard.css("table") if "Oversettelser" in t.text())
    rows = {" ".join(r.css("td")[0].text().split()): " ".join(r.css("td")[-1].text().split()) for r in table.css("tbody tr")}
    assert rows["Kneprotese"] == "nn: gjeldende; mangler: en, se, pl, ar"
    assert rows["Grå stær"] == "mangler: nn, en, se, pl, ar"


def test_a_translations_approval_and_the_overlays_record_of_it_are_backed_by_github_reviews(tmp_path: Path) -> None:
    """check-approvals: a translation is approved by an expert of the source's owner, the overlay's record of the
    translation by the provider's expert, each backed by that person's review of the words recorded."""
    root = make_repo(tmp_path / "repo", {**base_tree(), BETA: base_tree()[BETA].replace("language: nb", "language: nn")})
    (root / KNEE_NN).write_text(translation(knee_revision(root)), encoding="utf-8")
    approve(root, KNEE_NN, "Kari Berg")
    approve(root, OVERLAY, "Ola Nord")
    from helpers import git

    git(root, "checkout", "-q", "-b", "nynorsk")
    commit(root, "nn translation of the knee text, approved", date=f"{TODAY}T10:00:00")
    reviewed = git(root, "rev-parse", "HEAD").strip()

    backed = run(
        root, "check-approvals", "--base", "main", "--reviews", approving_reviews(tmp_path, ("kari-berg", reviewed), ("ola-nord", reviewed))
    )
    assert backed.exit_code == 0, backed.output

    unbacked = run(root, "check-approvals", "--base", "main", "--reviews", approving_reviews(tmp_path, ("ola-nord", reviewed)))
    assert unbacked.exit_code == 1
    assert any(line.startswith(f"{KNEE_NN}:") and "kari-berg" in line.lower().replace(" ", "-") for line in unbacked.output.splitlines()), (
        unbacked.output
    )

    # the translation's words change after the review, its record with them: the review no longer backs it
    edit_file(root, KNEE_NN, "Fastlegen tilviser deg.", "Fastlegen eller avtalespesialisten tilviser deg.")
    approve(root, KNEE_NN, "Kari Berg")
    approve(root, OVERLAY, "Ola Nord")
    commit(root, "reworded after the review", date=f"{TODAY}T11:00:00")
    stale = run(
        root, "check-approvals", "--base", "main", "--reviews", approving_reviews(tmp_path, ("kari-berg", reviewed), ("ola-nord", reviewed))
    )
    assert stale.exit_code == 1
    lines = stale.output.splitlines()
    assert any(line.startswith(f"{KNEE_NN}:") and "the translation" in line for line in lines), stale.output
    assert any(line.startswith(f"{OVERLAY}:") and "the translation treatments/knee-replacement.nn" in line for line in lines), stale.output
