import json
from pathlib import Path

from hcweb.site.norwegian import compound_parts, spellings, without_accents
from hcweb.site.pages import Page
from hcweb.site.search import NATIONAL_BOOST, add_word_forms, inflections, search_terms, site_words


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


def test_letters_without_accents_and_without_aeoeaa() -> None:
    assert without_accents("søvnapné") == "søvnapne"
    assert without_accents("Crème brûlée, Müller") == "Creme brulee, Muller"
    assert without_accents("ÆØÅ æøå") == "ÆØÅ æøå"  # Norwegian letters are letters of their own, not accented ones
    assert spellings("søvnapné") == {"søvnapne", "sovnapne", "soevnapne"}
    assert spellings("stær") == {"staer"}
    assert spellings("grå") == {"gra", "graa"}
    assert spellings("protese") == set()


def test_compounds_split_into_words_of_the_site() -> None:
    known = {"hofte", "kne", "protese", "operasjon", "søvn", "poliklinikken", "sykehus", "seng", "for"}
    assert compound_parts("hofteprotese", known) == {"protese"}
    assert compound_parts("kneprotese", known) == {"protese"}
    assert compound_parts("kneproteseoperasjon", known) == {"protese", "operasjon"}
    assert compound_parts("søvnpoliklinikken", known) == {"poliklinikken"}
    assert compound_parts("sykehussenger", known) == set()  # "senger" is not a word of the site
    assert compound_parts("sykehusseng", known) == {"seng"}  # the linking s
    assert compound_parts("protese", known) == set()
    assert compound_parts("forberedelse", known) == set()  # "beredelse" is no word of the site


def test_the_national_texts_tags_are_search_terms_in_every_spelling() -> None:
    page = Page(
        "treatments/cataract.md",
        "/behandlinger/gra-staer/",
        "Grå stær, operasjon",
        "",
        meta={"description": "Linsen blir uklar.", "hcweb": {"kind": "national", "tags": ["katarakt", "ny linse", "søvnapné"]}},
    )
    terms = set(search_terms(page))
    assert {"katarakt", "katarakten", "ny", "linse", "linsen"} <= terms
    assert {"gra", "graa", "staer", "staeren"} <= terms  # the title, typed without æøå
    assert {"søvnapne", "sovnapne", "sovnapneen"} <= terms
    assert "grå" not in terms and "operasjon" not in terms  # the title's own words are found already


def test_search_terms_split_the_compounds_of_the_title() -> None:
    page = Page("t.md", "/t/", "Hofteprotese", "", meta={"description": "Et nytt hofteledd."})
    assert "protese" not in search_terms(page)
    terms = set(search_terms(page, known={"hofte", "protese", "ledd"}))
    assert {"protese", "protesen", "proteser", "ledd", "leddet"} <= terms


def test_add_word_forms_writes_the_terms_into_the_page_entry_of_the_search_index(tmp_path: Path) -> None:
    index = {
        "config": {"lang": ["no"]},
        "docs": [
            {"location": "behandlinger/hofteprotese/", "title": "Hofteprotese", "text": "<p>Om protese og hofte.</p>"},
            {"location": "behandlinger/hofteprotese/#etter", "title": "Etter operasjonen", "text": "<p>Trening.</p>"},
            {"location": "kontakt/", "title": "Kontakt", "text": "<p>Ring oss.</p>"},
        ],
    }
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(json.dumps(index), encoding="utf-8")
    assert {"protese", "hofte", "trening", "ring"} <= site_words(index)
    pages = [
        Page("t.md", "/behandlinger/hofteprotese/", "Hofteprotese", "", meta={"hcweb": {"kind": "national", "tags": ["hofteoperasjon"]}}),
        Page("contact.md", "/kontakt/", "Kontakt", "", meta={"hcweb": {"kind": "contact"}}),
    ]
    add_word_forms(tmp_path, pages)
    written = json.loads((tmp_path / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert {"hofteoperasjon", "hofteoperasjonen", "protese", "protesen"} <= set(written[0]["tags"])
    assert "tags" not in written[1]  # sections are left as they were
    assert written[0]["boost"] == NATIONAL_BOOST and "boost" not in written[2]  # a treatment ranks above other pages
    assert written[0]["text"] == "<p>Om protese og hofte.</p>"
