"""The domain objects of the content repository.

They are built from already-parsed YAML that may be invalid: the schema
reports what is wrong, and the constructors here take what they can (a field of
the wrong type reads as missing) so that every other check still runs.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .documents import FrontMatterFile, LineMap
from .revisions import national_revision, overlay_local, page_local, translation_revision
from .sections import Section, split_sections
from .urls import overlay_page_path, provider_page_path, slug, url_of


def text(data: Any, key: str) -> str | None:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.strip() else None


def mapping(data: Any, key: str) -> dict:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def items(data: Any, key: str) -> list:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


# The years a date in content can plausibly lie in (the schemas say the same in common.schema.json).
# Anything else is a typo, and would overflow when a review interval is added to it.
FIRST_YEAR, LAST_YEAR = 1900, 2099


def is_plausible(day: dt.date) -> bool:
    """Whether ``day`` lies in the years content can be about (FIRST_YEAR to LAST_YEAR)."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def parse_date(value: Any) -> dt.date | None:
    """The date written as YYYY-MM-DD, or None when it is not a real, plausible date (the schema reports it)."""
    if not isinstance(value, str):
        return None
    try:
        day = dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None
    return day if day and is_plausible(day) else None


def parse_datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or len(value) > 32:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if is_plausible(moment.date()) else None


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months``, on the last day of the month when it is shorter; dt.date.max at the end of the calendar."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Person:
    name: str
    title: str

    @classmethod
    def from_data(cls, data: Any) -> Person | None:
        name, title = text(data, "name"), text(data, "title")
        return cls(name, title or "") if name else None


@dataclass(frozen=True)
class Expert:
    name: str
    title: str
    github: str | None
    specialties: tuple[str, ...] = ()

    def may_approve(self, specialty: str | None) -> bool:
        """Whether this expert may approve a text of ``specialty``: any text, unless they list specialties that exclude it."""
        return not (specialty and self.specialties) or specialty in self.specialties


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    phone: str | None
    location_id: str


@dataclass(frozen=True)
class Location:
    id: str
    name: str
    kind: str
    street: str
    postcode: str
    city: str
    phone: str | None
    email: str | None
    opening_hours: str | None
    transport: str | None
    departments: tuple[Department, ...]
    index: int  # position in provider.yml, for line numbers


@dataclass
class Approval:
    """An ``approved`` block: who, when, and what (a national revision, or revisions and a local hash)."""

    by: str | None
    on: dt.date | None
    revisions: dict[str, str] = field(default_factory=dict)  # overlays: national text id -> revision
    local: str | None = None  # overlays and pages: the local hash
    revision: str | None = None  # national texts: the revision approved
    safety: bool = False  # national texts: a safety correction, published everywhere at once
    # overlays: "<national text id>.<language>" -> the revision of that translation approved (translation_key)
    translations: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: Any) -> Approval | None:
        if not isinstance(data, dict):
            return None
        revisions = {str(k): str(v) for k, v in mapping(data, "revisions").items() if isinstance(v, str)}
        translations = {str(k): str(v) for k, v in mapping(data, "translations").items() if isinstance(v, str)}
        return cls(
            text(data, "by"),
            parse_date(data.get("on")),
            revisions,
            text(data, "local"),
            text(data, "revision"),
            data.get("safety") is True,
            translations,
        )


def translation_key(text_id: str, language: str) -> str:
    """How an overlay's ``approved.translations`` names a translation: like its file, e.g. treatments/x.nn."""
    return f"{text_id}.{language}"


@dataclass(frozen=True)
class Review:
    """A ``reviewed`` block: the last professional review of a national text, and who made it."""

    on: dt.date | None
    by: str | None

    @classmethod
    def from_data(cls, data: Any) -> Review | None:
        if not isinstance(data, dict):
            return None
        return cls(parse_date(data.get("on")), text(data, "by"))


@dataclass
class Document:
    """Anything read from a Markdown file with front matter."""

    rel: str
    source: FrontMatterFile

    @property
    def meta(self) -> dict:
        return self.source.data if isinstance(self.source.data, dict) else {}

    @property
    def lines(self) -> LineMap:
        return self.source.lines

    @property
    def body(self) -> str:
        return self.source.body

    @property
    def body_line(self) -> int:
        return self.source.body_line


