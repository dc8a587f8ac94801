"""Scaffolding: an overlay that adopts a national text, and a new national text."""

from __future__ import annotations

import difflib
from pathlib import Path

from .approve import scalar
from .errors import HcwebError, UnknownProvider
from .repo import Content, Repository

STANDARD_SECTIONS = (
    ("about", "Om behandlingen"),
    ("referral", "Henvisning"),
    ("assessment", "Utredning"),
    ("treatment", "Behandling"),
    ("follow-up", "Oppfølging"),
)


def _create(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:  # never overwrite an author's file
            handle.write(text)
    except FileExistsError:
        raise HcwebError(f"{path} already exists; choose another name with --name") from None


def adopt(repo: Repository, content: Content, text_id: str, provider_id: str, name: str | None = None) -> Path:
    provider = content.providers.get(provider_id)
    if provider is None:
        raise UnknownProvider(f"there is no provider '{provider_id}' (known: {', '.join(sorted(content.providers))})")
    text = content.national.get(text_id)
    if text is None:
        close = difflib.get_close_matches(text_id, list(content.national), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise HcwebError(f"there is no national text '{text_id}'{hint}")
    if text.is_draft:
        raise HcwebError(f"'{text_id}' is a draft; it can be adopted when its owner publishes it")
    collection, slug = text_id.split("/")
    path = repo.content_dir / "providers" / provider_id / collection / f"{name or slug}.md"
    _intro, sections = text.sections()
    known = ", ".join(loc.id for loc in provider.locations)
    lines = [
        "---",
        f"uses: {text_id}",
        f"# Where {provider.name} offers this: location ids from provider.yml ({known})",
        "locations: []",
        "---",
    ]
    for section in sections:
        if section.id:
            lines += [f'{{% include "{text_id}#{section.id}" %}}', ""]
    _create(path, "\n".join(lines).rstrip("\n") + "\n")
    return path


def new_national(repo: Repository, content: Content, text_id: str, owner: str, title: str) -> Path:
    if owner not in content.providers:
        raise UnknownProvider(f"there is no provider '{owner}' (known: {', '.join(sorted(content.providers))})")
    collection, _, slug = text_id.partition("/")
    if collection not in content.policy.collections:
        raise HcwebError(f"'{collection}' is not a collection in hcweb.yml (known: {', '.join(content.policy.collections)})")
    path = repo.content_dir / "common" / collection / f"{slug}.md"
    lines = [
        "---",
        f"title: {scalar(title)}",
        "type: treatment",
        "summary: Skriv én eller to setninger om hva siden handler om.",
        f"owner: {owner}",
        "status: draft",
        "---",
        "Skriv en kort innledning.",
        "",
    ]
    for section_id, heading in STANDARD_SECTIONS:
        lines += [f"## {heading} {{#{section_id}}}", "", "Tekst.", ""]
    _create(path, "\n".join(lines).rstrip("\n") + "\n")
    return path
