"""The few words and date formats the generated pages need, in Norwegian bokmål."""

from __future__ import annotations

import datetime as dt

MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember")

LOCATION_KINDS = {
    "hospital": "Sykehus",
    "dps": "Distriktspsykiatrisk senter (DPS)",
    "tsb": "Rusbehandling (TSB)",
    "clinic": "Klinikk",
    "pharmacy": "Sykehusapotek",
}


def long_date(day: dt.date | None) -> str:
    """12. mars 2026"""
    if day is None:
        return ""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def event_time(start: dt.datetime, end: dt.datetime | None) -> str:
    text = long_date(start.date())
    if start.time() != dt.time(0, 0):
        text += f" kl. {start:%H.%M}"
        if end and end.date() == start.date():
            text += f"–{end:%H.%M}"
    if end and end.date() != start.date():
        text += f" – {long_date(end.date())}"
    return text
