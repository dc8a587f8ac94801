"""The pages of one provider's site, as Markdown with metadata: no MkDocs here.

Overlays become treatment pages (includes expanded, national metadata carried
along), provider pages keep their text, and the registry gives the location,
contact, events and accessibility pages.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

import markdown
import nh3

from ..model import Event, Overlay, Provider, ProviderPage
from ..repo import Content, GitView
from ..resolve import ShownText, current, expand_overlay, shown_text
from ..sections import headings
from ..urls import ACCESSIBILITY, CONTACT, EVENTS, HOME, LOCATIONS, event_href, href, link, location_path, location_url
from .norwegian import LOCATION_KINDS, event_time, long_date

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#<>|])")


REGISTRY_TAGS = {"p", "ul", "ol", "li", "a", "strong", "em", "br"}


@functools.lru_cache(maxsize=4096)
def registry_markdown(source: str) -> str:
    """A short piece of registry Markdown (transport, say) as HTML for a template (each text converted once).

    Sanitised by nh3 to a few text elements and https, mailto and tel links: the template prints it as it is.
    """
    html = markdown.markdown(source, extensions=["sane_lists"], output_format="html")
    return nh3.clean(html, tags=REGISTRY_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto", "tel"}, link_rel=None)


def md_text(value: str) -> str:
    """Plain text made safe to put into Markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", value)


# schema.org types of what a national text is about, by its type.
ABOUT_TYPES = {
    "treatment": "MedicalProcedure",
    "examination": "MedicalTest",
    "patient-pathway": "MedicalCondition",
    "condition": "MedicalCondition",
    "article": "Thing",
}


@dataclass
class Page:
    path: str  # in the docs folder, e.g. "treatments/hip-replacement.md"
    url: str  # e.g. "/treatments/hip-replacement/"
    title: str
    markdown: str
    meta: dict = field(default_factory=dict)
    group: str | None = None  # the menu heading it sits under
    files: set[str] = field(default_factory=set)  # content files whose text is on the page
    sections: list[dict] = field(default_factory=list)
    assets: dict[str, str] = field(default_factory=dict)  # files written beside the page, e.g. a generated chart


@dataclass
class SiteContext:
    content: Content
    provider: Provider
    git: GitView
    today: dt.date
    approved_only: bool = True  # False in a preview: national texts as they are in the working tree

    @property
    def site_url(self) -> str:
        return self.provider.site_url or self.content.policy.base_url.format(provider=self.provider.id)

    def absolute(self, url: str) -> str:
        return self.site_url.rstrip("/") + url

    def last_updated(self, files: set[str], pinned: dict[str, dt.date] | None = None) -> dt.date:
        """The newest change of anything on the page; a pinned national text counts at its approved revision."""
        pinned = pinned or {}
        dates = [pinned[rel] if rel in pinned else self.git.last_changed(rel) for rel in files]
        if not dates or any(day is None for day in dates):
            return self.today  # something on the page was never committed: it changes now
        return max(day for day in dates if day is not None)


def site_pages(context: SiteContext) -> list[Page]:
    """Every page of the provider's site, in menu order."""
    provider = context.provider
    national = [_national_page(context, overlay) for overlay in sorted(provider.overlays, key=lambda o: o.rel)]
    own = [_provider_page(context, page) for page in sorted(provider.pages, key=lambda p: p.path)]
    locations = _location_pages(context, national)
    return [
        _home_page(context, national),
        *national,
        *locations,
        _events_page(context),
        *own,
        _contact_page(context),
        _accessibility_page(context),
    ]


def _sections(markdown: str) -> list[dict]:
    return [{"id": h.id, "title": h.text} for h in headings(markdown, 1) if h.id]


