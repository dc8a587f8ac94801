"""The one place where hcweb uses MkDocs' internals: rendering Markdown exactly as a MkDocs page does.

The render cache (render_cache.py) renders parts of pages, and must give each page what
``Page.render`` would have given it: the HTML, the table of contents, the title found in the
Markdown, the anchors, and the links to anchors of other pages. MkDocs has no public API for
rendering Markdown as a page outside ``Page.render``, so this module builds a converter from
the same (private) processors ``Page.render`` registers, and sets the page's fields as it does.
Nothing else in hcweb touches a name of MkDocs that starts with an underscore; everything else
goes through plugin events (plugin.py).

These internals were checked against the MkDocs versions in TESTED; on any other,
require_tested_mkdocs() stops the build with a message that says what to do.
"""

from __future__ import annotations

import functools
import logging

TESTED = ((1, 6), (1, 7))  # MkDocs >= 1.6, < 1.7: the internals below are those of 1.6.x
PAGES_LOG = "mkdocs.structure.pages"  # the logger MkDocs' page rendering warns through


class UntestedMkDocs(Exception):
    """The installed MkDocs is not one whose internals this module was checked against."""


def require_tested_mkdocs() -> None:
    """Raise UntestedMkDocs, saying what to do, unless the installed MkDocs is one of TESTED."""
    import mkdocs

    version = getattr(mkdocs, "__version__", "unknown")
    try:
        numbers = tuple(int(part) for part in version.split(".")[:2])
        from mkdocs.structure.pages import (  # noqa: F401 - what this module uses
            _ExtractAnchorsTreeprocessor,
            _ExtractTitleTreeprocessor,
            _RawHTMLPreprocessor,
            _RelativePathTreeprocessor,
        )
    except (ValueError, ImportError):
        numbers = ()
    low, high = TESTED
    if not numbers or not low <= numbers < high:
        tested = f">={'.'.join(map(str, low))},<{'.'.join(map(str, high))}"
        raise UntestedMkDocs(
            f"hcweb's render cache was tested with MkDocs {tested}, and MkDocs {version} is installed: "
            f"install a tested one (pip install -c constraints.txt -e .), or build with --no-cache"
        )


class Converter:
    """Markdown to HTML as MkDocs renders a page, with one Python-Markdown instance reset between texts.

    MkDocs makes a new instance for every page; one for the whole build costs less and gives the same HTML.
    """

    def __init__(self, config) -> None:
        import markdown

        self.config = config
        self.markdown = markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"] or {})

    def convert(self, page, files, text: str) -> dict:
        """``text`` rendered at the place of ``page``: HTML, table of contents, title, anchors, links, lookups, warnings."""
        from mkdocs.structure.pages import (
            _ExtractAnchorsTreeprocessor,
            _ExtractTitleTreeprocessor,
            _RawHTMLPreprocessor,
            _RelativePathTreeprocessor,
        )

        md = self.markdown
        md.reset()
        lookups = _RecordingFiles(files)
        raw_html = _RawHTMLPreprocessor()
        raw_html._register(md)
        anchors = _ExtractAnchorsTreeprocessor(page.file, files, self.config)
        anchors._register(md)
        relative = _RelativePathTreeprocessor(page.file, lookups, self.config)
        relative._register(md)
        title = _ExtractTitleTreeprocessor()
        title._register(md)
        capture = _Capture()
        logger = logging.getLogger(PAGES_LOG)
        logger.addHandler(capture)
        try:
            html = md.convert(text)
        finally:
            logger.removeHandler(capture)
        return {
            "html": html,
            "toc": _flat(getattr(md, "toc_tokens", [])),
            "title": title.title,
            "anchors": sorted(anchors.present_anchor_ids | raw_html.present_anchor_ids),
            "links": {target.src_uri: links for target, links in relative.links_to_anchors.items()},
            "lookups": lookups.seen,
            "warnings": capture.records,
        }


