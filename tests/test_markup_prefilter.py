"""The HTML policy's pre-filter renders fewer texts and still misses nothing.

validate renders a text with the sites' Markdown only when it may hold something the policy refuses
(markup._may_hold_markup). Headings with an explicit id (``## Henvisning {#referral}``) are in every
national text and overlay; they are not rendered. The property: for every body built from the pieces
that make elements, attributes and ids, a body the pre-filter lets through renders without a violation.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hcweb import markup
from hcweb.markup import RenderError, _may_hold_markup, check_markdown, render, violations

PROPERTY = settings(max_examples=600, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

PREFIXES = ["", "", "", "> ", "- ", "1. ", "10) ", "  ", "    ", "\t", "> - ", "* ", "+ ", "Ring 22 00 00 00 "]
HEADING_TEXTS = [
    "Henvisning",
    "Hva skjer?",
    "Før operasjonen",
    "Spørsmål og svar",
    "Café",
    "2024",
    "?",
    "...",
    "-",
    "- a",
    "",
    "日本",
    "a_b",
    "*Viktig*",
    "`kode`",
    "[lenke](https://x.no)",
    "&amp;",
    "a\\b",
    "T ##",
    "ord " * 30,
    "a" * 98,
    "a" * 99,
    "Å" * 60,
    "C# og F#",
]
ATTRIBUTES = [
    "",
    "",
    " {#referral}",
    " {: #referral }",
    " {#a-b_c}",
    " {#_bad}",
    " {#-bad}",
    " {.note}",
    " {.class}",
    " {#ok .note}",
    " {#ok style=x}",
    " {#" + "a" * 100 + "}",
    " {#" + "a" * 101 + "}",
    "{#ok}",
    " {#ok}  ",
    " {#ok} ##",
    " {#ok}\t",
    " {#ok} {#two}",
]
LINES = [
    "",
    "",
    "Vanlig tekst om behandlingen.",
    "Ring oss på 22 00 00 00.",
    "<b>fet</b>",
    "<script>alert(1)</script>",
    "[lenke](javascript:alert(1))",
    "[ref]: https://x.no",
    "![bilde](https://x.no/a.png)",
    "{: style=color:red}",
    "{#id}",
    "Tekst {#id}",
    "*tekst*{#id}",
    "!!! note",
    "??? note",
    "```",
    "```Python",
    "```python",
    "~~~ {.x data-a=1}",
    "``` {#id}",
    "---",
    "===",
    "***",
    "Overskrift",
    "| a | b |",
    "|---|:-:|",
    "C# er et språk",
    "&#60;script&#62;",
    "\\<b>",
    "`<code>`",
    "  - underpunkt",
    "\t- tab",
    "> sitat",
    "[TOC]",
    "linje med to mellomrom  ",
    "1. en",
    "3. tre",
    "\r",
    "a\rb",
    "#######",
    "> ##### Dyp",
    "- ##### Dyp",
]


@st.composite
def heading(draw) -> str:
    hashes = "#" * draw(st.integers(1, 7))
    gap = draw(st.sampled_from([" ", " ", "", "  ", "\t"]))
    return draw(st.sampled_from(PREFIXES)) + hashes + gap + draw(st.sampled_from(HEADING_TEXTS)) + draw(st.sampled_from(ATTRIBUTES))


# Mostly the pieces of real texts (so that many bodies are let through), each risky piece now and then.
ordinary_heading = st.builds(
    lambda marks, text, attribute: marks + " " + text + attribute,
    st.sampled_from(["##", "##", "###", "####", "> ##", "- ###"]),
    st.sampled_from(HEADING_TEXTS[:6]),
    st.sampled_from(["", " {#referral}", " {#after}", " {: #what }"]),
)
ordinary_line = st.sampled_from(["", "", "Vanlig tekst om behandlingen.", "- punkt", "1. en", "> sitat", "C# er et språk"])
piece = st.one_of(ordinary_heading, ordinary_heading, ordinary_line, ordinary_line, ordinary_line, heading(), st.sampled_from(LINES))
bodies = st.lists(piece, min_size=1, max_size=10).map("\n".join)


def refused(body: str, max_heading: int) -> bool:
    """Whether the policy refuses anything in the page ``body`` becomes (the slow path: always rendered)."""
    try:
        return bool(violations(render(body), (), max_heading))
    except RenderError:
        return True


@PROPERTY
@given(bodies, st.integers(2, 6))
@example("## Tittel {#referral}\n\n> ##### Dyp", 4)
@example("## ?", 4)
@example("```Python\nx\n```", 4)
def test_a_body_the_pre_filter_lets_through_has_nothing_the_policy_refuses(body: str, max_heading: int) -> None:
    if not _may_hold_markup(body, max_heading):
        assert not refused(body, max_heading), body


@pytest.mark.parametrize(
    ("body", "max_heading", "rendered"),
    [
        # An explicit id the policy allows cannot make anything it refuses: not rendered.
        ("## Henvisning {#referral}\n\nTekst.\n\n## Etter behandlingen {#after}\n\nMer tekst.", 4, False),
        ("## Hva skjer? {: #what }", 4, False),
        ("## Spørsmål", 4, False),
        ("#### Dypt nok", 4, False),
        # Everything else with a '{' is.
        ("## Henvisning {#_referral}", 4, True),
        ("## Henvisning {.note}", 4, True),
        ("## *Viktig* {#important}", 4, True),
        ("Tekst {#id}", 4, True),
        # A heading's id made from its text must be a valid id too.
        ("## ?", 4, True),
        ("## " + "ord " * 30, 4, True),
        ("## 日本", 4, True),
        # Heading levels follow the policy's max_heading_level, also inside quotes and lists.
        ("#### Dypt", 3, True),
        ("##### Dypt", 5, False),
        ("> ##### Dyp", 4, True),
        ("- ##### Dyp", 4, True),
        # A code block's language becomes a class.
        ("```Python\nx = 1\n```", 4, True),
        ("```\nx = 1\n```", 4, False),
    ],
)
def test_which_bodies_are_rendered(body: str, max_heading: int, rendered: bool) -> None:
    assert _may_hold_markup(body, max_heading) is rendered
    if not rendered:
        assert not refused(body, max_heading)


def test_every_hole_of_the_former_pre_filter_is_now_reported(monkeypatch) -> None:
    """Texts the former pre-filter let through unrendered, each with something the policy refuses."""
    for body in ("## ?", "> ##### Dyp", "```Python\nx\n```", "## " + "ord " * 30):
        assert check_markdown(body, (), 4), body


def test_a_national_text_with_section_ids_is_not_rendered(monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(markup, "render", lambda text: calls.append(text) or "")
    body = "Innledning.\n\n## Om behandlingen {#about}\n\nTekst.\n\n## Henvisning {#referral}\n\nTekst.\n"
    assert check_markdown(body, (), 4, 300) == []
    assert calls == []
