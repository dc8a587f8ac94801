"""Where the pages hcweb generates are served: the one place their addresses are spelled.

Every site has pages hcweb writes from the registry (home, locations, events,
contact, accessibility statement) and folders that hcweb, the search plugin and
the theme fill (the open-data export, the search index, assets). Content may not
take any of these addresses. The pages are written as files in the MkDocs docs
folder, and MkDocs (with directory URLs) serves ``a.md`` at ``/a/`` and
``a/index.md`` at ``/a/``, so each address is spelled once, as a file, and its URL
derived. Renaming one is meant to be an edit here alone; tests/test_urls.py
lists the modules that still spell an address themselves. The collections of
national texts are served under the paths hcweb.yml gives them (``paths:``), and
each page under a slug (see ``slug``). A renamed address keeps answering through
the provider's redirects.yml (checks/redirects.py).

Core, not ``site``: the checks reserve these addresses and may not import ``site``.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class GeneratedPage:
    """A page every site has, written by hcweb from the registry."""

    path: str  # in the docs folder, e.g. "contact.md"
    what: str  # how a message names it, e.g. "the contact page"

    @property
    def url(self) -> str:
        return url_of(self.path)

    @property
    def href(self) -> str:
        return href(self.url)


HOME = GeneratedPage("index.md", "the home page")
LOCATIONS = GeneratedPage("steder/index.md", "the list of locations")
EVENTS = GeneratedPage("arrangementer/index.md", "the events page")  # the event pages and calendars beside it
CONTACT = GeneratedPage("kontakt.md", "the contact page")
ACCESSIBILITY = GeneratedPage("tilgjengelighetserklaering.md", "the accessibility statement")
GENERATED_PAGES = (HOME, LOCATIONS, EVENTS, CONTACT, ACCESSIBILITY)

# The addresses of the generated pages before they were Norwegian (and before hcweb.yml had ``paths:``,
# when a page was served at /<collection>/<file name>/): what a site published then, so that
# ``validate --base`` knows which of them need a redirect.
LEGACY_GENERATED_URLS = ("/", "/locations/", "/events/", "/contact/", "/accessibility/")
LEGACY_LOCATIONS_FOLDER = "locations"

OPEN_DATA_FOLDER = "api"  # hcweb writes pages.json here
OPEN_DATA = f"{OPEN_DATA_FOLDER}/pages.json"
SEARCH_FOLDER = "search"  # the search plugin's index (a name MkDocs chooses)
SEARCH_INDEX = f"{SEARCH_FOLDER}/search_index.json"  # the index file in it (the name mkdocs-material writes)
ASSETS_FOLDER = "assets"  # the theme's styles and scripts (a name the theme chooses)


def url_of(path: str) -> str:
    """The address MkDocs serves a docs file at: ``index.md`` -> ``/``, ``a/b.md`` -> ``/a/b/``, ``a/index.md`` -> ``/a/``."""
    stem = path[: -len(".md")] if path.endswith(".md") else path
    parts = stem.split("/")
    if parts[-1] == "index":
        parts = parts[:-1]
    return "/" + "".join(f"{part}/" for part in parts)


def docs_path_of(url: str) -> str:
    """The docs file MkDocs would serve at ``url`` (the inverse of url_of for a page that is not an index): ``/a/b/`` -> ``a/b.md``."""
    return url.strip("/") + ".md"


def href(url: str) -> str:
    """An address relative to the site root, as a template's ``url`` filter takes it: ``/a/b/`` -> ``a/b/``."""
    return url.lstrip("/")


def location_path(location_id: str) -> str:
    """The docs file of one location's page."""
    return f"{posixpath.dirname(LOCATIONS.path)}/{location_id}.md"


def location_url(location_id: str) -> str:
    return url_of(location_path(location_id))


def legacy_location_url(location_id: str) -> str:
    return f"/{LEGACY_LOCATIONS_FOLDER}/{location_id}/"


# A page in another language than the site's: ``pages/<name>.<language>.md`` beside ``pages/<name>.md``, and
# ``<collection>/<slug>.<language>.md`` beside an overlay. The language is a lowercase ISO 639 code (en, se, pl).
_LANGUAGE_SUFFIX = re.compile(r"^(?P<name>.+)\.(?P<language>[a-z]{2,3})$")


def split_language(stem: str) -> tuple[str, str | None]:
    """A file name without .md as (name, language): ``samiske-pasienter.se`` -> (``samiske-pasienter``, ``se``);
    ``om-oss`` -> (``om-oss``, None), a page in the site's own language."""
    match = _LANGUAGE_SUFFIX.match(stem)
    return (match["name"], match["language"]) if match else (stem, None)


def in_language(path: str, language: str | None) -> str:
    """The docs file of a page in another language: under a folder named by its language code, the rest of the
    address as the Norwegian page's, so that both read alike: ``samiske-pasienter.md`` and ``se`` ->
    ``se/samiske-pasienter.md`` (served at /se/samiske-pasienter/). In the site's own language (None): ``path``."""
    return f"{language}/{path}" if language else path


def provider_page_path(path: str, language: str | None = None) -> str:
    """The docs file of a provider's own page: ``pages/om-oss.md`` -> ``om-oss.md``; ``pages/om-oss.en.md`` -> ``en/om-oss.md``."""
    return in_language(f"{path}.md", language)


def page_path(folder: str, slug: str) -> str:
    """The docs file of a national text's page: ``behandlinger`` and ``hofteprotese`` -> ``behandlinger/hofteprotese.md``."""
    return f"{folder}/{slug}.md"