@dataclass
class CommonText(Document):
    """A text under content/common/: a national text, or a translation of one (``id``: the national text's)."""

    id: str = ""

    @property
    def collection(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def title(self) -> str:
        return text(self.meta, "title") or self.id

    @property
    def summary(self) -> str:
        return text(self.meta, "summary") or ""

    @cached_property
    def approved(self) -> Approval | None:
        return Approval.from_data(self.meta.get("approved"))

    def sections(self) -> tuple[str, list[Section]]:
        return split_sections(self.body, self.body_line)


@dataclass
class NationalText(CommonText):
    @property
    def type(self) -> str | None:
        return text(self.meta, "type")

    @cached_property
    def owner(self) -> str | None:
        return text(self.meta, "owner")

    @cached_property
    def responsible(self) -> Person | None:
        return Person.from_data(self.meta.get("responsible"))

    @cached_property
    def review(self) -> Review | None:
        return Review.from_data(self.meta.get("reviewed"))

    @property
    def reviewed(self) -> dt.date | None:
        return self.review.on if self.review else None

    @property
    def specialty(self) -> str | None:
        return text(self.meta, "specialty")

    @cached_property
    def is_draft(self) -> bool:
        return self.meta.get("status") == "draft"

    @property
    def helsenorge(self) -> list[dict]:
        return [entry for entry in items(self.meta, "helsenorge") if text(entry, "title") and text(entry, "url")]

    @property
    def choose_location_code(self) -> str | None:
        return text(mapping(self.meta, "choose_location"), "code")

    @property
    def slug(self) -> str | None:
        """The ``slug`` written in the front matter: the page's address, so not part of the revision (an address is not shown text)."""
        return text(self.meta, "slug")

    @cached_property
    def revision(self) -> str:
        """The revision hash: the body and every shown front-matter field (revisions.py)."""
        return national_revision(self.meta, self.body)

    def next_review(self, interval_months: int) -> dt.date | None:
        return add_months(self.reviewed, interval_months) if self.reviewed else None


@dataclass
class Translation(CommonText):
    """A translation of a national text: content/common/<collection>/<slug>.<language>.md.

    It has its own title, summary, body and approval (by an expert of the source's owner); everything else a
    page shows (owner, responsible, type, specialty, helsenorge, choose_location) is the source's.
    """

    language: str = ""  # its ``id`` is the source's, e.g. treatments/hip-replacement

    @property
    def source_revision(self) -> str | None:
        """``translates.revision``: the revision of the source this translation renders."""
        return text(mapping(self.meta, "translates"), "revision")

    @cached_property
    def revision(self) -> str:
        """The translation's own revision hash: its language, body and shown fields (revisions.translation_revision)."""
        return translation_revision(self.meta, self.body, self.language)

    @property
    def is_approved(self) -> bool:
        """Whether its approval records exactly this revision (who approved it is checked by validate)."""
        return bool(self.approved and self.approved.revision == self.revision)


@dataclass
class Overlay(Document):
    """A provider's page of a national text, served at /<collection path>/<url slug>/; in another language
    (``<slug>.<language>.md`` beside ``<slug>.md``) at /<language>/<collection path>/<url slug>/."""

    provider_id: str = ""
    collection: str = ""
    slug: str = ""  # the file name without .md (and without the language of an overlay in another language)
    folder: str = ""  # the collection's path on the site (hcweb.yml paths), e.g. "behandlinger"
    national: NationalText | None = None  # the text it uses, for its slug and title
    language: str | None = None  # <slug>.<language>.md: the page in another language than the site's; None: the site's own
    original: Overlay | None = None  # of an overlay in another language: the overlay <slug>.md beside it, if there is one

    @property
    def url_slug(self) -> str:
        """The last part of the page's address, the first of: the overlay's ``slug``, the national text's ``slug``, the
        overlay's ``title``, the national text's ``title`` (each title written as urls.slug makes it), the file name.

        An explicit slug keeps the address when a title is reworded; ``validate --base`` reports an address lost.
        An overlay in another language: its own ``slug``, else the address of the overlay beside it, so both read alike.
        """
        if self.language is not None:
            return text(self.meta, "slug") or (self.original.url_slug if self.original else self.slug)
        national = self.national
        for candidate in (text(self.meta, "slug"), national.slug if national else None):
            if candidate:
                return candidate
        for title in (self.title, text(national.meta, "title") if national else None):
            derived = slug(title) if title else ""
            if derived:
                return derived
        return self.slug

    @property
    def path(self) -> str:
        """The page's file in the docs folder, e.g. ``behandlinger/hofteprotese.md``; ``en/behandlinger/hofteprotese.md``
        in English (urls.overlay_page_path)."""
        return overlay_page_path(self.folder or self.collection, self.url_slug, self.language)

    @property
    def url(self) -> str:
        return url_of(self.path)

    @cached_property
    def uses(self) -> str | None:
        return text(self.meta, "uses")

    @cached_property
    def title(self) -> str | None:
        return text(self.meta, "title")

    @cached_property
    def department(self) -> str | None:
        return text(self.meta, "department")

    @cached_property
    def location_ids(self) -> list[str]:
        return [item for item in items(self.meta, "locations") if isinstance(item, str)]

    @cached_property
    def approved(self) -> Approval | None:
        return Approval.from_data(self.meta.get("approved"))

    def local_hash(self, provider: Provider) -> str:
        """The hash of what this overlay itself puts on the page: its shown front matter, body and snippets."""
        return overlay_local(self.meta, self.body, lambda name: _snippet_body(provider, name))


def _snippet_body(provider: Provider, name: str) -> str | None:
    snippet = provider.snippets.get(name)
    return snippet.body if snippet else None


@dataclass
class ProviderPage(Document):
    provider_id: str = ""
    path: str = ""  # under pages/, without .md and language, e.g. "om-oss" or "rettigheter/index"
    language: str | None = None  # pages/<name>.<language>.md: that page in another language; None: the site's own

    @property
    def docs_path(self) -> str:
        """The page's file in the docs folder: ``om-oss.md``; in another language ``en/om-oss.md`` (urls.py)."""
        return provider_page_path(self.path, self.language)

    @property
    def url(self) -> str:
        return url_of(self.docs_path)

    @property
    def title(self) -> str:
        return text(self.meta, "title") or self.path

    @property
    def summary(self) -> str:
        return text(self.meta, "summary") or ""

    @property
    def responsible(self) -> Person | None:
        return Person.from_data(self.meta.get("responsible"))

    @cached_property
    def approved(self) -> Approval | None:
        return Approval.from_data(self.meta.get("approved"))

    @cached_property
    def local_hash(self) -> str:
        return page_local(self.meta, self.body)


@dataclass
class Event(Document):
    provider_id: str = ""
    slug: str = ""

    @property
    def title(self) -> str:
        return text(self.meta, "title") or self.slug

    @property
    def summary(self) -> str:
        return text(self.meta, "summary") or ""

    @property
    def start(self) -> dt.datetime | None:
        return parse_datetime(self.meta.get("start"))

    @property
    def end(self) -> dt.datetime | None:
        return parse_datetime(self.meta.get("end"))

    @property
    def location_id(self) -> str | None:
        return text(self.meta, "location")

    @property
    def related(self) -> list[str]:
        return [item for item in items(self.meta, "related") if isinstance(item, str)]

    @property
    def signup(self) -> Signup | None:
        return Signup.from_data(self.meta.get("signup"))


@dataclass(frozen=True)
class Signup:
    """How to sign up for an event: e-mail, phone, the last day, and a note (``signup:`` in its front matter)."""

    email: str | None
    phone: str | None
    deadline: dt.date | None
    note: str | None

    @classmethod
    def from_data(cls, data: Any) -> Signup | None:
        if not isinstance(data, dict):
            return None
        signup = cls(text(data, "email"), text(data, "phone"), parse_date(data.get("deadline")), text(data, "note"))
        return signup if any((signup.email, signup.phone, signup.deadline, signup.note)) else None


@dataclass
class Snippet:
    provider_id: str
    name: str
    rel: str
    body: str


@dataclass
class Provider:
    id: str
    rel: str  # of provider.yml
    data: dict
    lines: LineMap
    overlays: list[Overlay] = field(default_factory=list)
    pages: list[ProviderPage] = field(default_factory=list)
    snippets: dict[str, Snippet] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    redirects: Redirects | None = None  # redirects.yml, when the provider has one

    @property
    def name(self) -> str:
        return text(self.data, "name") or self.id

    @property
    def kind(self) -> str | None:
        return text(self.data, "kind")

    @property
    def region(self) -> str | None:
        return text(self.data, "region")

    @property
    def site_url(self) -> str | None:
        return text(mapping(self.data, "site"), "url")

    @property
    def logo(self) -> str | None:
        return text(mapping(self.data, "site"), "logo")

    @property
    def language(self) -> str:
        return text(mapping(self.data, "site"), "language") or "nb"

    @property
    def editorial(self) -> dict:
        return mapping(self.data, "editorial")

    @property
    def github_team(self) -> str | None:
        return text(self.data, "github_team")

    @property
    def experts_team(self) -> str | None:
        return text(self.data, "experts_team")

    @property
    def editor(self) -> str | None:
        return text(self.editorial, "editor")

    def may_approve_pages(self, name: str | None) -> bool:
        """Whether ``name`` may approve the provider's own pages: an expert, or the editor."""
        return bool(name) and (self.expert(name) is not None or name == self.editor)

    def person_by_login(self, login: str) -> str | None:
        """The name of the expert (or editor) whose GitHub account is ``login`` (GitHub logins ignore case)."""
        wanted = login.lower()
        for expert in self.experts:
            if expert.github and expert.github.lower() == wanted:
                return expert.name
        github = text(self.editorial, "github")
        return self.editor if github and github.lower() == wanted else None

    def github_of(self, name: str | None) -> str | None:
        """The GitHub account of the expert or editor ``name``."""
        expert = self.expert(name)
        if expert is not None:
            return expert.github
        return text(self.editorial, "github") if name and name == self.editor else None

    @cached_property
    def experts(self) -> list[Expert]:
        found = []
        for entry in items(self.data, "experts"):
            name = text(entry, "name")
            if name:
                specialties = tuple(s for s in items(entry, "specialties") if isinstance(s, str))
                found.append(Expert(name, text(entry, "title") or "", text(entry, "github"), specialties))
        return found

    def expert(self, name: str | None) -> Expert | None:
        return next((e for e in self.experts if e.name == name), None)

    @cached_property
    def locations(self) -> list[Location]:
        found = []
        for index, entry in enumerate(items(self.data, "locations")):
            location_id = text(entry, "id")
            if not location_id:
                continue
            address = mapping(entry, "address")
            departments = tuple(
                Department(text(d, "id") or "", text(d, "name") or "", text(d, "phone"), location_id)
                for d in items(entry, "departments")
                if text(d, "id")
            )
            found.append(
                Location(
                    id=location_id,
                    name=text(entry, "name") or location_id,
                    kind=text(entry, "kind") or "",
                    street=text(address, "street") or "",
                    postcode=text(address, "postcode") or "",
                    city=text(address, "city") or "",
                    phone=text(entry, "phone"),
                    email=text(entry, "email"),
                    opening_hours=text(entry, "opening_hours"),
                    transport=text(entry, "transport"),
                    departments=departments,
                    index=index,
                )
            )
        return found

    def location(self, location_id: str) -> Location | None:
        return next((loc for loc in self.locations if loc.id == location_id), None)

    def department(self, department_id: str) -> Department | None:
        return next((d for loc in self.locations for d in loc.departments if d.id == department_id), None)


@dataclass(frozen=True)
class Redirect:
    """One address the site once published: where it leads now (``to``), or why it is gone (``gone``)."""

    old: str  # e.g. "/treatments/hip-replacement/"
    to: str | None
    gone: str | None
    line: int  # in redirects.yml


@dataclass
class Redirects:
    """A provider's redirects.yml: ``redirects:`` maps an old address to a new one or to ``{gone: reason}``."""

    rel: str
    data: dict
    lines: LineMap

    @cached_property
    def entries(self) -> list[Redirect]:
        found = []
        for old, value in mapping(self.data, "redirects").items():
            if not isinstance(old, str):
                continue
            to = value if isinstance(value, str) and value.startswith("/") and value.endswith("/") else None  # else the schema says
            gone = text(value, "gone")
            if to or gone:
                found.append(Redirect(old, to, gone, self.lines("redirects", old)))
        return found


@dataclass
class MediaFile:
    rel: str  # the image
    sidecar_rel: str
    data: dict
    lines: LineMap

    @property
    def owner(self) -> str | None:
        return text(self.data, "owner")

    @property
    def restricted(self) -> bool:
        return self.data.get("reuse") == "restricted"


@dataclass(frozen=True)
class Policy:
    review_interval_months: int = 24
    review_warning_days: int = 90
    base_url: str = "https://{provider}.example.no/"
    central_team: str | None = None
    github_org: str = "hcweb"
    collections: dict[str, str] = field(default_factory=lambda: {"treatments": "Behandlinger"})
    paths: dict[str, str] = field(default_factory=dict)  # collection -> its path on the sites, e.g. treatments -> behandlinger
    waiting_times_max_age_days: int = 45
    helsenorge_max_age_days: int = 180
    iframe_hosts: tuple[str, ...] = ()
    max_file_bytes: int = 200_000
    max_include_depth: int = 8
    max_includes_per_page: int = 60
    max_heading_level: int = 4
    max_headings_per_file: int = 300
    main_branch: str = "main"
    stale_max_days: int = 90
    coordinators_team: str | None = None
    languages: tuple[str, ...] = ()  # the languages national texts may be translated into (hcweb.yml languages)

    @classmethod
    def from_data(cls, data: Any) -> Policy:
        defaults = cls()
        if not isinstance(data, dict):
            return defaults

        def bounded(value: Any, key: str) -> int:
            """The value when it is a whole number within the bounds the schema sets (reported there), else the default."""
            low, high = _POLICY_BOUNDS.get(key, (1, _LARGEST))
            usable = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
            return value if usable else getattr(defaults, key)

        def number(key: str) -> int:
            return bounded(data.get(key), key)

        def limit(key: str) -> int:
            return bounded(mapping(data, "limits").get(key), key)

        collections = {str(k): str(v) for k, v in mapping(data, "collections").items()} or defaults.collections
        return cls(
            review_interval_months=number("review_interval_months"),
            review_warning_days=number("review_warning_days"),
            base_url=text(data, "base_url") or defaults.base_url,
            central_team=text(data, "central_team"),
            github_org=text(data, "github_org") or defaults.github_org,
            collections=collections,
            paths={str(k): str(v) for k, v in mapping(data, "paths").items() if isinstance(v, str)},
            waiting_times_max_age_days=number("waiting_times_max_age_days"),
            helsenorge_max_age_days=number("helsenorge_max_age_days"),
            iframe_hosts=tuple(str(host) for host in items(data, "iframe_hosts")),
            main_branch=text(data, "main_branch") or defaults.main_branch,
            stale_max_days=number("stale_max_days"),
            coordinators_team=text(data, "coordinators_team"),
            languages=tuple(dict.fromkeys(item for item in items(data, "languages") if isinstance(item, str) and item)),
            **{
                key: limit(key)
                for key in ("max_file_bytes", "max_include_depth", "max_includes_per_page", "max_heading_level", "max_headings_per_file")
            },
        )

    def collection_path(self, collection: str) -> str:
        """Where a collection is served: its path in hcweb.yml ``paths``, else its own name."""
        return self.paths.get(collection, collection)


_LARGEST = 10**12
# (least, most) of the numbers in hcweb.yml, as in policy.schema.json.
_POLICY_BOUNDS = {
    "review_interval_months": (1, 120),
    "review_warning_days": (0, 365),
    "stale_max_days": (1, 3650),
    "max_file_bytes": (1000, _LARGEST),
    "max_include_depth": (1, 50),
    "max_includes_per_page": (1, 1000),
    "max_headings_per_file": (10, 5000),
    "max_heading_level": (2, 6),
}
