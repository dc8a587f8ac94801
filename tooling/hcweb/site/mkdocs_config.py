"""The generated MkDocs configuration of one provider's site."""

from __future__ import annotations

from pathlib import Path

from ..markup import MARKDOWN_EXTENSIONS
from ..urls import A_TO_Z, ACCESSIBILITY, CONTACT, HOME, docs_path_of
from .pages import Page, SiteContext

THEME_FEATURES = [
    "navigation.indexes",
    "navigation.prune",
    "navigation.top",
    "toc.follow",
    "search.highlight",
]


# The search's language for each site language: lunr has one Norwegian (its stemmer is bokmål's, and
# mkdocs-material's nn labels name it too); the nynorsk forms of words come from hcweb's own terms (search.py).
SEARCH_LANGUAGES = {"nb": ["no"], "nn": ["no"]}


# A menu group with more entries than this is split by the first letter of its titles, and a letter
# with more than this into runs of titles ("Sa – Sk"), nested as deep as it takes, so that the part of
# the menu each page carries stays small however large the site grows and however the titles are
# spread over the alphabet (with navigation.prune a page carries its own branch only): at most the
# top level, the letters and MAX_GROUP entries for each level of runs.
MAX_GROUP = 40
RUN_NAME = 24  # characters at most of each end of a run's name


def navigation(pages: list[Page]) -> list:
    """Home first, then one menu group per collection, the locations, and the rest."""
    nav: list = []
    groups: dict[str, list] = {}
    for page in pages:
        if page.meta.get("hcweb", {}).get("kind") in ("event", "a-to-z"):
            continue  # an event's page is reached from the events page, a letter of a long list from its letters, not the menu
        if page.meta.get("hcweb", {}).get("page_language"):
            continue  # a page in another language is reached from its Norwegian page (hreflang links), not the menu
        entry = {page.meta.get("title") or page.title: page.path}  # the home page's menu title is its own (words/<language>.yml)
        if page.group is None:
            nav.append(entry)
            continue
        if page.group not in groups:
            groups[page.group] = []
            nav.append({page.group: groups[page.group]})
        groups[page.group].append(page.path if page.path.endswith("index.md") else entry)
    for entries in groups.values():
        if len(entries) > MAX_GROUP:
            plain = [e for e in entries if isinstance(e, str)]  # the group's own index page stays first
            entries[:] = plain + _by_letter([e for e in entries if isinstance(e, dict)])
    return nav


def _title(entry: dict) -> str:
    return next(iter(entry))


def _by_letter(entries: list[dict]) -> list:
    """At most MAX_GROUP items: sub-groups by the first letter of the titles (A, B, ... Å, # for the rest),
    each split into runs when it has more than MAX_GROUP; runs of the whole group when there are too many letters."""
    entries = sorted(entries, key=lambda e: _title(e).casefold())
    if len(entries) <= MAX_GROUP:
        return entries
    letters: dict[str, list] = {}
    for entry in entries:
        first = _title(entry)[:1]
        letters.setdefault(first.upper() if first.isalpha() else "#", []).append(entry)
    if not 1 < len(letters) <= MAX_GROUP:
        return _by_range(entries)
    return [{letter: _by_range(items)} for letter, items in letters.items()]


def _by_range(entries: list[dict]) -> list:
    """Sorted entries in runs of at most MAX_GROUP, nested as deep as it takes, each named by the shortest
    beginnings of its first and last titles that tell it from the runs beside it ('Sa – Sk')."""
    if len(entries) <= MAX_GROUP:
        return entries
    size = MAX_GROUP
    while -(-len(entries) // size) > MAX_GROUP:
        size *= MAX_GROUP
    runs = [entries[start : start + size] for start in range(0, len(entries), size)]
    named = []
    for n, run in enumerate(runs):
        before = _title(runs[n - 1][-1]) if n else ""
        after = _title(runs[n + 1][0]) if n + 1 < len(runs) else ""
        first, last = _short(_title(run[0]), before), _short(_title(run[-1]), after)
        named.append({first if first == last else f"{first} – {last}": _by_range(run)})
    return named


def _short(title: str, neighbour: str) -> str:
    """The beginning of ``title`` that is not the beginning of ``neighbour`` (at most RUN_NAME characters)."""
    length = next((i + 1 for i, (a, b) in enumerate(zip(title.casefold(), neighbour.casefold())) if a != b), len(neighbour) + 1)
    short = title[: max(length, 2)].rstrip()
    return short if len(short) <= RUN_NAME else short[: RUN_NAME - 1].rstrip() + "…"


def redirect_settings(context: SiteContext, pages: list[Page]) -> dict:
    """The old addresses of the provider's site (redirects.yml) for the redirect pages (site/redirects.py), as docs files."""
    redirects = context.provider.redirects
    at = {page.url: page.path for page in pages}
    moved = {docs_path_of(e.old): at[e.to] for e in redirects.entries if e.to in at} if redirects else {}
    gone = {docs_path_of(e.old): e.gone for e in redirects.entries if e.gone} if redirects else {}
    return {"redirect_maps": moved, "gone": gone}


def mkdocs_config(context: SiteContext, pages: list[Page], docs_dir: Path, site_dir: Path, overrides: Path) -> dict:
    provider = context.provider
    editorial = provider.editorial
    return {
        "site_name": provider.name,
        "site_url": context.site_url,
        "site_description": context.word("site", "description"),
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "use_directory_urls": True,
        "theme": {
            "name": "material",
            "custom_dir": str(overrides),
            "language": context.language,  # mkdocs-material's own labels, and <html lang>
            "font": False,
            "features": THEME_FEATURES,
            "palette": {"scheme": "default", "primary": "custom", "accent": "custom"},
            **({"logo": f"media/{provider.logo}"} if provider.logo else {}),
        },
        "extra_css": ["assets/hcweb.css"],
        "plugins": [{"search": {"lang": SEARCH_LANGUAGES[context.language]}}, {"hcweb-redirects": redirect_settings(context, pages)}],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
        "nav": navigation(pages),
        "extra": {
            "generator": False,
            "hcweb": {
                "provider": provider.name,
                "provider_id": provider.id,
                "editor": editorial.get("editor", ""),
                "email": editorial.get("email", ""),
                "home": HOME.href,  # for the templates' url filter, e.g. partials/search.html
                "contact": CONTACT.href,
                "accessibility": ACCESSIBILITY.href,
                "a_to_z": A_TO_Z,
                "language": context.language,
                "words": context.words,  # every word of the design's templates in the site's language (site/words.py)
            },
        },
        "copyright": f"© {provider.name}",
    }
