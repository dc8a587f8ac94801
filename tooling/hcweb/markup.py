"""Markdown as the sites render it, and the one HTML policy that every published fragment passes.

Content is checked where it is published, not in its Markdown: a pre-scan of Markdown can be
blinded (a code span that opens a comment, a fence Python-Markdown does not treat as one), the
HTML that Python-Markdown produces cannot. ``validate`` renders each source with the sites'
extensions and reports what the policy refuses at the line that brings it in; the build runs the
same policy over each finished page and publishes the fragment as the HTML5 parser re-serialised
it, so what was checked is, byte for byte, what is published.

The policy is an allow-list over a real HTML5 parser (Lexbor, through selectolax): known
elements, known attributes per element, classes from a list, ids that cannot clobber the
theme's own, and links whose final ``href`` is relative, https, http, mailto or tel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import markdown
import yaml
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListTreeprocessor
from selectolax.lexbor import LexborHTMLParser

from .sections import HEADING_LINE
from .urls import anchor

# Note types of the admonition and details extensions, which become classes.
NOTE_TYPES = frozenset(
    [
        "note",
        "abstract",
        "summary",
        "tldr",
        "info",
        "todo",
        "tip",
        "hint",
        "important",
        "success",
        "check",
        "done",
        "question",
        "help",
        "faq",
        "warning",
        "caution",
        "attention",
        "failure",
        "fail",
        "missing",
        "danger",
        "error",
        "bug",
        "example",
        "quote",
        "cite",
    ]
)
# Classes content may carry: those the extensions write, and the few the design styles for authors.
CONTENT_CLASSES = NOTE_TYPES | {"admonition", "admonition-title", "headerlink", "toc"}

REFUSED = "data-hcweb-refused"  # set by the attribute extension on what it refused, reported by the policy


class TocSlugify:
    """The anchors of headings without an explicit id: Norwegian words kept (``## Spørsmål`` -> ``#sporsmal``).

    Python-Markdown's rule after æ, ø and å are written ae, o and a (urls.anchor; sections.Heading.anchor
    says the same). An object rather than a function so that the generated mkdocs.yml can name it: it is
    written there as ``!!python/name:hcweb.markup.slugify``, which MkDocs' YAML loader resolves to this.
    """

    def __call__(self, value: str, separator: str) -> str:
        return anchor(value, separator)

    def __repr__(self) -> str:  # stable in any hash of the configuration
        return "hcweb.markup.slugify"


slugify = TocSlugify()


def _represent_slugify(dumper: yaml.SafeDumper, value: TocSlugify) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:python/name:hcweb.markup.slugify", "")


for _dumper in {yaml.SafeDumper, getattr(yaml, "CSafeDumper", yaml.SafeDumper)}:
    _dumper.add_representer(TocSlugify, _represent_slugify)

MARKDOWN_EXTENSIONS: list = [
    "hcweb.markup:SafeAttrListExtension",
    "md_in_html",
    "fenced_code",
    "admonition",
    {"tables": {"use_align_attribute": True}},
    "pymdownx.details",
    {"toc": {"permalink": True, "permalink_title": "Lenke til denne delen", "slugify": slugify}},
]

GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir"})
ELEMENT_ATTRIBUTES: dict[str, frozenset[str]] = {
    name: frozenset(attrs)
    for name, attrs in {
        "a": {"href"},
        "img": {"src", "alt", "width", "height", "loading"},
        "iframe": {"src", "width", "height", "allow", "allowfullscreen", "loading", "referrerpolicy", "frameborder"},
        "th": {"colspan", "rowspan", "align", "scope"},
        "td": {"colspan", "rowspan", "align"},
        "col": {"span"},
        "colgroup": {"span"},
        "ol": {"start", "type", "reversed"},
        "li": {"value"},
        "details": {"open"},
        "time": {"datetime"},
    }.items()
}
ELEMENTS = frozenset(
    [
        "p",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "em",
        "strong",
        "b",
        "i",
        "s",
        "del",
        "ins",
        "sub",
        "sup",
        "small",
        "mark",
        "abbr",
        "code",
        "pre",
        "kbd",
        "samp",
        "var",
        "q",
        "cite",
        "dfn",
        "blockquote",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "a",
        "img",
        "figure",
        "figcaption",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "colgroup",
        "col",
        "div",
        "span",
        "details",
        "summary",
        "time",
        "wbr",
        "iframe",
    ]
)
SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_LANGUAGE = re.compile(r"language-[a-z0-9+#-]{1,30}")
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")  # browsers drop tabs and line breaks inside URLs

_WHY = {
    "script": "scripts are not allowed in content",
    "style": "style sheets are not allowed in content; the common design sets the look",
    "form": "forms are not allowed in content",
    "input": "form fields are not allowed in content",
    "button": "buttons are not allowed in content",
    "textarea": "form fields are not allowed in content",
    "select": "form fields are not allowed in content",
    "object": "embedded objects are not allowed in content",
    "embed": "embedded objects are not allowed in content",
    "svg": "inline SVG is not allowed in content; add the image to content/media/ and show it with ![description](...)",
}


class SafeAttrListTreeprocessor(AttrListTreeprocessor):
    """Python-Markdown's attribute lists, limited to an id and classes from CONTENT_CLASSES.

    Anything else (style=, href=, on...=, an unknown class) is not set; the element is marked
    with what was refused, so that the policy reports it and the build refuses the page.
    """

    def assign_attrs(self, elem, attrs_string: str, *, strict: bool = False) -> str:
        kept: list[str] = []
        refused: list[str] = []
        remainder = ""
        for part in _split_attrs(attrs_string):
            if part.startswith("#") and _ID.fullmatch(part[1:]) or part.startswith(".") and part[1:] in CONTENT_CLASSES:
                kept.append(part)
            else:
                refused.append(part.split("=", 1)[0])
        remainder = super().assign_attrs(elem, " ".join(kept), strict=strict) if kept else ""
        if refused:
            elem.set(REFUSED, " ".join(refused))
        return remainder


def _split_attrs(attrs_string: str) -> list[str]:
    """The items of an attribute list, quoted values kept whole: ``#id .class key="a b"``."""
    return re.findall(r"""[^\s=]+(?:=(?:"[^"]*"|'[^']*'|\S*))?""", attrs_string.strip())


