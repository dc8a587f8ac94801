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
        ("kontakt.md", "/kontakt/"),
        ("steder/index.md", "/steder/"),
        ("steder/voss.md", "/steder/voss/"),
        ("a/b/c.md", "/a/b/c/"),
    ],
)
def test_a_docs_file_is_served_where_mkdocs_serves_it(path: str, url: str) -> None:
    assert urls.url_of(path) == url


def test_links_between_docs_files_are_relative_to_the_linking_file() -> None:
    assert urls.link(urls.HOME.path, urls.location_path("voss")) == "steder/voss.md"
    assert urls.link(urls.location_path("voss"), "behandlinger/hofteprotese.md") == "../behandlinger/hofteprotese.md"
    assert urls.link(urls.LOCATIONS.path, urls.location_path("voss")) == "voss.md"


def test_generated_pages_have_norwegian_addresses() -> None:
    assert [page.url for page in urls.GENERATED_PAGES] == ["/", "/steder/", "/arrangementer/", "/kontakt/", "/tilgjengelighetserklaering/"]
    assert urls.location_url("voss-sjukehus") == "/steder/voss-sjukehus/"
    assert urls.OPEN_DATA == "api/pages.json"


def test_collections_are_served_under_the_paths_in_hcweb_yml() -> None:
    content = Repository(PROJECT).load()
    assert content.policy.paths == {
        "treatments": "behandlinger",
        "examinations": "undersokelser",
        "patient-pathways": "pakkeforlop",
        "conditions": "sykdommer",
        "articles": "artikler",
    }
    overlays = {o.rel: o.url for provider in content.providers.values() for o in provider.overlays}
    assert overlays["content/providers/austfjord-hf/treatments/hip-replacement.md"] == "/behandlinger/hofteprotese/"
    assert overlays["content/providers/trondfjell-hf/examinations/mri.md"] == "/undersokelser/mr-undersokelse/"
    assert overlays["content/providers/lindehaug/patient-pathways/breast-cancer.md"] == "/pakkeforlop/brystkreft/"


def test_every_sample_national_text_has_a_slug_so_a_reworded_title_keeps_its_address() -> None:
    content = Repository(PROJECT).load()
    assert all(text.slug for text in content.national.values())


def test_the_templates_spell_no_generated_address() -> None:
    found = []
    for path in (PROJECT / "overrides").rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(rf"""["'](?:{PAGES})/["']""", line):
                found.append(f"{path.relative_to(PROJECT)}:{number}")
    assert found == []


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
        expected = (
            {page.url for page in urls.GENERATED_PAGES}
            | {urls.location_url(loc.id) for loc in provider.locations}
            | {urls.event_url(e.slug) for e in provider.events}
        )
        assert generated == expected, provider.id
        for page in pages:
            for location in page.meta["hcweb"].get("locations", []):
                assert "/" + location["href"] in expected


# Every module spells generated addresses through hcweb.urls; so do the design's templates, which take them from
# config.extra.hcweb (test_the_templates_spell_no_generated_address).
# "/kontakt/", f"/steder/{id}/", "](steder/x.md)", "arrangementer.md", site / "api" ... (index.md, assets/ and
# search/ are names MkDocs and its theme choose, not hcweb). The English names of before are refused too.
PAGES = r"contact|events|accessibility|locations|kontakt|arrangementer|tilgjengelighetserklaering|steder"
SPELLED = re.compile(rf"""(?:["'(]|\.\./)/?(?:{PAGES}|api)/|\b(?:{PAGES})\.md|["']api["']""")


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
