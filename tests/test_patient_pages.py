"""The pages a patient reads, in the built HTML: the order of a treatment page's parts, the home
page, the contact page, the menu, no git hash in sight, and words that come from the design.

Browser checks of the same pages (widths, scrolling, axe) are in test_browser_patient.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from hcweb.repo import Repository
from hcweb.urls import A_TO_Z, CONTACT, HOME, location_url
from helpers import KNEE_BODY, TODAY, base_tree, content_hash, make_repo, national_text, run

PROFESSIONALS = "\n## Til helsepersonell {#for-professionals}\nHenvisningskriterier: artrose med smerter i minst tre måneder.\n"
HASH_WORD = re.compile(r"\b[0-9a-f]{12}\b")


def patient_tree() -> dict[str, str]:
    """The base tree, its knee text with a section for health professionals, included whole by the overlay, three more events."""
    tree = base_tree()
    tree["content/common/treatments/knee-replacement.md"] = national_text("Kneprotese", "alfa-hf", "Kari Berg", KNEE_BODY + PROFESSIONALS)
    tree["content/providers/beta-hf/treatments/knee-replacement.md"] = (
        tree["content/providers/beta-hf/treatments/knee-replacement.md"]
        .replace(
            '{% include "treatments/knee-replacement#referral" %}',
            '{% include "treatments/knee-replacement#referral" %}\n\n{% include "treatments/knee-replacement#for-professionals" %}',
        )
        .replace("locations: [nord]", "locations: [nord]\ndepartment: nord-ortopedi")
        .replace(content_hash(KNEE_BODY), content_hash(KNEE_BODY + PROFESSIONALS))
    )
    for day in (11, 12, 13):
        tree[f"content/providers/beta-hf/events/kurs-{day}.md"] = (
            f"---\ntitle: Kurs {day}\nstart: 2027-01-{day}T10:00\nend: 2027-01-{day}T12:00\nlocation: sor\n---\nEt kurs.\n"
        )
    return tree


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_repo(tmp_path_factory.mktemp("patient") / "repo", patient_tree())
    result = run(root, "build", "--provider", "beta-hf", "--today", TODAY)
    assert result.exit_code == 0, result.output
    return root / "site" / "beta-hf"


@pytest.fixture(scope="module")
def content(site: Path):
    return Repository(site.parent.parent).load()


def html_at(site: Path, url: str) -> LexborHTMLParser:
    return LexborHTMLParser((site / url.strip("/") / "index.html").read_text(encoding="utf-8"))


def text_of(node) -> str:
    return " ".join(node.text(separator=" ").split())


def knee(site: Path, content) -> LexborHTMLParser:
    overlay = next(o for o in content.providers["beta-hf"].overlays if o.uses == "treatments/knee-replacement")
    return html_at(site, overlay.url)


def test_a_treatment_page_has_its_parts_in_the_order_patients_read_them(site: Path, content) -> None:
    article = knee(site, content).css_first("article")
    order = [
        ".hcweb-department",
        "h1",
        ".hcweb-ingress",
        ".hcweb-facts",
        ".hcweb-text",
        ".hcweb-events",
        "details.hcweb-professional",
        ".hcweb-responsibility",
    ]
    html = article.html
    positions = []
    for selector in order:
        node = article.css_first(selector)
        assert node is not None, f"the page has no {selector}"
        positions.append(html.index(node.html))
    assert positions == sorted(positions), list(zip(order, positions, strict=True))
    assert text_of(article.css_first(".hcweb-department")) == "Ortopedisk avdeling Nord"
    assert text_of(article.css_first(".hcweb-ingress")) == "Kort om kneprotese."


def test_the_section_for_health_professionals_is_collapsed_at_the_end_and_not_among_the_sections(site: Path, content) -> None:
    page = knee(site, content)
    professional = page.css_first("details.hcweb-professional")
    assert "open" not in professional.attributes
    assert text_of(professional.css_first("summary")) == "Til helsepersonell"
    assert professional.css_first("summary h2").attributes["id"] == "for-professionals"  # the heading is the summary
    assert text_of(page.css_first("article")).count("Til helsepersonell") == 1  # shown once
    assert "Henvisningskriterier" in text_of(professional)
    assert "Henvisningskriterier" not in text_of(page.css_first(".hcweb-text"))
    assert [h.attributes.get("id") for h in page.css(".hcweb-text h2")] == ["about", "getting-here", "referral"]


def test_key_facts_show_locations_with_phone_links(site: Path, content) -> None:
    facts = knee(site, content).css_first(".hcweb-facts")
    assert "Nord sykehus" in text_of(facts)
    assert [a.attributes["href"] for a in facts.css('a[href^="tel:"]')] == ["tel:22000001"]


def test_no_revision_hash_is_visible_and_the_revision_is_in_a_data_attribute(site: Path, content) -> None:
    page = knee(site, content)
    text = content.national["treatments/knee-replacement"]
    article = page.css_first("article")
    assert not HASH_WORD.search(text_of(article)), text_of(article)
    assert page.css_first("[data-national-revision]").attributes["data-national-revision"] == text.revision


def test_about_the_content_shows_responsibility_approval_and_dates(site: Path, content) -> None:
    about = text_of(knee(site, content).css_first(".hcweb-responsibility"))
    for fragment in (
        "Om innholdet",
        "Faglig ansvarlig Kari Berg, Overlege (Helse Alfa HF)",
        "Godkjent lokalt Ola Nord, Overlege, 1. mai 2026",
        "Sist oppdatert 1. februar 2026",
        "Sist faglig gjennomgått 1. mars 2026",
        "Neste faglige gjennomgang 1. mars 2028",
    ):
        assert fragment in about, about


def test_pages_with_few_sections_and_generated_pages_have_no_contents_column(site: Path, content) -> None:
    def contents_column(page: LexborHTMLParser) -> bool:
        column = page.css_first(".md-sidebar--secondary")
        return column is not None and "hidden" not in column.attributes

    assert contents_column(knee(site, content))  # three sections on the page: the column stays
    for url in (HOME.url, CONTACT.url, location_url("nord"), "/om-oss/"):  # om-oss has one section
        assert not contents_column(html_at(site, url)), url


def test_the_home_page_leads_with_urgent_help_then_a_to_z_places_events_and_contact(site: Path) -> None:
    home = html_at(site, HOME.url).css_first("article")
    headings = [text_of(h) for h in home.css("h2")]
    assert headings == ["Akutt hjelp", "Behandlinger A–Å", "Steder", "Arrangementer", "Om oss", "Kontakt"]
    assert [a.attributes["href"] for a in home.css_first(".hcweb-urgent").css("a")] == ["tel:113", "tel:116117"]
    letters = [text_of(a) for a in home.css(".hcweb-letters a")]
    assert letters == ["K"]  # beta-hf has adopted Kneprotese only
    assert home.css_first(f"#{A_TO_Z} + .hcweb-letters") is not None  # search and the gone pages point to #behandlinger-a-a
    for jump in home.css(".hcweb-letters a"):
        assert home.css_first(jump.attributes["href"]) is not None, jump.attributes["href"]
    events = [text_of(li) for li in home.css("section[aria-labelledby=hcweb-home-events] li")]
    assert len(events) == 3 and events[0].startswith("Kneskole")


def test_the_menu_follows_the_home_page(site: Path) -> None:
    page = html_at(site, HOME.url)
    menu = [text_of(a) for a in page.css(".md-nav--primary > .md-nav__list > .md-nav__item > .md-nav__link")]
    assert menu[0] == "Forside" and menu[-2:] == ["Kontakt oss", "Tilgjengelighetserklæring"]
    assert (
        menu.index("Behandlinger") < menu.index("Steder") < menu.index("Arrangementer") < menu.index("Om oss") < menu.index("Kontakt oss")
    )


def test_the_contact_page_puts_patients_phone_numbers_first_then_urgent_help_then_the_editors(site: Path) -> None:
    article = html_at(site, CONTACT.url).css_first("article")
    assert [text_of(h) for h in article.css("h2")] == ["Telefon til stedene våre", "Akutt hjelp", "Spørsmål om innholdet på nettsidene"]
    links = [a.attributes["href"] for a in article.css('a[href^="tel:"], a[href^="mailto:"]')]
    assert links == ["tel:22000001", "tel:22000002", "tel:113", "tel:116117", "mailto:nett@beta-hf.example"]


def test_wording_changes_in_the_design_change_the_pages_with_no_python_change(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", base_tree())
    contact = root / "overrides/hcweb/contact.html"
    contact.write_text(contact.read_text(encoding="utf-8").replace("{{ words.contact.phones }}", "Ring oss"), encoding="utf-8")
    words = root / "overrides/hcweb/words/nb.yml"
    words.write_text(words.read_text(encoding="utf-8").replace("title: Kontakt oss", "title: Kontakt"), encoding="utf-8")
    words.write_text(
        words.read_text(encoding="utf-8").replace("responsible: Faglig ansvarlig", "responsible: Fagansvarlig"), encoding="utf-8"
    )
    result = run(root, "build", "--provider", "beta-hf", "--today", TODAY)
    assert result.exit_code == 0, result.output
    site = root / "site/beta-hf"
    page = html_at(site, CONTACT.url)
    assert text_of(page.css_first("article h2")) == "Ring oss"
    assert text_of(page.css_first("article h1")) == "Kontakt"
    assert page.css_first("title").text().startswith("Kontakt - ")
    overlay = Repository(root).load().providers["beta-hf"].overlays[0]
    assert "Fagansvarlig Kari Berg" in text_of(html_at(site, overlay.url).css_first(".hcweb-responsibility"))


def test_the_not_found_page_is_the_sites_own_and_shows_the_way_on(site: Path) -> None:
    page = LexborHTMLParser((site / "404.html").read_text(encoding="utf-8"))
    article = page.css_first("article")
    assert text_of(article.css_first("h1")) == "Vi finner ikke siden"
    assert page.css_first("title").text().startswith("Vi finner ikke siden - ")
    links = [a.attributes["href"] for a in article.css("a")]
    home = "https://www.beta-hf.example/"
    assert links == [home, f"{home}#{A_TO_Z}", f"{home}kontakt/"]  # absolute: the server shows it at any address
