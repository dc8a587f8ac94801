"""Every sample site as a patient meets it, in real headless Chromium at 390 px (a phone) and 1280 px.

Treatment and examination pages show their parts in order (department and title, ingress, key facts,
sections, related events, "Til helsepersonell" collapsed, "Om innholdet"), with the key facts within the
first screen after the ingress on a phone; no page scrolls sideways on a phone; axe-core finds no WCAG 2.1
AA violation on the home, a treatment, a location, the contact and the events page; nothing is fetched
from another host; every tel:/mailto: link is well formed; no revision hash shows, while it is in a
data- attribute. The pages come from the content model and the built sites' sitemaps, never from
spelled-out paths. One browser context per width; each test walks many pages.

Slow: run alone with `pytest -m browser`. With CI=true a missing Chromium is a failure, elsewhere a skip.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse
from urllib.request import urlopen
from xml.etree import ElementTree

import pytest

from hcweb import urls
from hcweb.repo import Repository
from hcweb.site.pages import PROFESSIONAL_SECTIONS
from helpers import PROJECT

pytestmark = pytest.mark.browser

CONTENT = Repository(PROJECT).load()
PROVIDERS = sorted(CONTENT.providers)
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
FIRST_SCREEN = 900  # px after the end of the ingress within which the key facts must start on a phone

TEL = re.compile(r"tel:\+?[0-9]+")
MAILTO = re.compile(r"mailto:[^@\s/?#]+@[^@\s/?#.]+(\.[^@\s/?#.]+)+")
REVISION = re.compile(r"\b[0-9a-f]{12}\b")

# The parts of a treatment or examination page, in the order a reader meets them.
PARTS = {
    "department": ".hcweb-department",
    "title": "h1",
    "ingress": ".hcweb-ingress",
    "facts": ".hcweb-facts",
    "text": ".hcweb-text",
    "events": ".hcweb-events",
    "professional": "details.hcweb-professional",
    "responsibility": ".hcweb-responsibility",
}

# What the page shows of its parts, read in the browser: the parts in document order, where each is on
# the page (px from the top of the document), whether the professional section is open, the text, links,
# and data- attributes that hold a revision hash.
READ_PAGE = """parts => {
  const article = document.querySelector("article");
  const found = [];
  if (article) {
    const selector = Object.values(parts).join(", ");
    for (const element of article.querySelectorAll(selector)) {
      const name = Object.keys(parts).find(key => element.matches(parts[key]));
      const box = element.getBoundingClientRect();
      found.push({name, top: box.top + window.scrollY, bottom: box.bottom + window.scrollY,
                  text: element.textContent.trim(), open: element.open === true});
    }
  }
  const revisions = [];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      if (attribute.name.startsWith("data-") && /^[0-9a-f]{12}$/.test(attribute.value)) revisions.push(attribute.value);
    }
  }
  return {
    parts: found,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    text: document.body.innerText,
    links: Array.from(document.querySelectorAll('a[href^="tel:" i], a[href^="mailto:" i]'), a => a.getAttribute("href")),
    revisions,
  };
}"""


def site_pages(base: str, provider_id: str) -> list[str]:
    """Every page of a built site (its sitemap), as paths from the site's root: ``/``, ``/kontakt/``, ..."""
    with urlopen(f"{base}/{provider_id}/sitemap.xml") as response:  # noqa: S310 - the test's own server
        locs = [e.text.strip() for e in ElementTree.parse(response).iter() if e.tag.endswith("}loc") and e.text]
    root = min(locs, key=len)
    assert all(loc.startswith(root) for loc in locs), f"{provider_id}: the sitemap's addresses do not share the home page's"
    return ["/" + loc[len(root) :] for loc in locs]


def model_pages(provider) -> set[str]:
    """The pages the content model says the site has: the generated ones, each location and each overlay."""
    pages = {page.url for page in urls.GENERATED_PAGES}
    pages |= {urls.location_url(location.id) for location in provider.locations}
    pages |= {overlay.url for overlay in provider.overlays}
    return pages


def expected_parts(provider, overlay) -> dict[str, bool | None]:
    """Per part, whether the page must show it (True), must not (False), or may (None: events are chosen by the build)."""
    text = CONTENT.national[overlay.uses]
    section_ids = {section.id for section in text.sections()[1]}
    included = set(re.findall(r'\{% include "' + re.escape(overlay.uses) + r'(?:#([a-z0-9-]+))?" %\}', overlay.body))
    whole = not overlay.body.strip() or "" in included
    shown = section_ids if whole else section_ids & included
    return {
        "department": bool(overlay.department),
        "title": True,
        "ingress": True,
        "facts": True,
        "text": True,
        "events": None,
        "professional": bool(shown & PROFESSIONAL_SECTIONS),
        "responsibility": True,
    }


