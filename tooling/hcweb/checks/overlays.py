"""Local overlays: what they use, where, who approved which revision, and their includes."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, error
from ..model import Overlay, Provider
from ..repo import Content, GitView
from ..resolve import Expansion, Resolver, expand_overlay

if TYPE_CHECKING:
    from . import CheckContext


def national_ids(content: Content, provider: Provider, overlay: Overlay, git: GitView | None = None) -> list[str]:
    """The national texts an overlay shows, directly or through snippets (the same with ``git`` or without: which
    texts are included is read from the overlay and its snippets, not from the revisions shown)."""
    ids = list(expand_overlay(content, provider, overlay, git).included)
    if overlay.uses and overlay.uses not in ids:
        ids.append(overlay.uses)
    return ids


def check(context: CheckContext) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for provider in context.in_scope():
        for overlay in provider.overlays:
            found += _uses(context.content, overlay)
            found += _local_references(provider, overlay)
            expansion = expand_overlay(context.content, provider, overlay, context.git)
            found += expansion.problems
            if overlay.uses in context.content.national and overlay.uses not in expansion.included and not expansion.problems:
                found.append(
                    error(
                        overlay.rel,
                        overlay.lines("uses"),
                        "uses-not-included",
                        f"the page includes nothing from '{overlay.uses}'; include its sections, or leave the body empty to show all of it",
                    )
                )
            found += _anchors(expansion)
        for snippet in provider.snippets.values():
            # A snippet's own problems (bad targets, cycles) are reported once, at the snippet.
            expansion = Resolver(context.content, provider).expand(snippet.body, snippet.rel, 1)
            found += [p for p in expansion.problems if p.path == snippet.rel]
    return found


def _uses(content: Content, overlay: Overlay) -> list[Diagnostic]:
    uses = overlay.uses
    if uses is None:
        return []
    line = overlay.lines("uses")
    text = content.national.get(uses)
    if text is None:
        close = difflib.get_close_matches(uses, list(content.national), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return [error(overlay.rel, line, "unknown-text", f"there is no national text '{uses}'{hint}")]
    if text.is_draft:
        return [error(overlay.rel, line, "uses-draft", f"'{uses}' is a draft; it cannot be adopted until its owner publishes it")]
    return []


def _local_references(provider: Provider, overlay: Overlay) -> list[Diagnostic]:
    if not provider.data:
        return []
    found = []
    known = ", ".join(loc.id for loc in provider.locations) or "none"
    for index, location_id in enumerate(overlay.location_ids):
        if provider.location(location_id) is None:
            found.append(
                error(
                    overlay.rel,
                    overlay.lines("locations", index),
                    "unknown-location",
                    f"'{location_id}' is not a location of {provider.name} (its locations: {known})",
                )
            )
    department = overlay.department
    if department and provider.department(department) is None:
        found.append(
            error(
                overlay.rel,
                overlay.lines("department"),
                "unknown-department",
                f"'{department}' is not a department of {provider.name} in provider.yml",
            )
        )
    return found


def _anchors(expansion: Expansion) -> list[Diagnostic]:
    found = []
    seen: dict[str, tuple[str, int]] = {}
    for anchor in expansion.anchors:
        if anchor.id in seen:
            first_rel, first_line = seen[anchor.id]
            where = f"line {first_line}" if first_rel == anchor.rel else f"{first_rel}:{first_line}"
            found.append(
                error(
                    anchor.rel,
                    anchor.line,
                    "duplicate-anchor",
                    f"the section id '{anchor.id}' appears twice on this page (first at {where}); give one of them another id",
                )
            )
        else:
            seen[anchor.id] = (anchor.rel, anchor.line)
    return found
