"""The pages at a site's old addresses (entry point ``hcweb-redirects``): mkdocs-redirects, without its script.

A provider's redirects.yml (checks/redirects.py) lists addresses the site once published: each
leads on to a page of the site, or is gone with a reason. mkdocs-redirects (1.2.3) maps the old
docs files to the new ones and finds where each new page is served; but the page it writes holds
an inline ``<script>`` (to carry the #anchor along) beside its meta refresh, and no published page
may hold an inline script (security.py; the sites' Content-Security-Policy would block it anyway).
So this subclass keeps the plugin's map and its path arithmetic and writes the pages itself, from
the design's templates: ``hcweb-redirect.html`` (meta refresh, a canonical link and a link to
follow, noindex) and ``hcweb-gone.html`` (noindex; why the page was removed, and the way on). An
anchor in an old link is not carried along: without a script a static page cannot read it.
"""

from __future__ import annotations

import logging
import os
import posixpath

from mkdocs.config import config_options
from mkdocs_redirects.plugin import RedirectPlugin, get_html_path, get_relative_html_path

from . import mkdocs_hooks

log = logging.getLogger("mkdocs.plugins.hcweb-redirects")

REDIRECT_TEMPLATE = "hcweb-redirect.html"
GONE_TEMPLATE = "hcweb-gone.html"


class RedirectPages(RedirectPlugin):
    config_scheme = (
        *RedirectPlugin.config_scheme,
        ("gone", config_options.Type(dict, default={})),  # old docs file -> why the page was removed
    )

    def on_post_build(self, config, **kwargs):
        directory_urls = config.get("use_directory_urls")
        env = mkdocs_hooks.on_env(config.theme.get_env(), config, None)  # autoescape and the design's filters, as every page
        for old, new in self.redirects.items():
            target, hash_sign, fragment = str(new).partition("#")
            anchor = hash_sign + fragment
            file = self.doc_pages.get(target)
            if file is None:  # validate reports it at its line in redirects.yml; a build never gets here with it
                log.warning("Redirect target '%s' does not exist!", new)
                continue
            html_path = get_html_path(old, directory_urls)
            href = get_relative_html_path(old, file.url + anchor, directory_urls)
            self._write(config, html_path, env.get_template(REDIRECT_TEMPLATE).render(**self._context(config, html_path), target=href))
        for old, reason in self.config["gone"].items():
            html_path = get_html_path(old, directory_urls)
            self._write(config, html_path, env.get_template(GONE_TEMPLATE).render(**self._context(config, html_path), reason=reason))

    @staticmethod
    def _context(config, html_path: str) -> dict:
        root = posixpath.relpath(".", posixpath.dirname(html_path) or ".")
        return {"config": config, "root": "" if root == "." else f"{root}/"}

    @staticmethod
    def _write(config, html_path: str, html: str) -> None:
        path = os.path.join(config["site_dir"], html_path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(html)