class SafeAttrListExtension(Extension):
    def extendMarkdown(self, md) -> None:
        md.treeprocessors.register(SafeAttrListTreeprocessor(md), "attr_list", 8)


def makeExtension(**kwargs) -> SafeAttrListExtension:  # noqa: N802 - the name Python-Markdown looks for
    return SafeAttrListExtension(**kwargs)


class RenderError(Exception):
    """Python-Markdown could not render a text."""


_CONVERTER: list[markdown.Markdown] = []


def render(text: str) -> str:
    """The HTML that the sites' Markdown makes of ``text`` (before MkDocs rewrites internal links)."""
    if not _CONVERTER:
        _CONVERTER.append(markdown.Markdown(extensions=_extension_names(), extension_configs=_extension_configs()))
    converter = _CONVERTER[0]
    converter.reset()
    try:
        _read_as_mkdocs_does(text)
        return converter.convert(text)
    except RecursionError as exc:
        raise RenderError("the text is nested too deeply to be shown") from exc
    except AssertionError as exc:
        if "marked section" in str(exc):
            raise RenderError("'<![' starts a section that web pages do not have; to show the characters, write \\<![") from exc
        raise RenderError(f"the text cannot be turned into a web page ({exc})") from exc
    except Exception as exc:  # noqa: BLE001 - Python-Markdown fails on some malformed markup; that is a content error
        raise RenderError(f"the text cannot be turned into a web page ({type(exc).__name__})") from exc


