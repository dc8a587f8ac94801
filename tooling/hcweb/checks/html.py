"""HTML and links in content: checked on the HTML that the sites' Markdown makes of each text.

Authors may use a little HTML (a table, a <details>), but nothing that runs code, loads from
another host, sends data away or changes the look: the allow-list is in hcweb.markup. A text
is rendered as the sites render it, so no Markdown trick (an unclosed fence, a comment opened
in a code span, an attribute list) hides anything from the check. National texts are checked
as they are now and, for each provider that pins an older revision, as that revision was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, error
from ..documents import editor_lines
from ..markup import check_markdown
from ..repo import file_too_large
from ..resolve import approved_bodies
from ..sections import directives

if TYPE_CHECKING:
    from ..model import Policy
    from . import CheckContext


def scan(body: str, rel: str, first_line: int, policy: Policy) -> list[Diagnostic]:
    """Problems in the page one Markdown body becomes, at the lines of ``rel`` that bring them in.

    Include directives are left out (as blank lines, so that lines keep their numbers): what they
    bring in is checked where it is written, and the finished page again by the build.
    """
    findings = check_markdown(
        _without_directives(body, first_line), policy.iframe_hosts, policy.max_heading_level, policy.max_headings_per_file
    )
    return [error(rel, first_line + finding.offset, finding.code, finding.message) for finding in findings]


def _without_directives(body: str, first_line: int) -> str:
    lines = {directive.line for directive in directives(body, first_line)}
    if not lines:
        return body
    return "\n".join("" if first_line + offset in lines else line for offset, line in enumerate(editor_lines(body, keepends=False)))


def check(context: CheckContext) -> list[Diagnostic]:
    policy = context.content.policy
    found: list[Diagnostic] = []
    for text in context.texts_in_scope():
        found += scan(text.body, text.rel, text.body_line, policy)
    for provider in context.in_scope():
        for document in (*provider.overlays, *provider.pages, *provider.events):
            found += scan(document.body, document.rel, document.body_line, policy)
        for snippet in provider.snippets.values():
            found += scan(snippet.body, snippet.rel, 1, policy)
        for location in provider.locations:
            if location.transport:  # Markdown in the registry, shown on the location's page
                found += _registry_markdown(
                    location.transport, provider.rel, provider.lines("locations", location.index, "transport"), policy
                )
        found += _pinned_revisions(context, provider)
    return found


def _registry_markdown(text: str, rel: str, line: int, policy: Policy) -> list[Diagnostic]:
    """A Markdown value in provider.yml, reported at the line of its key (YAML folds the text's own lines)."""
    return [error(rel, line, d.code, d.message) for d in scan(text, rel, line, policy)]


def _pinned_revisions(context: CheckContext, provider) -> list[Diagnostic]:
    """Each older national revision this provider publishes passes the same checks as current text.

    The problem is reported at the overlay's approval, since the revision lives only in history.
    """
    if context.git is None:
        return []
    content, policy = context.content, context.content.policy
    found: list[Diagnostic] = []
    checked: dict[tuple[str, str], list[Diagnostic]] = {}
    for overlay in provider.overlays:
        approval = overlay.approved
        if approval is None:
            continue
        body_of = approved_bodies(overlay, context.content, context.git)
        for text_id, revision in approval.revisions.items():
            text = content.national.get(text_id)
            if text is None or revision == text.revision:
                continue
            key = (text.rel, revision)
            if key not in checked:
                pinned = body_of(text)
                checked[key] = _pinned_problems(text.rel, revision, pinned, policy) if pinned else []
            line = overlay.lines("approved", "revisions", text_id)
            for problem in checked[key]:
                found.append(
                    error(
                        overlay.rel,
                        line,
                        problem.code,
                        f"the approved revision {revision} of {text_id}, which this site still publishes, "
                        f"has a problem at {problem.path}:{problem.line} in that revision: {problem.message}; "
                        "approve the current revision instead",
                    )
                )
    return found


def _pinned_problems(rel: str, revision: str, pinned: tuple[str, int], policy: Policy) -> list[Diagnostic]:
    body, first_line = pinned
    size = len(body.encode("utf-8"))
    if size > policy.max_file_bytes:
        return [file_too_large(rel, first_line, size, policy.max_file_bytes)]
    return scan(body, rel, first_line, policy)
