"""The events of a provider's site: the events page, a page per event with its calendar file, the site's
calendar feed, and what other pages show of an event.

An event has a page of its own as long as its file exists (past events too: an address never dies); the
events page, the home page, the location pages and the treatment pages show the upcoming ones. Calendar
files (RFC 5545) are written with the icalendar package in Norwegian time (Europe/Oslo, with its
VTIMEZONE), and are the same bytes in every build of the same content: the UID is the event's file name
at the site's host, and DTSTAMP the day its file last changed in git.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import markdown
from selectolax.lexbor import LexborHTMLParser

from ..model import Event
from ..urls import EVENTS, EVENTS_FEED, event_href, event_path, event_url, href, location_url
from .filters import long_date
from .pages import Page, SiteContext, generated, location_card, tel

TIME_ZONE = "Europe/Oslo"  # events are written in Norwegian wall-clock time
PRODUCT = "-//hcweb//events//{language}"  # RFC 5545: the language of the calendar's text, the site's


def upcoming_events(events: list[Event], today: dt.date) -> list[Event]:
    """Events not yet over, soonest first."""
    live = [e for e in events if e.start and (e.end or e.start).date() >= today]
    return sorted(live, key=lambda e: (e.start, e.title))


def calendar_href(slug: str) -> str:
    """One event's calendar file, beside its page, relative to the site root."""
    return f"{posixpath.dirname(event_path(slug))}/{slug}.ics"


def signup_data(event: Event) -> dict | None:
    """How to sign up, for the templates: the e-mail (a mailto: link), the phone with its tel: number, the last day (ISO)."""
    signup = event.signup
    if signup is None:
        return None
    return {
        "email": signup.email or "",
        "phone": signup.phone or "",
        "tel": tel(signup.phone),
        "deadline": signup.deadline.isoformat() if signup.deadline else "",
        "note": signup.note or "",
    }


def event_card(context: SiteContext, event: Event) -> dict:
    """What a page shows of one event: title, times (ISO, written out by the template), place, sign-up, links."""
    location = context.provider.location(event.location_id or "")
    return {
        "slug": event.slug,
        "title": event.title,
        "summary": event.summary or "",
        "start": event.start.isoformat() if event.start else "",
        "end": event.end.isoformat() if event.end else "",
        "href": event_href(event.slug),
        "ics_href": calendar_href(event.slug),
        "location": {"name": location.name, "href": href(location_url(location.id))} if location else None,
        "signup": signup_data(event),
    }


def events_pages(context: SiteContext) -> list[Page]:
    """The events page (every upcoming event, the site's calendar feed beside it) and a page per event."""
    provider = context.provider
    upcoming = context.upcoming
    data = {"events": [event_card(context, event) for event in upcoming], "feed_href": EVENTS_FEED}
    listing = generated(
        EVENTS.path,
        EVENTS.url,
        context.word("events", "title"),
        "events",
        context.word("events", "description"),
        {e.rel for e in provider.events} | {provider.rel},
        data,
    )
    listing.assets[posixpath.basename(EVENTS_FEED)] = site_calendar(context, upcoming)
    shown = {id(e) for e in upcoming}
    ordered = upcoming + sorted((e for e in provider.events if id(e) not in shown), key=lambda e: (e.start or dt.datetime.min, e.slug))
    return [listing, *(event_page(context, event) for event in ordered)]


def event_page(context: SiteContext, event: Event) -> Page:
    """One event's page: its text as written (searchable, under the HTML policy like all content), and the
    data the design places around it (overrides/hcweb/event.html), with its calendar file beside it."""
    location = context.provider.location(event.location_id or "")
    over = (event.end or event.start).date() < context.today if event.start else False
    hcweb = {
        "kind": "event",
        "event": {
            **event_card(context, event),
            "location": location_card(location) if location else None,
            "past": over,
        },
        "events_href": href(EVENTS.url),
        "last_updated": context.last_updated({event.rel}).isoformat(),
    }
    meta = {"title": event.title, "description": event.summary, "hide": ["toc"], "hcweb": hcweb}
    page = Page(event_path(event.slug), event_url(event.slug), event.title, event.body, meta, files={event.rel, context.provider.rel})
    page.assets[f"{event.slug}.ics"] = event_calendar(context, event)
    return page