def _read_as_mkdocs_does(text: str) -> None:
    """MkDocs reads every page's source with Python-Markdown's HTML parser (to find ids); raise where that fails (``<![foo[``)."""
    from markdown.htmlparser import htmlparser

    parser = htmlparser.HTMLParser()
    parser.feed(text)
    parser.close()


def _extension_names() -> list[str]:
    return [next(iter(item)) if isinstance(item, dict) else item for item in MARKDOWN_EXTENSIONS]


def _extension_configs() -> dict:
    return {name: config for item in MARKDOWN_EXTENSIONS if isinstance(item, dict) for name, config in item.items()}


@dataclass(frozen=True)
class Violation:
    key: str  # what was refused, e.g. "element:script" or "attribute:a:onclick"
    message: str
    code: str = "html-forbidden"  # the diagnostic code validate reports it under


def url_problem(url: str, attribute: str, iframe_hosts: tuple[str, ...] = (), tag: str = "a") -> str | None:
    """Why a URL may not be published in ``attribute`` of ``tag``, or None."""
    cleaned = _URL_NOISE.sub("", url)
    scheme_match = _SCHEME.match(cleaned)
    scheme = scheme_match.group(1).lower() if scheme_match else ""
    if tag == "iframe":
        host = urlsplit(cleaned).hostname or ""
        if scheme != "https" or host not in iframe_hosts:
            allowed = ", ".join(iframe_hosts) or "none"
            return f"an <iframe> may only show https pages from the hosts in hcweb.yml (allowed: {allowed}); found '{host or url[:80]}'"
        return None
    if attribute == "src":
        if scheme or cleaned.startswith("//") or cleaned.startswith("\\"):
            return f"an image must come from the site itself (content/media/), not from '{url[:80]}'"
        return None
    if scheme and scheme not in SCHEMES:
        return f"{scheme}: links are not allowed in content; use https:, mailto: or tel:"
    if cleaned.startswith(("//", "\\", "/\\")):
        return f"write the full address with https:// instead of '{url[:80]}'"
    return None


def violations(html: str, iframe_hosts: tuple[str, ...] = (), max_heading: int = 6) -> list[Violation]:
    """What the policy refuses in an HTML fragment, in document order (headings deeper than ``max_heading`` too)."""
    return _check_tree(LexborHTMLParser(html), iframe_hosts, max_heading)


def publishable(html: str, iframe_hosts: tuple[str, ...] = ()) -> tuple[str, list[Violation]]:
    """The fragment as the HTML5 parser re-serialises it (every element and comment closed), and what the policy refuses in it."""
    tree = LexborHTMLParser(html)
    found = _check_tree(tree, iframe_hosts)
    body = tree.body
    return (body.inner_html if body is not None else ""), found


def _check_tree(tree: LexborHTMLParser, iframe_hosts: tuple[str, ...], max_heading: int = 6) -> list[Violation]:
    # Elements the parser moves into <head> (<meta>, <link>, <title>, <base> at the start of a text) are never allowed.
    found = [_element(node.tag) for node in tree.head.traverse(include_text=False) if node.tag != "head"] if tree.head is not None else []
    body = tree.body
    if body is None:
        return found
    for node in body.traverse(include_text=False):
        tag = node.tag
        if tag in ("body", "-comment"):
            continue
        if tag not in ELEMENTS:
            found.append(_element(tag))
            continue
        if tag[0] == "h" and tag[1:].isdigit() and int(tag[1:]) > max_heading:
            found.append(
                Violation(f"heading:{tag}", f"a level-{tag[1:]} heading is too deep; use at most {'#' * max_heading}", "heading-depth")
            )
        found += _attributes(node, tag, iframe_hosts)
    return found


def _element(tag: str) -> Violation:
    why = _WHY.get(tag, "this element is not allowed in content; use Markdown, or the HTML elements the README lists")
    return Violation(f"element:{tag}", f"<{tag}>: {why}")


