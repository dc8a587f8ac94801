"""Norwegian for the site search: the forms of a word in bokmål and nynorsk, the spellings a reader types for it,
and the parts of a compound.

What the pages themselves say is in the design's templates (overrides/), and dates are written by site/filters.py."""

from __future__ import annotations

import functools
import unicodedata

# Search: the forms of a noun, the other written standard's word, the spellings a reader types, compounds.


def bokmal_inflections(word: str) -> set[str]:
    """Regular bokmål forms of a noun: protese -> protesen, proteser, protesene."""
    if word.endswith("e"):
        forms = {word + "n", word + "r", word + "ne", word[:-1] + "a"}
    elif word.endswith(("er", "el")):
        forms = {word + "en", word + "et", word[:-2] + word[-1] + "en", word[:-2] + word[-1] + "et"}
    else:
        forms = {word + "en", word + "et", word + "a", word + "er", word + "ene", word + "ane"}
    return forms - {word}


def nynorsk_inflections(word: str) -> set[str]:
    """Regular nynorsk forms of a noun, whatever its gender (the search only needs the forms a reader may type):

    utgreiing -> utgreiinga, utgreiingar, utgreiingane (feminine -ing); sjukehus -> sjukehuset, sjukehusa (neuter);
    sjukepleiar -> sjukepleiaren, sjukepleiarar, sjukepleiarane (masculine); veke -> veka, veker, vekene;
    bakke -> bakken, bakkar, bakkane; eple -> eplet, epla; sykkel -> sykkelen, syklar, syklane.
    """
    if word.endswith("ing"):
        forms = {word + "a", word + "ar", word + "ane"}
    elif word.endswith("e"):
        stem = word[:-1]
        forms = {word + "n", word + "t", word + "r", word + "ne", stem + "a", stem + "ar", stem + "ane"}
    elif word.endswith(("el", "er")) and len(word) > 4:
        short = word[:-2] + word[-1]
        forms = {word + "en", word + "et", word + "a", short + "ar", short + "ane"}
    else:
        forms = {word + "en", word + "et", word + "a", word + "ar", word + "ane", word + "er", word + "ene"}
    return forms - {word}


# Words of health care that differ between bokmål and nynorsk at the start of a word (so in compounds that begin
# with them too: sykehusopphold -> sjukehusopphold): on a nynorsk site, whose national texts are bokmål, a reader
# types the nynorsk word and finds the bokmål text, and the other way round. The longest match wins.
BOKMAL_NYNORSK = (
    ("sykehus", "sjukehus"),
    ("sykepleier", "sjukepleiar"),
    ("sykdom", "sjukdom"),
    ("syk", "sjuk"),
    ("utredning", "utgreiing"),
    ("undersøkelse", "undersøking"),
    ("henvisning", "tilvising"),
    ("forberedelse", "førebuing"),
    ("innleggelse", "innlegging"),
    ("pårørende", "pårørande"),
    ("behandlingssted", "behandlingsstad"),
    ("sted", "stad"),
    ("uke", "veke"),
    ("øye", "auge"),
    ("hjem", "heim"),
    ("spørreskjema", "spørjeskjema"),
)
_BY_LENGTH = sorted(BOKMAL_NYNORSK, key=lambda pair: -len(pair[0]))


def other_standard(word: str) -> set[str]:
    """The word in the other written standard, when it starts with one of BOKMAL_NYNORSK's words:
    utredning -> utgreiing, sjukehus -> sykehus, sykehusseng -> sjukehusseng."""
    found = set()
    for bokmal, nynorsk in _BY_LENGTH:
        if word.startswith(bokmal) and not any(word.startswith(b) for b, _ in _BY_LENGTH if len(b) > len(bokmal)):
            found.add(nynorsk + word[len(bokmal) :])
        if word.startswith(nynorsk) and not any(word.startswith(n) for _, n in _BY_LENGTH if len(n) > len(nynorsk)):
            found.add(bokmal + word[len(nynorsk) :])
    return found - {word}


_PLAIN = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})  # as in addresses: grå stær -> gra staer
_DOUBLED = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})  # as on keyboards without æøå: Aasland, Broennoey
_NORWEGIAN_LETTERS = frozenset("æøå")


@functools.lru_cache(maxsize=1 << 16)  # a site's words repeat from page to page
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
    return set(_spellings(word))


@functools.lru_cache(maxsize=1 << 16)
def _spellings(word: str) -> frozenset[str]:
    plain = without_accents(word)
    return frozenset({plain, plain.translate(_PLAIN), plain.translate(_DOUBLED)} - {word})


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
