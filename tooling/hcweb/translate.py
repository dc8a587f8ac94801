"""Scaffolding a translation of a national text: every section heading and id in place, the source under each."""

from __future__ import annotations

import difflib
from pathlib import Path

from .errors import HcwebError
from .files import write_atomic
from .repo import Content, Repository
from .sections import headings


class TranslationExists(HcwebError):
    """The translation file is there already: it is never overwritten."""


def _comment(markdown: str) -> list[str]:
    """``markdown`` as an HTML comment (a ``--`` inside would end it early, so it is written with a space)."""
    text = markdown.strip("\n").replace("--", "- -")
    return ["<!--", *text.splitlines(), "-->"] if text.strip() else []


def _source_revision(content: Content, text_id: str) -> str:
    text = content.national[text_id]
    approval = text.approved
    if approval is None or approval.revision != text.revision:
        raise HcwebError(f"{text.rel}: the text has changes its owner has not approved; translate it when its current revision is approved")
    return text.revision


def translate(repo: Repository, content: Content, text_id: str, language: str) -> Path:
    """Write content/common/<collection>/<slug>.<language>.md for ``text_id``: its sections with ids, the source text
    in a comment under each, ``translates.revision`` the source's current approved revision, and no approval."""
    text = content.national.get(text_id)
    if text is None:
        close = difflib.get_close_matches(text_id, list(content.national), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise HcwebError(f"there is no national text '{text_id}'{hint}")
    languages = content.policy.languages
    if language not in languages:
        raise HcwebError(f"'{language}' is not a language in hcweb.yml (languages: {', '.join(languages) or 'none'})")
    revision = _source_revision(content, text_id)
    path = Path(repo.root, *text.rel.split("/")).with_name(f"{text_id.split('/')[1]}.{language}.md")
    if path.exists():
        raise TranslationExists(f"{repo.rel(path)} already exists; edit it (see 'hcweb diff {repo.rel(path)}' for what changed)")
    intro, sections = text.sections()
    lines = [
        "---",
        "# Translate the title and the summary (the source's are in the comments), then the text under each heading.",
        f"# Source: {text.rel} (revision {revision}); an expert of {text.owner} approves the translation.",
        f"title: {_quoted(text.title)}  # translate",
        f"summary: {_quoted(text.summary)}  # translate",
        "translates:",
        f"  revision: {revision}",
        "---",
    ]
    lines += _comment(intro)
    for section in sections:
        heading = next(iter(headings(section.markdown, 1)), None)
        if heading is None or not section.id:
            continue
        lines += ["", f"## {heading.text} {{#{section.id}}}", ""]
        body = section.markdown.split("\n", 1)[1] if "\n" in section.markdown else ""
        lines += _comment(body)
    write_atomic(path, "\n".join(lines).rstrip("\n") + "\n")
    return path


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
