"""Includes, sections and revisions: from an overlay to the merged Markdown of one page.

This is a pure step: it reads the loaded content and returns Markdown plus what
it was made of. It knows nothing about MkDocs.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .diagnostics import Diagnostic, error
from .documents import editor_lines
from .model import NationalText, Person, Provider, Translation, items, mapping, translation_key
from .model import text as text_field
from .repo import Content, GitView, NotPinnable
from .sections import SECTION_ID, directives, headings, section_ids, split_sections

_NATIONAL_TARGET = re.compile(r"^(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*)(?:#(?P<section>[^\s#]*))?$")
_SNIPPET_TARGET = re.compile(r"^snippets/(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)$")

# A national text's body at the revision a provider approved: (body, first line), or
# None when that revision cannot be found.
BodyLookup = Callable[[NationalText], "tuple[str, int] | None"]


def current_body(text: NationalText) -> tuple[str, int]:
    return text.body, text.body_line


@dataclass(frozen=True)
class Anchor:
    id: str
    rel: str
    line: int


@dataclass
class Expansion:
    """The result of expanding one file's includes."""

    markdown: str = ""
    included: dict[str, int] = field(default_factory=dict)  # national id -> line of the first include
    files: set[str] = field(default_factory=set)  # every file whose text is on the page
    anchors: list[Anchor] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    count: int = 0  # includes expanded so far
    translations: dict[str, ShownTranslation] = field(default_factory=dict)  # national id -> the translation shown of it


