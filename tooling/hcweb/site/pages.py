"""The pages of one provider's site, as Markdown with metadata: no MkDocs here.

Overlays become treatment pages (includes expanded, national metadata carried
along), provider pages keep their text, and the registry gives the home, location,
contact, events and accessibility pages (registry_pages.py, events.py).

Python hands the design data; every word a page shows around the content is in the
templates under overrides/ (overrides/main.html, overrides/hcweb/): dates go as ISO
dates and are written out by the templates' filters (site/filters.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import nh3

from ..model import Overlay, Provider, ProviderPage
from ..repo import Content, GitView
from ..resolve import ShownText, current, expand_overlay, page_language, shown_text, untranslated
from ..sections import headings
from ..urls import href, location_url
from .words import MissingWords, design_words, has_words, theme_speaks

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
    design: Path | None = None  # the design's folder (overrides/); None: the one in the repository being built
    _other_words: dict = field(default_factory=dict, repr=False)  # words_in's, by language

    @property
    def site_url(self) -> str:
        return self.provider.site_url or self.content.policy.base_url.format(provider=self.provider.id)

    @property
    def language(self) -> str:
        """The language of everything the site itself says (provider.yml: site.language)."""
        return self.provider.language

    @functools.cached_property
    def published_versions(self) -> list[Overlay]:
        """The overlays in another language whose page the site publishes (published_versions)."""
        return published_versions(self)

    @functools.cached_property
    def upcoming(self) -> list:
        """The provider's events not yet over, soonest first (events.upcoming_events): found once for the whole site."""
        from .events import upcoming_events

        return upcoming_events(self.provider.events, self.today)

    @functools.cached_property
    def words(self) -> dict:
        """Every word of the design in the site's language (overrides/hcweb/words/<language>.yml, site/words.py)."""
        design = self.design or Path(self.git.root) / "overrides"
        return design_words(design, self.language, self.content.policy.collections)

    def words_in(self, language: str) -> dict | None:
        """The design's words in ``language`` when it has them and the theme has its labels in it too (a page in that
        language is then wholly in it, <html lang> and all); None otherwise (it keeps the site's labels)."""
        design = self.design or Path(self.git.root) / "overrides"
        if not (has_words(design, language) and theme_speaks(language)):
            return None
        if language not in self._other_words:
            self._other_words[language] = design_words(design, language, self.content.policy.collections)
        return self._other_words[language]

    def word(self, page: str, key: str, **values: str) -> str:
        """One title or description of a generated page, e.g. word("contact", "title"); a missing one stops the build."""
        try:
            text = str(self.words[page][key])
        except (KeyError, TypeError):
            raise MissingWords(f"overrides/hcweb/words/{self.language}.yml: no word for {page}.{key}") from None
        fills = {"provider": self.provider.name, **values}
        try:
            return text.format(**fills)
        except (KeyError, IndexError, ValueError) as exc:
            shown = ", ".join(f"{{{name}}}" for name in fills)
            raise MissingWords(
                f"overrides/hcweb/words/{self.language}.yml: {page}.{key} has a placeholder the page does not fill ({exc}); "
                f"it fills {shown}"
            ) from None

    def collection(self, key: str) -> str:
        """The menu heading of a collection of national texts, in the site's language."""
        return self.words["collections"].get(key, key)

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
    """Every page of the provider's site, in menu order: the order of the home page."""
    from .events import events_pages
    from .registry_pages import a_to_z_pages, accessibility_page, contact_page, home_and_lists, location_pages

    provider = context.provider
    order = {key: index for index, key in enumerate(context.content.policy.collections)}
    overlays = sorted(provider.overlays, key=lambda o: (order.get(o.collection, len(order)), o.rel))
    national = sorted(
        (national_page(context, overlay) for overlay in overlays if overlay.language is None),
        key=lambda p: (order.get(p.meta["hcweb"]["collection"], len(order)), sort_key(p.title)),
    )
    # An overlay in another language: its own page, linked from the Norwegian one; not in the menu, on the home page
    # or on a location's page. Only when everything on it is shown in an approved translation (published_versions).
    in_other_languages = [national_page(context, overlay) for overlay in overlays if overlay in context.published_versions]
    own = [provider_page(context, page) for page in sorted(provider.pages, key=lambda p: (p.path, p.language or ""))]
    in_site_language = [page for page in own if not page.meta["hcweb"].get("page_language")]
    home, long_lists = home_and_lists(context, national, in_site_language)  # a long collection: by letter, on pages of its own
    return [
        home,
        *national,
        *in_other_languages,
        *location_pages(context, national),
        *a_to_z_pages(context, long_lists),
        *events_pages(context),
        *own,
        contact_page(context),
        accessibility_page(context),
    ]


