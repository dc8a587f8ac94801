"""Norwegian word forms for the site search.

The theme's search matches what the reader types as a prefix of the words on a
page, so "hofteprotese" finds "Hofteprotese" but the definite form
"hofteprotesen" finds nothing. For the words of each page's title, summary and
section headings we add their usual bokmål inflections (definite singular,
plural, definite plural) to the page's search entry, as hidden search terms.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .pages import Page

_WORD = re.compile(r"[a-zæøå]{4,}")


def inflections(word: str) -> set[str]:
    """Regular bokmål forms of a noun: protese -> protesen, proteser, protesene."""
    if word.endswith("e"):
        forms = {word + "n", word + "r", word + "ne", word[:-1] + "a"}
    elif word.endswith(("er", "el")):
        forms = {word + "en", word + "et", word[:-2] + word[-1] + "en", word[:-2] + word[-1] + "et"}
    else:
        forms = {word + "en", word + "et", word + "a", word + "er", word + "ene", word + "ane"}
    return forms - {word}


def search_terms(page: Page) -> list[str]:
    words = " ".join([page.title, page.meta.get("description") or "", *(s["title"] for s in page.sections)]).lower()
    return sorted({form for word in _WORD.findall(words) for form in inflections(word)})


def add_word_forms(site_dir: Path, pages: list[Page]) -> None:
    """Add the word forms of each page to its entry in search/search_index.json."""
    index_file = site_dir / "search" / "search_index.json"
    if not index_file.is_file():
        return
    index = json.loads(index_file.read_text(encoding="utf-8"))
    by_location = {page.url.lstrip("/"): page for page in pages}
    for doc in index.get("docs", []):
        page = by_location.get(doc.get("location"))
        if page is not None:
            doc["tags"] = [*doc.get("tags", []), *search_terms(page)]
    index_file.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
