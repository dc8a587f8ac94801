from hcweb.site.pages import Page
from hcweb.site.search import inflections, search_terms


def test_bokmal_inflections() -> None:
    assert inflections("hofteprotese") == {"hofteprotesen", "hofteproteser", "hofteprotesene", "hofteprotesa"}
    assert {"sykehuset", "sykehusene", "sykehusa"} <= inflections("sykehus")
    assert {"operasjonen", "operasjoner", "operasjonene"} <= inflections("operasjon")
    assert "sykehus" not in inflections("sykehus")


def test_search_terms_come_from_title_summary_and_headings() -> None:
    page = Page("x.md", "/x/", "Grå stær", "", meta={"description": "Om linse"}, sections=[{"id": "a", "title": "Operasjon"}])
    terms = search_terms(page)
    assert {"operasjonen", "linsene"} <= set(terms)
    assert not any(term.startswith("om") for term in terms)  # words shorter than four letters are left alone
