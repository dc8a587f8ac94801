"""What one provider's site will hold: unique URLs, events, provider pages, media rights."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, error, warning
from ..model import Overlay, Provider
from ..sections import SECTION_ID, directives
from ..urls import GENERATED_URLS, is_reserved, location_url

if TYPE_CHECKING:
    from . import CheckContext


def site_urls(provider: Provider, url_of: Callable[[Overlay], str] | None = None) -> list[tuple[str, str, int]]:
    """(url, file, line) of every page of a provider's site that comes from a content file (``url_of``: an overlay's address)."""
    urls = [(url_of(overlay) if url_of else overlay.url, overlay.rel, 1) for overlay in provider.overlays]
    urls += [(page.url, page.rel, 1) for page in provider.pages]
    urls += [(location_url(loc.id), provider.rel, provider.lines("locations", loc.index, "id")) for loc in provider.locations]
    return urls


def check(context: CheckContext) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for provider in context.in_scope():
        found += _urls(provider, context)
        found += _events(context, provider)
        found += _pages(provider)
        found += _page_languages(context, provider)
        found += _overlay_languages(context, provider)
        found += _unused_snippets(context, provider)
    for media in context.content.media.values():
        owner = media.owner
        if owner and owner not in context.content.providers:
            found.append(
                error(
                    media.sidecar_rel,
                    media.lines("owner"),
                    "unknown-provider",
                    f"the owner '{owner}' is not a provider in content/providers/",
                )
            )
    return found


def _urls(provider: Provider, context: CheckContext) -> list[Diagnostic]:
    found = []
    taken: dict[str, str] = {}
    for url, rel, line in site_urls(provider, context.url):
        if is_reserved(url):
            what = GENERATED_URLS.get(url, "a generated page")
            found.append(
                error(
                    rel,
                    line,
                    "duplicate-url",
                    f"this page would be served at {url}, which is reserved for {what}; give it another address (a slug: in an overlay's front matter, or another file name)",
                )
            )
        elif url in taken:
            found.append(
                error(
                    rel,
                    line,
                    "duplicate-url",
                    f"this page would be served at {url}, like {taken[url]}; give one of them another address (a slug: in an overlay's front matter, or another file name)",
                )
            )
        else:
            taken[url] = rel
    for page in provider.pages:
        for part in page.path.split("/"):
            if not SECTION_ID.match(part):
                found.append(
                    error(
                        page.rel, 1, "file-name", f"'{part}' cannot be part of a web address: use lowercase letters a-z, digits and hyphens"
                    )
                )
                break
    for overlay in provider.overlays:
        if not SECTION_ID.match(overlay.slug):
            found.append(
                error(
                    overlay.rel,
                    1,
                    "file-name",
                    f"'{overlay.slug}' cannot be part of a web address: use lowercase letters a-z, digits and hyphens",
                )
            )
    return found


def _events(context: CheckContext, provider: Provider) -> list[Diagnostic]:
    found = []
    adopted = {overlay.uses for overlay in provider.overlays}
    for event in provider.events:
        location = event.location_id
        if location and provider.data and provider.location(location) is None:
            found.append(
                error(event.rel, event.lines("location"), "unknown-location", f"'{location}' is not a location of {provider.name}")
            )
        start, end = event.start, event.end
        if start is None and isinstance(event.meta.get("start"), str):
            found.append(error(event.rel, event.lines("start"), "schema", "'start' is not a real date and time"))
        if end is None and isinstance(event.meta.get("end"), str):
            found.append(error(event.rel, event.lines("end"), "schema", "'end' is not a real date and time"))
        if start and end and end < start:
            found.append(error(event.rel, event.lines("end"), "event-dates", "the event ends before it starts"))
        for index, text_id in enumerate(event.related):
            if text_id not in context.content.national:
                found.append(error(event.rel, event.lines("related", index), "unknown-text", f"there is no national text '{text_id}'"))
            elif text_id not in adopted:
                found.append(
                    warning(
                        event.rel,
                        event.lines("related", index),
                        "related-not-adopted",
                        f"{provider.name} has not adopted '{text_id}', so the event shows only on the events page",
                    )
                )
    return found


def _pages(provider: Provider) -> list[Diagnostic]:
    found = []
    for document in (*provider.pages, *provider.events):
        for directive in directives(document.body, document.body_line):
            found.append(
                error(
                    document.rel,
                    directive.line,
                    "include-in-page",
                    "includes work in overlays and snippets only; on this page the line would be shown as it is",
                )
            )
    for page in provider.pages:
        responsible = page.responsible
        if responsible and provider.data and provider.expert(responsible.name) is None:
            found.append(
                warning(
                    page.rel,
                    page.lines("responsible", "name"),
                    "responsible-not-expert",
                    f"'{responsible.name}' is not listed among the experts of {provider.name}",
                )
            )
    return found


def _language_of(rel: str, language: str, site_language: str, languages: tuple[str, ...], name: str) -> list[Diagnostic]:
    """A file marked as a page in another language (``.<language>.md``): a language the sites publish in, not the
    site's own (then ``name`` is what the file should be called)."""
    if language == site_language:
        message = f"'.{language}' in the file name marks a page in another language, but {language} is this site's own language: name the file {name}"
        return [error(rel, 1, "page-language", message)]
    if language not in languages:
        known = ", ".join(languages) or "none"
        message = (
            f"'{language}' is not a language the sites publish in (hcweb.yml languages: {known}); "
            "use one of them, or ask the coordinators to add it"
        )
        return [error(rel, 1, "page-language", message)]
    return []