def _attributes(node, tag: str, iframe_hosts: tuple[str, ...]) -> list[Violation]:
    found: list[Violation] = []
    allowed = GLOBAL_ATTRIBUTES | ELEMENT_ATTRIBUTES.get(tag, frozenset())
    for name, value in node.attributes.items():
        value = value or ""
        if name == REFUSED:
            found.append(
                Violation(
                    f"refused:{value}",
                    f"an attribute list may only set an id and the classes {', '.join(sorted(CONTENT_CLASSES - NOTE_TYPES))} or a note type; remove {value}",
                )
            )
        elif name.startswith("on"):
            found.append(Violation(f"attribute:{name}", f"the attribute {name}= runs a script; remove it"))
        elif name == "style":
            found.append(Violation("attribute:style", "style= is not allowed in content; the common design sets the look"))
        elif name not in allowed:
            found.append(Violation(f"attribute:{tag}:{name}", f"the attribute {name}= is not allowed on <{tag}> in content"))
        elif name == "id" and not _ID.fullmatch(value):
            found.append(
                Violation("attribute:id", f"the id '{value[:40]}' must start with a letter or digit and hold only letters, digits, - and _")
            )
        elif name == "class" and (unknown := [c for c in value.split() if not _known_class(c)]):
            found.append(Violation(f"class:{unknown[0]}", f"the class '{unknown[0][:40]}' is not one the design knows; remove it"))
        elif name in ("href", "src") and (problem := url_problem(value, name, iframe_hosts, tag)):
            found.append(Violation(f"url:{tag}:{name}", problem, "html-iframe" if tag == "iframe" else "link-scheme"))
    return found


def _known_class(name: str) -> bool:
    """A class the design knows, or the language of a code block (``language-python``)."""
    return name in CONTENT_CLASSES or _LANGUAGE.fullmatch(name) is not None


def first_line_of(lines: list[str], test) -> int | None:
    """The smallest number of leading ``lines`` for which ``test(text)`` is true (binary search), or None."""
    low, high = 1, len(lines)
    if not lines or not test("\n".join(lines)):
        return None
    while low < high:
        middle = (low + high) // 2
        if test("\n".join(lines[:middle])):
            high = middle
        else:
            low = middle + 1
    return low


@dataclass(frozen=True)
class Finding:
    offset: int  # 0-based line in the body that brings the problem in
    message: str
    code: str


def check_markdown(body: str, iframe_hosts: tuple[str, ...] = (), max_heading: int = 6, max_headings: int | None = None) -> list[Finding]:
    """What the policy refuses in the page a Markdown body becomes, each at the line that brings it in.

    A body with more than ``max_headings`` heading lines is refused unrendered: Python-Markdown's
    work grows faster than the number of headings, and no patient needs hundreds of them.
    """
    lines = body.split("\n")
    if max_headings is not None:
        marks = [match.start() for match in HEADING_LINE.finditer(body)]
        if len(marks) > max_headings:
            offset = body.count("\n", 0, marks[max_headings])
            message = f"the text has {len(marks)} headings; a text may have at most {max_headings} (hcweb.yml limits): split it into several texts"
            return [Finding(offset, message, "heading-count")]
    if not _may_hold_markup(body, max_heading):
        return []
    try:
        found = violations(render(body), iframe_hosts, max_heading)
    except RenderError as exc:
        line = first_line_of(lines, _fails_to_render)
        return [Finding((line or 1) - 1, str(exc), "html-unrenderable")]
    findings: list[Finding] = []
    seen: dict[str, int] = {}
    for violation in found:
        seen[violation.key] = count = seen.get(violation.key, 0) + 1
        line = first_line_of(lines, lambda text, key=violation.key, n=count: _count(text, key, iframe_hosts, max_heading) >= n)
        findings.append(Finding((line or 1) - 1, violation.message, violation.code))
    return findings


