"""Screenshots of one sample provider's site for the README: `make screenshots`.

Builds the provider's site into a temporary folder as of a fixed day (so that the same
content gives the same pictures), serves it over HTTP as a web server would, and has
headless Chromium (Debian's `chromium`, as the browser tests use) take a full-page picture of a
treatment page, the home page and a location page, at 390 px (a phone) and 1280 px wide:

    docs/screenshots/<home|treatment|location>-<width>.png

The pages are found through the content model (the overlay's and the location's addresses),
not written here, so the script follows when addresses change.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from hcweb import urls
from hcweb.model import Overlay, Provider
from hcweb.repo import Content, Repository

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs/screenshots"
TODAY = "2026-11-30"  # the day the pictures show the sites as of (events, reviews due)
WIDTHS = {390: 844, 1280: 900}  # width: height of the first screen
CHROMIUM = Path(os.environ.get("HCWEB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--provider", help="the provider whose site is shown (default: the one with the most treatment pages)")
    parser.add_argument("--today", default=TODAY, help=f"build the site as of this day (default {TODAY})")
    parser.add_argument("--out", type=Path, default=OUT, help="where the pictures go (default docs/screenshots/)")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"Chromium not found at {CHROMIUM}: install Debian's chromium package, or set HCWEB_CHROMIUM", file=sys.stderr)
        return 1
    content = Repository(ROOT).load()
    provider = content.providers.get(args.provider) if args.provider else sample_provider(content)
    if provider is None:
        print(f"no provider {args.provider!r} (there are: {', '.join(sorted(content.providers))})", file=sys.stderr)
        return 2
    pages = pages_of(content, provider)
    with tempfile.TemporaryDirectory(prefix="hcweb-screenshots-") as folder:
        site = build(provider.id, Path(folder), args.today)
        server = serve(site)
        try:
            base = f"http://127.0.0.1:{server.server_address[1]}"
            take(base, pages, args.out)
        finally:
            server.shutdown()
    return 0


def treatments(content: Content, provider: Provider) -> list[Overlay]:
    """The provider's pages of national treatment texts, with the most locations first."""
    found = [
        o for o in provider.overlays if o.language is None and o.uses in content.national and content.national[o.uses].type == "treatment"
    ]  # in the site's language
    return sorted(found, key=lambda o: (-len(o.location_ids), o.rel))


def sample_provider(content: Content) -> Provider:
    return max(sorted(content.providers.values(), key=lambda p: p.id), key=lambda p: (len(treatments(content, p)), len(p.locations)))


def pages_of(content: Content, provider: Provider) -> dict[str, str]:
    """The pictures to take: name -> the page's address in the site."""
    overlays = treatments(content, provider)
    if not overlays or not provider.locations:
        raise SystemExit(f"{provider.name} has no treatment page or no location to show")
    overlay = overlays[0]
    location_id = next((i for i in overlay.location_ids if provider.location(i)), provider.locations[0].id)
    return {"home": urls.HOME.url, "treatment": overlay.url, "location": urls.location_url(location_id)}


def build(provider_id: str, out: Path, today: str) -> Path:
    hcweb = Path(sys.executable).with_name("hcweb")
    command = [str(hcweb), "--root", str(ROOT), "build", "--provider", provider_id, "--out", str(out), "--today", today]
    print("$", " ".join(command[1:]))
    if subprocess.run(command).returncode != 0:
        raise SystemExit("the build failed; see above")
    return out / provider_id


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def take(base: str, pages: dict[str, str], out: Path) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for width, height in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1, locale="nb-NO")
                page = context.new_page()
                for name, address in pages.items():
                    response = page.goto(base + address, wait_until="networkidle")
                    if response is None or response.status != 200:
                        raise SystemExit(f"{address} answered {response.status if response else 'nothing'}")
                    page.evaluate("() => document.fonts.ready")
                    path = out / f"{name}-{width}.png"
                    page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
                    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {address} at {width} px")
                context.close()
        finally:
            browser.close()


if __name__ == "__main__":
    sys.exit(main())
