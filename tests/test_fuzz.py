"""Property-based tests: the parsers never fail on arbitrary text, lines stay inside the file, and merging
every section of a national text in order gives back the national text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hcweb.documents import LineMap, split_front_matter
from hcweb.model import NationalText, Policy, Provider
from hcweb.repo import Content
from hcweb.resolve import Resolver
from hcweb.sections import directives, headings, headings_line_by_line, split_sections

# Text built from the pieces that matter to the parsers, mixed with anything at all.
PIECES = st.sampled_from(
    [
        "---",
        "...",
        "## ",
        "{#id}",
        "```",
        "~~~",
        '{% include "a/b#c" %}',
        "{%",
        "%}",
        ":",
        "- ",
        "  ",
        "\t",
        "&a",
        "*a",
        "!!python/object",
        "\r\n",
        "\n",
        "#",
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def line_count(text: str) -> int:
    return max(1, len(text.splitlines()) + 1)


@FUZZ
@given(TEXT)
def test_front_matter_splitter_never_fails_and_lines_stay_in_the_file(text: str) -> None:
    source = split_front_matter(text, "x.md")
    assert 1 <= source.body_line <= line_count(text) + 1
    for problem in source.problems:
        assert 1 <= problem.line <= line_count(text), (problem, text)
    for line in source.lines.lines.values():
        assert 1 <= line <= line_count(text)


@FUZZ
@given(TEXT, st.integers(min_value=1, max_value=500))
def test_section_splitter_and_include_parser_keep_lines_inside_the_body(body: str, first: int) -> None:
    last = first + max(0, len(body.splitlines()) - 1)
    intro, sections = split_sections(body, first)
    assert intro + "".join(s.markdown for s in sections) == "".join(body.splitlines(keepends=True))
    for section in sections:
        assert first <= section.line <= last
    for found in (*headings(body, first), *directives(body, first)):
        assert first <= found.line <= last


SECTION_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="#{}%`~\r"), max_size=60)


@FUZZ
@given(
    st.lists(
        st.tuples(st.sampled_from(["about", "referral", "treatment", "after", "risks"]), SECTION_TEXT), max_size=5, unique_by=lambda s: s[0]
    )
)
def test_including_every_section_in_order_renders_the_national_text(sections: list[tuple[str, str]]) -> None:
    body = "".join(f"## Del {sid} {{#{sid}}}\n{text}\n" for sid, text in sections)
    source = split_front_matter(f"---\ntitle: T\n---\n{body}", "content/common/treatments/t.md")
    text = NationalText("content/common/treatments/t.md", source, id="treatments/t")
    content = Content(policy=Policy(), national={"treatments/t": text})
    provider = Provider("p", "content/providers/p/provider.yml", {}, LineMap())
    overlay = "".join(f'{{% include "treatments/t#{sid}" %}}\n' for sid, _ in sections)
    expansion = Resolver(content, provider).expand(overlay, "content/providers/p/treatments/t.md", 1)
    assert expansion.problems == []
    assert expansion.markdown == body


MARKDOWN_LINES = st.lists(
    st.sampled_from(
        [
            "## Om {#about}",
            "##Tett",
            "### Under",
            "   ## Innrykk",
            "    ## Kode",
            "Tekst.",
            "",
            "## ",
            "##",
            "## Lukket ##",
            "\r",
            "\x0c",
            "\u2028",
        ]
    ),
    max_size=30,
)


@FUZZ
@given(MARKDOWN_LINES, st.integers(min_value=1, max_value=500))
def test_the_fast_heading_scan_finds_what_reading_every_line_finds(lines: list[str], first: int) -> None:
    body = "\n".join(lines)
    assert headings(body, first) == tuple(headings_line_by_line(body, first))
