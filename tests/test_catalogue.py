"""hcweb build --catalogue: the shared area of national texts and the coordinator dashboard."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from hcweb.urls import CONTACT
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
        "Grå stær hos Helse Alfa HF: gjeldende": "#1a7f37",
        "Grå stær hos Helse Beta HF: bruker ikke teksten": "#e8ecf0",
        "Kneprotese hos Helse Alfa HF: bruker ikke teksten": "#e8ecf0",
        "Kneprotese hos Helse Beta HF: gjeldende": "#1a7f37",
    }
    chart = ET.parse(site / "reviews.svg").getroot()
    labels = [t.text for t in chart.iter("{http://www.w3.org/2000/svg}text")]
    assert "15 dager (2028-03-01)" in labels and "Kneprotese" in labels
    assert "forfaller snart" in text_of(dashboard)


def test_dashboard_names_texts_and_providers_and_explains_its_marks(repo: Path) -> None:
    path = repo / KNEE
    path.write_text(
        path.read_text(encoding="utf-8").replace("Fastlegen henviser deg.", "Fastlegen eller spesialist henviser deg."), encoding="utf-8"
    )
    assert run(repo, "approve", str(path), "--by", "Kari Berg", "--on", "2026-10-01", "--today", "2026-10-01").exit_code == 0
    commit(repo, "knee revised", date="2026-10-01T09:00:00")  # Helse Beta HF still shows the revision it approved
    assert run(repo, "build", "--catalogue", "--today", "2028-02-15").exit_code == 0
    html = (repo / "site/catalogue/dashboard/index.html").read_text(encoding="utf-8")
    tables = [text_of(table) for table in re.findall(r"<table>.*?</table>", html, re.S)]
    legend, adoption, reviews = tables
    assert "gjeldende grønn Foretaket viser teksten slik eieren sist godkjente den." in legend
    assert "eldre oransje Foretaket viser en eldre godkjent versjon" in legend and "90 dager etter eierens godkjenning" in legend
    assert "— grå Foretaket bruker ikke teksten." in legend
    assert "forfaller snart oransje Neste faglige gjennomgang er innen 90 dager." in legend and "forfalt rød" in legend
    assert adoption.split()[:9] == ["Tekst", "Helse", "Alfa", "HF", "Helse", "Beta", "HF", "Antall", "foretak"]
    assert " Grå stær gjeldende — 1 " in adoption and " Kneprotese — eldre 1 " in adoption
    assert " Kneprotese Helse Alfa HF Kari Berg 1. mars 2028 15 forfaller snart " in reviews
    assert "treatments/" not in " ".join(tables) and "alfa-hf" not in " ".join(tables)  # no ids where names belong
    assert 'href="../treatments/knee-replacement/"' in html  # each title leads to its text


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


def test_every_link_and_image_of_the_built_catalogue_leads_to_a_page_or_file_in_it(repo: Path) -> None:
    assert run(repo, "build", "--catalogue", "--today", TODAY).exit_code == 0
    site = repo / "site/catalogue"
    pages = sorted(site.rglob("*.html"))
    checked, broken = 0, []
    for page in pages:
        for address in addresses(page.read_text(encoding="utf-8")):
            target = resolve(site, page, address)
            if target is None:
                continue  # another site, mailto:, tel:, or an anchor on the page itself
            checked += 1
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {address}")
    assert broken == []
    assert checked > 20 * len(pages) / 2  # the check saw the menus, footers and assets of every page
    footer = text_of((site / "index.html").read_text(encoding="utf-8"))
    assert "Kontakt" in footer and "Tilgjengelighetserklæring" in footer
    contact = text_of((site / CONTACT.url.strip("/") / "index.html").read_text(encoding="utf-8"))
    assert "Helse Alfa HF Redaktør Helse Alfa HF nett@alfa-hf.example 2" in contact  # the owner of both texts


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in ("href", "src") and value]


def addresses(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.found


def resolve(site: Path, page: Path, address: str) -> Path | None:
    """The file in ``site`` a relative address on ``page`` leads to, as a web server would find it; None: not in the site."""
    parts = urlsplit(address)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    base = "/" + page.parent.relative_to(site).as_posix() + "/"
    path = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
    target = site / path.lstrip("/")
    return target / "index.html" if parts.path.endswith("/") or target.is_dir() else target