_NORWEGIAN_ORDER = str.maketrans({"æ": "z\u0001", "ø": "z\u0002", "å": "z\u0003", "é": "e", "è": "e", "ü": "u"})


def sort_key(title: str) -> str:
    """Titles in Norwegian alphabetical order: ... Z, Æ, Ø, Å."""
    return title.casefold().translate(_NORWEGIAN_ORDER)


def first_letter(title: str) -> str:
    """The letter a title is listed under in an A-Å list: A-Z, Æ, Ø or Å; an accented letter under its own
    (É under E, as sort_key sorts it); a digit, a sign or a letter of another alphabet under ``#``."""
    letter = title[:1].upper()
    if letter in "ÆØÅ":
        return letter
    base = unicodedata.normalize("NFKD", letter)[:1]
    return base if "A" <= base <= "Z" else "#"


def _sections(markdown: str) -> list[dict]:
    return [{"id": h.id, "title": h.text} for h in headings(markdown, 1) if h.id]


# A national text's section for health professionals (referral criteria and the like): shown last, collapsed.
PROFESSIONAL_SECTIONS = frozenset({"for-professionals", "til-helsepersonell", "helsepersonell"})
# Pages with fewer sections than this have no contents column beside the text.
MIN_SECTIONS_FOR_CONTENTS = 3


