"""Incremental builds never serve stale output: a change rebuilds exactly the sites it affects, the others stay byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import TODAY, edit_file, run

KNEE = "content/common/treatments/knee-replacement.md"
CATARACT = "content/common/treatments/cataract-surgery.md"


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


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


@pytest.mark.parametrize(
    "rel, old, new, rebuilt, page, text",
    [
        # A national text that alfa-hf shows at its current revision: alfa's page changes once alfa approves it.
        (CATARACT, "Linsen i øyet blir uklar.", "Linsen i øyet blir gradvis uklar.", "alfa-hf", "treatments/cataract-surgery", None),
        ("content/providers/beta-hf/snippets/parkering.md", "P-huset", "parkeringshuset", "beta-hf", "treatments/knee-replacement", "parkeringshuset"),
        ("content/providers/beta-hf/provider.yml", "street: Sykehusveien 1\n      postcode: \"0100\"", "street: Sykehusgata 9\n      postcode: \"0100\"", "beta-hf", "locations/nord", "Sykehusgata 9"),
    ],
)
def test_a_change_rebuilds_the_sites_it_affects_and_only_those(repo: Path, rel: str, old: str, new: str, rebuilt: str, page: str, text: str | None) -> None:
    build(repo)
    before = {provider: snapshot(repo / "site" / provider) for provider in ("alfa-hf", "beta-hf")}
    edit_file(repo, rel, old, new)
    if rel == CATARACT:
        assert run(repo, "approve", str(repo / "content/providers/alfa-hf/treatments/cataract-surgery.md"), "--by", "Kari Berg", "--today", TODAY).exit_code == 0
        text = "gradvis uklar"
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
