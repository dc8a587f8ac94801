"""Addresses never die: each provider's redirects.yml, and (with ``validate --base``) every address lost.

A site answers at the addresses of its pages and at the old addresses its redirects.yml lists: an
old address leads on to a page of the site (``/treatments/hip-replacement/: /behandlinger/hofteprotese/``)
or says the page is gone and why (``{gone: ...}``); the build writes a page for each
(site/redirects.py). Here: every entry leads to a page the site has, straight (no chains, no
loops), and lists no address a page still has. With the addresses the site had at a base
revision (``published``), every one of them must still answer; each that would not is reported
at the file it came from (the overlay, page or registry entry that moved, or the file removed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import urls
from ..diagnostics import Diagnostic, error
from ..model import Provider
from ..repo import REDIRECTS_FILE, Content
from .site import site_urls

if TYPE_CHECKING:
    from . import CheckContext


@dataclass(frozen=True)
class Published:
    """An address a site answered at, and the file (and line) it came from."""

    url: str
    rel: str
    line: int


def redirects_rel(provider_id: str) -> str:
    return f"content/providers/{provider_id}/{REDIRECTS_FILE}"


def page_urls(provider: Provider) -> dict[str, tuple[str, int]]:
    """Every address of a page of the provider's site: url -> (file, line) it comes from."""
    found = {page.url: (provider.rel, 1) for page in urls.GENERATED_PAGES}
    for url, rel, line in site_urls(provider):
        found.setdefault(url, (rel, line))
    for event in provider.events:  # an event's page stays as long as its file (events.py), past events too
        found.setdefault(urls.event_url(event.slug), (event.rel, 1))
    return found


def published_urls(content: Content) -> dict[str, list[Published]]:
    """Per provider, every address its site answers at with this content: its pages and its redirects.

    Content from before hcweb.yml had ``paths:`` was published at the addresses of that time: a
    national text's page at /<collection>/<file name>/, and the generated pages in English.
    """
    legacy = not content.policy.paths
    found: dict[str, list[Published]] = {}
    for provider in content.providers.values():
        if legacy:
            answers = [Published(url, provider.rel, 1) for url in urls.LEGACY_GENERATED_URLS]
            answers += [Published(f"/{o.collection}/{o.slug}/", o.rel, 1) for o in provider.overlays if o.language is None]
            answers += [Published(page.url, page.rel, 1) for page in provider.pages]
            answers += [
                Published(urls.legacy_location_url(loc.id), provider.rel, provider.lines("locations", loc.index, "id"))
                for loc in provider.locations
            ]
        else:
            answers = [Published(url, rel, line) for url, (rel, line) in page_urls(provider).items()]
        if provider.redirects is not None:
            answers += [Published(entry.old, provider.redirects.rel, entry.line) for entry in provider.redirects.entries]
        found[provider.id] = answers
    return found


def check(context: CheckContext) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for provider in context.in_scope():
        found += _entries(provider)
        if context.published is not None:
            found += _lost(context, provider, context.published.get(provider.id, []))
    return found


def _entries(provider: Provider) -> list[Diagnostic]:
    redirects = provider.redirects
    if redirects is None:
        return []
    pages = page_urls(provider)
    olds = {entry.old: entry for entry in redirects.entries}
    found = []
    for entry in redirects.entries:
        if entry.old == urls.HOME.url or entry.old in pages:
            found.append(
                error(
                    redirects.rel,
                    entry.line,
                    "redirect-live",
                    f"{entry.old} is a page of the site; a page cannot also be redirected: remove this entry",
                )
            )
            continue
        if entry.to is None:
            continue
        if entry.to in olds:
            onward = olds[entry.to]
            if entry.to == entry.old or onward.to == entry.old:
                message = f"{entry.old} leads to {entry.to}, which leads back: the redirects go round in a loop; lead it to a page"
            else:
                final = f"to {onward.to}" if onward.to else "to a page that is gone"
                message = f"{entry.old} leads to {entry.to}, which is itself redirected ({final}); lead {entry.old} straight there"
            found.append(error(redirects.rel, entry.line, "redirect-chain", message))
        elif entry.to not in pages:
            found.append(
                error(
                    redirects.rel,
                    entry.line,
                    "redirect-target",
                    f"{entry.old} leads to {entry.to}, which is not a page of {provider.name}'s site; "
                    "give the address of a page it has, or write gone: and why the page was removed",
                )
            )
    return found


def _lost(context: CheckContext, provider: Provider, before: list[Published]) -> list[Diagnostic]:
    """Each address the site had at the base revision that it would no longer answer at."""
    answers = set(page_urls(provider)) | ({e.old for e in provider.redirects.entries} if provider.redirects else set())
    by_file = {overlay.rel: overlay.url for overlay in provider.overlays} | {page.rel: page.url for page in provider.pages}
    file = redirects_rel(provider.id)
    found = []
    for old in sorted({p.url: p for p in before}.values(), key=lambda p: p.url):
        if old.url in answers:
            continue
        now = by_file.get(old.rel)
        where = f"this page is now at {now}" if now else "this page is no longer on the site"
        suggestion = f"{old.url}: {now}" if now else f"{old.url}: {{gone: <why>}} (or the address of the page that replaces it)"
        found.append(
            error(
                old.rel,
                old.line,
                "url-lost",
                f"{provider.name}'s site answered at {old.url} at {context.base}, and {where}; the old address would "
                f"stop answering: add '{suggestion}' under redirects: in {file}",
            )
        )
    return found