def _national_page(context: SiteContext, overlay: Overlay) -> Page:
    content, provider = context.content, context.provider
    text = content.national[overlay.uses]
    expansion = expand_overlay(content, provider, overlay, context.git if context.approved_only else None)
    policy = content.policy
    approval = overlay.approved
    branch = policy.main_branch
    shown_texts = {}
    for text_id in expansion.included:
        recorded = approval.revisions.get(text_id) if approval and context.approved_only else None
        shown_texts[text_id] = shown_text(content.national[text_id], recorded, context.git, branch)
    main = shown_texts.get(text.id)
    if not isinstance(main, ShownText):
        main = current(text)  # the page includes nothing of it (reported by validate), or cannot be published (likewise)
    pinned = {s.text.rel: s.committed for s in shown_texts.values() if isinstance(s, ShownText) and s.committed}
    safety = [s for s in shown_texts.values() if isinstance(s, ShownText) and s.safety]
    reviewed, next_review = text.reviewed, text.next_review(policy.review_interval_months)
    owner = content.providers[text.owner]
    responsible = main.responsible
    approver = provider.expert(approval.by) if approval else None
    department = provider.department(overlay.department) if overlay.department else None
    title = overlay.title or main.title
    files = expansion.files | {provider.rel}
    updated = context.last_updated(expansion.files, pinned)
    shown_revision = main.revision
    url = overlay.url
    locations = [provider.location(i) for i in overlay.location_ids]
    hcweb = {
        "kind": "national",
        "id": text.id,
        "type": main.type,
        "department": department.name if department else None,
        "responsible": f"{responsible.name}, {responsible.title}" if responsible else "",
        "owner": owner.name,
        "approved_local": f"{approver.name}, {approver.title}" if approver and not safety else "",
        "safety_note": _safety_note(safety, content, provider),
        "approved_local_on": long_date(approval.on if approval else None),
        "reviewed": long_date(reviewed),
        "reviewed_iso": reviewed.isoformat() if reviewed else "",
        "next_review": long_date(next_review),
        "last_updated": long_date(updated),
        "last_updated_iso": updated.isoformat(),
        "citation": f"Kilde: {provider.name}, {title}, {context.absolute(url)}",
        "national_revision": shown_revision,
        "helsenorge": [
            {**entry, "summary": content.snapshots.helsenorge.get(entry["url"], {}).get("summary", "")} for entry in main.helsenorge
        ],
        "waiting": _waiting_times(context, main, locations),
        "locations": [
            {
                "name": loc.name,
                "url": location_url(loc.id),
                "href": href(location_url(loc.id)),
                "address": f"{loc.street}, {loc.postcode} {loc.city}",
                "phone": loc.phone,
                "opening_hours": loc.opening_hours,
                "transport_html": registry_markdown(loc.transport) if loc.transport else "",
            }
            for loc in locations
            if loc
        ],
        "events": [
            {
                "title": event.title,
                "when": event_time(event.start, event.end),
                "href": event_href(event.slug),
                "location": provider.location(event.location_id).name if provider.location(event.location_id or "") else "",
            }
            for event in upcoming_events(provider.events, context.today)
            if text.id in event.related
        ],
        "jsonld": {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "name": title,
            "description": main.summary,
            "url": context.absolute(url),
            "inLanguage": provider.language,
            "lastReviewed": reviewed.isoformat() if reviewed else None,
            "dateModified": updated.isoformat(),
            "about": {"@type": ABOUT_TYPES.get(main.type or "", "Thing"), "name": main.title},
            "reviewedBy": {"@type": "Person", "name": responsible.name, "jobTitle": responsible.title} if responsible else None,
            "publisher": {"@type": "Organization", "name": provider.name, "url": context.site_url},
            "sourceOrganization": {"@type": "Organization", "name": owner.name},
        },
    }
    collection_label = content.policy.collections.get(overlay.collection, overlay.collection)
    return Page(
        path=f"{overlay.collection}/{overlay.slug}.md",
        url=url,
        title=title,
        markdown=expansion.markdown,
        meta={"title": title, "description": main.summary, "hcweb": hcweb},
        group=collection_label,
        files=files,
        sections=_sections(expansion.markdown),
    )


def _safety_note(corrected: list[ShownText], content: Content, provider: Provider) -> str:
    """What the page says when a safety correction is shown before the provider's own experts re-approved it."""
    if not corrected:
        return ""
    owners = sorted({content.providers[s.text.owner].name for s in corrected if s.text.owner in content.providers})
    days = sorted({s.committed or (s.text.approved.on if s.text.approved else None) for s in corrected} - {None})
    when = f" {long_date(days[-1])}" if days else ""
    by = f" av {', '.join(owners)}" if owners else ""
    return (
        f"Teksten ble rettet nasjonalt{by}{when} av hensyn til pasientsikkerheten, og vises derfor straks. "
        f"Lokal faglig gjennomgang hos {provider.name} pågår."
    )


CHOOSE_LOCATION_URL = "https://www.helsenorge.no/velg-behandlingssted/"
FIGURE_LABELS = (("assessment_weeks", "vurdering"), ("treatment_weeks", "behandling"))


def whole_number(value: object) -> int | None:
    """A count of weeks as the schema allows it: JSON Schema counts 7.0 as the integer 7, and so does the page."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) else None


def _waiting_times(context: SiteContext, text, locations) -> dict | None:
    """Rows of expected waiting time at the page's locations; a missing figure has no row."""
    code = text.choose_location_code
    if code is None:
        return None
    rows = []
    for location in locations:
        figure = context.content.snapshots.figures(code, context.provider.id, location.id) if location else None
        for key, label in FIGURE_LABELS:
            weeks = whole_number(figure.get(key)) if figure else None
            if weeks is not None:
                rows.append(
                    {
                        "location": location.name,
                        "figure": label,
                        "weeks": f"{weeks} {'uke' if weeks == 1 else 'uker'}",
                        "reported": long_date(dt.date.fromisoformat(figure["reported"])),
                    }
                )
    return {"rows": rows, "link": CHOOSE_LOCATION_URL, "code": code}


