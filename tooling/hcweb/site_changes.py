"""What changes for patients: per provider site, the pages whose visible text differs between a base revision
and the working tree, as word diffs of the rendered text.

Each affected site (affected.py) is merged twice with the pins its experts approved (site/pages.py), at the
base revision and now. Each page's Markdown is rendered as the sites render it (markup.render) and read back
as a patient reads it: headings, paragraphs, list items and table cells as separate blocks, plus what the
design shows around the text from data (department, title, ingress, locations, waiting times, helsenorge.no,
the professionally responsible). Dates and approval lines are left out: they change with every approval and
say nothing new about the content. Lists of links to other pages (the home page's A-Å) are left out too:
a change to those pages shows on the pages themselves.

A national text that changed, but that a provider still shows at the revision its experts approved, leaves
that provider's page as it was: it is reported as waiting for the provider's approval, with the words that
will change once it is given.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from .affected import affected, checkout, require_revision
from .errors import HcwebError, UnknownProvider
from .markup import RenderError, render
from .repo import Content, Repository
from .site.pages import Page, SiteContext, site_pages

MARKER = "hcweb-changes"
CONTEXT_WORDS = 4  # words shown on each side of a change
MAX_CHANGES_SHOWN = 5  # per page in the Markdown report; the JSON has them all
MOVED_SIMILARITY = 0.6  # a page that disappears and one that appears with at least this much text in common moved

CHANGED, ADDED, REMOVED, MOVED, WAITING = "changed", "added", "removed", "moved", "waiting"

# Elements whose text runs on inside the block around them; every other element starts a block of its own.
INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
        "wbr",
    ]
)
SKIPPED = frozenset({"script", "style", "template", "svg"})
_SPACE = re.compile(r"\s+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#<>|~&])")


class BadBase(HcwebError):
    """The base given is not a commit of the repository (a usage problem: exit 2)."""

    exit_code = 2


# -- a page as a patient reads it ----------------------------------------------------------------------


@dataclass
class PageText:
    url: str
    title: str
    blocks: list[str]
    files: frozenset[str] = frozenset()  # the content files whose text is on the page
    text: tuple[str, ...] = ()  # the blocks of the page's own text (its Markdown), without what the design adds


def html_blocks(html: str) -> list[str]:
    """The text of an HTML fragment, one entry per heading, paragraph, list item, table cell and the like.

    Headings keep their level as Markdown writes it (``## Henvisning``) so that a reader sees where a change is.
    The theme's permalink (``¶``) and images' file names are not text; an image's alternative text is.
    """
    root = LexborHTMLParser(f"<body>{html}</body>").body
    blocks: list[str] = []

    def flush(buffer: list[str]) -> None:
        text = _SPACE.sub(" ", "".join(buffer)).strip()
        if text:
            blocks.append(text)
        buffer.clear()

    def visit(node, buffer: list[str]) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                buffer.append(child.text_content or "")
            elif tag in SKIPPED or (tag == "a" and "headerlink" in (child.attributes.get("class") or "").split()):
                continue
            elif tag == "br":
                buffer.append(" ")
            elif tag == "img":
                alt = (child.attributes.get("alt") or "").strip()
                buffer.append(f" [{alt}] " if alt else " ")
            elif tag in INLINE:
                visit(child, buffer)
            else:
                flush(buffer)
                inner: list[str] = ["#" * int(tag[1]) + " "] if re.fullmatch(r"h[1-6]", tag) else []
                visit(child, inner)
                if inner and inner[0].startswith("#") and not "".join(inner[1:]).strip():
                    inner.clear()
                flush(inner)

    if root is not None:
        visit(root, [])
    return blocks


def markdown_blocks(markdown: str) -> list[str]:
    try:
        return html_blocks(render(markdown))
    except RenderError as exc:
        return [f"(the text cannot be shown: {exc})"]


def page_text(page: Page) -> PageText:
    """What a patient reads on ``page``: the words around the text that come from data, and the text itself."""
    data = page.meta.get("hcweb") or {}
    blocks: list[str] = []
    add = blocks.append
    if data.get("department"):
        add(str(data["department"]))
    add(f"# {page.title}")
    if data.get("ingress"):
        add(str(data["ingress"]))
    for row in (data.get("waiting") or {}).get("rows") or []:
        figures = ", ".join(f"{name}: {weeks} uker" for name, weeks in sorted(row.get("weeks", {}).items()))
        add(f"Ventetid {row.get('location', '')}: {figures}")
    for card in data.get("locations") or []:
        add(_location_line(card))
    for entry in data.get("helsenorge") or []:
        add(" ".join(part for part in (entry.get("title"), entry.get("summary")) if part))
    if data.get("location"):
        blocks += _location_blocks(data["location"])
    if data.get("event"):
        blocks += _event_blocks(data["event"])
    if isinstance(data.get("editorial"), dict):
        editorial = data["editorial"]
        add(" ".join(str(editorial.get(key) or "") for key in ("editor", "email", "phone")).strip())
    text = markdown_blocks(page.markdown) if page.markdown.strip() else []
    blocks += text
    responsible = data.get("responsible")
    if isinstance(responsible, dict) and responsible.get("name"):
        owner = f" ({data['owner']})" if data.get("owner") else ""
        add(f"Faglig ansvarlig: {responsible['name']}, {responsible.get('title') or ''}{owner}")
    return PageText(page.url, page.title, [block for block in blocks if block.strip()], frozenset(page.files), tuple(text))


def _location_line(card: dict) -> str:
    phone = f", telefon {card['phone']}" if card.get("phone") else ""
    return f"{card.get('name', '')}{phone}"


def _location_blocks(card: dict) -> list[str]:
    address = " ".join(str(card.get(key) or "") for key in ("street", "postcode", "city")).strip()
    blocks = [_location_line(card), address, str(card.get("email") or ""), str(card.get("opening_hours") or "")]
    if card.get("transport_html"):
        blocks += html_blocks(card["transport_html"])
    blocks += [
        f"{d.get('name', '')}, telefon {d['phone']}" if d.get("phone") else str(d.get("name", "")) for d in card.get("departments") or []
    ]
    return blocks


def _event_blocks(event: dict) -> list[str]:
    blocks = [str(event.get("summary") or ""), " – ".join(str(event.get(key) or "") for key in ("start", "end")).strip(" –")]
    if event.get("location"):
        blocks.append(str(event["location"].get("name") or ""))
    signup = event.get("signup") or {}
    blocks.append(" ".join(str(signup.get(key) or "") for key in ("email", "phone", "deadline", "note")).strip())
    return blocks


def site_texts(
    content: Content, provider_id: str, git, today: dt.date, approved_only: bool = True, design: Path | None = None
) -> dict[str, PageText]:
    """Every page of the provider's site as a patient reads it, by URL (pins resolved as the build resolves them).

    ``design``: the design's folder whose words the pages take (None: the one beside the content)."""
    context = SiteContext(content, content.providers[provider_id], git, today, approved_only=approved_only, design=design)
    return {page.url: page_text(page) for page in site_pages(context)}


# -- word diffs -------------------------------------------------------------------------------------------

BREAK = "\n"  # between blocks: context never runs across it


@dataclass
class WordChange:
    """One change: a few unchanged words, then the words removed and added (with unchanged words between two
    changes close together), then a few unchanged words; and the heading it stands under."""

    parts: list[tuple[str, str]]  # (op, words): op is "equal", "delete" or "insert"
    heading: str = ""
    cut_before: bool = False  # the paragraph has more words before the first shown
    cut_after: bool = False  # ... and after the last

    def as_dict(self) -> dict:
        return {"heading": self.heading, "parts": [{"op": op, "text": text} for op, text in self.parts]}


_TOKEN = re.compile(r"\s*(?:\w+(?:[-'’.,:/]\w+)*|[^\w\s])")


def _tokens(blocks: list[str]) -> tuple[list[str], list[str]]:
    """The words and punctuation of the blocks, each with the space before it (so "her." and "her og der."
    differ by " og der"), a BREAK between blocks, and for each token the heading it stands under."""
    tokens, under, heading = [], [], ""
    for block in blocks:
        if tokens:
            tokens.append(BREAK)
            under.append(heading)
        for match in _TOKEN.finditer(block):
            token = match.group()
            tokens.append((" " if token[0].isspace() else "") + token.lstrip())
            under.append(heading)  # a heading's own words stand under the heading before it
        if block.startswith("##"):  # a section's heading; the page's title ("# ...") needs no saying
            heading = block.lstrip("#").strip()
    return tokens, under


def _join(tokens: list[str]) -> str:
    return "".join(" ¶ " if token == BREAK else token for token in tokens)


def word_diff(old: list[str], new: list[str], context: int = CONTEXT_WORDS) -> list[WordChange]:
    """The changes between two pages' blocks, word by word; changes closer than twice the context are one.

    The unchanged words around a change stop at the edge of its paragraph (heading, list item).
    """
    a, _ = _tokens(old)
    b, under = _tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    changes = []
    for group in matcher.get_grouped_opcodes(context):
        parts: list[tuple[str, str]] = []
        cut_before = cut_after = False
        for index, (tag, i1, i2, j1, j2) in enumerate(group):
            if tag == "equal":
                words = b[j1:j2]
                if index == 0:
                    cut_before = BREAK not in words and j1 > 0 and b[j1 - 1] != BREAK
                    words = words[len(words) - words[::-1].index(BREAK) :] if BREAK in words else words
                if index == len(group) - 1:
                    cut_after = BREAK not in words and j2 < len(b) and b[j2] != BREAK
                    words = words[: words.index(BREAK)] if BREAK in words else words
                if words and _join(words).strip():
                    parts.append(("equal", _join(words)))
                continue
            if i2 > i1:
                parts.append(("delete", _join(a[i1:i2])))
            if j2 > j1:
                parts.append(("insert", _join(b[j1:j2])))
        first = next(j1 for tag, _i1, _i2, j1, _j2 in group if tag != "equal")
        if parts:
            parts[0] = (parts[0][0], parts[0][1].lstrip())
        changes.append(WordChange(parts, under[min(first, len(under) - 1)] if under else "", cut_before, cut_after))
    return changes


def similarity(old: PageText, new: PageText) -> float:
    """How much of their own text two pages share (0 to 1); of all their words when either has no text of its own."""
    a, b = (list(old.text), list(new.text)) if old.text and new.text else (old.blocks, new.blocks)
    return difflib.SequenceMatcher(None, _tokens(a)[0], _tokens(b)[0], autojunk=False).ratio()


# -- what changes on each site --------------------------------------------------------------------------


@dataclass
class PageChange:
    provider_id: str
    provider: str  # its name, as readers know it
    url: str
    title: str
    status: str  # changed, added, removed, moved, waiting
    diff: list[WordChange] = field(default_factory=list)
    waiting_for: str | None = None  # the provider whose experts' approval the page waits for
    old_url: str | None = None  # a moved page's address before

    def as_dict(self) -> dict:
        data = {
            "provider": self.provider_id,
            "provider_name": self.provider,
            "url": self.url,
            "title": self.title,
            "status": self.status,
            "diff": [change.as_dict() for change in self.diff],
            "waiting_for": self.waiting_for,
        }
        if self.old_url:
            data["old_url"] = self.old_url
        return data


@dataclass
class SiteChanges:
    provider_id: str
    provider: str
    pages: list[PageChange] = field(default_factory=list)
    problem: str | None = None  # why the site could not be compared

    @property
    def changed(self) -> list[PageChange]:
        return [page for page in self.pages if page.status != WAITING]

    @property
    def waiting(self) -> list[PageChange]:
        return [page for page in self.pages if page.status == WAITING]


@dataclass
class Changes:
    base: str
    sites: list[SiteChanges]
    quiet: list[str] = field(default_factory=list)  # affected sites whose words do not change (dates, links, design)


def site_changes(repo: Repository, base: str, today: dt.date, provider_id: str | None = None) -> Changes:
    """What changes for patients between ``base`` and the working tree, per provider site."""
    try:
        require_revision(repo, base)
    except HcwebError as exc:
        raise BadBase(exc.message) from None
    head = repo.load()
    with checkout(repo, base) as base_root:
        old_repo = Repository(base_root)
        old_repo.schemas = repo.schemas  # an older checkout may lack a schema this tooling reads
        old = old_repo.load()
        if provider_id is not None and provider_id not in head.providers and provider_id not in old.providers:
            raise UnknownProvider(f"there is no provider '{provider_id}' (at {base} or now)")
        chosen = set(affected(repo, base, today, head)) | _pinned_users(old, head) | (set(old.providers) - set(head.providers))
        if provider_id is not None:
            chosen &= {provider_id}
        sites, quiet = [], []
        for pid in sorted(chosen):
            site = _compare_site(repo, head, old_repo, old, pid, today)
            if site.pages or site.problem:
                sites.append(site)
            elif pid in head.providers:
                quiet.append(head.providers[pid].name)
        return Changes(base, sites, sorted(quiet))


def _changed_texts(old: Content, head: Content) -> set[str]:
    return {
        text_id for text_id, text in head.national.items() if text_id in old.national and old.national[text_id].revision != text.revision
    }


def _pinned_users(old: Content, head: Content) -> set[str]:
    """Providers whose pages include a national text this change revises: their pins may hold the change back."""
    from .resolve import expand_overlay

    changed = _changed_texts(old, head)
    if not changed:
        return set()
    return {
        provider.id
        for provider in head.providers.values()
        if any(
            changed & set(expand_overlay(head, provider, overlay).included)
            for overlay in provider.overlays
            if overlay.uses in head.national
        )
    }


def _texts(
    content: Content, pid: str, git, today: dt.date, approved_only: bool = True, design: Path | None = None
) -> tuple[dict[str, PageText], str | None]:
    if pid not in content.providers:
        return {}, None
    try:
        return site_texts(content, pid, git, today, approved_only, design), None
    except Exception as exc:  # noqa: BLE001 - content the build refuses: the site cannot be compared, and validate says why
        missing = sorted({o.uses for o in content.providers[pid].overlays if o.uses and o.uses not in content.national})
        if missing:
            return {}, f"its overlays use {', '.join(missing)}, which is not there; 'hcweb validate' says what to change"
        if isinstance(exc, HcwebError):
            return {}, f"its pages cannot be made: {exc.message.splitlines()[0]}"
        return {}, f"its pages cannot be made ({type(exc).__name__}); 'hcweb validate' says why"


def _compare_site(repo: Repository, head: Content, old_repo: Repository, old: Content, pid: str, today: dt.date) -> SiteChanges:
    provider = head.providers.get(pid) or old.providers[pid]
    site = SiteChanges(pid, provider.name)
    # both sides in today's design: what changes is the content; the tool reads the design it was made with
    before, problem_before = _texts(old, pid, old_repo.git, today, design=repo.overrides_dir)
    after, problem_after = _texts(head, pid, repo.git, today)
    if problem_after or problem_before:
        site.problem = problem_after or f"at the base: {problem_before}"
        return site
    pending = _pending(head, old, pid, after, repo.git, today) if pid in head.providers else {}
    pages: list[PageChange] = []
    for url in sorted(set(before) & set(after)):
        old_page, new_page = before[url], after[url]
        waiting = pending.get(url)
        if old_page.blocks != new_page.blocks:
            pages.append(PageChange(pid, site.provider, url, new_page.title, CHANGED, word_diff(old_page.blocks, new_page.blocks)))
            if waiting:
                pages[-1].waiting_for = site.provider
        elif waiting:
            pages.append(PageChange(pid, site.provider, url, new_page.title, WAITING, waiting, waiting_for=site.provider))
    pages += _appeared_and_gone(site, before, after, head)
    site.pages = sorted(pages, key=lambda p: (p.url, p.status))
    return site


def _pending(head: Content, old: Content, pid: str, shown: dict[str, PageText], git, today: dt.date) -> dict[str, list[WordChange]]:
    """Pages that hold back a national text this change revises, because the provider's experts approved an
    older revision: what would change on each once they approve the text as it is now."""
    revised = {head.national[text_id].rel for text_id in _changed_texts(old, head)}
    holding = {url for url, page in shown.items() if page.files & revised}
    if not holding:
        return {}
    preview, problem = _texts(head, pid, git, today, approved_only=False)
    if problem:
        return {}
    return {
        url: word_diff(shown[url].blocks, preview[url].blocks)
        for url in sorted(holding)
        if url in preview and preview[url].blocks != shown[url].blocks
    }


def _appeared_and_gone(site: SiteChanges, before: dict[str, PageText], after: dict[str, PageText], head: Content) -> list[PageChange]:
    gone = {url: before[url] for url in before if url not in after}
    new = {url: after[url] for url in after if url not in before}
    pages: list[PageChange] = []
    provider = head.providers.get(site.provider_id)
    redirects = {r.old: r.to for r in provider.redirects.entries} if provider and provider.redirects else {}
    pairs: list[tuple[float, str, str]] = []
    for old_url, old_page in gone.items():
        for new_url, new_page in new.items():
            score = 1.0 if redirects.get(old_url) == new_url else similarity(old_page, new_page)
            if score >= MOVED_SIMILARITY:
                pairs.append((score, old_url, new_url))
    for _score, old_url, new_url in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if old_url in gone and new_url in new:
            old_page, new_page = gone.pop(old_url), new.pop(new_url)
            diff = word_diff(old_page.blocks, new_page.blocks) if old_page.blocks != new_page.blocks else []
            pages.append(PageChange(site.provider_id, site.provider, new_url, new_page.title, MOVED, diff, old_url=old_url))
    pages += [PageChange(site.provider_id, site.provider, url, page.title, ADDED) for url, page in new.items()]
    pages += [PageChange(site.provider_id, site.provider, url, page.title, REMOVED) for url, page in gone.items()]
    return pages


# -- the report ---------------------------------------------------------------------------------------------


NOT_COMPARED = "not-compared"


def as_json(changes: Changes) -> list[dict]:
    """One entry per page that changes or waits; a site that could not be compared is one entry with its problem."""
    entries = []
    for site in changes.sites:
        if site.problem:
            entries.append(
                {"provider": site.provider_id, "provider_name": site.provider, "url": None, "title": None, "status": NOT_COMPARED}
                | {"diff": [], "waiting_for": None, "problem": site.problem}
            )
        entries += [page.as_dict() for page in site.pages]
    return entries


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def summary(changes: Changes) -> str:
    """The line at the top: e.g. "3 pages on 2 sites change; 1 page waits for approval."."""
    changed = sum(len(site.changed) for site in changes.sites)
    sites = sum(1 for site in changes.sites if site.changed)
    waiting = sum(len(site.waiting) for site in changes.sites)
    parts = (
        [f"{_plural(changed, 'page', 'pages')} on {_plural(sites, 'site', 'sites')} {'changes' if changed == 1 else 'change'}"]
        if changed
        else []
    )
    if waiting:
        parts.append(f"{_plural(waiting, 'page waits', 'pages wait')} for approval")
    broken = [site.provider for site in changes.sites if site.problem]
    tail = f" {_plural(len(broken), 'site', 'sites')} cannot be compared: see below." if broken else ""
    if not parts:
        return "No page changes for patients." + tail
    return ("" if changed else "No page changes for patients yet; ") + "; ".join(parts) + "." + tail


# A word joiner (U+2060) after these keeps GitHub from making a page's words into a mention (@user, @org/team),
# a link (https://...) or an issue reference (#12) in the bot's comment; the reader sees the words as they are.
_NOT_A_MENTION = re.compile(r"([@#])(?=[A-Za-z0-9])|(?<=[A-Za-z])(:)(?=//)|\b(www)(\.)")
WORD_JOINER = "\u2060"


def escape(text: str) -> str:
    """Words made safe to put into Markdown (a GitHub comment), shown as they are: Markdown and HTML marks
    (``&`` too, so an entity is not decoded) escaped, and no mention, link or reference made of them."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _NOT_A_MENTION.sub(lambda m: "".join(part for part in m.groups() if part) + WORD_JOINER, text)


def _punctuation(char: str) -> bool:
    return bool(char) and not char.isalnum() and not char.isspace()


def _marked(op: str, words: str, before: str, after: str) -> str:
    """Removed words struck through, added words in bold; as <del>/<b> where Markdown would not see the marks
    (inside a word or against punctuation: CommonMark's flanking rules)."""
    text = escape(words)
    if op == "equal":
        return text
    opens = not _punctuation(words[0]) or not before or before.isspace() or _punctuation(before)
    closes = not _punctuation(words[-1]) or not after or after.isspace() or _punctuation(after)
    if opens and closes:
        return f"~~{text}~~" if op == "delete" else f"**{text}**"
    return f"<del>{text}</del>" if op == "delete" else f"<b>{text}</b>"


def _change_line(change: WordChange) -> str:
    out = []
    for index, (op, words) in enumerate(change.parts):
        lead = words[: len(words) - len(words.lstrip())]
        before = lead[-1:] or (change.parts[index - 1][1][-1:] if index else "")
        after = change.parts[index + 1][1][:1] if index + 1 < len(change.parts) else ""
        out.append(lead + _marked(op, words.strip(), before, after))
    text = "".join(out)
    if change.cut_before:
        text = "…" + text
    if change.cut_after:
        text += "…"
    where = f"*{escape(change.heading)}:* " if change.heading else ""
    return where + text


def _diff_lines(diff: list[WordChange], limit: int) -> list[str]:
    lines = [f"  - {_change_line(change)}" for change in diff[:limit]]
    if len(diff) > limit:
        lines.append(f"  - … and {_plural(len(diff) - limit, 'more change', 'more changes')}")
    return lines


def _page_line(page: PageChange) -> str:
    title = f"**{escape(page.title)}**"
    if page.status == MOVED:
        same = "" if page.diff else ", same text"
        return f"- {title} moved from `{page.old_url}` to `{page.url}`{same}"
    described = {
        CHANGED: "changes",
        ADDED: "new page",
        REMOVED: "removed",
        WAITING: f"unchanged until {escape(page.waiting_for or '')} approves; then:",
    }[page.status]
    line = f"- {title} `{page.url}`: {described}"
    if page.status == CHANGED and page.waiting_for:
        line += f" (a national change to it waits until {escape(page.waiting_for)} approves)"
    return line


def as_markdown(changes: Changes, limit: int = MAX_CHANGES_SHOWN) -> str:
    """The report for a pull request comment; its first line is the marker the comment is found by."""
    lines = [f"<!-- {MARKER} -->", "### What changes for patients", "", summary(changes)]
    if changes.quiet:
        lines += ["", f"Also affected, with the same words on every page (dates, links or design): {escape(', '.join(changes.quiet))}."]
    for site in changes.sites:
        lines += ["", f"#### {escape(site.provider)}", ""]
        if site.problem:
            lines.append(f"Cannot be compared: {escape(site.problem)}")
            continue
        for page in site.pages:
            lines.append(_page_line(page))
            lines += _diff_lines(page.diff, limit)
    lines += [
        "",
        f"<sub>Words on the pages at `{changes.base.replace('`', '')}` and in this change, with approved pins; made by `hcweb changes`.</sub>",
    ]
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Callable[[Changes], object]] = {"markdown": as_markdown, "json": as_json}
