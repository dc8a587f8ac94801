"""The addresses of generated pages are spelled in one place (hcweb.urls), and what validate reserves is what the build writes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from hcweb import urls
from hcweb.checks.site import GENERATED_URLS
from hcweb.repo import Repository
from hcweb.site.pages import SiteContext, site_pages
from helpers import PROJECT, TODAY

PACKAGE = Path(urls.__file__).parent


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("index.md", "/"),
        ("contact.md", "/contact/"),
        ("locations/index.md", "/locations/"),
        ("locations/voss.md", "/locations/voss/"),
        ("a/b/c.md", "/a/b/c/"),
    ],
)
def test_a_docs_file_is_served_where_mkdocs_serves_it(path: str, url: str) -> None:
    assert urls.url_of(path) == url


def test_links_between_docs_files_are_relative_to_the_linking_file() -> None:
    assert urls.link(urls.HOME.path, urls.location_path("voss")) == "locations/voss.md"
    assert urls.link(urls.location_path("voss"), "treatments/hip.md") == "../treatments/hip.md"
    assert urls.link(urls.LOCATIONS.path, urls.location_path("voss")) == "voss.md"


def test_the_checks_reserve_the_addresses_of_every_generated_page() -> None:
    assert GENERATED_URLS is urls.GENERATED_URLS
    for page in urls.GENERATED_PAGES:
        assert urls.is_reserved(page.url), page
    for folder in (urls.OPEN_DATA_FOLDER, urls.SEARCH_FOLDER, urls.ASSETS_FOLDER):
        assert urls.is_reserved(f"/{folder}/x/")


def test_every_page_the_build_generates_is_at_an_address_validate_knows() -> None:
    repo = Repository(PROJECT)
    content = repo.load()
    for provider in content.providers.values():
        pages = site_pages(SiteContext(content, provider, repo.git, dt.date.fromisoformat(TODAY)))
        for page in pages:
            assert page.url == urls.url_of(page.path), page.path  # the address recorded is the one MkDocs serves
        generated = {page.url for page in pages if page.meta["hcweb"]["kind"] not in ("national", "page")}
        expected = {page.url for page in urls.GENERATED_PAGES} | {urls.location_url(loc.id) for loc in provider.locations}
        assert generated == expected, provider.id
        for page in pages:
            for location in page.meta["hcweb"].get("locations", []):
                assert location["url"] in expected and location["href"] == urls.href(location["url"])


# Every module spells generated addresses through hcweb.urls (the design's copyright.html still writes two
# relative links of its own; templates are not scanned here).
# "/contact/", f"/locations/{id}/", "](locations/x.md)", "events.md", site / "api" ... (index.md, assets/ and
# search/ are names MkDocs and its theme choose, not hcweb).
SPELLED = re.compile(
    r"""(?:["'(]|\.\./)/?(?:contact|events|accessibility|locations|api)/|\b(?:contact|events|accessibility)\.md|["']api["']"""
)


def test_no_module_but_hcweb_urls_spells_a_generated_address() -> None:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "urls.py":
            continue
        lines = [number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if SPELLED.search(line)]
        if lines:
            found.add(f"{rel} lines {lines}")
    assert found == set(), "these spell a generated address: use hcweb.urls"
