"""The events of a provider's site: the events page, and what other pages show of an event."""

from __future__ import annotations

import datetime as dt

from ..model import Event
from ..urls import EVENTS, event_href, href, location_url
from .pages import Page, SiteContext, generated


def upcoming_events(events: list[Event], today: dt.date) -> list[Event]:
    """Events not yet over, soonest first."""
    live = [e for e in events if e.start and (e.end or e.start).date() >= today]
    return sorted(live, key=lambda e: (e.start, e.title))


def event_card(context: SiteContext, event: Event) -> dict:
    """What a page shows of one event: title, times (ISO, written out by the template), place, link."""
    location = context.provider.location(event.location_id or "")
    return {
        "slug": event.slug,
        "title": event.title,
        "summary": event.summary or "",
        "start": event.start.isoformat() if event.start else "",
        "end": event.end.isoformat() if event.end else "",
        "href": event_href(event.slug),
        "location": {"name": location.name, "href": href(location_url(location.id))} if location else None,
    }


def events_pages(context: SiteContext) -> list[Page]:
    """The events page: every upcoming event with its text."""
    from .pages import registry_markdown

    provider = context.provider
    events = [
        {**event_card(context, event), "body_html": registry_markdown(event.body) if event.body.strip() else ""}
        for event in upcoming_events(provider.events, context.today)
    ]
    return [
        generated(
            EVENTS.path,
            EVENTS.url,
            context.word("events", "title"),
            "events",
            context.word("events", "description"),
            {e.rel for e in provider.events} | {provider.rel},
            {"events": events},
        )
    ]
