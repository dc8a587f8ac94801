"""What each approval covers, and since when that content has been as it is.

Shared by validate (checks/approvals.py) and by ``hcweb approve``: an approval may
not be dated before the newest of the words it approves was committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .documents import split_front_matter
from .model import NationalText, Overlay, Provider, ProviderPage
from .repo import GitView, NotPinnable
from .revisions import OVERLAY_SHOWN, included_snippets, national_revision, normalised, page_local, shown_fields

# A test on a version of a file: is it, in what an approval covers, the same as now?
Same = Callable[[str], bool]


@dataclass(frozen=True)
class Part:
    """One file an approval covers, and how to tell an earlier version of it that reads the same."""

    rel: str
    same: Same | None  # None: ``day`` is already known
    day: dt.date | None = None


@dataclass(frozen=True)
class Covered:
    rel: str
    day: dt.date  # the commit date since which it has read as approved (today: not committed yet)
    committed: bool = True

    def when(self) -> str:
        return f"was committed on {self.day.isoformat()}" if self.committed else "is not committed yet"


def _meta_body(text: str, rel: str) -> tuple[dict, str]:
    source = split_front_matter(text, rel)
    return (source.data if isinstance(source.data, dict) else {}), source.body


def national_part(text: NationalText) -> Part:
    def same(version: str) -> bool:
        return national_revision(*_meta_body(version, text.rel)) == text.revision

    return Part(text.rel, same)


def overlay_parts(
    overlay: Overlay,
    provider: Provider,
    content_national: dict[str, NationalText],
    history: GitView | None,
    branch: str,
    revisions: dict[str, str] | None = None,
) -> list[Part]:
    """The overlay's own text, the snippets it includes, and each national revision its approval records (or ``revisions``)."""
    own: list[tuple[str, str]] = []  # the overlay as it is now, worked out when history is read at all (seldom)

    def same_own(version: str) -> bool:
        if not own:
            own.append((shown_fields(overlay.meta, OVERLAY_SHOWN), normalised(overlay.body)))
        meta, body = _meta_body(version, overlay.rel)
        return (shown_fields(meta, OVERLAY_SHOWN), normalised(body)) == own[0]

    parts = [Part(overlay.rel, same_own)]
    for name, body in included_snippets(overlay.body, lambda n: provider.snippets[n].body if n in provider.snippets else None):
        parts.append(Part(provider.snippets[name].rel, _same_text(body)))
    if revisions is None:
        revisions = overlay.approved.revisions if overlay.approved else {}
    for text_id, recorded in revisions.items():
        text = content_national.get(text_id)
        if text is None:
            continue
        if recorded == text.revision:
            parts.append(national_part(text))
        elif history is not None:
            pinned = history.find_revision(text.rel, recorded, branch)
            if not isinstance(pinned, NotPinnable):
                parts.append(Part(text.rel, None, pinned.date))
    return parts


def _same_text(text: str) -> Same:
    """A test for a version of a file whose whole text is ``text`` (line endings aside)."""
    wanted = normalised(text)
    return lambda version: normalised(version) == wanted


def page_part(page: ProviderPage) -> Part:
    def same(version: str) -> bool:
        return page_local(*_meta_body(version, page.rel)) == page.local_hash

    return Part(page.rel, same)


def newest_after(history: GitView | None, parts: list[Part], on: dt.date, today: dt.date) -> Covered | None:
    """The newest part whose words were first committed after ``on`` (an approval of that day cannot have seen
    them), or None. Words not committed at all count as written today.

    Cheap when all is well: a file's history is read only when it changed after ``on`` at all.
    """
    if history is None or history.repo is None:
        return None
    newest: Covered | None = None
    for part in parts:
        if part.day is not None:
            day = part.day
        elif not history.has_uncommitted_changes(part.rel) and (history.last_changed(part.rel) or dt.date.max) <= on:
            continue  # nothing of it was committed after the approval
        else:
            day = history.written_on(part.rel, part.same)
        if (day or today) > on and (newest is None or (day or today) > newest.day):
            newest = Covered(part.rel, day or today, day is not None)
    return newest
