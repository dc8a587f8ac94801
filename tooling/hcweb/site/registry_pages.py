"""The pages hcweb writes from the registry: home, locations, contact and the accessibility statement.

Each is data for its template in overrides/hcweb/ (pages.generated); no word a patient reads is here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..urls import (
    A_TO_Z,
    ACCESSIBILITY,
    CONTACT,
    EVENTS,
    HOME,
    LOCATION_SECTIONS,
    LOCATIONS,
    a_to_z_path,
    href,
    location_folder,
    location_path,
    location_url,
    slug,
    url_of,
)
from .events import event_card
from .pages import Page, SiteContext, first_letter, generated, location_card, sort_key, tel

HOME_EVENTS = 3  # the next events the home page shows

# A list of more texts than this (a collection on the home page, what a location offers) is too long for one page on
# a phone, and would make the page grow with the site: it moves to pages of its own, one per first letter
# (a_to_z_pages), and the page that listed it links to them by letter. A letter with more texts than LETTER_PAGE goes
# on over several pages, so that no page of the list grows with the site either.
LONG_LIST = 150
LETTER_PAGE = 150


def _link(page: Page) -> dict:
    return {"title": page.title, "href": href(page.url), "description": page.meta.get("description") or ""}


def by_letter(pages: list[Page]) -> dict[str, list[Page]]:
    """``pages`` by the letter of their title (first_letter), in Norwegian alphabetical order: # A ... Z Æ Ø Å."""
    letters: dict[str, list[Page]] = {}
    for page in sorted(pages, key=lambda p: sort_key(p.title)):
        letters.setdefault(first_letter(page.title), []).append(page)
    return {letter: letters[letter] for letter in sorted(letters, key=sort_key)}


@dataclass
class LongList:
    """A list of texts too long for the page that shows it (LONG_LIST): its pages, one per first letter (and more
    for a letter with more than LETTER_PAGE texts), under ``folder`` (a collection's path, or a location's folder)."""

    folder: str
    title: str  # what the list is, in the site's language: "Behandlinger", "Behandlinger og undersøkelser: Voss"
    back: dict  # where the page that links to the list shows it: {title, href, anchor}
    letters: dict[str, list[Page]]
    files: set[str]  # content files whose titles the pages show

    def letter_links(self) -> list[dict]:
        """The letters, each with the address of its first page and how many texts it has."""
        return [
            {"letter": letter, "href": href(url_of(a_to_z_path(self.folder, letter))), "count": len(pages)}
            for letter, pages in self.letters.items()
        ]


def long_list(pages: list[Page]) -> bool:
    return len(pages) > LONG_LIST


def a_to_z_pages(context: SiteContext, lists: list[LongList]) -> list[Page]:
    """The pages of every long list of the site: one per first letter (more for a letter over LETTER_PAGE texts),
    each with the letters of its list and, for a letter over several pages, the other pages of that letter."""
    found = []
    for listing in lists:
        letters = listing.letter_links()
        for letter, pages in listing.letters.items():
            parts = [pages[start : start + LETTER_PAGE] for start in range(0, len(pages), LETTER_PAGE)]
            shown = [
                {
                    "number": number,
                    "href": href(url_of(a_to_z_path(listing.folder, letter, number))),
                    "first": part[0].title,
                    "last": part[-1].title,
                }
                for number, part in enumerate(parts, 1)
            ]
            for number, part in enumerate(parts, 1):
                path = a_to_z_path(listing.folder, letter, number)
                title = context.word("a_to_z", "title", list=listing.title, letter=letter)
                if len(parts) > 1:
                    title = context.word("a_to_z", "part", title=title, part=str(number), parts=str(len(parts)))
                data = {
                    "list": listing.title,
                    "letter": letter,
                    "letters": [{**link, "current": link["letter"] == letter} for link in letters],
                    "pages": [_link(page) for page in part],
                    "parts": [{**entry, "current": entry["number"] == number} for entry in shown] if len(parts) > 1 else [],
                    "back": listing.back,
                }
                description = context.word("a_to_z", "description", list=listing.title, letter=letter)
                page = generated(path, url_of(path), title, "a-to-z", description, listing.files, data)
                page.meta["search"] = {"exclude": True}  # titles only: search finds the pages themselves
                found.append(page)
    return found


def home_page(context: SiteContext, national: list[Page], own: list[Page]) -> Page:
    return home_and_lists(context, national, own)[0]


