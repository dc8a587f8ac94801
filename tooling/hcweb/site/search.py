"""Search terms: the words a reader may type for a page, added after the build.

The theme's search matches what the reader types as the start of a word on a page (no
stemming for Norwegian), so "hofteprotese" finds "Hofteprotese" but "hofteprotesen",
"protese", "katarakt" and "sovnapne" find nothing. For each page we add, as hidden
search terms (the ``tags`` of its entry in search/search_index.json, which the search
weighs above title and text):

- the national text's ``tags``: the other words patients use (katarakt for grå stær);
- the usual bokmål inflections of the words of the title, summary, section headings
  and tags (protesen, proteser, protesene);
- the parts of their compounds that are words of the site (protese in hofteprotese);
- every one of these spelled without accents and without æøå (søvnapne, sovnapne, gra staer).

On a nynorsk site (site.language: nn), whose national texts are still bokmål, each word also gets its
nynorsk forms (sjukehus -> sjukehuset, sjukehusa; utgreiing -> utgreiinga, utgreiingar, utgreiingane) and
its word in the other written standard with that word's forms (utredning -> utgreiing, sjukehus -> sykehus):
a reader types nynorsk and finds the bokmål text, or types bokmål and finds the local nynorsk text.

What the reader types is left as it is: the search looks for it as the start of any of
these forms, so a word typed with or without æøå and accents finds its page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..urls import SEARCH_INDEX
from .norwegian import bokmal_inflections, compound_parts, nynorsk_inflections, other_standard, spellings
from .pages import Page

_WORD = re.compile(r"[^\W\d_]+")  # letters only: æøå and accented letters included
_TAG = re.compile(r"<[^>]+>")
INFLECTED = 4  # words shorter than this (om, og, MR) get no inflections
# A treatment or examination page ranks above other pages that use the same words (an event
# about søvnapné, say): the theme multiplies the score of an entry by its ``boost``.
NATIONAL_BOOST = 2


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def inflections(word: str, language: str = "nb") -> set[str]:
    """Regular forms of a noun: protese -> protesen, proteser, protesene; on a nynorsk site its nynorsk
    forms too (the site shows both), and the word in the other written standard with its forms."""
    if language == "nb":
        return bokmal_inflections(word)
    forms = bokmal_inflections(word) | nynorsk_inflections(word)
    for other in other_standard(word):
        forms |= {other, *bokmal_inflections(other), *nynorsk_inflections(other)}
    return forms - {word}


def page_tags(page: Page) -> list[str]:
    """The national text's ``tags`` of a treatment page; other pages have none."""
    tags = (page.meta.get("hcweb") or {}).get("tags") or []
    return [str(tag) for tag in tags if isinstance(tag, (str, int, float))]


def search_terms(page: Page, known: set[str] = frozenset(), language: str = "nb") -> list[str]:
    """The hidden search terms of ``page``; ``known`` holds the words of the whole site, to split compounds by.

    The words of the title and the tags get every form; those of the summary and the headings
    their inflections and the other spellings of the word itself (not of each inflection).
    """
    named = words(" ".join([page.title, *page_tags(page)]))
    described = words(" ".join([page.meta.get("description") or "", *(s["title"] for s in page.sections)]))
    terms = set(words(" ".join(page_tags(page))))
    for word in {*named, *described}:
        if len(word) >= INFLECTED:
            forms = inflections(word, language)
            for part in compound_parts(word, known):
                forms |= {part, *inflections(part, language)}
            terms |= forms
            if word in named:
                terms |= {spelled for form in forms for spelled in spellings(form)}
        terms |= spellings(word)
    return sorted(terms)


def site_words(index: dict) -> set[str]:
    """Every word of three letters or more in the titles and texts of a search index."""
    known: set[str] = set()
    for doc in index.get("docs", []):
        known.update(word for word in words(doc.get("title", "") + " " + _TAG.sub(" ", doc.get("text", ""))) if len(word) >= 3)
    return known


def add_word_forms(site_dir: Path, pages: list[Page], language: str = "nb", index: dict | None = None) -> None:
    """Add the search terms of each page to its entry in search/search_index.json (``language``: the site's;
    ``index``: the index that file holds, when the caller has it in hand; it is written to the file)."""
    index_file = site_dir / SEARCH_INDEX
    if index is None:
        if not index_file.is_file():
            return
        index = json.loads(index_file.read_text(encoding="utf-8"))
    known = site_words(index) | tag_words(pages)
    add_terms(index.get("docs", []), pages, known, language)
    index_file.write_text(index_json(index), encoding="utf-8")


def tag_words(pages: list[Page]) -> set[str]:
    """The words of the pages' tags, which compounds are split by too (with the words of the index)."""
    return {word for page in pages for word in words(" ".join(page_tags(page))) if len(word) >= 3}


def add_terms(docs: list[dict], pages: list[Page], known: set[str], language: str) -> None:
    """Each entry of a page among ``pages`` (the page's own, not its sections') gets the page's search terms,
    and the boost of a treatment page."""
    by_location = {page.url.lstrip("/"): page for page in pages}
    for doc in docs:
        page = by_location.get(doc.get("location"))
        if page is not None:
            doc["tags"] = [*doc.get("tags", []), *search_terms(page, known, language)]
            if (page.meta.get("hcweb") or {}).get("kind") == "national":
                doc["boost"] = NATIONAL_BOOST


def index_json(index: dict) -> str:
    """The search index as the site publishes it."""
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))
