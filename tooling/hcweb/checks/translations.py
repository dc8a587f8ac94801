"""Translations of national texts (content/common/<collection>/<slug>.<language>.md) and what sites show of them.

- a translation's language is in hcweb.yml ``languages``, and its source (the national text) exists;
- it has exactly the source's level-2 section ids (the source at ``translates.revision``), each at its line;
- ``translates.revision`` is a revision of the source its owner approved (in the tree or on the main line);
- it is approved at its own revision by an expert of the source's owner, not before its words were committed;
- a translation of an older source revision than the source's approved one is stale (a warning, with the days);
- on a site in another language than the national texts', each national text a page shows without a translation
  is named (translation-missing, translation-stale, translation-not-approved-here), and a translation changed
  since the provider approved it is pinned at the approved revision (translation-pinned);
- an overlay in another language (``<slug>.<language>.md``) is published only when every national text on it is
  shown in a translation its provider approved at the revision shown: else each is an error (the page would show
  bokmål, or words nobody approved, as that language), and the page is left out of the site.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..approvals import Part, _meta_body
from ..diagnostics import Diagnostic, days, error, warning
from ..model import NationalText, Overlay, Provider, Translation, translation_key
from ..repo import NotPinnable, PinnedRevision
from ..resolve import NATIONAL_LANGUAGE, expand_overlay, page_language, shown_text
from ..revisions import translation_revision
from ..sections import headings
from . import national
from .approvals import _approver, _dates

if TYPE_CHECKING:
    from . import CheckContext


def check(context: CheckContext) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    relevant = {text.id for text in context.texts_in_scope()}
    for text_id, by_language in context.content.translations.items():
        if context.scope is not None and text_id not in relevant:
            continue
        for translation in by_language.values():
            found += translation_problems(context, translation)
    for provider in context.in_scope():
        for overlay in provider.overlays:
            if page_language(provider, overlay) not in (NATIONAL_LANGUAGE, None) and _in_own_language(provider, overlay):
                found += _overlay(context, provider, overlay)
    return found


def _in_own_language(provider: Provider, overlay: Overlay) -> bool:
    """Whether an overlay in another language is one the site could publish (else checks/site.py reports why not)."""
    return overlay.language is None or (overlay.original is not None and overlay.language != provider.language)


def translation_problems(context: CheckContext, translation: Translation) -> list[Diagnostic]:
    """Everything wrong with one translation file."""
    content, rel = context.content, translation.rel
    found: list[Diagnostic] = []
    languages = content.policy.languages
    if translation.language not in languages:
        listed = ", ".join(languages) or "none"
        found.append(
            error(
                rel,
                1,
                "translation-language",
                f"'{translation.language}' is not a language in hcweb.yml (languages: {listed}); the coordinators add languages there",
            )
        )
    text = content.national.get(translation.id)
    if text is None:
        return [
            *found,
            error(
                rel, 1, "translation-source", f"there is no national text '{translation.id}' ({translation.id}.md) for this to translate"
            ),
        ]
    found += national._structure(translation)  # ids on every heading, unique, no includes: as in a national text
    source = _source_at(context, text, translation)
    if isinstance(source, NotPinnable):
        found.append(
            error(
                rel,
                translation.lines("translates", "revision"),
                "translation-source-revision",
                f"translates.revision {translation.source_revision} is not a revision of '{text.id}' that its owner approved: "
                f"{source.reason}; set it to the revision you translated (the current one is {text.revision})",
            )
        )
    elif source is not None:
        found += _sections(translation, text, *source)
    found += _approval(context, translation, text)
    found += _stale(context, translation, text)
    return found


def _source_at(context: CheckContext, text: NationalText, translation: Translation) -> tuple[str, int] | NotPinnable | None:
    """The body of the source at ``translates.revision`` (and its first line); None when no revision is written."""
    wanted = translation.source_revision
    if wanted is None:
        return None
    approval = text.approved
    if wanted == text.revision and approval and approval.revision == wanted:
        return text.body, text.body_line
    if context.git is None:
        return NotPinnable("the history is not available")
    pinned = context.git.find_revision(text.rel, wanted, context.content.policy.main_branch)
    if isinstance(pinned, PinnedRevision):
        return pinned.body, pinned.body_line
    if wanted == text.revision:
        return NotPinnable("that revision is not approved by the text's owner yet")
    return pinned


def _sections(translation: Translation, text: NationalText, source_body: str, source_line: int) -> list[Diagnostic]:
    """Every level-2 section id of the source is in the translation, and no other."""
    wanted = [h.id for h in headings(source_body, source_line) if h.id]
    present = {h.id: h.line for h in headings(translation.body, translation.body_line) if h.id}
    found = []
    for index, section_id in enumerate(wanted):
        if section_id in present:
            continue
        following = next((present[s] for s in wanted[index + 1 :] if s in present), None)
        line = following or _end_line(translation)
        found.append(
            error(
                translation.rel,
                line,
                "translation-section-missing",
                f"the section '{section_id}' of '{text.id}' is missing: add '## <heading> {{#{section_id}}}' "
                + ("before this line" if following else "at the end"),
            )
        )
    known = set(wanted)
    for section_id, line in present.items():
        if section_id not in known:
            found.append(
                error(
                    translation.rel,
                    line,
                    "translation-section-extra",
                    f"'{text.id}' has no section '{section_id}'; a translation has exactly the source's sections "
                    f"({', '.join(wanted) or 'none'})",
                )
            )
    return found


def _end_line(translation: Translation) -> int:
    return translation.body_line + max(translation.body.count("\n") - 1, 0)


def _approval(context: CheckContext, translation: Translation, text: NationalText) -> list[Diagnostic]:
    owner = context.content.providers.get(text.owner or "")
    if owner is None:
        return []  # reported at the national text
    rel, lines, approval = translation.rel, translation.lines, translation.approved
    again = f"an expert of {owner.name} approves this wording: approve the pull request on GitHub, or run 'hcweb approve {rel} --by NAME'"
    if approval is None:
        return [error(rel, 1, "translation-unapproved", f"the translation is not approved; no site shows it until {again}")]
    found = _approver(rel, lines("approved", "by"), approval.by, owner, text.specialty, "approve this translation")
    if approval.revision != translation.revision:
        found.append(
            error(
                rel,
                lines("approved", "revision"),
                "translation-unapproved",
                f"the translation (its body, title, summary or translates) has changed since {approval.by or 'it'} approved "
                f"revision {approval.revision}; no site shows this wording until {again}",
            )
        )
    else:
        found += _dates(context, rel, lines, approval, [translation_part(translation)], f"approve it again with today's date ({again})")
    return found


def translation_part(translation: Translation) -> Part:
    """The translation file, for ``approvals.newest_after``: an earlier version that reads the same."""

    def same(version: str) -> bool:
        return translation_revision(*_meta_body(version, translation.rel), translation.language) == translation.revision

    return Part(translation.rel, same)


def _stale(context: CheckContext, translation: Translation, text: NationalText) -> list[Diagnostic]:
    """A translation of an older revision than the source's approved one: a warning, with the days since."""
    approval = text.approved
    if translation.source_revision is None or approval is None or approval.revision != text.revision:
        return []
    if translation.source_revision == text.revision:
        return []
    since = f" on {approval.on.isoformat()}, {days((context.today - approval.on).days)} ago" if approval.on else ""
    return [
        warning(
            translation.rel,
            translation.lines("translates", "revision"),
            "translation-stale",
            f"'{text.id}' has changed since the revision this translation renders ({translation.source_revision}): its "
            f"owner approved revision {text.revision}{since}. Sites show the national text in bokmål until the translation is "
            f"brought up to date: see 'hcweb diff {translation.rel}', translate the changes, set translates.revision and approve",
        )
    ]