def department_name(provider, overlay) -> str:
    department = provider.department(overlay.department)
    return department.name if department else overlay.department


def overlays():
    return [
        (provider, overlay) for provider_id in PROVIDERS for provider in [CONTENT.providers[provider_id]] for overlay in provider.overlays
    ]


def problems_with_parts(provider, overlay, page: dict, phone: bool) -> list[str]:
    """What is wrong with the parts of one treatment page: missing, doubled, out of order, the professional section open."""
    where = f"{provider.id}{overlay.url}"
    expected = expected_parts(provider, overlay)
    names = [part["name"] for part in page["parts"]]
    problems = []
    for name, must in expected.items():
        count = names.count(name)
        if count > 1 or (must and count == 0) or (must is False and count):
            problems.append(f"{where}: {count} × {name} ({PARTS[name]})")
    order = [name for name in PARTS if name in names]
    if names != order:
        problems.append(f"{where}: parts in the order {names}, not {order}")
    tops = [part["top"] for part in page["parts"]]
    if tops != sorted(tops):
        problems.append(f"{where}: parts shown in the order {[p['name'] for p in sorted(page['parts'], key=lambda p: p['top'])]}")
    by_name = {part["name"]: part for part in page["parts"]}
    if overlay.department and "department" in by_name and by_name["department"]["text"] != department_name(provider, overlay):
        problems.append(f"{where}: department {by_name['department']['text']!r}, not {department_name(provider, overlay)!r}")
    if by_name.get("professional", {}).get("open"):
        problems.append(f"{where}: 'Til helsepersonell' is open when the page opens")
    if phone and "ingress" in by_name and "facts" in by_name:
        gap = by_name["facts"]["top"] - by_name["ingress"]["bottom"]
        if gap > FIRST_SCREEN:
            problems.append(f"{where}: the key facts start {gap:.0f} px below the ingress on a phone (at most {FIRST_SCREEN})")
    if not page["revisions"]:
        problems.append(f"{where}: no data- attribute holds the revision")
    return problems


def problems_on_any_page(where: str, page: dict) -> list[str]:
    """What is wrong on any page: sideways scrolling, a malformed tel:/mailto: link, a revision hash in the text."""
    problems = []
    if page["scrollWidth"] > page["innerWidth"]:
        problems.append(f"{where}: {page['scrollWidth']} px wide in a {page['innerWidth']} px window (scrolls sideways)")
    for link in page["links"]:
        pattern = TEL if link.lower().startswith("tel:") else MAILTO
        if not pattern.fullmatch(link):
            problems.append(f"{where}: malformed link {link!r}")
    for revision in set(REVISION.findall(page["text"])) | {r for r in page["revisions"] if r in page["text"]}:
        problems.append(f"{where}: shows the revision {revision}")
    return problems


@pytest.fixture(scope="module")
def requested_hosts() -> set[str]:
    return set()


# The sites' own published hosts. A page with versions in other languages names each in the head with its full
# address (hreflang alternates), and the theme asks each of them for a sitemap.xml (its language switch): on the
# published site that is the site itself; here, where the sites are served from elsewhere, it is not recorded.
OWN_HOSTS = {urlparse(CONTENT.providers[p].site_url or "").netloc for p in PROVIDERS} - {""}


def _record(hosts: set[str], url: str) -> None:
    address = urlparse(url)
    if not (address.netloc in OWN_HOSTS and address.path.endswith("/sitemap.xml")):
        hosts.add(address.netloc)


def _context(browser, viewport: dict, hosts: set[str]):
    context = browser.new_context(viewport=viewport, locale="nb-NO")
    context.on("request", lambda request: _record(hosts, request.url))
    return context


@pytest.fixture(scope="module")
def phone(browser, requested_hosts):
    context = _context(browser, PHONE, requested_hosts)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def desktop(browser, requested_hosts):
    context = _context(browser, DESKTOP, requested_hosts)
    yield context.new_page()
    context.close()


def assert_nothing_fetched_from_another_host(hosts: set[str], base: str) -> None:
    """Every request of the pages this module opened (recorded by both contexts) went to the sites' own server."""
    assert hosts == {urlparse(base).netloc}


def read(page, url: str) -> dict:
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response.status if response else 'no response'}"
    return page.evaluate(READ_PAGE, PARTS)