def home_and_lists(context: SiteContext, national: list[Page], own: list[Page]) -> tuple[Page, list[LongList]]:
    """The home page, and the long lists (LONG_LIST) it links to by letter instead of listing every text."""
    provider = context.provider
    collections = []
    lists = []
    present = [key for key in context.content.policy.collections if any(p.meta["hcweb"]["collection"] == key for p in national)]
    listed = "treatments" if "treatments" in present else present[0] if present else None  # listed A-Å, with letter jumps
    overlays = {o.url: o.rel for o in provider.overlays}
    for key in context.content.policy.collections:
        label = context.collection(key)
        group = [page for page in national if page.meta["hcweb"]["collection"] == key]
        if not group:
            continue
        letters = by_letter(group)
        anchor = A_TO_Z if key == listed else slug(context.content.policy.collections[key])  # the same in every language
        entry = {"key": key, "label": label, "anchor": anchor, "a_to_z": key == listed, "long": long_list(group)}
        if entry["long"]:
            folder = context.content.policy.paths.get(key) or slug(context.content.policy.collections[key])
            back = {"title": context.word("a_to_z", "back", list=label), "href": href(HOME.url), "anchor": anchor}
            files = {provider.rel} | {overlays[p.url] for p in group if p.url in overlays}
            listing = LongList(folder, label, back, letters, files)
            lists.append(listing)
            entry.update(pages=[], letters=listing.letter_links(), count=len(group))
        else:
            entry.update(
                pages=[_link(page) for page in sorted(group, key=lambda p: sort_key(p.title))],
                letters=[{"letter": letter, "pages": [_link(page) for page in pages]} for letter, pages in letters.items()],
            )
        collections.append(entry)
    data = {
        "provider": provider.name,
        "collections": collections,
        "locations": [location_card(location) for location in provider.locations],
        "locations_href": href(LOCATIONS.url),
        "events": [event_card(context, event) for event in context.upcoming[:HOME_EVENTS]],
        "events_href": href(EVENTS.url),
        "own": [_link(page) for page in own],
        "contact_href": href(CONTACT.url),
        "editorial": _editorial(context),
    }
    description = context.word("home", "description")
    home = generated(HOME.path, HOME.url, provider.name, "home", description, {provider.rel}, data, menu_title=context.word("home", "menu"))
    return home, lists


def _editorial(context: SiteContext) -> dict:
    editorial = context.provider.editorial
    phone = str(editorial.get("phone") or "")
    return {"editor": str(editorial.get("editor") or ""), "email": str(editorial.get("email") or ""), "phone": phone, "tel": tel(phone)}


def location_pages(context: SiteContext, national: list[Page]) -> list[Page]:
    provider = context.provider
    overlays = {o.url: o for o in provider.overlays}
    pages = []
    lists = []
    for location in provider.locations:
        url = location_url(location.id)
        offered = [page for page in national if any(loc["id"] == location.id for loc in page.meta["hcweb"]["locations"])]
        events = [e for e in context.upcoming if e.location_id == location.id]
        card = location_card(location)
        card["departments"] = [{"name": d.name, "phone": d.phone or "", "tel": tel(d.phone)} for d in location.departments]
        letters = []
        if long_list(offered):  # by letter, on pages of their own
            back = {
                "title": context.word("a_to_z", "back_to", name=location.name),
                "href": href(url),
                "anchor": LOCATION_SECTIONS["offered"],
            }
            title = context.word("a_to_z", "location", location=location.name)
            files = {provider.rel} | {overlays[p.url].rel for p in offered if p.url in overlays}
            listing = LongList(location_folder(location.id), title, back, by_letter(offered), files)
            lists.append(listing)
            letters = listing.letter_links()
        data = {
            "location": card,
            "offered": [] if letters else [_link(page) for page in offered],
            "offered_letters": letters,
            "offered_count": len(offered),
            "events": [event_card(context, event) for event in events],
            "jsonld": _location_jsonld(context, location, url),
            "sections": LOCATION_SECTIONS,
        }
        pages.append(
            generated(
                location_path(location.id),
                url,
                location.name,
                "location",
                context.word("location", "description", location=location.name),
                {provider.rel} | {overlays[p.url].rel for p in offered if p.url in overlays} | {e.rel for e in events},
                data,
                group=context.word("locations", "title"),
            )
        )
    listing = {"locations": [location_card(location) for location in provider.locations]}
    title = context.word("locations", "title")
    index = generated(
        LOCATIONS.path, LOCATIONS.url, title, "locations", context.word("locations", "description"), {provider.rel}, listing, group=title
    )
    return [index, *pages, *a_to_z_pages(context, lists)]


def _location_jsonld(context: SiteContext, location, url: str) -> dict:
    kind = "Hospital" if location.kind == "hospital" else "Pharmacy" if location.kind == "pharmacy" else "MedicalClinic"
    data = {
        "@context": "https://schema.org",
        "@type": kind,
        "name": location.name,
        "url": context.absolute(url),
        "telephone": location.phone,
        "email": location.email,
        "openingHours": location.opening_hours,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": location.street,
            "postalCode": location.postcode,
            "addressLocality": location.city,
            "addressCountry": "NO",
        },
        "parentOrganization": {"@type": "Organization", "name": context.provider.name, "url": context.site_url},
        "department": [{"@type": "MedicalClinic", "name": d.name, "telephone": d.phone} for d in location.departments],
    }
    return {key: value for key, value in data.items() if value}


def contact_page(context: SiteContext) -> Page:
    provider = context.provider
    data = {
        "locations": [location_card(location) for location in provider.locations],
        "editorial": _editorial(context),
        "provider": provider.name,
    }
    return generated(
        CONTACT.path, CONTACT.url, context.word("contact", "title"), "contact", context.word("contact", "description"), {provider.rel}, data
    )


def accessibility_page(context: SiteContext) -> Page:
    provider = context.provider
    data = {"provider": provider.name, "editorial": _editorial(context)}
    title, description = context.word("statement", "title"), context.word("statement", "description")
    return generated(ACCESSIBILITY.path, ACCESSIBILITY.url, title, "statement", description, {provider.rel}, data)
