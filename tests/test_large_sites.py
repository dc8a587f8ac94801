"""A large site keeps its pages small: a long list of texts (a collection on the home page, what a location offers)
moves to pages of its own, one per first letter, and no page grows with the number of texts.

The site is the benchmark corpus at 200 texts (bench/make_corpus.py), built with the limits lowered
(registry_pages.LONG_LIST and LETTER_PAGE) so that every list is long and a letter runs over several pages,
as 2,000 texts do with the real limits.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from hcweb import urls
from hcweb.repo import Repository
from hcweb.site import registry_pages
from hcweb.site.pages import first_letter
from helpers import PROJECT, run

sys.path.insert(0, str(PROJECT / "bench"))

from bench_page_size import TARGET, page_sizes  # noqa: E402
from make_corpus import make_corpus  # noqa: E402

LONG_LIST = 20  # lowered for the test: the corpus has about 50 texts per collection and 70 per location
LETTER_PAGE = 6
TODAY = "2026-11-29"


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(repository, its built site hf-00)."""
    root = make_corpus(tmp_path_factory.mktemp("large") / "repo", 1, 200, 200, commits=0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(registry_pages, "LONG_LIST", LONG_LIST)
        patch.setattr(registry_pages, "LETTER_PAGE", LETTER_PAGE)
        result = run(root, "build", "--provider", "hf-00", "--today", TODAY)
    assert result.exit_code == 0, result.output
    return root, root / "site" / "hf-00"


def html_at(site: Path, url: str) -> LexborHTMLParser:
    return LexborHTMLParser((site / url.strip("/") / "index.html").read_text(encoding="utf-8"))


def resolve(page_url: str, href: str) -> str:
    """The site address a link on the page at ``page_url`` leads to, without its #anchor."""
    parts = page_url.strip("/").split("/") if page_url != "/" else []
    for part in href.split("#")[0].split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/" + "".join(f"{p}/" for p in parts)


def listed(site: Path, start: str) -> tuple[list[str], set[str]]:
    """Every text listed by the A-Å pages reached from the letter links at ``start`` (following each letter's
    other pages), in order, and every A-Å page visited."""
    page = html_at(site, start)
    letters = [resolve(start, a.attributes["href"]) for a in page.css("article .hcweb-letters a")]
    found: list[str] = []
    visited: set[str] = set()
    for letter in letters:
        parts = [letter]
        while parts:
            url = parts.pop(0)
            if url in visited:
                continue
            visited.add(url)
            tree = html_at(site, url)
            found += [resolve(url, a.attributes["href"]) for a in tree.css("article ul.hcweb-az a")]
            parts += [resolve(url, a.attributes["href"]) for a in tree.css("article .hcweb-parts a")]
    return found, visited


def test_the_home_page_links_each_long_collection_by_letter_and_the_letter_pages_list_every_text_once(large) -> None:
    root, site = large
    provider = Repository(root).load().providers["hf-00"]
    home = html_at(site, "/")
    assert not home.css("article ul.hcweb-az")  # no text is listed on the home page itself
    assert home.css_first(f"#{urls.A_TO_Z} + .hcweb-letters") is not None  # where search and the gone pages lead
    sections = home.css("article section.hcweb-home-section nav.hcweb-letters")
    assert len(sections) == 4  # one per collection of the corpus
    found, visited = listed(site, "/")
    assert sorted(found) == sorted(o.url for o in provider.overlays)  # every text, once
    assert all(url.split("/")[2] == urls.A_TO_Z_FOLDER for url in visited)
    first = home.css_first(f"#{urls.A_TO_Z} + .hcweb-letters a")
    url = resolve("/", first.attributes["href"])
    assert url == f"/behandlinger/{urls.A_TO_Z_FOLDER}/{urls.letter_address(first.text())}/"
    page = html_at(site, url)
    assert page.css_first("h1").text().startswith(f"Behandlinger: {first.text()}")
    back = page.css("article p a")[-1].attributes["href"]
    assert back.endswith(f"#{urls.A_TO_Z}") and resolve(f"/behandlinger/{urls.A_TO_Z_FOLDER}/x/", back) == "/"


def test_a_letter_with_more_texts_than_a_page_holds_goes_on_over_several_pages(large) -> None:
    _, site = large
    _, visited = listed(site, "/")
    parted = [url for url in visited if url.rstrip("/").split("/")[-1].isdigit()]
    assert parted, "the corpus has a letter with more than LETTER_PAGE texts in some collection"
    page = html_at(site, parted[0])
    assert len(page.css("article ul.hcweb-az li")) <= LETTER_PAGE
    assert "(side 2 av " in page.css_first("h1").text() or "(side " in page.css_first("title").text()
    current = page.css(".hcweb-parts a[aria-current=page]")
    assert len(current) == 1 and resolve(parted[0], current[0].attributes["href"]) == parted[0]
    for url in visited:
        assert len(html_at(site, url).css("article ul.hcweb-az li")) <= LETTER_PAGE, url


def test_a_location_with_many_texts_links_them_by_letter(large) -> None:
    root, site = large
    provider = Repository(root).load().providers["hf-00"]
    for location in provider.locations:
        url = urls.location_url(location.id)
        offered = sorted(o.url for o in provider.overlays if location.id in o.location_ids)
        assert len(offered) > LONG_LIST
        page = html_at(site, url)
        assert not page.css("article ul.hcweb-list a[href*='behandlinger/']")  # the texts are on the letter pages
        assert page.css_first(f"#{urls.LOCATION_SECTIONS['offered']} + .hcweb-letters") is not None
        found, visited = listed(site, url)
        assert sorted(found) == offered
        assert all(v.startswith(f"{url}{urls.A_TO_Z_FOLDER}/") for v in visited)


def test_the_letter_pages_are_neither_in_the_menu_nor_in_search(large) -> None:
    _, site = large
    menu = html_at(site, "/").css_first("nav.md-nav--primary").html
    assert f"/{urls.A_TO_Z_FOLDER}/" not in menu
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert not [doc["location"] for doc in index["docs"] if f"/{urls.A_TO_Z_FOLDER}/" in doc["location"]]
    assert any(doc["location"].startswith("behandlinger/") for doc in index["docs"])


def test_no_page_of_the_large_site_grows_with_its_texts(large) -> None:
    """With every list moved to letter pages, the home and location pages link no text (only letters), no page of a
    list holds more than LETTER_PAGE texts, and every page is well within the limit: the menu and one text."""
    root, site = large
    texts = {o.url for o in Repository(root).load().providers["hf-00"].overlays}
    sizes = page_sizes(site)
    assert sizes[0][0] < TARGET, sizes[0]
    for url in ["/", *(f"/steder/hf-00-sted-{n}/" for n in range(3))]:
        links = {resolve(url, a.attributes["href"]) for a in html_at(site, url).css("article a")}
        assert not links & texts, url


def test_a_small_collection_keeps_its_list_on_the_home_page(tmp_path: Path) -> None:
    """Below LONG_LIST nothing changes: the sample sites list their texts A-Å on the home page, with letter jumps."""
    root = make_corpus(tmp_path / "repo", 1, 12, 12, commits=0)
    result = run(root, "build", "--provider", "hf-00", "--today", TODAY)
    assert result.exit_code == 0, result.output
    site = root / "site/hf-00"
    home = html_at(site, "/")
    assert len(home.css("article ul.hcweb-az a")) == 12
    for jump in home.css(f"#{urls.A_TO_Z} + .hcweb-letters a"):
        assert jump.attributes["href"].startswith("#") and home.css_first(jump.attributes["href"]) is not None
    assert not list(site.rglob(f"{urls.A_TO_Z_FOLDER}/*"))


@pytest.mark.parametrize(
    ("title", "letter", "address"),
    [
        ("Hofteprotese", "H", "h"),
        ("Øyelokk", "Ø", "oe"),
        ("Åreknuter", "Å", "aa"),
        ("Ærlig", "Æ", "ae"),
        ("Éclampsi", "E", "e"),
        ("3D-røntgen", "#", "0-9"),
    ],
)
def test_every_first_letter_has_an_address_of_its_own(title: str, letter: str, address: str) -> None:
    assert first_letter(title) == letter
    assert urls.letter_address(letter) == address
    assert urls.a_to_z_path("behandlinger", letter) == f"behandlinger/a-a/{address}.md"
    assert urls.url_of(urls.a_to_z_path("behandlinger", letter, 2)) == f"/behandlinger/a-a/{address}/2/"


def test_content_cannot_take_the_address_of_a_letter_page() -> None:
    assert urls.is_reserved("/behandlinger/a-a/s/")
    assert urls.is_reserved("/steder/voss/a-a/s/2/")
    assert not urls.is_reserved("/behandlinger/a-a/")  # a text may still be called A-Å: its page is beside the folder
    assert not urls.is_reserved("/behandlinger/hofteprotese/")