# -- what a site in another language shows ---------------------------------------------------------


def _overlay(context: CheckContext, provider: Provider, overlay: Overlay) -> list[Diagnostic]:
    content, language = context.content, page_language(provider, overlay)
    if context.git is None or overlay.approved is None:
        return []
    expansion = expand_overlay(content, provider, overlay, context.git)
    approval = overlay.approved
    found = []
    for text_id in expansion.included:
        text = content.national.get(text_id)
        if text is None:
            continue
        line = overlay.lines("approved", "revisions", text_id)
        key = translation_key(text_id, language)
        shown = expansion.translations.get(text_id)
        if shown is not None:
            if shown.pinned:
                found.append(
                    warning(
                        overlay.rel,
                        overlay.lines("approved", "translations", key),
                        "translation-pinned",
                        f"the {language} translation of '{text_id}' has changed since it was approved here; the site keeps "
                        f"showing the approved revision {shown.revision} until an expert of {provider.name} approves it again "
                        f"('hcweb approve {overlay.rel} --by NAME')",
                    )
                )
            continue
        found += _not_shown(context, provider, overlay, text, line)
    for key in approval.translations:
        text_id, _, lang = key.rpartition(".")
        if text_id not in expansion.included or lang != language:
            found.append(
                warning(
                    overlay.rel,
                    overlay.lines("approved", "translations", key),
                    "approval-unused",
                    f"a translation revision is recorded for '{key}', but this {language} page does not show it; remove the line",
                )
            )
    return found


