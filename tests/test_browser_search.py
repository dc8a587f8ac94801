"""The site search of the built sample sites, typed into in real headless Chromium as a patient would.

Slow: runs with `pytest -m browser`. With CI=true a missing Chromium is a failure, elsewhere a skip.
"""

from __future__ import annotations

import re

import pytest

from hcweb.repo import Repository
from hcweb.urls import CONTACT
from helpers import PROJECT

pytestmark = pytest.mark.browser

CONTENT = Repository(PROJECT).load()

# What patients type, the national text whose page it must find, and whether on every site that has it (or the first).
CASES = [
    ("katarakt", "treatments/cataract-surgery", True),  # a tag: the other word for grå stær
    ("hofteoperasjon", "treatments/hip-replacement", True),  # a tag
    ("sovnapne", "treatments/sleep-apnea-cpap", True),  # søvnapné without ø and é
    ("søvnapne", "treatments/sleep-apnea-cpap", False),  # without é
    ("gra staer", "treatments/cataract-surgery", False),  # the title without æøå
    ("hofteoperasjonen", "treatments/hip-replacement", False),  # the tag's definite form
    ("tarmundersøkelse", "examinations/colonoscopy", False),  # a tag
]
# On a nynorsk site (site.language: nn) a reader types nynorsk forms of the bokmål national text's words and of
# the local names: what each must find on every nynorsk sample site that publishes the text.
NYNORSK_CASES = [
    ("sjukehuset", "treatments/cataract-surgery"),  # "Strandvik sjukehus" in a section heading, definite form
    ("utgreiinga", "treatments/outpatient-depression"),  # the heading "Utredning" in nynorsk, definite form
]
NONSENSE = "xqvzkjuw"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def overlays_of(text_id: str) -> list:
    """(provider, overlay) of every sample site that publishes the national text."""
    return [(p, o) for p in CONTENT.providers.values() for o in sorted(p.overlays, key=lambda o: o.rel) if o.uses == text_id]


def search_cases() -> list:
    cases = []
    for query, text_id, everywhere in CASES:
        found = overlays_of(text_id)
        assert found, f"no sample site publishes {text_id}"
        cases += [
            pytest.param(query, provider, overlay, id=f"{query}-{provider.id}") for provider, overlay in found[: None if everywhere else 1]
        ]
    return cases


def nynorsk_cases() -> list:
    cases = [
        pytest.param(query, provider, overlay, id=f"{query}-{provider.id}")
        for query, text_id in NYNORSK_CASES
        for provider, overlay in overlays_of(text_id)
        if provider.language == "nn"
    ]
    assert len(cases) >= len(NYNORSK_CASES), "no nynorsk sample site publishes the texts of the nynorsk cases"
    return cases


def type_search(page, query: str) -> None:
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").press_sequentially(query, delay=20)


@pytest.mark.parametrize(("query", "provider", "overlay"), search_cases() + nynorsk_cases())
def test_typed_words_find_the_page(page, sample_sites: str, query: str, provider, overlay) -> None:
    title = overlay.title or CONTENT.national[overlay.uses].title
    page.goto(f"{sample_sites}/{provider.id}/")
    type_search(page, query)
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    results = page.locator(".md-search-result__list")
    assert title in results.inner_text(), results.inner_text()
    links = results.locator("a.md-search-result__link").evaluate_all("links => links.map(a => a.origin + a.pathname)")  # without ?h=
    assert f"{sample_sites}/{provider.id}{overlay.url}" in links
    assert not page.locator(".hcweb-search-help").is_visible()


@pytest.mark.parametrize("provider", sorted(CONTENT.providers.values(), key=lambda p: p.id), ids=lambda p: p.id)
def test_no_hits_offer_the_a_to_z_list_the_contact_page_and_helsenorge(page, sample_sites: str, provider) -> None:
    site = f"{sample_sites}/{provider.id}"
    page.goto(f"{site}{CONTACT.url}")  # any page: the links are the same from every page
    type_search(page, NONSENSE)
    help_box = page.locator(".hcweb-search-help")
    help_box.wait_for(state="visible", timeout=10_000)
    assert "Ingen treff" in page.locator(".md-search-result__meta").inner_text()
    links = help_box.get_by_role("link")
    assert [links.nth(i).evaluate("a => a.href") for i in range(links.count())] == [
        f"{site}/#behandlinger-a-a",
        f"{site}{CONTACT.url}",
        "https://www.helsenorge.no/",
    ]
    assert links.nth(1).inner_text() == "Kontakt oss"
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}}).response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
    overlay = sorted(provider.overlays, key=lambda o: o.rel)[0]
    word = max(re.findall(r"\w+", overlay.title or CONTENT.national[overlay.uses].title), key=len).lower()
    page.locator(".md-search__input").fill("")
    page.locator(".md-search__input").press_sequentially(word, delay=20)  # a word with hits: the help goes away
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    assert not help_box.is_visible()