def overlay_page_path(folder: str, slug: str, language: str | None = None) -> str:
    """The docs file of a provider's page of a national text: ``behandlinger/hofteprotese.md``; in another language
    (``<slug>.<language>.md`` beside the overlay) ``en/behandlinger/hofteprotese.md``, served at /en/behandlinger/hofteprotese/."""
    return in_language(page_path(folder, slug), language)


# Norwegian letters that Unicode does not decompose into a base letter and an accent: they are
# written as Norwegians write them without the letter (ø and å in an address, as in a .no domain).
_NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


def ascii_letters(text: str) -> str:
    """``text`` in ASCII: æ -> ae, ø -> o, å -> a, other accents stripped (é -> e), what has no ASCII form dropped."""
    return unicodedata.normalize("NFKD", text.translate(_NORWEGIAN_LETTERS)).encode("ascii", "ignore").decode("ascii")


def slug(text: str) -> str:
    """A page's slug from its title: ``Søvnapné – behandling med CPAP`` -> ``sovnapne-behandling-med-cpap``.

    æ -> ae, ø -> o, å -> a, other accents stripped, lowercase, every run of other characters one
    hyphen. Empty when the title has no letter or digit.
    """
    return re.sub(r"[^a-z0-9]+", "-", ascii_letters(text).lower()).strip("-")


def anchor(text: str, separator: str = "-") -> str:
    """A heading's anchor as the sites' table of contents makes it (markup.slugify): ``Spørsmål`` -> ``sporsmal``.

    Python-Markdown's own rule (toc.slugify) after the Norwegian letters are written in ASCII.
    """
    value = re.sub(r"[^\w\s-]", "", ascii_letters(text)).strip().lower()
    return re.sub(rf"[{re.escape(separator)}\s]+", separator, value)


def event_path(slug: str) -> str:
    """The docs file of one event's page: ``kneskole`` -> ``arrangementer/kneskole/index.md``; its calendar
    file (``kneskole.ics``) is written beside it."""
    return f"{posixpath.dirname(EVENTS.path)}/{slug}/index.md"


def event_url(slug: str) -> str:
    return url_of(event_path(slug))


def event_href(slug: str) -> str:
    """One event's page, relative to the site root (for a template's ``url`` filter)."""
    return href(event_url(slug))


EVENTS_FEED = f"{posixpath.dirname(EVENTS.path)}/kalender.ics"  # every upcoming event of the site, beside the events page


def link(from_path: str, to_path: str) -> str:
    """A Markdown link target from one docs file to another, e.g. ``../locations/voss.md``."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


# Every address content may not take, with what holds it.
GENERATED_URLS: dict[str, str] = {
    **{page.url: page.what for page in GENERATED_PAGES},
    f"/{OPEN_DATA_FOLDER}/": "the open-data export",
    f"/{SEARCH_FOLDER}/": "search",
}
# Folders whose every address is taken (files, not pages, live there).
RESERVED_PREFIXES = tuple(f"/{folder}/" for folder in (OPEN_DATA_FOLDER, ASSETS_FOLDER, SEARCH_FOLDER))
RESERVED_PREFIXES += (EVENTS.url,)  # the events page, a page per event and the calendars


def is_reserved(url: str) -> bool:
    """Whether content may not be served at ``url``."""
    return url in GENERATED_URLS or url.startswith(RESERVED_PREFIXES) or _in_a_to_z(url)


# The sections of a location's page (overrides/hcweb/location.html prints these ids), by what each holds;
# links in content may point at them.
LOCATION_SECTIONS = {
    "contact": "adresse-og-kontakt",
    "getting_here": "slik-kommer-du-hit",
    "departments": "avdelinger",
    "offered": "behandlinger-og-undersokelser-her",
    "events": "arrangementer-her",
}

# The home page's list of treatments A-Å (overrides/hcweb/home.html), which search and the "gone" pages point to.
A_TO_Z = "behandlinger-a-a"


# A long list of texts (a large collection on the home page, what a location offers) has its own pages, one per
# first letter, in a folder beside the pages it lists: /behandlinger/a-a/s/, /steder/voss/a-a/s/; a letter with
# more texts than one page holds goes on at /behandlinger/a-a/s/2/. The home page's A-Å section then links to them.
A_TO_Z_FOLDER = "a-a"
# The address of a first letter: a-z as they are; Æ, Ø and Å as Norwegians write them without the letter, so that
# none of them takes the address of A or O; titles that start with a digit or a sign under "0-9".
_LETTER_ADDRESSES = {"Æ": "ae", "Ø": "oe", "Å": "aa", "#": "0-9"}


def letter_address(letter: str) -> str:
    """A first letter as part of an address: ``S`` -> ``s``, ``Å`` -> ``aa``, ``#`` -> ``0-9``."""
    return _LETTER_ADDRESSES.get(letter) or slug(letter) or "0-9"


def a_to_z_path(folder: str, letter: str, part: int = 1) -> str:
    """The docs file of one letter's page of a long list under ``folder`` (a collection's path, or a location's
    folder): ``behandlinger`` and ``S`` -> ``behandlinger/a-a/s.md`` (/behandlinger/a-a/s/); its second page
    ``behandlinger/a-a/s/2.md`` (/behandlinger/a-a/s/2/)."""
    base = f"{folder}/{A_TO_Z_FOLDER}/{letter_address(letter)}"
    return f"{base}.md" if part == 1 else f"{base}/{part}.md"


def location_folder(location_id: str) -> str:
    """The folder beside a location's page that holds its own pages (its A-Å list): ``steder/voss``."""
    return location_path(location_id)[: -len(".md")]


def _in_a_to_z(url: str) -> bool:
    """Whether ``url`` is inside the A-Å pages of a collection or a location (``/<folder>/a-a/<letter>/...``)."""
    return A_TO_Z_FOLDER in url.strip("/").split("/")[1:-1]
