"""What changed in the national texts an overlay includes since its experts approved them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from .errors import HcwebError
from .model import NationalText, Overlay
from .repo import Content, Repository
from .resolve import expand_overlay
from .sections import split_sections


@dataclass
class SectionChange:
    section: str  # section id, or "(intro)" for the text before the first heading
    diff: list[str]  # unified diff lines


@dataclass
class TextChanges:
    text_id: str
    approved: str | None  # the approved revision, None when none is recorded
    current: str
    revision_date: str | None = None  # date of the commit that holds the approved revision
    sections: list[SectionChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.approved != self.current


def _by_section(body: str) -> dict[str, str]:
    intro, sections = split_sections(body, 1)
    parts = {"(intro)": intro} if intro.strip() else {}
    for index, section in enumerate(sections):
        parts[section.id or f"(heading {index + 1})"] = section.markdown
    return parts


def section_diff(text_id: str, old: str, new: str, old_label: str, new_label: str) -> list[SectionChange]:
    """Unified diffs of the sections that differ, in the order of the new text (removed ones last)."""
    before, after = _by_section(old), _by_section(new)
    order = list(after) + [key for key in before if key not in after]
    changes = []
    for key in order:
        old_part, new_part = before.get(key, ""), after.get(key, "")
        if old_part == new_part:
            continue
        lines = list(
            difflib.unified_diff(
                old_part.splitlines(keepends=True),
                new_part.splitlines(keepends=True),
                fromfile=f"{text_id}#{key} ({old_label})",
                tofile=f"{text_id}#{key} ({new_label})",
            )
        )
        changes.append(SectionChange(key, [line if line.endswith("\n") else line + "\n" for line in lines]))
    return changes


def overlay_changes(repo: Repository, content: Content, overlay: Overlay) -> list[TextChanges]:
    provider = content.providers[overlay.provider_id]
    expansion = expand_overlay(content, provider, overlay)  # the current texts: what there is to approve
    approval = overlay.approved
    results = []
    for text_id in expansion.included:
        text: NationalText = content.national[text_id]
        recorded = approval.revisions.get(text_id) if approval else None
        result = TextChanges(text_id, recorded, text.revision)
        if recorded is None:
            result.sections = section_diff(text_id, "", text.body, "not approved", f"now {text.revision}")
        elif recorded != text.revision:
            pinned = repo.git.find_revision(text.rel, recorded)
            if pinned is None:
                raise HcwebError(
                    f"{overlay.rel}: the approved revision {recorded} of '{text_id}' is not in the git history "
                    "(in a shallow clone, run: git fetch --unshallow)"
                )
            result.revision_date = pinned.date.isoformat()
            result.sections = section_diff(text_id, pinned.body, text.body, f"approved {recorded}", f"now {text.revision}")
        results.append(result)
    return results