def _not_shown(context: CheckContext, provider: Provider, overlay: Overlay, text: NationalText, line: int) -> list[Diagnostic]:
    """Why a page on a site in another language shows ``text`` in bokmål (marked lang="nb"); on a page in another
    language (an overlay ``<slug>.<language>.md``) why the page is not published: errors, never bokmål in its place."""
    content, language = context.content, page_language(provider, overlay)
    recorded = overlay.approved.revisions.get(text.id) if overlay.approved else None
    source = shown_text(text, recorded, context.git, content.policy.main_branch)
    if isinstance(source, NotPinnable):
        return []  # reported by the approval check
    translation = content.translations.get(text.id, {}).get(language)
    if overlay.language is not None:
        return [_unpublished(overlay, text, translation, source.revision, line)]
    fallback = f"the page shows '{text.id}' in bokmål (marked lang=\"nb\")"
    if translation is None:
        return [
            warning(
                overlay.rel,
                line,
                "translation-missing",
                f"{fallback}: there is no {language} translation; its owner can start one with 'hcweb translate {text.id} --to {language}'",
            )
        ]
    if translation.source_revision != source.revision:
        return [
            warning(
                overlay.rel,
                line,
                "translation-stale",
                f"{fallback}: the {language} translation ({translation.rel}) renders revision {translation.source_revision}, "
                f"this site shows revision {source.revision}; the owner brings it up to date ('hcweb diff {translation.rel}')",
            )
        ]
    if translation.approved is None or translation.approved.revision != translation.revision:
        return [
            warning(
                overlay.rel,
                line,
                "translation-unapproved",
                f"{fallback}: the {language} translation ({translation.rel}) is not approved by the text's owner yet",
            )
        ]
    key = translation_key(text.id, language)
    recorded_translation = overlay.approved.translations.get(key)
    if recorded_translation is None:
        reason = f"this page's approval does not record the {language} translation ({translation.rel})"
    else:
        reason = (
            f"the {language} translation approved here ({recorded_translation}) is not an approved version of "
            f"{translation.rel} for revision {source.revision}"
        )
    return [
        warning(
            overlay.rel,
            line,
            "translation-not-approved-here",
            f"{fallback}: {reason}; an expert of {provider.name} reads it and runs 'hcweb approve {overlay.rel} --by NAME'",
        )
    ]


def _unpublished(overlay: Overlay, text: NationalText, translation: Translation | None, revision: str, line: int) -> Diagnostic:
    """Why an overlay in another language is not published: ``text`` has no translation into its language that the
    provider approved at the revision it shows (``revision``). The page would show words nobody approved in that
    language; bokmål is never shown in their place."""
    language = overlay.language
    unpublished = f"this {language} page is not published: it would show '{text.id}' in words nobody approved in {language}"
    again = f"then an expert of the provider reads it and runs 'hcweb approve {overlay.rel} --by NAME'"
    if translation is None:
        why = f"there is no {language} translation; its owner can start one with 'hcweb translate {text.id} --to {language}'"
    elif translation.source_revision != revision:
        why = (
            f"the {language} translation ({translation.rel}) renders revision {translation.source_revision}, this page "
            f"approved revision {revision}; its owner brings it up to date ('hcweb diff {translation.rel}'), {again}"
        )
    elif translation.approved is None or translation.approved.revision != translation.revision:
        why = f"the {language} translation ({translation.rel}) is not approved by the text's owner yet; {again}"
    else:
        recorded = overlay.approved.translations.get(translation_key(text.id, language)) if overlay.approved else None
        if recorded is None:
            why = f"this page's approval does not record the {language} translation ({translation.rel}); {again}"
        else:
            why = (
                f"the {language} translation approved here ({recorded}) is not an approved version of {translation.rel} "
                f"for revision {revision}; {again}"
            )
    return error(overlay.rel, line, "translation-not-published", f"{unpublished}: {why}")
