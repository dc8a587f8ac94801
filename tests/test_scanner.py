"""The Markdown scanner reads documents as the sites' Python-Markdown does.

The property tests build documents from the pieces that decide what is code and what is a link
(fences of both kinds and several lengths and indents, indented code, code spans with runs of
backticks, links and images inline and by reference, HTML blocks, headings, lists, quotes, tables,
notes), render them with the sites' Markdown, and compare: every link and image the scanner reports
is one Python-Markdown makes, none is inside code, and Python-Markdown makes no other.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.treeprocessors import Treeprocessor

from hcweb import markup
from hcweb.links import links, relative_site_links
from hcweb.media import image_refs, relative_media_links
from hcweb.scanner import normalise, scan, scan_thoroughly
from hcweb.sections import directives, headings, split_sections
from helpers import TODAY, base_tree, make_repo, run

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


class _Rendered(HTMLParser):
    """Links, images, code blocks, code spans and top-level headings in Python-Markdown's HTML."""

    VOID = frozenset({"img", "br", "hr", "input", "col", "wbr", "meta", "link", "source"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.in_code: list[tuple[str, str]] = []
        self.pre = 0
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        in_code = "pre" in self.open or "code" in self.open
        found = None
        if tag == "a" and "headerlink" not in (attributes.get("class") or ""):
            found = ("link", attributes.get("href") or "")
        elif tag == "img":
            found = ("image", attributes.get("src") or "")
        if found:
            (self.in_code if in_code else self.links).append(found)
        if tag not in self.VOID:
            self.open.append(tag)

    def parse_html_declaration(self, i):  # raw HTML passed through may hold '<![' that html.parser gives up on
        try:
            return super().parse_html_declaration(i)
        except AssertionError:
            return i + 2

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass


class _TopHeadings(Treeprocessor):
    """The levels of the headings at the top of Python-Markdown's tree, once the blocks are read."""

    def run(self, root):
        self.md.top_headings = [int(element.tag[1]) for element in root if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]


def _sites_markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=markup._extension_names(), extension_configs=markup._extension_configs())
    md.treeprocessors.register(_TopHeadings(md), "top_headings", 30)
    return md


SITES_MARKDOWN = _sites_markdown()


def html_of(body: str) -> str:
    SITES_MARKDOWN.reset()
    SITES_MARKDOWN.top_headings = []
    return SITES_MARKDOWN.convert(body)


def rendered(body: str) -> _Rendered:
    parser = _Rendered()
    html = html_of(body)
    parser.feed(html)
    parser.close()
    parser.headings = SITES_MARKDOWN.top_headings
    parser.pre = html.count("<pre")  # code blocks in a raw HTML comment too: they are read as code before the comment
    return parser


def scanned(body: str, thorough: bool = True) -> list[tuple[str, str]]:
    found = (scan_thoroughly if thorough else scan)(body)
    return [("image" if link.kind == "image" else "link", link.target.url) for link in found.links]


# --- the documents ------------------------------------------------------------------------------

WORD = st.sampled_from(["tekst", "Pasient", "*viktig*", "a_b", "1.", "#", "-", "!", "\\", "|", "{#x}", "&amp;", ":"])
URL = st.sampled_from(["/behandlinger/a/", "/media/bilde.png", "https://example.no/x", "x.md#y", "/a(1)/", "/b_c/"])
TICKS = st.sampled_from(["`", "``", "```"])


@st.composite
def inline(draw) -> str:
    """A line of text with the inline constructs that make or hide links."""
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.integers(0, 17))
        url = draw(URL)
        if kind == 0:
            parts.append(f"[lenke]({url})")
        elif kind == 1:
            parts.append(f"![bilde]({url})")
        elif kind == 2:
            parts.append(f'[lenke]({url} "tittel")')
        elif kind == 3:
            parts.append(f"[lenke](<{url}>)")
        elif kind == 4:
            ticks = draw(TICKS)
            parts.append(f"{ticks}[kode]({url}){ticks}")
        elif kind == 5:
            parts.append(f"`` a ` [x]({url}) ``")
        elif kind == 6:
            parts.append(f"\\[ikke]({url})")
        elif kind == 7:
            parts.append(
                f"[ref {draw(st.sampled_from(['r1', 'r2', 'R1', 'nei']))}][{draw(st.sampled_from(['r1', 'r2', 'r3', 'nei', '']))}]"
            )
        elif kind == 8:
            parts.append(f"[{draw(st.sampled_from(['r1', 'r2', 'r3', 'nei']))}]")
        elif kind == 9:
            parts.append(f"![alt][{draw(st.sampled_from(['r1', 'r2', 'r3']))}]")
        elif kind == 10:
            parts.append(f"[![i]({url})]({draw(URL)})")
        elif kind == 11:
            parts.append("<https://example.no/auto>")
        elif kind == 12:
            parts.append(draw(TICKS))
        elif kind == 13:
            parts.append(f"[a `b]({url})` c")
        elif kind == 14:
            parts.append(f"[ytre [indre]({url})]({draw(URL)})")
        elif kind == 15:
            parts.append("<span>[s](/span/)</span>")
        else:
            parts.append(draw(WORD))
    return " ".join(parts)


