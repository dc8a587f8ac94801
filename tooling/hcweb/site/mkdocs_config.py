"""The generated MkDocs configuration of one provider's site."""

from __future__ import annotations

from pathlib import Path

from .pages import Page, SiteContext

MARKDOWN_EXTENSIONS = [
    "attr_list",
    "md_in_html",
    "admonition",
    "tables",
    "pymdownx.details",
    {"toc": {"permalink": True, "permalink_title": "Lenke til denne delen"}},
]

THEME_FEATURES = [
    "navigation.indexes",
    "navigation.prune",
    "navigation.top",
    "toc.follow",
    "search.highlight",
]


# A menu group with more entries than this is split by first letter, so that the part of the
# menu each page carries stays small however large the site grows (with navigation.prune).
MAX_GROUP = 40


def navigation(pages: list[Page]) -> list:
    """Home first, then one menu group per collection, the locations, and the rest."""
    nav: list = []
    groups: dict[str, list] = {}
    for page in pages:
        entry = {"Forside" if page.path == "index.md" else page.title: page.path}
        if page.group is None:
            nav.append(entry)
            continue
        if page.group not in groups:
            groups[page.group] = []
            nav.append({page.group: groups[page.group]})
        groups[page.group].append(page.path if page.path.endswith("index.md") else entry)
    for entries in groups.values():
        if len(entries) > MAX_GROUP:
            entries[:] = _by_letter(entries)
    return nav


def _by_letter(entries: list) -> list:
    """Entries in sub-groups by the first letter of their title (A, B, ... Å), sorted within."""
    plain = [e for e in entries if isinstance(e, str)]
    letters: dict[str, list] = {}
    for entry in sorted((e for e in entries if isinstance(e, dict)), key=lambda e: next(iter(e)).casefold()):
        title = next(iter(entry))
        letter = title[:1].upper() if title[:1].isalpha() else "#"
        letters.setdefault(letter, []).append(entry)
    return plain + [{letter: items} for letter, items in letters.items()]


def mkdocs_config(context: SiteContext, pages: list[Page], docs_dir: Path, site_dir: Path, overrides: Path) -> dict:
    provider = context.provider
    editorial = provider.editorial
    return {
        "site_name": provider.name,
        "site_url": context.site_url,
        "site_description": f"Behandlinger, undersøkelser og praktisk informasjon fra {provider.name}.",
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "use_directory_urls": True,
        "theme": {
            "name": "material",
            "custom_dir": str(overrides),
            "language": provider.language,
            "font": False,
            "features": THEME_FEATURES,
            "palette": {"scheme": "default", "primary": "custom", "accent": "custom"},
            **({"logo": f"media/{provider.logo}"} if provider.logo else {}),
        },
        "extra_css": ["assets/hcweb.css"],
        "plugins": [{"search": {"lang": ["no"]}}],
        "markdown_extensions": MARKDOWN_EXTENSIONS,
        "nav": navigation(pages),
        "extra": {
            "generator": False,
            "hcweb": {
                "provider": provider.name,
                "provider_id": provider.id,
                "editor": editorial.get("editor", ""),
                "email": editorial.get("email", ""),
            },
        },
        "copyright": f"© {provider.name}",
    }
