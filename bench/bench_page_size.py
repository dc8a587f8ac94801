"""Benchmark: the largest page of a 2,000-page site, and the largest menu, against the 100 KB target.

    python bench/bench_page_size.py [--texts 2000] [--site DIR]

Builds one provider with every national text of the corpus adopted (a first build, as bench_build.py
does), or measures an already built site (--site), and prints the largest HTML page, the largest page of
each kind (home, locations, A-Å lists, texts, ...) and the largest menu a page carries. Target: no page
over 100 KB of HTML, whatever the number of texts.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from make_corpus import make_corpus
from measure import HCWEB, run

TARGET = 100 * 1024  # bytes of HTML in one page
MENU = "nav.md-nav--primary"


def page_kind(rel: str) -> str:
    """What a published page is, from its address: the home page, a location, a page of an A-Å list, ..."""
    parts = rel.split("/")[:-1]  # without index.html
    if not parts:
        return "home"
    if "a-a" in parts[1:]:
        return "A-Å list (one letter)"
    if parts[0] == "steder":
        return "locations" if len(parts) == 1 else "location"
    if parts[0] == "arrangementer":
        return "events" if len(parts) == 1 else "event"
    return "text or provider page" if len(parts) >= 2 else "other generated page"


def page_sizes(site: Path) -> list[tuple[int, str]]:
    """(bytes, path relative to the site) of every published page, largest first (404.html and redirect pages too)."""
    return sorted(((path.stat().st_size, path.relative_to(site).as_posix()) for path in site.rglob("*.html")), reverse=True)


def menu_bytes(page: Path) -> int:
    """The bytes of the site menu a page carries."""
    menu = LexborHTMLParser(page.read_text(encoding="utf-8")).css_first(MENU)
    return len(menu.html.encode("utf-8")) if menu is not None else 0


def report(site: Path) -> bool:
    """Print the figures of ``site``; whether its largest page is within the target."""
    sizes = page_sizes(site)
    largest, where = sizes[0]
    verdict = "within" if largest <= TARGET else "OVER"
    print(f"{f'largest page of {len(sizes)} ({where})':<58} {largest / 1024:8.1f} KB   (target <= {TARGET // 1024} KB: {verdict})")
    seen: set[str] = set()
    for size, rel in sizes:
        kind = page_kind(rel)
        if kind not in seen:
            seen.add(kind)
            print(f"{f'  largest {kind} ({rel})':<58} {size / 1024:8.1f} KB")
    menus = [(menu_bytes(site / rel), rel) for _, rel in sizes[:50]]  # the menu is the bulk of the largest pages
    menu, rel = max(menus)
    print(f"{f'  largest menu of the 50 largest pages ({rel})':<58} {menu / 1024:8.1f} KB")
    return largest <= TARGET


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=2000, help="national texts in the corpus, every one adopted by the provider")
    parser.add_argument("--site", type=Path, help="measure this built site instead of building one")
    args = parser.parse_args()
    if args.site:
        report(args.site)
        return
    with tempfile.TemporaryDirectory() as folder:
        corpus = make_corpus(Path(folder) / "corpus", 1, args.texts, args.texts)
        out = Path(folder) / "out"
        run([HCWEB, "--root", str(corpus), "build", "--provider", "hf-00", "--out", str(out), "--today", "2026-11-29"])
        report(out / "hf-00")


if __name__ == "__main__":
    main()