@st.composite
def fence(draw) -> str:
    char = draw(st.sampled_from(["`", "~"]))
    length = draw(st.integers(3, 5))
    closing = length if draw(st.booleans()) else draw(st.integers(3, 6))
    indent = draw(st.sampled_from(["", "", " ", "  ", "    "]))
    info = draw(st.sampled_from(["", "python", " html x", " {.md}", "{ .x #y }"]))
    inside = draw(st.lists(st.one_of(inline(), st.sampled_from(["## Ikke", "<div>", "", char * 3])), max_size=3))
    close = "" if draw(st.integers(0, 5)) == 0 else "\n" + indent + char * closing
    return f"{indent}{char * length}{info}\n" + "\n".join(inside) + close


@st.composite
def block(draw) -> str:
    kind = draw(st.integers(0, 16))
    if kind == 0:
        return draw(fence())
    if kind == 1:
        return "\n".join("    " + draw(inline()) for _ in range(draw(st.integers(1, 3))))
    if kind == 2:
        marker = draw(st.sampled_from(["- ", "* ", "1. ", "  - "]))
        return "\n".join(marker + draw(inline()) for _ in range(draw(st.integers(1, 3))))
    if kind == 3:
        return draw(st.sampled_from(["    ", "        ", "\t", "  "])) + draw(inline())
    if kind == 4:
        return "> " + draw(inline())
    if kind == 5:
        level = draw(st.sampled_from(["#", "##", "###", " ##", "##"]))
        space = draw(st.sampled_from([" ", "", "  "]))
        return f"{level}{space}{draw(inline())}{draw(st.sampled_from(['', ' {#del}', '{#tett}', ' ##']))}"
    if kind == 6:
        return draw(inline()) + "\n" + draw(st.sampled_from(["---", "===", "- - -"]))
    if kind == 7:
        ref = draw(st.sampled_from(["r1", "r2", "R2", "r3"]))
        url = draw(URL)
        return draw(st.sampled_from([f"[{ref}]: {url}", f'[{ref}]: <{url}> "t"', f"   [{ref}]:\n   {url}", f"[{ref}]: {url} (t)"]))
    if kind == 8:
        tag = draw(st.sampled_from(["div", "section", "p", "details", "table"]))
        inside = draw(inline())
        return draw(
            st.sampled_from(
                [
                    f"<{tag}>\n{inside}\n</{tag}>",
                    f"<{tag}>\n\n{inside}\n\n</{tag}>",
                    f"<{tag}>{inside}</{tag}> etter [e](/etter/)",
                    f"<!-- {inside} -->",
                    f"<!--\n{inside}\n-->",
                    f"<{tag}>\n{inside}",
                    f"  <{tag}>\n{inside}\n</{tag}>",
                ]
            )
        )
    if kind == 9:
        inside = draw(inline())
        return draw(st.sampled_from([f'<div markdown="1">\n\n{inside}\n\n</div>', f'<div markdown="1">\n{inside}\n</div>']))
    if kind == 10:
        return f"| a | b |\n|---|:-:|\n| {draw(inline())} | {draw(inline())} |"
    if kind == 11:
        note = draw(st.sampled_from(["!!! note", '!!! warning "Obs [t](/tittel/)"', "??? note", '???+ tip "Mer"']))
        return f"{note}\n    {draw(inline())}\n\n    {draw(inline())}"
    if kind == 12:
        return "- " + draw(inline()) + "\n\n    " + draw(inline()) + "\n\n        " + draw(inline())
    if kind == 13:
        return draw(inline()) + "\n" + draw(inline())
    if kind == 14:
        return '{% include "treatments/a#b" %}'
    if kind == 15:
        return draw(st.sampled_from(["", "\n", " ", "***", "---"]))
    return draw(inline())


DOCUMENT = st.lists(st.tuples(block(), st.sampled_from(["\n", "\n\n", "\n\n", "\n\n\n"])), min_size=1, max_size=8).map(
    lambda parts: "".join(text + gap for text, gap in parts)
)