def _person(person) -> dict | None:
    return {"name": person.name, "title": person.title} if person else None


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def national_page(context: SiteContext, overlay: Overlay) -> Page:
    content, provider = context.content, context.provider
    text = content.national[overlay.uses]
    expansion = expand_overlay(content, provider, overlay, context.git if context.approved_only else None)
    language = page_language(provider, overlay)
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
    # The national text in the site's language, when the provider approved a translation of the revision shown
    # (resolve.overlay_translation): its title and summary; the rest (responsible, owner, ...) stays the source's.
    translated = expansion.translations.get(text.id)
    main_title, main_summary = (translated.title, translated.summary) if translated else (main.title, main.summary)
    if overlay.language is not None:  # its own title, else the translation's, never the Norwegian overlay's
        main_title = overlay.title or main_title
    pinned = {s.text.rel: s.committed for s in shown_texts.values() if isinstance(s, ShownText) and s.committed}
    safety = [s for s in shown_texts.values() if isinstance(s, ShownText) and s.safety]
    reviewed, next_review = text.reviewed, text.next_review(policy.review_interval_months)
    owner = content.providers[text.owner]
    approver = provider.expert(approval.by) if approval else None
    department = provider.department(overlay.department) if overlay.department else None
    title = overlay.title or main_title
    files = expansion.files | {provider.rel}
    updated = context.last_updated(expansion.files, pinned)
    url = overlay.url
    locations = [location for location in (provider.location(i) for i in overlay.location_ids) if location]
    sections = _sections(expansion.markdown)
    hcweb = {
        "kind": "national",
        "id": text.id,
        "tags": [str(tag) for tag in text.meta.get("tags") or []],  # search terms only, never shown (search.py)
        "collection": overlay.collection,
        "type": main.type,
        "department": department.name if department else None,
        "ingress": main_summary or "",
        "responsible": _person(main.responsible),
        "owner": owner.name,
        "approved_local": {**_person(approver), "on": _iso(approval.on)} if approver and approval and not safety else None,
        "safety": _safety(safety, content),
        "reviewed": _iso(reviewed),
        "next_review": _iso(next_review),
        "last_updated": _iso(updated),
        "citation": {"provider": provider.name, "title": title, "url": context.absolute(url)},
        "national_revision": main.revision,
        "professional_sections": sorted(PROFESSIONAL_SECTIONS & {s["id"] for s in sections}),
        "helsenorge": [
            {**entry, "summary": content.snapshots.helsenorge.get(entry["url"], {}).get("summary", "")} for entry in main.helsenorge
        ],
        "waiting": _waiting_times(context, main, locations),
        "locations": [location_card(location) for location in locations],
        "events": related_events(context, text.id),
        # A page in another language (<slug>.<language>.md): all it shows of the text is in that language, as a
        # provider's page in another language (in_language).
        **(
            in_language(context, overlay.language)
            if overlay.language
            else {"foreign": _foreign(context, overlay, shown_texts, expansion.translations)}
        ),
        "languages": overlay_versions(context, overlay),
        "language": language,
        # the language the national text is shown in: bokmål on a site in another language without its translation
        "text_language": NATIONAL_LANGUAGE if not overlay.language and overlay.uses not in expansion.translations else language,
        # helsenorge.no writes bokmål: on a page in another language its titles and summaries say so
        "helsenorge_lang": "" if language == NATIONAL_LANGUAGE else NATIONAL_LANGUAGE,
        "jsonld": {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "name": title,
            "description": main_summary,
            "url": context.absolute(url),
            "inLanguage": language,
            "lastReviewed": reviewed.isoformat() if reviewed else None,
            "dateModified": updated.isoformat(),
            "about": {"@type": ABOUT_TYPES.get(main.type or "", "Thing"), "name": main_title},
            "reviewedBy": {"@type": "Person", "name": main.responsible.name, "jobTitle": main.responsible.title}
            if main.responsible
            else None,
            "publisher": {"@type": "Organization", "name": provider.name, "url": context.site_url},
            "sourceOrganization": {"@type": "Organization", "name": owner.name},
        },
    }
    collection_label = context.collection(overlay.collection)
    return Page(
        path=overlay.path,
        url=url,
        title=title,
        markdown=expansion.markdown,
        meta={"title": title, "description": main_summary, **_contents_column(sections), "hcweb": hcweb},
        group=collection_label if overlay.language is None else None,
        files=files,
        sections=sections,
    )


def published_versions(context: SiteContext) -> list[Overlay]:
    """The provider's overlays in another language (``<slug>.<language>.md``) whose page is published: each beside an
    overlay in the site's language, and every national text on it shown in an approved translation (resolve.untranslated);
    any other would show words nobody approved in that language, and validate reports it."""
    content, provider = context.content, context.provider
    history = context.git if context.approved_only else None
    return [
        overlay
        for overlay in provider.overlays
        if overlay.language is not None
        and overlay.original is not None
        and overlay.language != context.language
        and overlay.uses in content.national
        and expand_overlay(content, provider, overlay, history).included
        and not untranslated(content, provider, overlay, history)
    ]


def overlay_versions(context: SiteContext, overlay: Overlay) -> dict | None:
    """The versions of one treatment page in several languages (``<slug>.md`` and its published ``<slug>.<language>.md``),
    as language_versions gives them for a provider's own page. None: a page in one language."""
    original = overlay.original if overlay.language is not None else overlay
    if original is None:
        return None
    others = [o for o in context.published_versions if o.original is original]
    return versions_of(context, [original, *sorted(others, key=lambda o: o.language or "")], overlay)


# The language national texts are written in (their translations come later): on a site in another
# language, what the page shows of them carries lang="nb".
NATIONAL_LANGUAGE = "nb"


