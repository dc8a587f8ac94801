"""Routing a change suggestion (an issue made from .github/ISSUE_TEMPLATE/change-suggestion.yml) to the
provider that owns the national text it is about."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .repo import Content

FIELD = "Nasjonal tekst"  # the label of the form's field with the text's id
NO_RESPONSE = "_No response_"  # what GitHub writes for a field left empty
SHOWN = re.compile(r"[a-z0-9][a-z0-9/_-]{0,99}")  # an id that may be quoted back in the comment (no mentions, no Markdown)


@dataclass(frozen=True)
class Route:
    """The text the suggestion names, its owner ("" when there is none), and what to tell the author then."""

    text: str
    owner: str
    comment: str = ""


def form_field(body: str, label: str) -> str:
    """The value of the field ``label`` in an issue made from a form: the lines under its ``### label`` heading."""
    lines = body.replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        if line.strip() == f"### {label}":
            value = []
            for following in lines[index + 1 :]:
                if following.startswith("### "):
                    break
                value.append(following)
            text = "\n".join(value).strip()
            return "" if text == NO_RESPONSE else text
    return ""


def route(content: Content, issue_body: str) -> Route:
    """Who owns the national text the suggestion names."""
    text = "".join(form_field(issue_body, FIELD).split()).strip("`")
    national = content.national.get(text)
    if national is not None and national.owner:
        return Route(text, national.owner)
    shown = f"`{text}`" if SHOWN.fullmatch(text) else "som den du skrev"
    return Route(
        text,
        "",
        f"Fant ingen nasjonal tekst med id {shown}. Skriv id-en slik den står i katalogen, for eksempel `treatments/hip-replacement`.",
    )