# Any mix of the characters and pieces that Markdown's syntax is made of.
TOKENS = st.sampled_from(
    ["[", "]", "(", ")", "![", "](", "][", "]: ", "`", "``", "```", "~~~", "<", ">", "<div>", "</div>", "<section>", "<!--", "-->"]
    + ["<p>", "</p>", "\n", "\n\n", "\n    ", "\n        ", "\n- ", "\n1. ", "\n> ", "\n## ", "\n#", "\n---", "\n==="]
    + ["\n!!! note\n    ", "\n??? tip\n    ", "|", "\n| a | b |\n|---|---|\n| ", "*", "_", "\\", "\t", "\r\n", "\r", " ", "  \n"]
    + ["a", "tekst", "/x/", "/media/b.png", "https://e.no", "<https://e.no/a>", "<a@b.no>", "[r]", "[r]: /r/", "\n[r]: /r/\n"]
    + ['"t"', "'", "{#id}", "&amp;", "\n```\n", "\n~~~~\n", "\n    ```\n"]
)
SOUP = st.lists(TOKENS, min_size=1, max_size=40).map("".join)


@PROPERTY
@given(SOUP)
def test_any_mix_of_markdown_syntax_reads_as_python_markdown_reads_it(body: str) -> None:
    html = rendered(body)
    found = scan_thoroughly(body)
    assert scanned(body) == html.links, (body, html_of(body))
    assert [h.level for h in found.headings] == html.headings, (body, html_of(body))
    assert len([r for r in found.regions if r.kind in ("fenced-code", "indented-code")]) == html.pre, (body, html_of(body))
    assert scan(body) == found


@PROPERTY
@given(DOCUMENT)
def test_links_and_images_are_those_python_markdown_makes(body: str) -> None:
    html = rendered(body)
    assert Counter(scanned(body)) == Counter(html.links), (body, html_of(body))


@PROPERTY
@given(DOCUMENT)
def test_the_order_of_links_is_the_order_written(body: str) -> None:
    html = rendered(body)
    assert scanned(body) == html.links, (body, html_of(body))


@PROPERTY
@given(DOCUMENT)
def test_code_blocks_and_headings_are_those_python_markdown_makes(body: str) -> None:
    html = rendered(body)
    found = scan_thoroughly(body)
    assert [h.level for h in found.headings] == html.headings, (body, html_of(body))
    blocks = [r for r in found.regions if r.kind in ("fenced-code", "indented-code")]
    assert len(blocks) == html.pre, (body, html_of(body))


# Documents made mostly of what the shortcut for plain text reads: paragraphs, simple lists, headings.
PLAIN_STARTS = ["", "", "- ", "* ", "+ ", "1. ", "12. ", "## ", "# ", "### ", "**", "*", "_", "+47 ", "-5 ", "=", "-", "---", "* * *"]
PLAIN_ODD = ["", "-", "---", "===", "- [ ] x", "- # x", "- > x", "- 1. x", "- * x", "- ---", "- - -", "[r1]: /r/", "- [r1]: /r/"]
PLAIN_LINE = st.one_of(
    inline(),
    st.sampled_from(PLAIN_STARTS).flatmap(lambda start: inline().map(lambda text: start + text)),
    st.sampled_from([*PLAIN_ODD, "## x {#id}", "#\\", "  x"]),
)
PLAIN = st.lists(PLAIN_LINE, min_size=1, max_size=12).map("\n".join)


@PROPERTY
@given(st.one_of(DOCUMENT, PLAIN))
def test_the_shortcut_for_plain_text_reads_as_the_whole_reading(body: str) -> None:
    assert scan(body) == scan_thoroughly(body)


@PROPERTY
@given(PLAIN)
def test_plain_documents_read_as_python_markdown_reads_them(body: str) -> None:
    html = rendered(body)
    assert scanned(body, thorough=False) == html.links, (body, html_of(body))
    assert [h.level for h in scan(body).headings] == html.headings, (body, html_of(body))


@PROPERTY
@given(DOCUMENT)
def test_every_target_is_where_it_is_written(body: str) -> None:
    for link in scan_thoroughly(body).links:
        target = link.target
        if target.start >= 0:
            assert body[target.start : target.end] == target.url
            assert (
                body.count("\n", 0, target.start) - body.count("\r\n", 0, target.start) + body.count("\r", 0, target.start) == target.line
            )


# --- examples --------------------------------------------------------------------------------------