def _foreign(context: SiteContext, overlay: Overlay, shown: dict, translated: dict) -> dict | None:
    """What a page shows in the national texts' language when the site's is another (article.html marks it
    ``lang``): the title (unless the overlay names its own) and ingress, and the national sections by id; all
    of the text when the overlay shows the whole national text, with no local text of its own. A national text
    shown translated (``translated``: id -> resolve.ShownTranslation) is in the site's language: none of it is
    marked, but what stays the source's (the helsenorge.no entry, key-facts.html) still is."""
    if context.language == NATIONAL_LANGUAGE:
        return None
    in_bokmal = {text_id: s for text_id, s in shown.items() if isinstance(s, ShownText) and text_id not in translated}
    sections = sorted({h.anchor for s in in_bokmal.values() for h in headings(s.body, s.body_line)})
    main_foreign = overlay.uses not in translated
    return {
        "lang": NATIONAL_LANGUAGE,
        "title": main_foreign and not overlay.title,
        "ingress": main_foreign,
        "whole": main_foreign and not overlay.body.strip(),
        "sections": sections,
    }


def _contents_column(sections: list[dict]) -> dict:
    """Front matter that hides the theme's contents column on a page with few sections."""
    return {} if len(sections) >= MIN_SECTIONS_FOR_CONTENTS else {"hide": ["toc"]}


def related_events(context: SiteContext, text_id: str) -> list[dict]:
    """Upcoming events related to a national text, for its pages."""
    from .events import event_card

    return [event_card(context, event) for event in context.upcoming if text_id in event.related]


def location_card(location) -> dict:
    """What a page shows of a location: name, address, phone (with its tel: number), hours, transport."""
    return {
        "id": location.id,
        "kind": location.kind,
        "name": location.name,
        "href": href(location_url(location.id)),
        "street": location.street,
        "postcode": location.postcode,
        "city": location.city,
        "phone": location.phone or "",
        "tel": tel(location.phone),
        "email": location.email or "",
        "opening_hours": location.opening_hours or "",
        "transport_html": registry_markdown(location.transport) if location.transport else "",
    }


_NOT_DIALLED = re.compile(r"[^0-9+]")


def tel(phone: str | None) -> str:
    """A phone number as a tel: link takes it: digits, and a leading + (RFC 3966), e.g. "+47 55 97 50 00" -> "+4755975000"."""
    if not phone:
        return ""
    digits = _NOT_DIALLED.sub("", phone)
    return digits[:1] + digits[1:].replace("+", "")


def _safety(corrected: list[ShownText], content: Content) -> dict | None:
    """What the page says when a safety correction is shown before the provider's own experts re-approved it."""
    if not corrected:
        return None
    owners = sorted({content.providers[s.text.owner].name for s in corrected if s.text.owner in content.providers})
    days = sorted({s.committed or (s.text.approved.on if s.text.approved else None) for s in corrected} - {None})
    return {"owners": owners, "on": _iso(days[-1]) if days else ""}


CHOOSE_LOCATION_URL = "https://www.helsenorge.no/velg-behandlingssted/"
FIGURES = (("assessment_weeks", "assessment"), ("treatment_weeks", "treatment"))  # the template words each


def whole_number(value: object) -> int | None:
    """A count of weeks as the schema allows it: JSON Schema counts 7.0 as the integer 7, and so does the page."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) else None


def _waiting_times(context: SiteContext, text, locations) -> dict | None:
    """Expected waiting time at each of the page's locations; a missing figure is left out, a location without any too."""
    code = text.choose_location_code
    if code is None:
        return None
    rows = []
    for location in locations:
        figure = context.content.snapshots.figures(code, context.provider.id, location.id) or {}
        weeks = {name: whole_number(figure.get(key)) for key, name in FIGURES}
        weeks = {name: value for name, value in weeks.items() if value is not None}
        if weeks:
            rows.append({"location": location.name, "weeks": weeks, "reported": figure.get("reported", "")})
    return {"rows": rows, "link": CHOOSE_LOCATION_URL, "code": code}


def language_versions(context: SiteContext, page: ProviderPage) -> dict | None:
    """How the versions of one page in several languages point at each other (pages/<name>.md and
    pages/<name>.<language>.md): every version lists all of them (itself too) as ``alternates`` for the
    head's hreflang links, the site-language page as ``default`` (x-default), and the other versions as
    ``links``, each with its text in its own language (words: ``languages``). None: a page in one language."""
    provider = context.provider
    versions = sorted((p for p in provider.pages if p.path == page.path), key=lambda p: (p.language is not None, p.language or ""))
    return versions_of(context, versions, page)


