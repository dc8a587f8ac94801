"""National texts: ownership, approval, review cycle and section structure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, days, error, warning
from ..model import NationalText
from ..sections import SECTION_ID, directives, headings

if TYPE_CHECKING:
    from . import CheckContext


def check(context: CheckContext) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for text in context.texts_in_scope():
        found += _ownership(context, text)
        found += _review(context, text)
        found += _structure(text)
    return found


def _ownership(context: CheckContext, text: NationalText) -> list[Diagnostic]:
    rel, lines = text.rel, text.lines
    owner_id = text.owner
    if owner_id is None:
        return []
    owner = context.content.providers.get(owner_id)
    if owner is None:
        return [error(rel, lines("owner"), "unknown-provider", f"the owner '{owner_id}' is not a provider in content/providers/")]
    return []


def _review(context: CheckContext, text: NationalText) -> list[Diagnostic]:
    policy = context.content.policy
    reviewed, due = text.reviewed, text.next_review(policy.review_interval_months)
    if reviewed is None or due is None or reviewed > context.today or text.is_draft:
        return []
    line = text.lines("reviewed")
    if due < context.today:
        late = (context.today - due).days
        return [
            warning(
                text.rel,
                line,
                "review-overdue",
                f"the professional review was due on {due.isoformat()} ({days(late)} ago; last reviewed {reviewed.isoformat()}, "
                f"every {policy.review_interval_months} months)",
            )
        ]
    if (due - context.today).days <= policy.review_warning_days:
        return [
            warning(
                text.rel,
                line,
                "review-due-soon",
                f"the professional review is due on {due.isoformat()}, in {(due - context.today).days} days",
            )
        ]
    return []


def _structure(text: NationalText) -> list[Diagnostic]:
    found = []
    seen: dict[str, int] = {}
    for heading in headings(text.body, text.body_line):
        if heading.id is None:
            found.append(
                error(
                    text.rel,
                    heading.line,
                    "section-id",
                    f"the heading '{heading.text}' needs an id so providers can include it: write '## {heading.text} {{#an-id}}'",
                )
            )
        elif not SECTION_ID.match(heading.id):
            found.append(
                error(
                    text.rel,
                    heading.line,
                    "section-id",
                    f"the section id '{heading.id}' may use only lowercase letters a-z, digits and hyphens",
                )
            )
        elif heading.id in seen:
            found.append(
                error(
                    text.rel,
                    heading.line,
                    "section-id",
                    f"the section id '{heading.id}' is already used on line {seen[heading.id]}; ids must be unique in a text",
                )
            )
        else:
            seen[heading.id] = heading.line
    for directive in directives(text.body, text.body_line):
        found.append(
            error(
                text.rel,
                directive.line,
                "include-in-national",
                "a national text cannot include other files; only overlays and snippets can",
            )
        )
    return found