def test_every_page_on_a_phone_fits_its_width_links_well_and_hides_revisions(phone, requested_hosts: set[str], sample_sites: str) -> None:
    """Every page of every site at 390 px; on treatment pages also the order of the parts and the key facts near the top."""
    problems: list[str] = []
    treatment_pages = 0
    for provider_id in PROVIDERS:
        provider = CONTENT.providers[provider_id]
        pages = site_pages(sample_sites, provider_id)
        missing = model_pages(provider) - set(pages)
        assert not missing, f"{provider_id}: the sitemap lacks {sorted(missing)}"
        by_url = {overlay.url: overlay for overlay in provider.overlays}
        for path in pages:
            page = read(phone, f"{sample_sites}/{provider_id}{path}")
            problems += problems_on_any_page(f"{provider_id}{path}", page)
            if path in by_url:
                treatment_pages += 1
                problems += problems_with_parts(provider, by_url[path], page, phone=True)
    assert treatment_pages == sum(len(CONTENT.providers[p].overlays) for p in PROVIDERS)
    assert problems == []
    assert_nothing_fetched_from_another_host(requested_hosts, sample_sites)


def test_treatment_pages_on_a_wide_screen_show_their_parts_in_order(desktop, requested_hosts: set[str], sample_sites: str) -> None:
    problems: list[str] = []
    shown = {"events": 0, "professional": 0, "department": 0}
    for provider, overlay in overlays():
        page = read(desktop, f"{sample_sites}/{provider.id}{overlay.url}")
        problems += problems_with_parts(provider, overlay, page, phone=False)
        problems += problems_on_any_page(f"{provider.id}{overlay.url}", page)
        for name in shown:
            shown[name] += any(part["name"] == name for part in page["parts"])
    assert problems == []
    assert_nothing_fetched_from_another_host(requested_hosts, sample_sites)
    assert all(shown.values()), f"the sample content no longer exercises every part: {shown}"


def _axe_pages(provider) -> dict[str, str]:
    overlay = sorted(provider.overlays, key=lambda o: (not o.department, o.rel))[0]
    in_languages = {}  # a page in another language, and the Norwegian page it is a version of
    for page in provider.pages:
        if page.language:
            original = next(p for p in provider.pages if p.path == page.path and p.language is None)
            in_languages |= {f"page in {page.language}": page.url, f"page with a version in {page.language}": original.url}
    for version in provider.overlays:  # a national text's page in another language (<slug>.<language>.md)
        if version.language:
            in_languages[f"treatment in {version.language}"] = version.url
    return {
        "home": urls.HOME.url,
        "treatment": overlay.url,
        "location": urls.location_url(provider.locations[0].id),
        "contact": urls.CONTACT.url,
        "events": urls.EVENTS.url,
        **in_languages,
    }


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_axe_finds_no_wcag_violation(request, width: str, requested_hosts: set[str], sample_sites: str) -> None:
    """Home, a treatment, a location, the contact and the events page of every site, and its pages in other
    languages with their Norwegian pages, with every fold-out open."""
    from axe_playwright_python.sync_playwright import Axe

    assert {CONTENT.providers[p].language for p in PROVIDERS} == {"nb", "nn"}, "axe must see a bokmål and a nynorsk site"
    languages = {page.language for p in PROVIDERS for page in CONTENT.providers[p].pages}
    assert {"en", "se"} <= languages, "axe must see a page in English and one in Northern Sámi"
    page = request.getfixturevalue(width)
    axe = Axe()
    found = {}
    for provider_id in PROVIDERS:
        for kind, path in _axe_pages(CONTENT.providers[provider_id]).items():
            read(page, f"{sample_sites}/{provider_id}{path}")
            page.evaluate("() => document.querySelectorAll('article details').forEach(d => { d.open = true; })")
            options = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
            violations = axe.run(page, options=options).response["violations"]
            if violations:
                found[f"{provider_id} {kind} {path}"] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert found == {}
    assert_nothing_fetched_from_another_host(requested_hosts, sample_sites)


def test_the_checks_catch_what_they_look_for(phone) -> None:
    """The page reading works: a wide element, a bad phone link, a shown hash and parts out of order are caught."""
    phone.set_content(
        '<html lang="nb"><body><article><div class="hcweb-article" data-national-revision="0123456789ab">'
        '<h1>Tittel</h1><p class="hcweb-ingress">Ingress</p><div class="hcweb-text"><p>Tekst 0123456789ab</p></div>'
        '<section class="hcweb-facts">Fakta</section><aside class="hcweb-responsibility">Om</aside>'
        f"<p>{'x' * 300}</p>"
        '<a href="tel:55 00 10 00">ring</a><a href="mailto:post@sykehus">skriv</a>'
        "</div></article></body></html>"
    )
    page = phone.evaluate(READ_PAGE, PARTS)
    problems = problems_on_any_page("test", page)
    assert any("scrolls sideways" in p for p in problems)
    assert any("'tel:55 00 10 00'" in p for p in problems)
    assert any("'mailto:post@sykehus'" in p for p in problems)
    assert any("shows the revision 0123456789ab" in p for p in problems)
    provider, overlay = overlays()[0]
    assert any("parts in the order" in p for p in problems_with_parts(provider, overlay, page, phone=True))