def versions_of(context: SiteContext, versions: list, page) -> dict | None:
    """language_versions for any page with versions (``.language``: None for the site's own, ``.url``), the site's first."""
    original = next((p for p in versions if p.language is None), None)
    if original is None or len(versions) < 2:
        return None  # a page in another language without the site's page beside it: validate reports it
    site_language = context.language

    def version(other) -> dict:
        language = other.language or site_language
        return {"lang": language, "url": context.absolute(other.url), "href": href(other.url), **language_link(context, language)}

    return {
        "alternates": [version(p) for p in versions],
        "default": context.absolute(original.url),
        "links": [version(p) for p in versions if p is not page],
    }


def language_link(context: SiteContext, language: str) -> dict:
    """The words that lead to a page in ``language``: ``text`` in that language ("This page in English"), and
    ``here`` in the site's ("Denne siden på engelsk"; empty for a Norwegian page). Words: ``languages``."""
    try:
        words = context.words["languages"][language]
        return {"text": str(words["this_page"]), "here": str(words.get("here") or "")}
    except (KeyError, TypeError, AttributeError):
        design = f"overrides/hcweb/words/{context.language}.yml"
        raise MissingWords(f"{design}: no words for pages in the language '{language}' (languages: {language}: this_page: ...)") from None


def provider_page(context: SiteContext, page: ProviderPage) -> Page:
    updated = context.last_updated({page.rel})
    approval = page.approved
    expert = context.provider.expert(approval.by) if approval else None
    if expert:
        approver = {**_person(expert), "on": _iso(approval.on)}
    elif approval and approval.by:
        approver = {"name": approval.by, "title": "", "editor": True, "on": _iso(approval.on)}
    else:
        approver = None
    sections = _sections(page.body)
    hcweb = {
        "kind": "page",
        "language": page.language or context.language,
        # A page in another language than the site's: its title, ingress and text carry its lang (article.html
        # marks hcweb.foreign), while <html lang> stays the site's, the language of the menu, labels and footer.
        **(in_language(context, page.language) if page.language else {}),
        "languages": language_versions(context, page),
        "ingress": page.summary or "",
        "responsible": _person(page.responsible),
        "owner": context.provider.name,
        "approved_local": approver,
        "last_updated": _iso(updated),
        "citation": {"provider": context.provider.name, "title": page.title, "url": context.absolute(page.url)},
    }
    return Page(
        path=page.docs_path,
        url=page.url,
        title=page.title,
        markdown=page.body,
        meta={"title": page.title, "description": page.summary, **_contents_column(sections), "hcweb": hcweb},
        files={page.rel},
        sections=sections,
    )


def in_language(context: SiteContext, language: str) -> dict:
    """The metadata of a page in another language than the site's. All it says (title, ingress, text) carries
    its lang (article.html marks hcweb.foreign). When the design and the theme both have words in that language,
    the page is wholly in it: the theme's labels and <html lang> (overrides/partials/language.html:
    theme_language) and the design's words (``words``); the menu keeps the site's page titles. Otherwise the
    labels, footer and <html lang> stay the site's."""
    found = {"page_language": language, "foreign": {"lang": language, "title": True, "whole": True, "sections": []}}
    words = context.words_in(language)
    if words is not None:
        found.update(theme_language=language, words=words)
    return found


def generated(path: str, url: str, title: str, template: str, description: str, files: set[str], data: dict, **extra) -> Page:
    """A page hcweb writes from the registry (home, locations, events, contact, statement): its words are in
    the design's template ``overrides/hcweb/<template>.html``, which gets ``data`` as ``hcweb``."""
    meta = {
        "title": extra.pop("menu_title", title),
        "description": description,
        "hide": ["toc"],
        "hcweb": {"kind": template, "template": f"hcweb/{template}.html", "title": title, **data},
    }
    return Page(path=path, url=url, title=title, markdown="", meta=meta, files=files, **extra)
