"""hcweb's MkDocs plugin (entry point ``hcweb``): wiring only, through MkDocs' public plugin events.

Each event hands its work to the module that owns it: page metadata, the HTML policy and
autoescape (mkdocs_hooks.py); the render cache (render_cache.py, which renders Markdown
through mkdocs_adapter.py, the one module that knows MkDocs' internals). With a cache:

- on_page_markdown renders the page's Markdown through the cache, and leaves MkDocs nothing to
  render; on_page_content gives the page what it rendered (HTML, contents, title, anchors).
- on_env keys each page for the page cache and has it rendered through a template of one
  value; on_page_context fills that value with the page's own template rendered in the same
  context, or with the HTML the cache has for it. Every page then goes on as usual: on_post_page
  and everything after it run for pages from the cache too.

Everything that belongs to one build lives in a SiteBuild made in on_config: no state is kept
in modules, and nothing passes from one build to the next.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import ChoiceLoader, DictLoader, FileSystemBytecodeCache
from markupsafe import Markup
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority

from . import menu, mkdocs_hooks
from .plugin_config import HcwebPluginConfig
from .render_cache import TEMPLATES, SiteRenderCache, Stats, Store
from .security import with_policy

PageProgress = Callable[[str, int, int], None]  # (site, pages done, pages in all)

DESIGN_FOLDER = "hcweb/"  # in overrides/: what the design's templates read, never a page or asset
CACHED_TEMPLATE = "hcweb-cached-page.html"  # a page through the page cache: its HTML, as on_page_context found it
CACHED_VALUE = "hcweb_cached_page"
CACHED_SOURCE = "{{ " + CACHED_VALUE + " }}"
ELSEWHERE_TEMPLATE = "hcweb-elsewhere.html"  # a page another process renders (a share of the site): no output here


@dataclass
class PageCount:
    """How far a site's rendering has come, in half pages (each page's Markdown, then the page through the
    theme), told to ``report`` every 25 steps and at the end as (site, pages done, pages in all)."""

    site: str
    report: PageProgress | None
    done: int = 0
    total: int = 0

    def step(self) -> None:
        if self.report is None:
            return
        self.done += 1
        if self.done % 25 == 0 or self.done == self.total:
            self.report(self.site, self.done // 2, self.total // 2)


@dataclass
class SiteBuild:
    """What belongs to one build of one site: made in on_config, done with in on_post_build (or on_build_error)."""

    meta: dict[str, dict]  # each page's hcweb metadata, by source path
    frame_hosts: tuple[str, ...]
    cache: SiteRenderCache | None
    progress: PageCount
    menus: menu.Menus
    nav: object | None = None
    documents: list = field(default_factory=list)  # MkDocs' documentation files, in its order
    env: object | None = None
    page_env: object | None = None  # the theme's templates, for the content of pages hcweb writes (mkdocs_hooks.composed_content)
    share: tuple[int, int] = (0, 1)  # (k, n): this process renders the k-th of n runs of the site's pages (Share)
    own: frozenset[str] | None = None  # the source paths of the pages this process renders; None: all
    rendered: dict[str, tuple[str, list[dict]]] = field(default_factory=dict)  # source path -> (Markdown, parts), until on_page_content
    templates: dict[str, tuple] = field(default_factory=dict)  # source path -> its own 'template' meta, for pages through the page cache

    def finish(self) -> None:
        if self.cache is not None:
            self.cache.close()

    def renders(self, page) -> bool:
        """Whether this process renders ``page`` (with a share of the site, the others render the rest)."""
        return self.own is None or page.file.src_uri in self.own


class HcwebPlugin(BasePlugin[HcwebPluginConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.report: PageProgress | None = None  # who hears how far rendering has come; set by whoever runs the build
        self.share: tuple[int, int] = (0, 1)  # the k-th of n runs of the site's pages; set by whoever runs the build
        self.site: SiteBuild | None = None

    def stats(self) -> dict:
        """What the last build took from the render cache and what it rendered (render_cache.Stats)."""
        cache = self.site.cache if self.site is not None else None
        return (cache.stats if cache is not None else Stats()).as_dict()

    def on_config(self, config):
        self.site = SiteBuild(
            mkdocs_hooks.read_meta(self.config.meta),
            tuple(self.config.frame_hosts),
            self._cache(),
            PageCount(self.config.name or config["site_name"], self.report),
            menu.Menus(),
            share=self.share,
        )
        return config

    def _cache(self) -> SiteRenderCache | None:
        if not self.config.cache:
            return None
        from .mkdocs_adapter import UntestedMkDocs, require_tested_mkdocs

        try:
            require_tested_mkdocs()
        except UntestedMkDocs as exc:
            raise PluginError(str(exc)) from None
        return SiteRenderCache(Store(Path(self.config.cache)), self.config.site_digest, self.config.parts)

    def on_files(self, files, config):
        """The design's own folder (overrides/hcweb/: templates and the words of generated pages) is not published."""
        for file in [f for f in files if f.src_uri.startswith(DESIGN_FOLDER)]:
            files.remove(file)
        return files

    def on_nav(self, nav, config, files):
        self.site.nav = nav
        self.site.documents = pages = files.documentation_pages()
        k, n = self.site.share
        if n > 1:  # a run of pages in MkDocs' order, so that the runs put together are the site's order
            self.site.own = frozenset(file.src_uri for file in pages[len(pages) * k // n : len(pages) * (k + 1) // n])
        self.site.progress.total = 2 * (len(pages) if self.site.own is None else len(self.site.own))
        return nav

    def rendered_here(self) -> tuple[list[str], list[str]]:
        """The files this process wrote for its pages (with the Content-Security-Policy: on_post_page), and their
        addresses (for putting a site's shares together)."""
        pages = [file.page for file in self.site.documents if self.site.renders(file.page)] if self.site else []
        return [page.file.dest_uri for page in pages], [page.url for page in pages]

    # --- each page's Markdown ------------------------------------------------------------------

    def _add_meta(self, markdown, page, config, files):
        meta = self.site.meta.get(page.file.src_uri)
        if meta is not None:
            page.meta["hcweb"] = meta
        return markdown

    @event_priority(-100)  # last: the Markdown as every plugin left it
    def _render_through_cache(self, markdown, page, config, files):
        from .mkdocs_adapter import render_nothing

        if not self.site.renders(page):
            render_nothing(page)  # another process renders it; its title is in its front matter
            return ""
        if self.site.cache is None:
            return markdown
        self.site.rendered[page.file.src_uri] = (markdown, self.site.cache.render(page, markdown, config, files))
        render_nothing(page)  # nothing left for MkDocs to render: _give_rendered gives the page what was rendered here
        return ""

    on_page_markdown = CombinedEvent(_add_meta, _render_through_cache)

    @event_priority(100)  # first: before any plugin sees the content
    def _give_rendered(self, html, page, config, files):
        found = self.site.rendered.pop(page.file.src_uri, None)
        if found is not None:
            from .mkdocs_adapter import apply

            page.markdown = found[0]
            apply(page, found[1], files)
            html = page.content
        if self.site.renders(page):
            self.site.progress.step()
        return html

    @event_priority(-100)  # last: what is checked is what is published
    def _check_content(self, html, page, config, files):
        if not self.site.renders(page):
            return html
        return mkdocs_hooks.checked_content(html, page, self.site.frame_hosts)

    @event_priority(-110)  # after the check: what the design's templates add is not content
    def _compose(self, html, page, config, files):
        if not self.site.renders(page):
            return html
        if self.site.page_env is None:
            self.site.page_env = mkdocs_hooks.on_env(config.theme.get_env(), config, files)
        return mkdocs_hooks.composed_content(html, page, config, self.site.page_env)

    on_page_content = CombinedEvent(_give_rendered, _check_content, _compose)

    # --- each page through the theme -------------------------------------------------------------

    @event_priority(-100)  # last: every other plugin has set up the environment
    def on_env(self, env, config, files):
        mkdocs_hooks.on_env(env, config, files, self.site.menus)
        self.site.env = env
        env.loader = ChoiceLoader([DictLoader({CACHED_TEMPLATE: CACHED_SOURCE, ELSEWHERE_TEMPLATE: ""}), env.loader])
        pages = [file.page for file in self.site.documents]
        for page in pages:
            if not self.site.renders(page):
                page.meta["template"] = ELSEWHERE_TEMPLATE  # empty: MkDocs writes no file for it
        cache = self.site.cache
        if cache is None:
            return env
        _compile_templates_once(env, cache.store.root / TEMPLATES)
        for page in cache.find_pages([page for page in pages if self.site.renders(page)], self.site.nav):
            self.site.templates[page.file.src_uri] = ("template" in page.meta, page.meta.get("template"))
            page.meta["template"] = CACHED_TEMPLATE
        return env

    @event_priority(-100)  # last: the context as every plugin left it
    def on_page_context(self, context, page, config, nav):
        mkdocs_hooks.content_as_html(page)
        if page.file.src_uri not in self.site.templates:
            return context
        had_own, own = self.site.templates.pop(page.file.src_uri)
        if had_own:
            page.meta["template"] = own
        else:
            del page.meta["template"]
        template = self.site.env.get_template(page.meta.get("template", "main.html"))  # as MkDocs would have chosen it
        context[CACHED_VALUE] = Markup(self.site.cache.page_html(page, lambda: template.render(context)))
        return context

    def on_post_page(self, output, page, config):
        if not self.site.renders(page):
            return ""
        self.site.progress.step()
        return with_policy(mkdocs_hooks.menu_in_site_language(output, page, config), self.site.frame_hosts)

    def on_post_build(self, config):
        self.site.finish()
        mkdocs_hooks.check_published(Path(config["site_dir"]))

    def on_build_error(self, error):
        if self.site is not None:
            self.site.finish()


def _compile_templates_once(env, folder: Path) -> None:
    """The theme's templates compiled once for every site and build, not once per site (Jinja's bytecode cache)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # no cache here: templates are compiled as usual
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))
