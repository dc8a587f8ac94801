"""hcweb build --catalogue: the shared area of national texts and the coordinator dashboard."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from helpers import TODAY, commit, run

KNEE = "content/common/treatments/knee-replacement.md"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_catalogue_lists_every_published_text_with_owner_users_and_how_to_adopt(repo: Path) -> None:
    (repo / "content/common/treatments/draft.md").write_text(
        "---\ntitle: Utkast\ntype: treatment\nsummary: Kort.\nowner: alfa-hf\nstatus: draft\n---\n", encoding="utf-8"
    )
    path = repo / KNEE
    path.write_text(
        path.read_text(encoding="utf-8").replace("Fastlegen henviser deg.", "Fastlegen eller spesialist henviser deg."), encoding="utf-8"
    )
    approved = run(repo, "approve", str(path), "--by", "Kari Berg", "--on", "2026-10-01", "--today", "2026-10-01")  # by its owner
    assert approved.exit_code == 0, approved.output
    commit(repo, "knee revised", date="2026-10-01T09:00:00")
    result = run(repo, "build", "--catalogue", "--today", TODAY)
    assert result.exit_code == 0, result.output
    site = repo / "site/catalogue"
    knee = text_of((site / "treatments/knee-replacement/index.html").read_text(encoding="utf-8"))
    assert "Eier Helse Alfa HF" in knee
    assert "Faglig ansvarlig Kari Berg, Overlege" in knee
    assert "Neste gjennomgang 1. mars 2028 (i orden)" in knee
    assert "Helse Beta HF eldre versjon, ny siden 2026-10-01" in knee
    assert "hcweb adopt treatments/knee-replacement --provider &lt;foretak-id&gt;" in knee
    assert "Fastlegen eller spesialist henviser deg." in knee  # the current text, for those who consider adopting it
    cataract = text_of((site / "treatments/cataract-surgery/index.html").read_text(encoding="utf-8"))
    assert "Helse Alfa HF gjeldende" in cataract
    assert not (site / "treatments/draft").exists()
    assert not (repo / "site/alfa-hf").exists()  # --catalogue alone builds only the catalogue


def test_dashboard_draws_the_adoption_matrix_and_reviews_due(repo: Path) -> None:
    assert run(repo, "build", "--catalogue", "--today", "2028-02-15").exit_code == 0
    site = repo / "site/catalogue"
    dashboard = (site / "dashboard/index.html").read_text(encoding="utf-8")
    assert 'src="../adoption.svg"' in dashboard and 'src="../reviews.svg"' in dashboard
    heatmap = ET.parse(site / "adoption.svg").getroot()
    cells = [
        rect for rect in heatmap.iter("{http://www.w3.org/2000/svg}rect") if rect.find("{http://www.w3.org/2000/svg}title") is not None
    ]
    titles = {rect.find("{http://www.w3.org/2000/svg}title").text: rect.get("fill") for rect in cells}
    assert titles == {
        "treatments/cataract-surgery hos alfa-hf: current": "#1a7f37",
        "treatments/cataract-surgery hos beta-hf: -": "#e8ecf0",
        "treatments/knee-replacement hos alfa-hf: -": "#e8ecf0",
        "treatments/knee-replacement hos beta-hf: current": "#1a7f37",
    }
    chart = ET.parse(site / "reviews.svg").getroot()
    labels = [t.text for t in chart.iter("{http://www.w3.org/2000/svg}text")]
    assert "15 dager (2028-03-01)" in labels
    assert "forfaller snart" in text_of(dashboard)


def test_build_needs_something_to_build(repo: Path) -> None:
    result = run(repo, "build")
    assert result.exit_code == 2
    assert "give --provider ID, --all or --catalogue" in result.output


def test_a_design_change_rebuilds_the_catalogue(repo: Path) -> None:
    assert run(repo, "build", "--catalogue", "--today", TODAY).exit_code == 0
    assert "unchanged catalogue" in run(repo, "build", "--catalogue", "--today", TODAY).output
    main = repo / "overrides/main.html"
    main.write_text(main.read_text(encoding="utf-8").replace("{% extends", "<!-- design changed -->{% extends", 1), encoding="utf-8")
    assert "built the catalogue" in run(repo, "build", "--catalogue", "--today", TODAY).output
    assert "design changed" in (repo / "site/catalogue/index.html").read_text(encoding="utf-8")
