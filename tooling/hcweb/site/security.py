"""What a published site may run and load, checked on the files that are published.

Every page carries one fixed Content-Security-Policy: scripts and styles only from files of
the site itself (no inline script or style is allowed, none is needed: the theme's small
helpers are a file, see overrides/assets/javascripts/hcweb-theme.js), nothing from other
hosts, frames only from the hosts in hcweb.yml. The policy is not derived from the pages, so
nothing injected into a page can allow itself.

unsafe_files() is the last check before a site is swapped in: no published HTML file may hold
an inline script, an event handler or a script from elsewhere, and no SVG an active part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from ..svg import svg_problems

# Script elements that carry data, not code: a browser never runs them.
_DATA_TYPES = frozenset({"application/json", "application/ld+json"})
_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>", re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?(?P<type>[^"'\s>]+)""", re.I)
_SRC = re.compile(r"""\bsrc\s*=\s*["']?(?P<src>[^"'\s>]+)""", re.I)
_HANDLER = re.compile(r"<[a-zA-Z][^<>]*\son[a-z]+\s*=", re.S)


def policy(frame_hosts: tuple[str, ...]) -> str:
    frames = " ".join(f"https://{host}" for host in frame_hosts) or "'none'"
    return (
        "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"font-src 'self'; connect-src 'self'; frame-src {frames}; object-src 'none'; base-uri 'self'; form-action 'self'"
    )


def with_policy(html: str, frame_hosts: tuple[str, ...]) -> str:
    """The page with the policy first in its head."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(frame_hosts)}">'
    return html.replace("<head>", f"<head>\n    {meta}", 1)


def add_content_security_policy(site_dir: Path, frame_hosts: tuple[str, ...], done: Iterable[str] = ()) -> None:
    """The policy into every HTML file of the site but those in ``done`` (paths under site_dir: pages that
    got it as they were written, plugin.py)."""
    skip = {site_dir / name for name in done}
    for page in site_dir.rglob("*.html"):
        if page not in skip:
            page.write_text(with_policy(page.read_text(encoding="utf-8"), frame_hosts), encoding="utf-8")


def page_problems(html: str) -> list[str]:
    """Scripts a browser would run from this page other than the site's own files."""
    problems = []
    for match in _SCRIPT.finditer(html):
        attrs = match.group("attrs")
        kind = _TYPE.search(attrs)
        src = _SRC.search(attrs)
        if src is None and not (kind and kind.group("type").lower() in _DATA_TYPES):
            problems.append("an inline <script>")
        elif src is not None and re.match(r"([a-z][a-z0-9+.-]*:|//)", src.group("src"), re.I):
            problems.append(f"a script from {src.group('src')[:80]}")
    if _HANDLER.search(html) and _has_handler(html):  # the pattern also matches text inside attribute values
        problems.append("an event handler attribute (on...=)")
    return problems


def _has_handler(html: str) -> bool:
    tree = LexborHTMLParser(html)
    return any(name.lower().startswith("on") for node in tree.root.traverse(include_text=False) for name in node.attributes)


def unsafe_files(site_dir: Path) -> list[str]:
    """Every published file that could run something it should not, with the reason."""
    found: list[str] = []
    for path in sorted(site_dir.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix in (".html", ".htm", ".xhtml"):
            reasons = page_problems(path.read_text(encoding="utf-8", errors="replace"))
        elif suffix in (".svg", ".svgz", ".xml") and path.name != "sitemap.xml":
            reasons = svg_problems(path.read_bytes()) if suffix != ".xml" else []
        else:
            continue
        found += [f"{path.relative_to(site_dir).as_posix()}: {reason}" for reason in sorted(set(reasons))]
    return found
