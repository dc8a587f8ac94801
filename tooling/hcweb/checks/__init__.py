"""Every check of the content; each family returns its diagnostics and stops at nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from ..diagnostics import Diagnostic
from ..model import NationalText, Overlay, Provider
from ..repo import Content, GitView
from . import approvals, data, html, links, media, national, overlays, providers, redirects, site, translations


@dataclass(frozen=True)
class CheckContext:
    content: Content
    today: dt.date
    git: GitView | None = None
    scope: str | None = None  # one provider's site only
    published: dict | None = None  # with validate --base: per provider, the addresses its site had then (redirects.Published)
    base: str | None = None  # that base revision, as the user named it

    def in_scope(self) -> list[Provider]:
        """The providers whose own files are checked."""
        if self.scope is None:
            return list(self.content.providers.values())
        return [self.content.providers[self.scope]]

    def texts_in_scope(self) -> list[NationalText]:
        if self.scope is None:
            return list(self.content.national.values())
        relevant = self.relevant
        return [text for text in self.content.national.values() if text.rel in relevant]

    def url(self, overlay: Overlay) -> str:
        """The overlay's address (overlay.url), worked out once: several families of checks ask for every overlay's."""
        found = self._urls.get(overlay.rel)
        if found is None:
            found = self._urls[overlay.rel] = overlay.url
        return found

    @cached_property
    def _urls(self) -> dict[str, str]:
        return {}

    @cached_property
    def relevant(self) -> set[str]:
        """relevant_paths of the provider in scope (worked out once: every family of checks asks)."""
        return relevant_paths(self.content, self.scope, self.git) if self.scope is not None else set()


def run_all(
    content: Content,
    today: dt.date,
    provider_id: str | None = None,
    git: GitView | None = None,
    published: dict | None = None,
    base: str | None = None,
) -> list[Diagnostic]:
    """All problems in the content, optionally only those that matter to one provider's site.

    With ``git``, overlays are checked at the revisions their experts approved. With ``published``
    (the addresses each site had at the revision ``base``, redirects.published_urls), every one
    that would stop answering is reported.
    """
    context = CheckContext(content, today, git, provider_id, published, base)
    found = list(content.problems)
    found += providers.check(context)
    found += national.check(context)
    found += overlays.check(context)
    found += approvals.check(context)
    found += translations.check(context)
    found += site.check(context)
    found += redirects.check(context)
    found += media.check(context)
    found += data.check(context)
    found += html.check(context)
    found += links.check(context)
    unique = sorted(set(found))
    if provider_id is None:
        return unique
    relevant = context.relevant
    return [d for d in unique if _is_relevant(d.path, relevant)]


def relevant_paths(content: Content, provider_id: str, git: GitView | None = None) -> set[str]:
    """The files whose problems can stop this provider's site: its own, and the national texts it uses (``git``: use
    the expansions at the approved revisions, which the checks make anyway)."""
    provider = content.providers[provider_id]
    paths = {f"content/providers/{provider_id}/"}
    for overlay in provider.overlays:
        for text_id in overlays.national_ids(content, provider, overlay, git):
            if text_id in content.national:
                paths.add(content.national[text_id].rel)
            translation = content.translations.get(text_id, {}).get(overlay.language or provider.language)
            if translation is not None:
                paths.add(translation.rel)
    return paths


def concerning(diagnostics: list[Diagnostic], content: Content, provider_id: str) -> list[Diagnostic]:
    """The diagnostics about files that matter to one provider's site."""
    relevant = relevant_paths(content, provider_id)
    return [d for d in diagnostics if _is_relevant(d.path, relevant)]


def _is_relevant(path: str, relevant: set[str]) -> bool:
    if not path.startswith(("content/providers/", "content/common/")):
        return True  # hcweb.yml, media, schemas: shared by every site
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in relevant)
