"""Links between the pages of one provider's site: the page and the section must exist on that site."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import urls
from ..diagnostics import Diagnostic, error
from ..links import is_internal, links, resolve
from ..model import Provider
from ..resolve import expand_overlay
from ..sections import headings
from .media import site_texts
from .site import GENERATED_URLS

if TYPE_CHECKING:
    from . import CheckContext


def _site_anchors(context: CheckContext, provider: Provider) -> dict[str, set[str] | None]:
    """Every page URL of the site, with its section ids (None: any anchor is accepted)."""
    pages: dict[str, set[str] | None] = dict.fromkeys(GENERATED_URLS)
    pages[urls.EVENTS.url] = {event.slug for event in provider.events}
    for event in provider.events:
        pages[urls.event_url(event.slug)] = {h.id for h in headings(event.body, event.body_line) if h.id}
    for location in provider.locations:
        pages[urls.location_url(location.id)] = set(urls.LOCATION_SECTIONS.values())
    for overlay in provider.overlays:
        expansion = expand_overlay(context.content, provider, overlay, context.git)
        pages[context.url(overlay)] = {anchor.id for anchor in expansion.anchors}
    for page in provider.pages:
        pages[page.url] = {h.id for h in headings(page.body, page.body_line) if h.id}
    for entry in provider.redirects.entries if provider.redirects else ():  # an old address answers as the page it leads to
        if entry.to in pages and entry.old not in pages:
            pages[entry.old] = pages[entry.to]
    return pages


def check(context: CheckContext) -> list[Diagnostic]:
    content = context.content
    found: list[Diagnostic] = []
    adopters: dict[str, set[str]] = {}
    served_at: dict[str, str] = {}  # the address of a national text's page on other sites -> its id
    for other in content.providers.values():  # the same for every site: read once
        for overlay in other.overlays:
            adopters.setdefault(overlay.uses or "", set()).add(other.id)
            served_at.setdefault(context.url(overlay), overlay.uses or "")
    for provider in context.in_scope():
        site = _site_anchors(context, provider)
        for rel, body, first_line, page_url in site_texts(context, provider, with_urls=True):
            for link in links(body, first_line):
                if not is_internal(link.target):
                    continue
                path, anchor = resolve(link.target, page_url)
                if path not in site:
                    text_id = served_at.get(path, path.strip("/"))
                    if text_id in content.national:
                        others = sorted(content.providers[p].site_url or p for p in adopters.get(text_id, set()) if p != provider.id)
                        elsewhere = f", or link to a provider that has it ({', '.join(others)})" if others else ""
                        found.append(
                            error(
                                rel,
                                link.line,
                                "link-not-adopted",
                                f"{provider.name} has not adopted '{text_id}', so {path} is not on its site: "
                                f"adopt it (hcweb adopt {text_id} --provider {provider.id}){elsewhere}",
                            )
                        )
                    else:
                        found.append(
                            error(
                                rel,
                                link.line,
                                "link-broken",
                                f"the link {link.target} leads nowhere: there is no page {path} on the site of {provider.name}",
                            )
                        )
                elif anchor and site[path] is not None and anchor not in site[path]:
                    known = ", ".join(sorted(site[path])) or "none"
                    found.append(error(rel, link.line, "link-anchor", f"the page {path} has no section '{anchor}' (its sections: {known})"))
    return found