# Every way Markdown has to make an element or attribute of the author's choosing needs one of these:
# raw HTML and autolinks a '<', attribute lists a '{', links and images '](' or a reference '[...]:',
# notes '!!!' or '???', a code block's language class a word after its fence; and a list nested so deep
# that Python-Markdown fails on it a line that starts with a long run of indentation or list marks
# (it fails from about 250 levels; 100 characters are fewer than that takes). A body without any of
# them becomes only the elements Markdown writes itself, and the ids of its headings: those
# _may_hold_markup works out without rendering. Each pattern is searched for only when the characters
# it needs are there, and on the text with a line break in front, so that a line start is a literal.
_LINK = re.compile(r"\]\s*[(:]")
_FENCE_INFO = re.compile(r"(?:`{3,}|~{3,})[ \t]*[^\s`~]")
_DEEP = re.compile(r"\n[ \t>*+\-0-9.)]{100}")
# A line Markdown may make a hash heading of (after the marks of quotes and lists), and the underline of a heading.
_HASH_HEADING = re.compile(r"\n([ \t>*+\-0-9.)]*#+)([^\n]*)")
_UNDERLINE = re.compile(r"\n[ \t>]*(?:=+|-+)[ \t]*(?=\n|$)")
# What attr_list reads at the end of a heading (its HEADER_RE) when the list sets only an id that _ID allows.
_HEADING_ID = re.compile(r"[ ]+\{:?[ ]*#" + _ID.pattern + r"[ ]*\}[ ]*$")
# Heading text that stays text: no emphasis, code, link, HTML, entity, escape or attribute list.
_PLAIN_HEADING = re.compile(r"[^*_`\[<&\\{}]*")
_CLOSING_HASHES = re.compile(r"#*$")


def _may_hold_markup(body: str, max_heading: int = 6) -> bool:
    """Whether the page ``body`` becomes may hold anything the policy refuses (False: it certainly holds nothing).

    Exact in one direction, which the tests check on many bodies: a body this lets through renders
    without a violation. Headings need care, as every one gets an id: an explicit one (``{#referral}``,
    allowed when _ID allows it) or one the table of contents makes of its text, which must be a valid
    id too (``## ?`` would get ``_1``). A heading deeper than ``max_heading`` needs that many ``#``.
    """
    text = "\n" + body.replace("\r\n", "\n").replace("\r", "\n")  # the line breaks Python-Markdown sees
    if "#" * (max_heading + 1) in text or (("=" in text or "-" in text) and _UNDERLINE.search(text)):
        return True
    if "#" in text:
        headings = list(_HASH_HEADING.finditer(text))
        suffix = len(f"_{len(headings)}")  # the table of contents numbers repeated ids: text_1, text_2, ...
        kept: list[str] = []
        end = 0
        for heading in headings:
            title = _CLOSING_HASHES.sub("", heading.group(2), count=1).strip()  # as Python-Markdown reads it
            explicit = _HEADING_ID.search(title)
            if explicit is not None:
                title = title[: explicit.start()]
            if not _PLAIN_HEADING.fullmatch(title):
                return True
            if explicit is None:
                made = slugify(title, "-")
                if not _ID.fullmatch(made) or len(made) + suffix > 100:
                    return True
            kept += [text[end : heading.start()], "\n", heading.group(1), title]  # the heading without its id
            end = heading.end()
        text = "".join([*kept, text[end:]])
    return (
        "<" in text
        or "{" in text
        or "!!!" in text
        or "???" in text
        or ("]" in text and _LINK.search(text) is not None)
        or (("```" in text or "~~~" in text) and _FENCE_INFO.search(text) is not None)
        or _DEEP.search(text) is not None
    )


def _fails_to_render(text: str) -> bool:
    try:
        render(text)
    except RenderError:
        return True
    return False


def _count(text: str, key: str, iframe_hosts: tuple[str, ...], max_heading: int) -> int:
    try:
        return sum(1 for v in violations(render(text), iframe_hosts, max_heading) if v.key == key)
    except RenderError:
        return 0