def _page_languages(context: CheckContext, provider: Provider) -> list[Diagnostic]:
    """A page in another language (pages/<name>.<language>.md) is in a language hcweb.yml lists, not the site's
    own, and has the site's page beside it (pages/<name>.md), which links to it."""
    found = []
    languages = context.content.policy.languages
    in_site_language = {page.path for page in provider.pages if page.language is None}
    for page in provider.pages:
        language = page.language
        if language is None:
            continue
        name = f"pages/{page.path}.md"
        found += _language_of(page.rel, language, provider.language, languages, name)
        if page.path not in in_site_language:
            found.append(
                error(
                    page.rel,
                    1,
                    "page-language",
                    f"this page in another language has no page in the site's language to be linked from: add {name}",
                )
            )
    return found


def _overlay_languages(context: CheckContext, provider: Provider) -> list[Diagnostic]:
    """An overlay in another language (<collection>/<slug>.<language>.md) is in a language hcweb.yml lists, not the
    site's own, and is the other-language version of the overlay <slug>.md beside it: same national text."""
    found = []
    languages = context.content.policy.languages
    for overlay in provider.overlays:
        language = overlay.language
        if language is None:
            continue
        name = f"{overlay.collection}/{overlay.slug}.md"
        found += _language_of(overlay.rel, language, provider.language, languages, name)
        original = overlay.original
        if original is None:
            found.append(
                error(
                    overlay.rel,
                    1,
                    "page-language",
                    f"this page in another language has no page in the site's language to be linked from: add {name} "
                    f"(an overlay of {overlay.uses or 'the same national text'})",
                )
            )
        elif overlay.uses and original.uses and overlay.uses != original.uses:
            found.append(
                error(
                    overlay.rel,
                    overlay.lines("uses"),
                    "page-language",
                    f"this is the {language} version of {original.rel}, which uses '{original.uses}': a page in another "
                    f"language shows the same national text, so write uses: {original.uses}",
                )
            )
    return found


def _unused_snippets(context: CheckContext, provider: Provider) -> list[Diagnostic]:
    from ..resolve import expand_overlay

    used: set[str] = set()
    for overlay in provider.overlays:
        used |= expand_overlay(context.content, provider, overlay, context.git).files
    return [
        warning(snippet.rel, 1, "snippet-unused", "no page of this provider includes this snippet")
        for snippet in provider.snippets.values()
        if snippet.rel not in used
    ]