class Resolver:
    """Expands include directives for one provider."""

    def __init__(self, content: Content, provider: Provider, body_of: BodyLookup = current_body) -> None:
        self.content = content
        self.provider = provider
        self.body_of = body_of

    def expand(self, body: str, rel: str, first_line: int) -> Expansion:
        result = Expansion()
        result.markdown = self._expand(body, rel, first_line, (rel,), result)
        return result

    def _expand(self, body: str, rel: str, first_line: int, chain: tuple[str, ...], result: Expansion) -> str:
        result.files.add(rel)
        found = {d.line: d for d in directives(body, first_line)}
        anchors = {h.line: h.id for h in headings(body, first_line) if h.id}
        out: list[str] = []
        for number, line in enumerate(editor_lines(body), start=first_line):
            directive = found.get(number)
            if directive is None:
                if number in anchors:
                    result.anchors.append(Anchor(anchors[number], rel, number))
                out.append(line)
                continue
            if directive.malformed:
                result.problems.append(
                    error(
                        rel,
                        number,
                        "include-syntax",
                        'an include is written {% include "collection/slug#section" %}, with double quotes, alone on its line',
                    )
                )
                continue
            included = self._include(directive.target, rel, number, chain, result)
            if included is not None:
                out.append(included if included.endswith("\n") else included + "\n")
        return "".join(out)

    def _include(self, target: str, rel: str, line: int, chain: tuple[str, ...], result: Expansion) -> str | None:
        limits = self.content.policy
        if len(chain) > limits.max_include_depth:
            result.problems.append(
                error(rel, line, "include-depth", f"includes are nested more than {limits.max_include_depth} deep: {' → '.join(chain)}")
            )
            return None
        result.count += 1
        if result.count > limits.max_includes_per_page:
            if result.count == limits.max_includes_per_page + 1:
                result.problems.append(
                    error(
                        rel,
                        line,
                        "include-count",
                        f"the page has more than {limits.max_includes_per_page} includes (hcweb.yml limits); split it up",
                    )
                )
            return None
        snippet = _SNIPPET_TARGET.match(target)
        national = _NATIONAL_TARGET.match(target)
        if snippet:
            return self._include_snippet(snippet.group("name"), target, rel, line, chain, result)
        if national and not target.startswith("snippets/"):
            return self._include_national(national.group("id"), national.group("section"), rel, line, chain, result)
        result.problems.append(
            error(
                rel,
                line,
                "include-target",
                f'"{target}" cannot be included: an include names a national text (collection/slug, '
                "optionally #section) or one of this provider's snippets (snippets/name)",
            )
        )
        return None

    def _include_snippet(self, name: str, target: str, rel: str, line: int, chain: tuple[str, ...], result: Expansion) -> str | None:
        snippet = self.provider.snippets.get(name)
        if snippet is None:
            known = ", ".join(f"snippets/{n}" for n in sorted(self.provider.snippets)) or "none"
            result.problems.append(
                error(rel, line, "include-missing", f"{self.provider.name} has no snippet '{target}' (its snippets: {known})")
            )
            return None
        if snippet.rel in chain:
            result.problems.append(error(rel, line, "include-cycle", f"the includes form a cycle: {' → '.join((*chain, snippet.rel))}"))
            return None
        return self._expand(snippet.body, snippet.rel, 1, (*chain, snippet.rel), result)

    def _include_national(
        self, text_id: str, section_id: str | None, rel: str, line: int, chain: tuple[str, ...], result: Expansion
    ) -> str | None:
        text = self.content.national.get(text_id)
        if text is None:
            close = difflib.get_close_matches(text_id, list(self.content.national), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            result.problems.append(error(rel, line, "include-missing", f"there is no national text '{text_id}'{hint}"))
            return None
        if text.is_draft:
            result.problems.append(
                error(rel, line, "include-draft", f"'{text_id}' is a draft; it cannot be included until its owner publishes it")
            )
            return None
        if text.rel in chain:
            result.problems.append(error(rel, line, "include-cycle", f"the includes form a cycle: {' → '.join((*chain, text.rel))}"))
            return None
        result.included.setdefault(text_id, line)
        result.files.add(text.rel)
        pinned = self.body_of(text)
        if pinned is None:
            return None  # the approved revision is not in history: reported by the approval check
        body, first_line = pinned
        intro, sections = split_sections(body, first_line)
        if section_id is None:
            chosen, ids = body, [heading.id for heading in headings(body, first_line)]
        else:
            section = next((s for s in sections if s.id == section_id), None)
            if section is None:
                known = ", ".join(s.id for s in sections if s.id) or "none"
                result.problems.append(
                    error(rel, line, "include-section", f"'{text_id}' has no section '{section_id}' (its sections: {known})")
                )
                return None
            chosen, ids = section.markdown, section_ids(section)
        for heading_id in ids:
            if heading_id and SECTION_ID.match(heading_id):
                result.anchors.append(Anchor(heading_id, rel, line))
        return chosen


def overlay_body(overlay) -> tuple[str, int]:
    """The overlay's body; an empty body includes the whole national text it uses."""
    if overlay.body.strip() or not overlay.uses:
        return overlay.body, overlay.body_line
    return f'{{% include "{overlay.uses}" %}}\n', overlay.lines("uses")


@dataclass(frozen=True)
class ShownText:
    """A national text as a site shows it: the text in the tree, or a revision the provider's experts approved."""

    text: NationalText
    meta: dict
    body: str
    body_line: int
    revision: str
    committed: dt.date | None = None  # a pinned revision: when it was committed on the main line
    safety: bool = False  # a safety correction, shown in place of the provider's older pin

    @property
    def pinned(self) -> bool:
        return self.revision != self.text.revision

    @property
    def title(self) -> str:
        return text_field(self.meta, "title") or self.text.id

    @property
    def summary(self) -> str:
        return text_field(self.meta, "summary") or ""

    @property
    def type(self) -> str | None:
        return text_field(self.meta, "type")

    @property
    def responsible(self) -> Person | None:
        return Person.from_data(self.meta.get("responsible"))

    @property
    def helsenorge(self) -> list[dict]:
        return [entry for entry in items(self.meta, "helsenorge") if text_field(entry, "title") and text_field(entry, "url")]

    @property
    def choose_location_code(self) -> str | None:
        return text_field(mapping(self.meta, "choose_location"), "code")


def current(text: NationalText) -> ShownText:
    return ShownText(text, text.meta, text.body, text.body_line, text.revision)


def shown_text(text: NationalText, recorded: str | None, history: GitView | None, branch: str) -> ShownText | NotPinnable:
    """Pinning, the one place it is decided: what a provider whose experts approved ``recorded`` shows of ``text``.

    - the text in the tree, when that is the revision approved (or none is recorded: an error of its own);
    - otherwise the approved revision, only as its owner approved it on the main line (first-parent history
      of ``branch``), never from a pull request's intermediate commits or a side branch;
    - but a safety correction the owner approved after that revision replaces it at once.
    NotPinnable (with the reason) when the revision cannot be published: fail closed.
    """
    if recorded is None or recorded == text.revision:
        return current(text)
    if history is None:
        return NotPinnable("the history is not available, so the approved revision cannot be found")
    pinned = history.find_revision(text.rel, recorded, branch)
    if isinstance(pinned, NotPinnable):
        return pinned
    approval = text.approved
    if approval and approval.safety and approval.revision == text.revision:
        return ShownText(**{**current(text).__dict__, "safety": True})
    newer = history.safety_after(text.rel, pinned, branch)
    if newer is not None:
        return ShownText(text, newer.meta, newer.body, newer.body_line, newer.revision, newer.date, safety=True)
    return ShownText(text, pinned.meta, pinned.body, pinned.body_line, pinned.revision, pinned.date)


def approved_bodies(overlay, content: Content, history: GitView | None) -> BodyLookup:
    """Each national text's body as the overlay's experts approved it (shown_text); None when it cannot be published."""
    approval = overlay.approved
    branch = content.policy.main_branch

    def body_of(text: NationalText) -> tuple[str, int] | None:
        recorded = approval.revisions.get(text.id) if approval else None
        shown = shown_text(text, recorded, history, branch)
        return None if isinstance(shown, NotPinnable) else (shown.body, shown.body_line)

    return body_of


def expand_overlay(content: Content, provider: Provider, overlay, history: GitView | None = None) -> Expansion:
    """The overlay's page; with ``history``, national texts at their approved revisions.

    On a page in another language than the national texts' (a site in nynorsk, or an overlay in another language,
    ``<slug>.<language>.md``), each national text is shown in the page's language where overlay_translation finds a
    translation the provider may publish (Expansion.translations).
    Expanded once per overlay and mode, then shared by every check and the build.
    """
    key = (overlay.rel, history is not None)
    if key not in content.expansions:
        body, first_line = overlay_body(overlay)
        body_of = approved_bodies(overlay, content, history) if history is not None else current_body
        used: dict[str, ShownTranslation] = {}
        language = page_language(provider, overlay)
        if language != NATIONAL_LANGUAGE:
            body_of = _translated(content, overlay, language, history, body_of, used)
        expansion = Resolver(content, provider, body_of).expand(body, overlay.rel, first_line)
        expansion.translations = used
        expansion.files |= {shown.translation.rel for shown in used.values()}
        content.expansions[key] = expansion
    return content.expansions[key]


def page_language(provider: Provider, overlay) -> str:
    """The language of an overlay's page: its own (``<slug>.<language>.md``), else the site's."""
    return overlay.language or provider.language


def untranslated(content: Content, provider: Provider, overlay, history: GitView | None) -> list[str]:
    """The national texts an overlay in another language (``<slug>.<language>.md``) would show untranslated: such a
    page is published only when every text on it is shown in an approved translation, never in bokmål."""
    if overlay.language is None:
        return []
    expansion = expand_overlay(content, provider, overlay, history)
    return [text_id for text_id in expansion.included if text_id not in expansion.translations]


# -- translations -----------------------------------------------------------------------------------

# The language national texts are written in; on a site in another language they are shown translated when they can be.
NATIONAL_LANGUAGE = "nb"


@dataclass(frozen=True)
class ShownTranslation:
    """A translation of a national text as a site shows it: the one in the tree, or an approved earlier version."""

    translation: Translation
    meta: dict
    body: str
    body_line: int
    revision: str  # the translation's own revision shown
    committed: dt.date | None = None  # a pinned version: when it was committed on the main line

    @property
    def language(self) -> str:
        return self.translation.language

    @property
    def source_revision(self) -> str | None:
        return text_field(mapping(self.meta, "translates"), "revision")

    @property
    def title(self) -> str:
        return text_field(self.meta, "title") or self.translation.id

    @property
    def summary(self) -> str:
        return text_field(self.meta, "summary") or ""

    @property
    def pinned(self) -> bool:
        return self.revision != self.translation.revision


def current_translation(translation: Translation) -> ShownTranslation:
    return ShownTranslation(translation, translation.meta, translation.body, translation.body_line, translation.revision)


def approved_by_owner(content: Content, translation: Translation) -> bool:
    """Whether the translation in the tree is approved at its current revision by an expert of its source's owner."""
    text = content.national.get(translation.id)
    owner = content.providers.get(text.owner or "") if text else None
    approval = translation.approved
    if owner is None or approval is None or approval.revision != translation.revision:
        return False
    expert = owner.expert(approval.by)
    return expert is not None and expert.may_approve(text.specialty)


def shown_translation(
    content: Content,
    text_id: str,
    language: str,
    source_revision: str,
    recorded: str | None = None,
    history: GitView | None = None,
) -> ShownTranslation | None:
    """The translation of ``text_id`` into ``language`` that renders exactly ``source_revision``, as an expert of the
    text's owner approved it; None when there is none (the page then shows the national text itself).

    - ``recorded`` (a provider's approval of the translation): only that translation revision; None: any approved one;
    - the translation in the tree first; with ``history``, else an approved version on the main line (first-parent
      history, as GitView.find_revision), the oldest commit of a recorded revision, the newest otherwise.
    A translation nobody approved, or one of another source revision (a stale one), is never returned: fail closed.
    """
    translation = content.translations.get(text_id, {}).get(language)
    text = content.national.get(text_id)
    if translation is None or text is None:
        return None
    if (
        translation.source_revision == source_revision
        and recorded in (None, translation.revision)
        and approved_by_owner(content, translation)
    ):
        return current_translation(translation)
    if history is None:
        return None
    versions = [
        version
        for version in history.translation_versions(translation.rel, language, text.rel, content.policy.main_branch)
        if (recorded is None or version.revision == recorded)
        and text_field(mapping(version.meta, "translates"), "revision") == source_revision
    ]
    if not versions:
        return None
    chosen = versions[-1] if recorded is not None else versions[0]
    return ShownTranslation(translation, chosen.meta, chosen.body, chosen.body_line, chosen.revision, chosen.date)


def overlay_translation(
    content: Content, overlay, text: NationalText, source_revision: str, language: str, history: GitView | None
) -> ShownTranslation | None:
    """What an overlay's page shows of ``text`` in ``language``, the one place it is decided: the translation its
    provider's approval records (``approved.translations``), at the source revision shown, approved by the owner.

    Without ``history`` (a preview of the working tree, never published) the current translation of the current
    source revision, approved or not.
    """
    if language == NATIONAL_LANGUAGE:
        return None
    if history is None:
        translation = content.translations.get(text.id, {}).get(language)
        if translation is not None and translation.source_revision == source_revision:
            return current_translation(translation)
        return None
    approval = overlay.approved
    recorded = approval.translations.get(translation_key(text.id, language)) if approval else None
    if recorded is None:
        return None  # the provider has not approved a translation: never published unapproved
    return shown_translation(content, text.id, language, source_revision, recorded, history)


def _translated(
    content: Content, overlay, language: str, history: GitView | None, body_of: BodyLookup, used: dict[str, ShownTranslation]
) -> BodyLookup:
    """``body_of`` with each national text's body replaced by its translation where overlay_translation finds one."""
    branch = content.policy.main_branch
    approval = overlay.approved

    def translated(text: NationalText) -> tuple[str, int] | None:
        found = body_of(text)
        if found is None:
            return None
        if history is None:
            source_revision = text.revision
        else:
            shown = shown_text(text, approval.revisions.get(text.id) if approval else None, history, branch)
            if isinstance(shown, NotPinnable):
                return found
            source_revision = shown.revision
        translation = overlay_translation(content, overlay, text, source_revision, language, history)
        if translation is None:
            return found
        used[text.id] = translation
        return translation.body, translation.body_line

    return translated
