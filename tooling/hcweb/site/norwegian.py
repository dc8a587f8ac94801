"""Norwegian for the site search: the spellings a reader types for a word, and the parts of a compound.

What the pages themselves say is in the design's templates (overrides/), and dates are written by site/filters.py."""

from __future__ import annotations

import unicodedata

# Search: the spellings a reader types for a word, and the parts of a compound.

_PLAIN = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})  # as in addresses: grå stær -> gra staer
_DOUBLED = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})  # as on keyboards without æøå: Aasland, Broennoey
_NORWEGIAN_LETTERS = frozenset("æøå")


def without_accents(word: str) -> str:
    """``word`` with accents dropped and æ, ø, å kept: søvnapné -> søvnapne, Müller -> Muller."""
    return "".join(
        char
        if char.lower() in _NORWEGIAN_LETTERS
        else "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        for char in word
    )


def spellings(word: str) -> set[str]:
    """How ``word`` may be typed without accents or without æøå: søvnapné -> søvnapne, sovnapne, soevnapne."""
    plain = without_accents(word)
    return {plain, plain.translate(_PLAIN), plain.translate(_DOUBLED)} - {word}


def compound_parts(word: str, known: set[str], shortest: int = 4, *, first: bool = True) -> set[str]:
    """The known words a compound is made of after its first part: kneprotese -> protese.

    A compound splits after a known word of three letters or more, or one with the linking s
    or e (sykehus-s-seng, barn-e-hage); each later part counts when it is a known word of
    ``shortest`` letters or more: kne|protese|operasjon -> protese, operasjon. The first part
    needs no entry of its own: the search matches what is typed as the start of a word.
    """
    parts: set[str] = set()
    for cut in range(3, len(word) - shortest + 1):
        head, rest = word[:cut], word[cut:]
        stem = head if head in known else head[:-1] if len(head) > 3 and head[-1] in "se" and head[:-1] in known else None
        if stem is None:
            continue
        if not first and len(stem) >= shortest:
            parts.add(stem)
        if rest in known:
            parts.add(rest)
        parts |= compound_parts(rest, known, shortest, first=False)
    return parts
