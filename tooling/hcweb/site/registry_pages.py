"""The pages hcweb writes from the registry: home, locations, contact and the accessibility statement.

Each is data for its template in overrides/hcweb/ (pages.generated); no word a patient reads is here.
"""

from __future__ import annotations

from ..urls import A_TO_Z, ACCESSIBILITY, CONTACT, EVENTS, HOME, LOCATION_SECTIONS, LOCATIONS, href, location_path, location_url, slug
from .events import event_card
from .pages import Page, SiteContext, first_letter, generated, location_card, sort_key, tel

HOME_EVENTS = 3  # the next events the home page shows


def _link(page: Page) -> dict:
    return {"title": page.title, "href": href(page.url), "description": page.meta.get("description") or ""}


def home_page(context: SiteContext, national: list[Page], own: list[Page]) -> Page:
    provider = context.provider
    collections = []
    present = [key for key in context.content.policy.collections if any(p.meta["hcweb"]["collection"] == key for p in national)]
    listed = "treatments" if "treatments" in present else present[0] if present else None  # listed A-Å, with letter jumps
    for key in context.content.policy.collections:
        label = context.collection(key)
        group = sorted((page for page in national if page.meta["hcweb"]["collection"] == key), key=lambda p: sort_key(p.title))
        if not group:
            continue
        letters: dict[str, list[dict]] = {}
        for page in group:
            letters.setdefault(first_letter(page.title), []).append(_link(page))
        collections.append(
            {
                "key": key,
                "label": label,
                "anchor": A_TO_Z if key == listed else slug(context.content.policy.collections[key]),  # the same in every language
                "a_to_z": key == listed,
                "pages": [_link(page) for page in group],
                "letters": [{"letter": k, "pages": v} for k, v in letters.items()],
            }
        )
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
    return generated(HOME.path, HOME.url, provider.name, "home", description, {provider.rel}, data, menu_title=context.word("home", "menu"))


def _editorial(context: SiteContext) -> dict:
    editorial = context.provider.editorial
    phone = str(editorial.get("phone") or "")
    return {"editor": str(editorial.get("editor") or ""), "email": str(editorial.get("email") or ""), "phone": phone, "tel": tel(phone)}


def location_pages(context: SiteContext, national: list[Page]) -> list[Page]:
    provider = context.provider
    overlays = {o.url: o for o in provider.overlays}
    pages = []
    for location in provider.locations:
        url = location_url(location.id)
        offered = [page for page in national if any(loc["id"] == location.id for loc in page.meta["hcweb"]["locations"])]
        events = [e for e in context.upcoming if e.location_id == location.id]
        card = location_card(location)
        card["departments"] = [{"name": d.name, "phone": d.phone or "", "tel": tel(d.phone)} for d in location.departments]
        data = {
            "location": card,
            "offered": [_link(page) for page in offered],
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
    return [index, *pages]


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
