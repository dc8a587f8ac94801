"""Filters the design's templates use to write out data: dates, times, weeks.

Python hands the templates ISO dates; how a date reads on a page is decided here, once, and the
templates choose where it goes. Month names are bokmål; 30. november 2026 reads the same in nynorsk.
"""

from __future__ import annotations

import datetime as dt

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


def long_date(value) -> str:
    """2026-03-12 -> 12. mars 2026; nothing for no date."""
    when = _parse(value)
    return f"{when.day}. {MONTHS[when.month - 1]} {when.year}" if when else ""


def event_time(start, end=None) -> str:
    """When an event is: 12. mars 2026 kl. 18.00–20.00, or 12. mars 2026 – 14. mars 2026."""
    begins, ends = _parse(start), _parse(end)
    if begins is None:
        return ""
    text = long_date(begins)
    if begins.time() != dt.time(0, 0):
        text += f" kl. {begins:%H.%M}"
        if ends and ends.date() == begins.date():
            text += f"–{ends:%H.%M}"
    if ends and ends.date() != begins.date():
        text += f" – {long_date(ends)}"
    return text


def iso_date(value) -> str:
    """The date part, for a <time datetime=...>."""
    when = _parse(value)
    return when.date().isoformat() if when else ""


FILTERS = {"long_date": long_date, "event_time": event_time, "iso_date": iso_date}
