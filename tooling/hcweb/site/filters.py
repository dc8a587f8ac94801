"""Filters the design's templates use to write out data: dates, times, and the words with values in them.

Python hands the templates ISO dates; how a date reads on a page is decided here, once, and the
templates choose where it goes. A date reads the same in bokmål and nynorsk (30. november 2026: the
month names are the same, and no page names a weekday), so these filters take no language.
"""

from __future__ import annotations

import datetime as dt
import re

from markupsafe import Markup, escape
from selectolax.lexbor import LexborHTMLParser

from ..errors import HcwebError

MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember")


def _parse(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _dates(words) -> dict:
    """How a date and a time read in the words' language (words: ``dates``), bokmål when none are given."""
    found = (words or {}).get("dates") if isinstance(words, dict) else None
    return found if isinstance(found, dict) else {}


def long_date(value, words=None) -> str:
    """2026-03-12 -> 12. mars 2026 (or, with English words, 12 March 2026); nothing for no date."""
    when = _parse(value)
    if when is None:
        return ""
    dates = _dates(words)
    months = dates.get("months") or MONTHS
    return str(dates.get("date") or "{day}. {month} {year}").format(day=when.day, month=months[when.month - 1], year=when.year)


def event_time(start, end=None, words=None) -> str:
    """When an event is: 12. mars 2026 kl. 18.00–20.00, or 12. mars 2026 – 14. mars 2026 (in the words' language)."""
    begins, ends = _parse(start), _parse(end)
    if begins is None:
        return ""
    dates = _dates(words)
    clock = str(dates.get("time") or "%H.%M")
    text = long_date(begins, words)
    if begins.time() != dt.time(0, 0):
        text += " " + str(dates.get("at") or "kl. {time}").format(time=begins.strftime(clock))
        if ends and ends.date() == begins.date():
            text += f"–{ends.strftime(clock)}"
    if ends and ends.date() != begins.date():
        text += f" – {long_date(ends, words)}"
    return text


def iso_date(value) -> str:
    """The date part, for a <time datetime=...>."""
    when = _parse(value)
    return when.date().isoformat() if when else ""


class UnfilledWord(HcwebError):
    """A word of the design with a placeholder its template does not fill (a typo in a word file, say)."""


def fill(word: str, **values) -> Markup:
    """A word of the design (overrides/hcweb/words/) with its {placeholders} filled: text is escaped, and a link the
    template made (Markup) stays a link, e.g. {{ words.contact.out_of_hours | fill(number=link) }}."""
    try:
        return Markup(escape(str(word))).format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        fills = ", ".join(f"{{{name}}}" for name in values) or "nothing"
        raise UnfilledWord(
            f"the design's word {str(word)[:80]!r} (overrides/hcweb/words/) has a placeholder the page does not fill "
            f"({exc}); here it fills {fills}"
        ) from None


_H2 = re.compile(r"<h2[\s>]")
_H2_ID = re.compile(r'<h2[^>]*\sid="([^"]*)"')


def lang_blocks(html, lang: str | None, sections: list[str] | None = None) -> Markup:
    """Checked page content with the parts in another language than the page's marked ``lang``, for screen readers.

    No ``lang``: the content as it is. No ``sections``: all of it, in one block. Else each run of level-2 sections
    whose id is in ``sections`` (the national text's, on a nynorsk site) is one block; when a level-2 heading is
    nested (in a note, say) the sections cannot be told apart, and the content stays as it is.
    """
    html = Markup(html or "")
    if not lang or not html.strip():
        return html
    if sections is None:
        return Markup('<div lang="{}">').format(lang) + html + Markup("</div>")
    starts = [match.start() for match in _H2.finditer(html)]
    if not starts or not sections:
        return html
    tree = LexborHTMLParser(str(html)).body
    if tree is None or sum(1 for node in tree.iter() if node.tag == "h2") != len(starts):
        return html
    out, run = [Markup(html[: starts[0]])], []
    for start, end in zip(starts, [*starts[1:], len(html)], strict=True):
        piece = html[start:end]
        found = _H2_ID.match(piece)
        if found and found[1] in sections:
            run.append(piece)
            continue
        out.append(_block(run, lang))
        run = []
        out.append(Markup(piece))
    out.append(_block(run, lang))
    return Markup("").join(out)


def _block(pieces: list[str], lang: str) -> Markup:
    return Markup('<div lang="{}">').format(lang) + Markup("".join(pieces)) + Markup("</div>") if pieces else Markup("")


FILTERS = {"long_date": long_date, "event_time": event_time, "iso_date": iso_date, "fill": fill, "lang_blocks": lang_blocks}
