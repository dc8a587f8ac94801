"""What changed in an overlay since its experts approved it (the national texts it includes, body and shown
front matter, and its own text and snippets), and in a translation's source since the revision it renders."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import yaml

from .documents import split_front_matter
from .errors import HcwebError
from .model import NationalText, Overlay, Translation
from .repo import Content, NotPinnable, Repository
from .resolve import expand_overlay
from .revisions import NATIONAL_SHOWN, OVERLAY_SHOWN, included_snippets, overlay_local
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
    fields: list[str] = field(default_factory=list)  # unified diff of the shown front matter

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
            result.fields = field_diff(f"{text_id} (front matter)", {}, text.meta, NATIONAL_SHOWN, "not approved", f"now {text.revision}")
        elif recorded != text.revision:
            pinned = repo.git.find_revision(text.rel, recorded, content.policy.main_branch)
            if isinstance(pinned, NotPinnable):
                raise HcwebError(f"{overlay.rel}: the approved revision {recorded} of '{text_id}' cannot be shown: {pinned.reason}")
            result.revision_date = pinned.date.isoformat()
            result.sections = section_diff(text_id, pinned.body, text.body, f"approved {recorded}", f"now {text.revision}")
            result.fields = field_diff(
                f"{text_id} (front matter)", pinned.meta, text.meta, NATIONAL_SHOWN, f"approved {recorded}", f"now {text.revision}"
            )
        results.append(result)
    return results


def field_diff(name: str, old: dict, new: dict, fields: tuple[str, ...], old_label: str, new_label: str) -> list[str]:
    """A unified diff of the front-matter fields a reader sees, one field per block of YAML."""

    def lines(meta: dict) -> list[str]:
        chosen = {key: meta[key] for key in fields if key in meta}
        return yaml.safe_dump(chosen, allow_unicode=True, sort_keys=False, width=1000).splitlines(keepends=True) if chosen else []

    return list(difflib.unified_diff(lines(old), lines(new), fromfile=f"{name} ({old_label})", tofile=f"{name} ({new_label})"))


@dataclass
class LocalChanges:
    """What changed in an overlay's own text and snippets since its local hash was approved."""

    approved: str | None
    current: str
    commit_date: str | None = None  # when the approved local text was committed; None when not found
    diffs: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.approved != self.current


def local_changes(repo: Repository, content: Content, overlay: Overlay) -> LocalChanges:
    provider = content.providers[overlay.provider_id]
    approval = overlay.approved
    recorded = approval.local if approval else None
    result = LocalChanges(recorded, overlay.local_hash(provider))
    if not result.changed:
        return result
    snippets_dir = f"content/providers/{provider.id}/snippets/"
    now_files = _local_files(
        overlay.meta, overlay.body, overlay.rel, lambda n: provider.snippets[n].body if n in provider.snippets else None, snippets_dir
    )
    then_files: dict[str, str] = {}
    for commit in repo.git.commits_of(overlay.rel):
        text = repo.git.file_at(commit, overlay.rel)
        if text is None:
            continue
        source = split_front_matter(text, overlay.rel)
        meta = source.data if isinstance(source.data, dict) else {}

        def read(name: str, commit: str = commit) -> str | None:
            return repo.git.file_at(commit, f"{snippets_dir}{name}.md")

        if overlay_local(meta, source.body, read) == recorded:
            then_files = _local_files(meta, source.body, overlay.rel, read, snippets_dir)
            result.commit_date = repo.git.commit_date(commit).isoformat()
            break
    old_label = f"approved {recorded}" if then_files else "approved text not found in history"
    for rel in sorted(set(now_files) | set(then_files)):
        result.diffs += difflib.unified_diff(
            then_files.get(rel, "").splitlines(keepends=True),
            now_files.get(rel, "").splitlines(keepends=True),
            fromfile=f"{rel} ({old_label})",
            tofile=f"{rel} (now {result.current})",
        )
    return result


def _local_files(meta: dict, body: str, rel: str, read, snippets_dir: str) -> dict[str, str]:
    """The overlay's shown front matter and body, and each snippet it includes, as texts to compare."""
    shown = {key: meta[key] for key in OVERLAY_SHOWN if key in meta}
    front = yaml.safe_dump(shown, allow_unicode=True, sort_keys=False, width=1000) if shown else ""
    files = {rel: f"{front}---\n{body}"}
    for name, snippet in included_snippets(body, read):
        files[f"{snippets_dir}{name}.md"] = snippet
    return files


def translation_changes(repo: Repository, content: Content, translation: Translation) -> TextChanges:
    """What changed in a translation's source since the revision it renders (``translates.revision``): the sections
    and shown front matter to bring the translation up to date with."""
    text = content.national.get(translation.id)
    if text is None:
        raise HcwebError(f"{translation.rel}: there is no national text '{translation.id}' for it to translate")
    recorded = translation.source_revision
    result = TextChanges(text.id, recorded, text.revision)
    if recorded is None:
        result.sections = section_diff(text.id, "", text.body, "not translated", f"now {text.revision}")
        return result
    if recorded == text.revision:
        return result
    pinned = repo.git.find_revision(text.rel, recorded, content.policy.main_branch)
    if isinstance(pinned, NotPinnable):
        raise HcwebError(f"{translation.rel}: the revision {recorded} of '{text.id}' that it translates cannot be shown: {pinned.reason}")
    result.revision_date = pinned.date.isoformat()
    old, new = f"translated {recorded}", f"now {text.revision}"
    result.sections = section_diff(text.id, pinned.body, text.body, old, new)
    result.fields = field_diff(f"{text.id} (front matter)", pinned.meta, text.meta, NATIONAL_SHOWN, old, new)
    return result
