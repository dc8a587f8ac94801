"""The built sample sites in real headless Chromium: a treatment page, the in-page menu, search, the Content-Security-Policy, and that axe-core works.

Slow: run alone with `pytest -m browser`. With CI=true a missing Chromium is a failure, elsewhere a skip.
"""

from __future__ import annotations

import re

import pytest

from hcweb.repo import Repository
from hcweb.sections import headings
from helpers import PROJECT

pytestmark = pytest.mark.browser

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CONTENT = Repository(PROJECT).load()
SECTION_INCLUDE = re.compile(r'\{% include "[a-z0-9-]+/[a-z0-9-]+#([a-z0-9-]+)" %\}')


@pytest.fixture(scope="module")
def base_url(sample_sites: str) -> str:
    return sample_sites  # every sample site, built once per test session (conftest.py)


def treatment_with_local_text():
    """An overlay of the sample content that adds a local section between national ones."""
    for provider in CONTENT.providers.values():
        for overlay in provider.overlays:
            local = [h for h in headings(overlay.body, overlay.body_line) if h.id]
            if local and SECTION_INCLUDE.search(overlay.body):
                return provider, overlay, local[0]
    raise AssertionError("the sample content has no overlay with local text")


def test_treatment_page_shows_national_and_local_text_locations_and_responsibility(page, base_url: str) -> None:
    provider, overlay, local_heading = treatment_with_local_text()
    text = CONTENT.national[overlay.uses]
    page.goto(f"{base_url}/{provider.id}{overlay.url}")
    article = page.locator("article")
    assert article.get_by_role("heading", level=1).inner_text() == (overlay.title or text.title)
    assert article.get_by_role("heading", name=local_heading.text).is_visible()
    included = SECTION_INCLUDE.search(overlay.body).group(1)
    national_heading = next(s.title for s in text.sections()[1] if s.id == included)
    assert article.get_by_role("heading", name=national_heading).is_visible()
    cards = page.locator(".hcweb-facts .hcweb-locations li")
    assert cards.count() == len(overlay.location_ids)
    for index, location_id in enumerate(overlay.location_ids):
        location = provider.location(location_id)
        assert location.name in cards.nth(index).inner_text()
        assert location.street in cards.nth(index).inner_text()
    block = page.locator(".hcweb-responsibility")
    assert block.is_visible()
    responsible = text.responsible
    assert f"{responsible.name}, {responsible.title} ({CONTENT.providers[text.owner].name})" in block.inner_text()
    assert "Sist faglig gjennomgått" in block.inner_text() and "Neste faglige gjennomgang" in block.inner_text()
    assert page.locator(".hcweb-citation").inner_text().startswith(f"Kilde: {provider.name}, ")


def test_in_page_menu_takes_the_reader_to_a_section(page, base_url: str) -> None:
    provider, overlay, _ = treatment_with_local_text()
    page.goto(f"{base_url}/{provider.id}{overlay.url}")
    sections = [h for h in headings(overlay.body, overlay.body_line) if h.id]
    target = sections[0].id
    page.locator(f'.md-sidebar--secondary a[href="#{target}"]').click()
    page.wait_for_url(re.compile(f"#{target}$"))
    assert page.locator(f"#{target}").is_visible()
    box = page.locator(f"#{target}").bounding_box()
    assert 0 <= box["y"] < 900


def test_search_finds_a_treatment(page, base_url: str) -> None:
    provider, overlay, _ = treatment_with_local_text()
    title = overlay.title or CONTENT.national[overlay.uses].title
    word = max(re.findall(r"\w+", title), key=len)
    page.goto(f"{base_url}/{provider.id}/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator(".md-search__input").press_sequentially(word.lower(), delay=30)
    result = page.locator(".md-search-result__item").first
    result.wait_for(timeout=10_000)
    assert title in page.locator(".md-search-result__list").inner_text()


def test_search_finds_a_treatment_by_its_definite_form(page, base_url: str) -> None:
    provider, overlay, _ = treatment_with_local_text()
    title = overlay.title or CONTENT.national[overlay.uses].title
    word = max(re.findall(r"\w+", title), key=len).lower()
    definite = word + ("n" if word.endswith("e") else "en")  # hofteprotese -> hofteprotesen, operasjon -> operasjonen
    page.goto(f"{base_url}/{provider.id}/")
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").press_sequentially(definite, delay=30)
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    results = page.locator(".md-search-result__list")
    assert title in results.inner_text()
    assert not results.locator(".md-tags").first.is_visible()  # the added word forms are not shown


def test_content_security_policy_blocks_nothing_the_site_needs(page, base_url: str) -> None:
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    provider, overlay, _ = treatment_with_local_text()
    page.goto(f"{base_url}/{provider.id}{overlay.url}", wait_until="networkidle")
    assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").press_sequentially("behandling", delay=20)
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    assert refused == []


def test_content_security_policy_stops_an_injected_script(page, base_url: str) -> None:
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    page.goto(f"{base_url}/{sorted(CONTENT.providers)[0]}/", wait_until="networkidle")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.hacked = 1'; document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.hacked") is None
    assert refused, "the browser did not report the refused script"


def test_axe_scan_fails_on_a_real_violation(page, base_url: str) -> None:
    """The scan itself works: a page with an unlabelled image and low contrast is caught."""
    from axe_playwright_python.sync_playwright import Axe

    page.set_content('<html lang="nb"><body><main><img src="x.png"><p style="color:#aaa;background:#fff">Tekst</p></main></body></html>')
    ids = {v["id"] for v in Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}}).response["violations"]}
    assert {"image-alt", "color-contrast"} <= ids


def test_old_sample_addresses_take_the_browser_to_their_new_pages(page, base_url: str) -> None:
    """An English address each sample site published before (redirects.yml) lands, in Chromium, on its new page.

    test_redirects.py follows every one of them over HTTP; here the browser follows the first of each kind per site."""
    checked = 0
    for provider in CONTENT.providers.values():
        kinds: set[str] = set()
        for entry in provider.redirects.entries if provider.redirects else ():
            kind = entry.old.strip("/").split("/")[0]
            if entry.to is None or kind in kinds:
                continue
            kinds.add(kind)
            page.goto(f"{base_url}/{provider.id}{entry.old}")
            page.wait_for_url(f"{base_url}/{provider.id}{entry.to}", timeout=5_000)
            assert page.locator("article h1").count() == 1, entry.old
            checked += 1
    assert checked >= 3 * len(CONTENT.providers)  # treatments, locations, contact... on every sample site