def apply(page, entries: list[dict], files) -> None:
    """Give ``page`` what Page.render gives it, from rendered parts (convert()) that make up its Markdown in order."""
    from markdown.extensions.toc import nest_toc_tokens
    from mkdocs.structure.toc import get_toc

    page.content = "\n".join(entry["html"] for entry in entries if entry["html"])
    page.toc = get_toc(nest_toc_tokens([dict(token) for entry in entries for token in entry["toc"]]))
    page._title_from_render = entries[0]["title"]
    page.present_anchor_ids = {anchor for entry in entries for anchor in entry["anchors"]}
    if logging.getLogger(PAGES_LOG).getEffectiveLevel() > logging.DEBUG:
        links: dict = {}
        for entry in entries:
            for src_uri, anchors in entry["links"].items():
                target = files.get_file_from_path(src_uri)
                if target is not None:
                    for anchor, url in anchors.items():
                        links.setdefault(target, {}).setdefault(anchor, url)
        page.links_to_anchors = links


def render_nothing(page) -> None:
    """Have MkDocs' rendering of ``page`` (Page.render, which MkDocs calls after on_page_markdown) give it
    nothing, without building a Markdown converter for an empty text: its content is given by the plugin
    (apply) or the page is rendered by another process."""
    page.render = functools.partial(_nothing, page)


def _nothing(page, config, files) -> None:
    from mkdocs.structure.toc import get_toc

    page.content = ""
    page.toc = get_toc([])
    page._title_from_render = None
    page.present_anchor_ids = set()
    page.links_to_anchors = {}


def describe_file(file) -> list | None:
    """What a link to ``file`` turns into: its address and whether it is left out of the site."""
    return None if file is None else [file.src_uri, file.url, file.inclusion.is_excluded()]


class _RecordingFiles:
    """Files as MkDocs' link rewriting sees them, remembering every lookup and what it found."""

    def __init__(self, files) -> None:
        self.files = files
        self.seen: dict[str, list | None] = {}

    def get_file_from_path(self, path: str):
        found = self.files.get_file_from_path(path)
        self.seen[path] = describe_file(found)
        return found


class _Capture(logging.Handler):
    """The warnings a text gives while it is rendered, to give them again when it comes from the cache."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[list] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append([record.levelno, record.getMessage()])


def _flat(tokens: list[dict]) -> list[dict]:
    out = []
    for token in tokens:
        out.append({key: value for key, value in token.items() if key != "children"})
        out += _flat(token.get("children", []))
    return out


# --- One built site kept open, to render a page of it again (hcweb serve: site/live.py) ----------


class OpenSite:
    """MkDocs' state of one staged site as a build holds it before it renders the pages: the configuration
    (every plugin's on_config run), the files, the menu, every page's source read, and the theme's environment
    (every plugin's on_env run). A page of it can then be rendered again alone (render_again)."""

    def __init__(self, config, files, nav, env) -> None:
        self.config, self.files, self.nav, self.env = config, files, nav, env

    def plugin(self, name: str):
        return self.config.plugins.get(name)


def open_site(config_file: str) -> OpenSite:
    """The steps of mkdocs.commands.build.build up to rendering the pages, on the staged site ``config_file``.

    Nothing is written. The pages are read (front matter and Markdown: their titles and metadata, as the
    menu shows them) but not rendered: a page shows no other page's content.
    """
    import os

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files, set_exclusions
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.pages import Page

    config = load_config(config_file)
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    files = get_files(config)
    env = config.theme.get_env()
    files.add_files_from_theme(env, config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)
    for file in files.documentation_pages():
        if file.page is None:
            Page(None, file, config)
        file.page.read_source(config)
    env = config.plugins.on_env(env, config=config, files=files)
    return OpenSite(config, files, nav, env)


def render_again(site: OpenSite, src_uri: str) -> bytes:
    """The page ``src_uri`` read again from the docs folder and rendered as a build renders it (Markdown, plugins'
    page events, the theme); returns the bytes MkDocs wrote for it under site_dir. Raises what the build would."""
    from mkdocs.commands.build import _build_page, _populate_page
    from mkdocs.structure.toc import get_toc

    file = site.files.get_file_from_path(src_uri)
    if file is None or file.page is None:
        raise KeyError(src_uri)
    page = file.page
    page.markdown, page.content, page.meta, page._title_from_render = None, None, {}, None
    page.toc = get_toc([])
    _populate_page(page, site.config, site.files)
    _build_page(page, site.config, site.files.documentation_pages(), site.nav, site.env)
    with open(file.abs_dest_path, "rb") as handle:
        return handle.read()