def test_links_and_images_in_fenced_code_are_not_reported() -> None:
    body = "Tekst [lenke](/a/).\n\n```markdown\n[ikke](/b/) ![ikke](/media/c.png)\n```\n\n~~~\n![ikke](/media/d.png)\n~~~\n"
    assert [(link.line, link.target) for link in links(body, 10)] == [(10, "/a/")]
    assert image_refs(body, 10) == ()


def test_links_in_indented_code_spans_and_html_are_not_reported_but_in_lists_they_are() -> None:
    body = "a\n\n    [kode](/kode/)\n\n`[spenn](/spenn/)`\n\n<div>\n[html](/html/)\n</div>\n\n- punkt\n\n    [liste](/liste/)\n"
    assert [link.target for link in links(body, 1)] == ["/liste/"]


def test_a_link_by_reference_is_reported_at_its_definition() -> None:
    body = "Se [her][ref] og ![kart][bilde].\n\n[ref]: /behandlinger/a/\n[bilde]: /media/kart.png\n[ubrukt]: /ingen/\n"
    assert [(link.line, link.target) for link in links(body, 5)] == [(7, "/behandlinger/a/")]
    (image,) = image_refs(body, 5)
    assert (image.line, image.target_line, image.path, image.alt) == (5, 8, "kart.png", "kart")


def test_headings_and_directives_inside_code_are_text() -> None:
    body = '## A {#a}\n\n    ## ikke\n    {% include "x/y" %}\n\n```\n## ikke\n{% include "x/y" %}\n```\n\n##B {#b}\n'
    assert [(h.line, h.id) for h in headings(body, 1)] == [(1, "a"), (11, "b")]
    assert directives(body, 1) == []


def test_python_markdown_headings_only_at_the_top() -> None:
    body = "Tittel {#t}\n---\n\n   ## innrykk\n\n> ## sitat\n\n- punkt\n\n    ## i listen\n"
    assert [(h.line, h.text, h.id) for h in headings(body, 1)] == [(1, "Tittel", "t")]


def test_sections_split_where_python_markdown_sees_headings() -> None:
    intro, sections = split_sections("Intro\n## A {#a}\n```\n## ikke\n```\n## B {#b}\nx\n", 1)
    assert intro == "Intro\n"
    assert [(s.id, s.line) for s in sections] == [("a", 2), ("b", 6)]


def test_rewriting_touches_links_and_images_but_not_code() -> None:
    body = "[a](/behandlinger/x/) ![b](/media/b.png)\n\n```\n[a](/behandlinger/x/) ![b](/media/b.png)\n```\n\n[r]: /steder/y/\n\n[r]\n"
    media = relative_media_links(body, "behandlinger/x.md")
    assert media.startswith("[a](/behandlinger/x/) ![b](../media/b.png)\n")
    assert "```\n[a](/behandlinger/x/) ![b](/media/b.png)\n```" in media
    site = relative_site_links(media, "/behandlinger/x/")
    assert site.startswith("[a](./) ![b](../media/b.png)\n")
    assert "```\n[a](/behandlinger/x/) ![b](/media/b.png)\n```" in site
    assert "[r]: ../../steder/y/\n" in site


def test_lines_are_counted_as_an_editor_counts_them() -> None:
    body = "a\r\n\r\nb [x](/x/)\rc\t[y](/y/)\n"
    assert [(link.line, link.target) for link in links(body, 1)] == [(3, "/x/"), (4, "/y/")]
    found = scan(body).links
    assert [body[link.target.start : link.target.end] for link in found] == ["/x/", "/y/"]


def test_normalising_is_python_markdowns() -> None:
    md = markdown.Markdown(extensions=markup._extension_names(), extension_configs=markup._extension_configs())
    text = "a\r\nb\t[c]\x02\x03\n   \n\t\n"
    assert normalise(text) == "\n".join(md.preprocessors["normalize_whitespace"].run(text.split("\n")))