# -- calendar files (RFC 5545) ---------------------------------------------------------------


def event_calendar(context: SiteContext, event: Event) -> str:
    """The calendar file of one event."""
    return _calendar(context, [event], None)


def site_calendar(context: SiteContext, events: list[Event]) -> str:
    """The site's calendar feed: every upcoming event, for a calendar to subscribe to."""
    return _calendar(context, events, context.word("events", "calendar"))


def _calendar(context: SiteContext, events: list[Event], name: str | None) -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT.format(language=context.language.upper()))
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.calendar_name = name
        calendar.add("source", context.absolute("/" + EVENTS_FEED), parameters={"VALUE": "URI"})
    calendar.add_component(_time_zone(context, events))
    for event in events:
        if event.start:
            calendar.add_component(_vevent(context, event))
    return calendar.to_ical().decode("utf-8")


def _time_zone(context: SiteContext, events: list[Event]) -> icalendar.Timezone:
    """Europe/Oslo as a VTIMEZONE over the years the events fall in (the year of ``today`` when there is none):
    a feed with no event still holds a component, as RFC 5545 asks."""
    years = [moment.year for e in events for moment in (e.start, e.end) if moment] or [context.today.year]
    return icalendar.Timezone.from_tzid(TIME_ZONE, first_date=dt.date(min(years), 1, 1), last_date=dt.date(max(years) + 1, 1, 1))


def _whole_days(event: Event) -> bool:
    """Whether the event is written as dates only (2027-03-02), not as times."""
    return all(len(str(event.meta.get(key, ""))) == 10 for key in ("start", "end"))


def _vevent(context: SiteContext, event: Event) -> icalendar.Event:
    zone = ZoneInfo(TIME_ZONE)
    start, end = event.start, event.end or event.start
    item = icalendar.Event()
    item.add("uid", f"{event.slug}@{urlsplit(context.site_url).hostname or context.provider.id}")
    changed = context.last_updated({event.rel})
    item.add("dtstamp", dt.datetime.combine(changed, dt.time(0), dt.UTC))
    if _whole_days(event):
        item.add("dtstart", start.date())
        item.add("dtend", end.date() + dt.timedelta(days=1))  # the day after the last (RFC 5545: DTEND is not part of the event)
    else:
        item.add("dtstart", start.replace(tzinfo=zone))
        item.add("dtend", end.replace(tzinfo=zone))
    item.add("summary", event.title)
    parts = (event.summary, _plain_text(event.body), _signup_text(context, event), context.absolute(event_url(event.slug)))
    description = "\n\n".join(part for part in parts if part)
    item.add("description", description)
    location = context.provider.location(event.location_id or "")
    if location:
        item.add(
            "location", ", ".join(part for part in (location.name, location.street, f"{location.postcode} {location.city}".strip()) if part)
        )
    item.add("url", context.absolute(event_url(event.slug)), parameters={"VALUE": "URI"})
    return item


def _signup_text(context: SiteContext, event: Event) -> str:
    """How to sign up, in a line of the calendar's description (the words from the design: words/<language>.yml)."""
    signup = event.signup
    if signup is None:
        return ""
    deadline = context.word("events", "deadline", date=long_date(signup.deadline.isoformat())) if signup.deadline else ""
    contact = ", ".join(part for part in (signup.email, signup.phone, deadline) if part)
    line = context.word("events", "signup", contact=contact) if contact else ""
    return " ".join(part for part in (line, signup.note) if part)


_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dt", "dd", "td", "th"}


def _plain_text(source: str) -> str:
    """An event's Markdown as plain text for a calendar: paragraphs apart, list items as '- '."""
    if not source.strip():
        return ""
    tree = LexborHTMLParser(markdown.markdown(source, extensions=["sane_lists"]))
    parts = []
    for node in tree.body.traverse(include_text=False) if tree.body else ():
        if node.tag in _BLOCKS and not any(parent.tag in _BLOCKS for parent in _ancestors(node)):
            words = " ".join(node.text(deep=True).split())
            if words:
                parts.append(f"- {words}" if node.tag == "li" else words)
    return "\n\n".join(parts)


def _ancestors(node):
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent
