"""Local overlays: what they use, where, who approved which revision, and their includes."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, days, error, warning
from ..model import Overlay, Provider, mapping
from ..repo import Content
from ..resolve import Expansion, Resolver, expand_overlay
from .dates import date_problems

if TYPE_CHECKING:
    from . import CheckContext


def national_ids(content: Content, provider: Provider, overlay: Overlay) -> list[str]:
    """The national texts an overlay shows, directly or through snippets."""
    ids = list(expand_overlay(content, provider, overlay).included)
    if overlay.uses and overlay.uses not in ids:
        ids.append(overlay.uses)
    return ids


def check(context: CheckContext) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for provider in context.in_scope():
        for overlay in provider.overlays:
            found += _uses(context.content, overlay)
            found += _local_references(provider, overlay)
            found += _approval(context, provider, overlay)
            expansion = expand_overlay(context.content, provider, overlay, context.git)
            found += expansion.problems
            found += _revisions(context, overlay, expansion)
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
            error(overlay.rel, overlay.lines("department"), "unknown-department", f"'{department}' is not a department of {provider.name} in provider.yml")
        )
    return found


def _approval(context: CheckContext, provider: Provider, overlay: Overlay) -> list[Diagnostic]:
    approval = overlay.approved
    if approval is None:
        return []
    found = []
    if approval.by and provider.data and provider.expert(approval.by) is None:
        experts = ", ".join(e.name for e in provider.experts) or "none listed"
        found.append(
            error(
                overlay.rel,
                overlay.lines("approved", "by"),
                "approver-not-expert",
                f"'{approval.by}' is not an expert of {provider.name}, so cannot approve its pages (its experts: {experts})",
            )
        )
    found += date_problems(
        overlay.rel, overlay.lines, ("approved", "on"), mapping(overlay.meta, "approved").get("on"), context.today, "approval"
    )
    return found


def _revisions(context: CheckContext, overlay: Overlay, expansion: Expansion) -> list[Diagnostic]:
    approval = overlay.approved
    if approval is None:
        return []
    content = context.content
    found = []
    lines = overlay.lines
    for text_id, include_line in expansion.included.items():
        text = content.national[text_id]
        recorded = approval.revisions.get(text_id)
        if recorded is None:
            found.append(
                error(
                    overlay.rel,
                    lines("approved", "revisions"),
                    "approval-missing",
                    f"no local approval is recorded for '{text_id}' (included on line {include_line}); "
                    f"an expert must re-evaluate it and run: hcweb approve {overlay.rel} --by NAME",
                )
            )
        elif recorded != text.revision:
            found.append(_stale(context, overlay, text, recorded))
    for text_id in approval.revisions:
        if text_id not in expansion.included:
            found.append(
                warning(
                    overlay.rel,
                    lines("approved", "revisions", text_id),
                    "approval-unused",
                    f"a revision is recorded for '{text_id}', but this page does not include it; remove the line",
                )
            )
    return found


def _stale(context: CheckContext, overlay: Overlay, text, recorded: str) -> Diagnostic:
    """A national text changed after this provider approved it: pinned (a warning) or lost (an error)."""
    line = overlay.lines("approved", "revisions", text.id)
    approval = overlay.approved
    approved_on = approval.on.isoformat() if approval and approval.on else "an unknown date"
    pinned = context.git.find_revision(text.rel, recorded) if context.git else None
    if pinned is None:
        return error(
            overlay.rel,
            line,
            "approval-revision-missing",
            f"the approved revision {recorded} of '{text.id}' is not in the git history, so the page cannot be published "
            "(in a shallow clone, fetch the full history: git fetch --unshallow); if the text has changed, "
            f"see it with 'hcweb diff {overlay.rel}' and approve it again",
        )
    changed = None if context.git.has_uncommitted_changes(text.rel) else context.git.last_changed(text.rel)
    since = f"it changed on {changed.isoformat()}, {days((context.today - changed).days)} ago" if changed else "it has uncommitted changes"
    return warning(
        overlay.rel,
        line,
        "approval-stale",
        f"'{text.id}' has changed since it was approved here on {approved_on} ({since}); the site keeps showing "
        f"the approved revision {recorded} until an expert re-evaluates it: see 'hcweb diff {overlay.rel}', then run 'hcweb approve'",
    )


def _anchors(expansion: Expansion) -> list[Diagnostic]:
    found = []
    seen: dict[str, tuple[str, int]] = {}
    for anchor in expansion.anchors:
        if anchor.id in seen:
            first_rel, first_line = seen[anchor.id]
            where = f"line {first_line}" if first_rel == anchor.rel else f"{first_rel}:{first_line}"
            found.append(
                error(anchor.rel, anchor.line, "duplicate-anchor", f"the section id '{anchor.id}' appears twice on this page (first at {where}); give one of them another id")
            )
        else:
            seen[anchor.id] = (anchor.rel, anchor.line)
    return found