def test_the_sites_markdown_still_has_the_processors_the_scanner_reads_as() -> None:
    """A new Python-Markdown or extension that adds, drops or reorders a processor fails here first."""
    md = markdown.Markdown(extensions=markup._extension_names(), extension_configs=markup._extension_configs())
    assert [p.name for p in md.preprocessors._priority] == ["normalize_whitespace", "html_block", "fenced_code_block"]
    assert [type(p).__name__ for p in md.preprocessors] == ["NormalizeWhitespace", "HtmlBlockPreprocessor", "FencedBlockPreprocessor"] or [
        type(p).__name__ for p in md.preprocessors
    ] == ["NormalizeWhitespace", "FencedBlockPreprocessor", "HtmlBlockPreprocessor"]
    assert [type(p).__name__ for p in md.parser.blockprocessors] == [
        "MarkdownInHtmlProcessor",
        "AdmonitionProcessor",
        "DetailsProcessor",
        "EmptyBlockProcessor",
        "ListIndentProcessor",
        "CodeBlockProcessor",
        "TableProcessor",
        "HashHeaderProcessor",
        "SetextHeaderProcessor",
        "HRProcessor",
        "OListProcessor",
        "UListProcessor",
        "BlockQuoteProcessor",
        "ReferenceProcessor",
        "ParagraphProcessor",
    ]
    patterns = [type(p).__name__ for p in md.inlinePatterns][:10]
    assert patterns == [
        "BacktickInlineProcessor",
        "EscapeInlineProcessor",
        "ReferenceInlineProcessor",
        "LinkInlineProcessor",
        "ImageInlineProcessor",
        "ImageReferenceInlineProcessor",
        "ShortReferenceInlineProcessor",
        "ShortImageReferenceInlineProcessor",
        "AutolinkInlineProcessor",
        "AutomailInlineProcessor",
    ]
    assert md.tab_length == 4
    from hcweb import scanner

    assert all(not pattern.ANCESTOR_EXCLUDES for pattern in md.inlinePatterns)
    assert tuple(md.block_level_elements) == scanner.BLOCK_LEVEL_ELEMENTS
    olist, ulist = md.parser.blockprocessors["olist"], md.parser.blockprocessors["ulist"]
    assert (olist.RE.pattern, ulist.RE.pattern, olist.CHILD_RE.pattern, olist.INDENT_RE.pattern) == (
        scanner._OLIST.pattern,
        scanner._ULIST.pattern,
        scanner._LIST_CHILD.pattern,
        scanner._LIST_INDENT.pattern,
    )
    assert md.parser.blockprocessors["indent"].INDENT_RE.pattern == scanner._INDENT.pattern
    assert md.treeprocessors["attr_list"].HEADER_RE.pattern == scanner._HEADER_ATTRS.pattern


@pytest.mark.parametrize(
    "body",
    [
        "````\n```\n[x](/x/)\n````\n",
        "```\n[x](/x/)\n````\n[y](/y/)\n",
        "  ```\n[x](/x/)\n  ```\n",
        "- a\n\n        [kode](/k/)\n",
        "<div>\n```\n[x](/x/)\n```\n</div>\n[y](/y/)\n",
        "| a | b |\n|---|---|\n| [x](/x/) | `[y](/y/)|` |\n",
        '<div markdown="1">\n\n[x](/x/)\n\n</div>\n',
        "[a\nb](/over/linjer/)\n",
    ],
)
def test_examples_agree_with_python_markdown(body: str) -> None:
    assert Counter(scanned(body)) == Counter(rendered(body).links), html_of(body)


# --- through validate ------------------------------------------------------------------------------

PAGE = "content/providers/beta-hf/pages/om-oss.md"


def test_validate_reports_no_link_or_image_written_in_code(tmp_path: Path) -> None:
    """The verified bug: a link or an image inside a fenced code block gave link-broken and media-missing."""
    tree = base_tree()
    tree[PAGE] += (
        "\nSlik lenker du:\n\n```markdown\n[prisene](../../priser/) ![Kart](/media/kart.png)\n```\n\n"
        "~~~\n![Kart](/media/kart.png)\n~~~\n\n    [eksempel](/finnes-ikke/)\n\nOg `[i kode](/heller-ikke/)`.\n"
    )
    result = run(make_repo(tmp_path / "repo", tree), "validate", "--today", TODAY)
    assert "[link-broken]" not in result.output and "[media-missing]" not in result.output, result.output
    assert result.exit_code == 0, result.output


def test_validate_reports_a_broken_link_or_image_by_reference_where_its_url_is(tmp_path: Path) -> None:
    tree = base_tree()
    body_line = tree[PAGE].count("\n") + 1
    tree[PAGE] += "\nSe [prisene][p] og ![kart][k].\n\n[p]: /priser/\n[k]: /media/kart.png\n"
    result = run(make_repo(tmp_path / "repo", tree), "validate", "--today", TODAY)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert (
        f"{PAGE}:{body_line + 3}: error: the link /priser/ leads nowhere: there is no page /priser/ on the site of Helse Beta HF [link-broken]"
        in lines
    ), result.output
    assert (
        f"{PAGE}:{body_line + 4}: error: there is no image content/media/kart.png with a rights file (content/media/kart.png.yml) [media-missing]"
        in lines
    ), result.output