def _provider_page(context: SiteContext, page: ProviderPage) -> Page:
    responsible = page.responsible
    updated = context.last_updated({page.rel})
    approval = page.approved
    expert = context.provider.expert(approval.by) if approval else None
    approver = f"{expert.name}, {expert.title}" if expert else (f"{approval.by}, redaktør" if approval and approval.by else "")
    hcweb = {
        "kind": "page",
        "responsible": f"{responsible.name}, {responsible.title}" if responsible else "",
        "owner": context.provider.name,
        "approved_local": approver,
        "approved_local_on": long_date(approval.on if approval else None),
        "last_updated": long_date(updated),
        "last_updated_iso": updated.isoformat(),
        "citation": f"Kilde: {context.provider.name}, {page.title}, {context.absolute(page.url)}",
    }
    return Page(
        path=f"{page.path}.md",
        url=page.url,
        title=page.title,
        markdown=page.body,
        meta={"title": page.title, "description": page.summary, "hcweb": hcweb},
        files={page.rel},
        sections=_sections(page.body),
    )


def _location_pages(context: SiteContext, national: list[Page]) -> list[Page]:
    provider = context.provider
    overlays = {o.url: o for o in provider.overlays}
    pages = []
    listing = ["Her finner du adresser, telefonnumre og veibeskrivelser til stedene våre.", ""]
    for location in provider.locations:
        path, url = location_path(location.id), location_url(location.id)
        listing.append(
            f"- [{md_text(location.name)}]({link(LOCATIONS.path, path)}): {md_text(location.street)}, {location.postcode} {md_text(location.city)}"
        )
        lines = [
            f"*{LOCATION_KINDS.get(location.kind, location.kind)}*",
            "",
            "## Adresse og kontakt {#contact}",
            "",
            f"**Besøksadresse:** {md_text(location.street)}, {location.postcode} {md_text(location.city)}  ",
        ]
        if location.phone:
            lines.append(f"**Telefon:** [{location.phone}](tel:{location.phone.replace(' ', '')})  ")
        if location.email:
            lines.append(f"**E-post:** [{location.email}](mailto:{location.email})  ")
        if location.opening_hours:
            lines += ["", f"**Åpningstider:** {md_text(location.opening_hours)}"]
        if location.transport:
            lines += ["", "## Slik kommer du hit {#getting-here}", "", location.transport.strip()]
        if location.departments:
            lines += ["", "## Avdelinger {#departments}", ""]
            for department in location.departments:
                phone = f", telefon [{department.phone}](tel:{department.phone.replace(' ', '')})" if department.phone else ""
                lines.append(f"- {md_text(department.name)}{phone}")
        offered = [page for page in national if any(loc["url"] == url for loc in page.meta["hcweb"]["locations"])]
        if offered:
            lines += ["", "## Behandlinger og undersøkelser her {#offered}", ""]
            for page in offered:
                lines.append(f"- [{md_text(page.title)}]({link(path, page.path)})")
        pages.append(
            _generated(
                path,
                url,
                location.name,
                lines,
                f"{location.name}: adresse, telefon, åpningstider og veibeskrivelse.",
                "location",
                {provider.rel} | {overlays[p.url].rel for p in offered if p.url in overlays},
                group="Steder",
                hcweb={"jsonld": _location_jsonld(context, location, url)},
            )
        )
    index = _generated(
        LOCATIONS.path,
        LOCATIONS.url,
        "Steder",
        listing,
        f"Steder der {provider.name} gir behandling.",
        "listing",
        {provider.rel},
        group="Steder",
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


def _home_page(context: SiteContext, national: list[Page]) -> Page:
    provider = context.provider
    lines = [
        f"# {md_text(provider.name)}",
        "",
        f"Velkommen til nettstedet til {md_text(provider.name)}. Her finner du informasjon om behandlinger og undersøkelser, "
        "hvor vi holder til og hvordan du kommer i kontakt med oss.",
        "",
    ]
    for key, label in context.content.policy.collections.items():
        group = [page for page in national if page.group == label]
        if not group:
            continue
        lines += [f"## {md_text(label)} {{#{key}}}", ""]
        for page in sorted(group, key=lambda p: p.title):
            description = page.meta.get("description") or ""
            lines.append(f"- [{md_text(page.title)}]({page.path}): {md_text(description)}")
        lines.append("")
    lines += ["## Steder {#locations}", ""]
    for location in provider.locations:
        lines.append(f"- [{md_text(location.name)}]({link(HOME.path, location_path(location.id))}), {md_text(location.city)}")
    description = f"{provider.name}: behandlinger, undersøkelser, steder og kontakt."
    return _generated(HOME.path, HOME.url, provider.name, lines, description, "home", {provider.rel}, menu_title="Forside")


def _generated(path: str, url: str, title: str, lines: list[str], description: str, kind: str, files: set[str], **extra) -> Page:
    """A page hcweb writes from the registry (home, locations, events, contact, statement)."""
    meta = {"title": extra.pop("menu_title", title), "description": description, "hcweb": {"kind": kind, **extra.pop("hcweb", {})}}
    return Page(path=path, url=url, title=title, markdown="\n".join(lines) + "\n", meta=meta, files=files, **extra)


def upcoming_events(events: list[Event], today: dt.date) -> list[Event]:
    """Events not yet over, soonest first."""
    live = [e for e in events if e.start and (e.end or e.start).date() >= today]
    return sorted(live, key=lambda e: (e.start, e.title))


def _events_page(context: SiteContext) -> Page:
    provider = context.provider
    events = upcoming_events(provider.events, context.today)
    lines: list[str] = []
    if not events:
        lines.append("Det er ingen kommende arrangementer akkurat nå.")
    for event in events:
        location = provider.location(event.location_id or "")
        lines += [f"## {md_text(event.title)} {{#{event.slug}}}", "", f"**Tid:** {event_time(event.start, event.end)}  "]
        if location:
            lines.append(f"**Sted:** [{md_text(location.name)}]({link(EVENTS.path, location_path(location.id))})  ")
        if event.summary:
            lines += ["", md_text(event.summary)]
        lines += ["", event.body.strip(), ""]
    description = f"Kurs, pasientskoler og åpne dager hos {provider.name}."
    return _generated(
        EVENTS.path, EVENTS.url, "Arrangementer", lines, description, "events", {e.rel for e in provider.events} | {provider.rel}
    )


def _contact_page(context: SiteContext) -> Page:
    provider = context.provider
    editorial = provider.editorial
    lines = [
        "## Spørsmål om innholdet på nettsidene {#editorial}",
        "",
        "Har du spørsmål eller innspill til innholdet på disse sidene, kan du kontakte nettredaksjonen. "
        "Ikke send personopplysninger eller helseopplysninger på e-post.",
        "",
    ]
    if editorial.get("editor"):
        lines.append(f"**Ansvarlig redaktør:** {md_text(str(editorial['editor']))}  ")
    if editorial.get("email"):
        lines.append(f"**E-post:** [{editorial['email']}](mailto:{editorial['email']})  ")
    if editorial.get("phone"):
        lines.append(f"**Telefon:** {editorial['phone']}  ")
    lines += ["", "## Telefon til stedene våre {#locations}", ""]
    for location in provider.locations:
        phone = f": [{location.phone}](tel:{location.phone.replace(' ', '')})" if location.phone else ""
        lines.append(f"- [{md_text(location.name)}]({link(CONTACT.path, location_path(location.id))}){phone}")
    lines += ["", "Ved akutt sykdom eller skade: ring medisinsk nødtelefon 113. Legevakt: 116 117."]
    return _generated(
        CONTACT.path, CONTACT.url, "Kontakt oss", lines, f"Kontaktinformasjon for {provider.name}.", "contact", {provider.rel}
    )


def _accessibility_page(context: SiteContext) -> Page:
    provider = context.provider
    email = provider.editorial.get("email", "")
    lines = [
        f"{md_text(provider.name)} ønsker at alle skal kunne bruke nettstedet vårt. Nettstedet er laget etter kravene i "
        "WCAG 2.1 på nivå AA, som forskrift om universell utforming av IKT stiller.",
        "",
        "## Slik er nettstedet laget {#how}",
        "",
        "- Alle sider kan brukes med tastatur og skjermleser.",
        "- Tekst og bakgrunn har god nok kontrast, og teksten kan forstørres.",
        "- Nettstedet henter ikke skript, skrifttyper eller sporing fra andre nettsteder.",
        "",
        "## Gi oss beskjed {#feedback}",
        "",
        f"Finner du noe som ikke fungerer for deg, vil vi gjerne høre det. Skriv til [{email}](mailto:{email}).",
    ]
    description = f"Tilgjengelighetserklæring for nettstedet til {provider.name}."
    return _generated(ACCESSIBILITY.path, ACCESSIBILITY.url, "Tilgjengelighetserklæring", lines, description, "statement", {provider.rel})
