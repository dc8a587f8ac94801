"""The site's menu, rendered by the theme once per menu state instead of once per page.

With navigation.prune a page carries the menu of its own branch: every page under the same
sections gets the same HTML but for its own entry, which the theme marks active (and which
holds the page's contents). So the theme's own ``partials/nav.html`` is rendered once for each
branch and language, with the page's entry rendered as any other; each page then gets that
HTML with its own entry swapped for the theme's rendering of it as active. Two entries of one
page are rendered per page instead of the whole branch.

Addresses in the menu are relative to the page (MkDocs' ``url`` filter), so while the menu is
rendered for reuse the filter writes a mark for each address, and the marks are filled in for
each page as the filter would have written them.

Exact by construction, or not used: when a page's entry is not found exactly once in its
branch's menu (a section's index page, say), that page's menu is rendered whole by the theme,
as without this module. ``overrides/partials/nav.html`` calls ``hcweb_menu()``;
tests/test_menu.py compares whole sites built with and without it.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, pass_context
from markupsafe import Markup, escape
from mkdocs.utils import normalize_url

THEME = "hcweb-theme/"  # the theme's own templates, under this prefix, where an override of the same name hides them
NAV = THEME + "partials/nav.html"
ITEM = "partials/nav-item.html"
REUSE = True  # False: the theme renders every page's menu whole (tests/test_parallel_site.py compares the two)


class _NotAPage:
    """Stands for 'no page' where the theme asks whether an entry is the current page."""

    toc: list = []
    meta: dict = {}


class Menus:
    """The menus of one build of one site: each branch's HTML with marks for addresses, rendered once."""

    def __init__(self, reuse: bool = True) -> None:
        self.reuse = reuse and REUSE
        self.branches: dict[tuple, str] = {}  # branch -> its menu with no entry active, addresses as marks
        self.addresses: dict[str, int] = {}  # an address as the templates gave it -> its number in the marks
        self.by_number: list[str] = []
        self.token = secrets.token_hex(8)  # in every mark: no title or text of the site can spell one
        self.marks = re.compile(f"\x02{self.token}(\\d+)\x03")

    def render(self, context) -> str:
        page = context["page"]
        env = context.environment
        if not self.reuse or page is None or not hasattr(page, "ancestors"):
            return env.get_template(NAV).render(context.get_all())
        hcweb = (page.meta or {}).get("hcweb") or {}
        key = (tuple(id(section) for section in page.ancestors), hcweb.get("theme_language"))
        with self._marking(env):
            branch = self.branches.get(key)
            own = self._entry(context, page, active=False)
            active = self._entry(context, page, active=True)
            if branch is not None and branch.count(own) == 1:
                html = branch.replace(own, active, 1)
            else:
                html = env.get_template(NAV).render(context.get_all())
                if branch is None and html.count(active) == 1:
                    self.branches[key] = html.replace(active, own, 1)
        return self._filled(html, context)

    def _entry(self, context, page, active: bool) -> str:
        """The theme's rendering of ``page``'s own menu entry, marked active as on its own page, or as on any other."""
        values = context.get_all()
        if not active:
            values = {**values, "page": _NotAPage()}
        module = context.environment.get_template(ITEM).make_module(values)
        if active:
            return str(module.render(page, "", 1, None))
        page.active = False  # as on another page: the theme reads the entry's own flag (MkDocs sets it per page)
        try:
            return str(module.render(page, "", 1, None))
        finally:
            page.active = True

    @contextlib.contextmanager
    def _marking(self, env):
        """MkDocs' ``url`` filter, writing a mark for each address instead of the address relative to the page."""
        real = env.filters["url"]

        @pass_context
        def mark(context, value) -> str:
            text = str(value)
            number = self.addresses.get(text)
            if number is None:
                number = self.addresses[text] = len(self.by_number)
                self.by_number.append(text)
            return f"\x02{self.token}{number}\x03"

        env.filters["url"] = mark
        try:
            yield
        finally:
            env.filters["url"] = real

    def _filled(self, html: str, context) -> str:
        """The marks replaced by the addresses as MkDocs' ``url`` filter writes them on this page (escaped, as printed)."""
        page, base = context["page"], context["base_url"]
        return self.marks.sub(lambda m: str(escape(normalize_url(self.by_number[int(m[1])], page=page, base=base))), html)


def install(env, menus: Menus) -> None:
    """The theme's own templates under THEME, and ``hcweb_menu()`` for overrides/partials/nav.html."""
    env.loader = ChoiceLoader([PrefixLoader({THEME.rstrip("/"): FileSystemLoader(_theme_templates())}), env.loader])
    env.globals["hcweb_menu"] = pass_context(lambda context: Markup(menus.render(context)))


def _theme_templates() -> str:
    import material

    return str(Path(material.__file__).parent / "templates")
