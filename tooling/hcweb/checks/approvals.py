"""Approvals: every word a patient reads was approved by a named person of the publishing provider, at exactly that wording.

- a national text: ``approved.revision`` is the text's revision (body and shown front matter), by an expert of its owner;
- an overlay: ``approved.local`` is the hash of its own text and snippets, ``approved.revisions`` the national
  revisions it shows (pinned ones only as their owner approved them on the main line), by an expert of the provider;
- a provider's page: ``approved.local``, by an expert or the editor of the provider;
- no approval is dated before the words it approves were committed, nor in the future;
- a stale local approval is a warning, and an error after ``stale_max_days``; a safety correction is
  published at once, and the text lists the providers that still have to re-approve it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..approvals import Part, national_part, newest_after, overlay_parts, page_part
from ..diagnostics import Diagnostic, Severity, days, error, warning
from ..documents import LineMap
from ..model import Approval, NationalText, Overlay, Provider, ProviderPage, mapping
from ..repo import NotPinnable
from ..resolve import Expansion, expand_overlay, shown_text
from .dates import date_problems

if TYPE_CHECKING:
    from . import CheckContext


# What a preview of the working tree may show before anyone approved it: the author sees these as warnings.
UNTIL_APPROVED = frozenset(
    {
        "national-unapproved",
        "local-unapproved",
        "approval-missing",
        "approval-before-text",
        "approval-stale-expired",
        "approval-revision-missing",
        "translation-unapproved",  # a preview shows the words being written; a site shows only approved ones
    }
)


def for_preview(found: list[Diagnostic]) -> list[Diagnostic]:
    """``found`` with the problems that only wait for an approval shown as warnings (a preview is never published)."""
    return [replace(d, severity=Severity.WARNING) if d.code in UNTIL_APPROVED else d for d in found]


def check(context: CheckContext) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for text in context.texts_in_scope():
        if not text.is_draft:
            found += _national(context, text)
    for provider in context.in_scope():
        for overlay in provider.overlays:
            found += _overlay(context, provider, overlay)
        for page in provider.pages:
            found += _page(context, provider, page)
    return found


# -- who may approve -----------------------------------------------------------------------------


def _experts(provider: Provider) -> str:
    return ", ".join(e.name for e in provider.experts) or "none listed"


def _approver(rel: str, line: int, name: str | None, provider: Provider, specialty: str | None, what: str) -> list[Diagnostic]:
    """``name`` must be an expert of ``provider``, of ``specialty`` when the expert lists specialties."""
    if not name or not provider.data:
        return []
    expert = provider.expert(name)
    if expert is None:
        return [
            error(
                rel,
                line,
                "approver-not-expert",
                f"'{name}' is not an expert of {provider.name}, so cannot {what} (its experts: {_experts(provider)})",
            )
        ]
    if not expert.may_approve(specialty):
        able = [e.name for e in provider.experts if specialty in e.specialties or not e.specialties]
        return [
            error(
                rel,
                line,
                "approver-specialty",
                f"{name} is an expert in {', '.join(expert.specialties)}, not {specialty}, so cannot {what}; "
                f"ask {', '.join(able) or 'an expert of that specialty'}",
            )
        ]
    return []


def _dates(context: CheckContext, rel: str, lines: LineMap, approval: Approval, parts: list[Part], what: str) -> list[Diagnostic]:
    """Not in the future, and not before the newest of the words it approves was committed."""
    found = date_problems(rel, lines, ("approved", "on"), approval.on.isoformat() if approval.on else None, context.today, "approval")
    if approval.on is None or found:
        return found
    newest = newest_after(context.git, parts, approval.on, context.today)
    if newest is None:
        return found
    found.append(
        error(
            rel,
            lines("approved", "on"),
            "approval-before-text",
            f"the approval is dated {approval.on.isoformat()}, but {newest.rel} {newest.when()}: an approval cannot be older than "
            f"the words it approves; {what}",
        )
    )
    return found


# -- national texts ------------------------------------------------------------------------------


def _national(context: CheckContext, text: NationalText) -> list[Diagnostic]:
    owner = context.content.providers.get(text.owner or "")
    approval, lines, rel = text.approved, text.lines, text.rel
    if owner is None or approval is None:
        return []  # an unknown owner and a missing approval are reported by the ownership check and the schema
    again = f"an expert of {owner.name} approves this wording: approve the pull request on GitHub, or run 'hcweb approve {rel} --by NAME'"
    found = _approver(rel, lines("approved", "by"), approval.by, owner, text.specialty, "approve this text")
    if approval.revision and approval.revision != text.revision:
        who = f"{approval.by} approved" if approval.by else "was approved"
        found.append(
            error(
                rel,
                lines("approved", "revision"),
                "national-unapproved",
                f"the text (its body or a field readers see: title, summary, responsible, ...) has changed since {who} "
                f"revision {approval.revision}; no site publishes it until {again}",
            )
        )
    elif approval.revision:
        found += _dates(context, rel, lines, approval, [national_part(text)], f"approve it again with today's date ({again})")
    review = text.review
    if review is not None:
        found += _approver(rel, lines("reviewed", "by"), review.by, owner, text.specialty, "record its professional review")
        found += date_problems(rel, lines, ("reviewed", "on"), mapping(text.meta, "reviewed").get("on"), context.today, "review")
    if approval.safety and approval.revision == text.revision:
        found += _safety_pending(context, text)
    return found


def _safety_pending(context: CheckContext, text: NationalText) -> list[Diagnostic]:
    """A safety correction is published everywhere at once; say which providers still have to re-approve locally."""
    pending = []
    for provider in context.content.providers.values():
        for overlay in provider.overlays:
            recorded = overlay.approved.revisions.get(text.id) if overlay.approved else None
            if recorded and recorded != text.revision:
                pending.append(f"{provider.name} ({overlay.rel})")
    if not pending:
        return []
    return [
        warning(
            text.rel,
            text.lines("approved", "safety"),
            "safety-pending",
            f"this safety correction is published on every site at once; still to re-approve it locally: {'; '.join(sorted(set(pending)))}",
        )
    ]


# -- overlays -----------------------------------------------------------------------------------


def _overlay(context: CheckContext, provider: Provider, overlay: Overlay) -> list[Diagnostic]:
    approval = overlay.approved
    if approval is None:
        return []
    content, rel, lines = context.content, overlay.rel, overlay.lines
    expansion = expand_overlay(content, provider, overlay, context.git)
    again = f"an expert of {provider.name} approves it again: see 'hcweb diff {rel}', then approve the pull request on GitHub or run 'hcweb approve {rel} --by NAME'"
    found: list[Diagnostic] = []
    specialties = {content.national[t].specialty for t in expansion.included if t in content.national} - {None}
    for specialty in sorted(specialties) or [None]:
        found += _approver(rel, lines("approved", "by"), approval.by, provider, specialty, "approve this page")
    local_changed = bool(approval.local and provider.data and approval.local != overlay.local_hash(provider))
    if local_changed:
        found.append(
            error(
                rel,
                lines("approved", "local"),
                "local-unapproved",
                f"the page's own text (its body, title, department, locations, or a snippet it includes) has changed since "
                f"{approval.by or 'it'} approved it; it is not published until {again}",
            )
        )
    found += _revisions(context, overlay, expansion, again)
    if not local_changed:  # otherwise the approval is to be made again anyway
        parts = overlay_parts(overlay, provider, content.national, context.git, content.policy.main_branch)
        found += _dates(context, rel, lines, approval, parts, "approve it again with today's date")
    return found


def _revisions(context: CheckContext, overlay: Overlay, expansion: Expansion, again: str) -> list[Diagnostic]:
    approval = overlay.approved
    content, lines = context.content, overlay.lines
    found = []
    for text_id, include_line in expansion.included.items():
        text = content.national[text_id]
        recorded = approval.revisions.get(text_id)
        if recorded is None:
            found.append(
                error(
                    overlay.rel,
                    lines("approved", "revisions"),
                    "approval-missing",
                    f"no local approval is recorded for '{text_id}' (included on line {include_line}); {again}",
                )
            )
        elif recorded != text.revision:
            found.append(_pinned(context, overlay, text, recorded))
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


def _pinned(context: CheckContext, overlay: Overlay, text: NationalText, recorded: str) -> Diagnostic:
    """A national text changed after this provider approved it: pinned (a warning, an error when too old), or refused."""
    line = overlay.lines("approved", "revisions", text.id)
    shown = shown_text(text, recorded, context.git, context.content.policy.main_branch)
    if isinstance(shown, NotPinnable):
        return error(
            overlay.rel,
            line,
            "approval-revision-missing",
            f"the approved revision {recorded} of '{text.id}' cannot be published: {shown.reason}; see the current text "
            f"with 'hcweb diff {overlay.rel}' and approve it",
        )
    approval = overlay.approved
    approved_on = approval.on.isoformat() if approval.on else "an unknown date"
    current = text.approved
    # The clock runs from the owner's approval of the current revision: an unapproved change is the owner's to settle.
    since = current.on if current and current.on and current.revision == text.revision else None
    age = (context.today - since).days if since else 0
    if shown.safety:
        return warning(
            overlay.rel,
            line,
            "approval-safety",
            f"'{text.id}' has a safety correction from its owner; this site publishes the corrected text now, with a note that "
            f"local review is pending. Re-evaluate it: see 'hcweb diff {overlay.rel}', then approve",
        )
    changed = (
        f"its owner approved a new revision on {since.isoformat()}, {days(age)} ago"
        if since
        else "its owner has not approved the change yet"
    )
    limit = context.content.policy.stale_max_days
    message = (
        f"'{text.id}' has changed since it was approved here on {approved_on} ({changed}); the site keeps showing "
        f"the approved revision {recorded} until an expert re-evaluates it: see 'hcweb diff {overlay.rel}', then approve"
    )
    if age > limit:
        return error(
            overlay.rel,
            line,
            "approval-stale-expired",
            f"{message}. It has been stale for more than {limit} days (hcweb.yml stale_max_days)",
        )
    return warning(overlay.rel, line, "approval-stale", message)


# -- provider pages ----------------------------------------------------------------------------


def _page(context: CheckContext, provider: Provider, page: ProviderPage) -> list[Diagnostic]:
    approval = page.approved
    if approval is None or not provider.data:
        return []
    rel, lines = page.rel, page.lines
    found = []
    if approval.by and not provider.may_approve_pages(approval.by):
        found.append(
            error(
                rel,
                lines("approved", "by"),
                "approver-not-expert",
                f"'{approval.by}' is neither an expert nor the editor of {provider.name}, so cannot approve its pages "
                f"(its experts: {_experts(provider)}; its editor: {provider.editor or 'none'})",
            )
        )
    local_changed = bool(approval.local and approval.local != page.local_hash)
    if local_changed:
        found.append(
            error(
                rel,
                lines("approved", "local"),
                "local-unapproved",
                f"the page (its text, title, summary or responsible) has changed since {approval.by or 'it'} approved it; it is "
                f"not published until an expert or the editor of {provider.name} approves it again: approve the pull request "
                f"on GitHub, or run 'hcweb approve {rel} --by NAME'",
            )
        )
    if not local_changed:
        found += _dates(context, rel, lines, approval, [page_part(page)], "approve it again with today's date")
    return found
