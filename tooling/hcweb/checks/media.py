"""Images: each one used has a rights file, a description, and may be shown on this provider's site."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import urls
from ..diagnostics import Diagnostic, error
from ..media import ImageRef, image_refs
from ..model import Provider
from ..resolve import expand_overlay
from ..svg import svg_problems

if TYPE_CHECKING:
    from . import CheckContext


def check(context: CheckContext) -> list[Diagnostic]:
    found: list[Diagnostic] = _active_images(context)
    for provider in context.in_scope():
        if provider.logo:
            logo = ImageRef(provider.lines("site", "logo"), provider.logo, provider.name)
            found += _check_image(context, provider, provider.rel, logo, "as the logo on every page")
        for rel, body, first_line, page in site_texts(context, provider):
            for ref in image_refs(body, first_line):
                found += _check_image(context, provider, rel, ref, page)
    return found


def _active_images(context: CheckContext) -> list[Diagnostic]:
    """SVG images that could run something when opened are refused, used or not (they are published as they are)."""
    found: list[Diagnostic] = []
    if context.git is None:
        return found  # no checkout to read from; the build checks every SVG it publishes again
    root = context.git.root
    for path, media in sorted(context.content.media.items()):
        if not path.lower().endswith((".svg", ".svgz")):
            continue
        try:
            data = (root / media.rel).read_bytes()
        except OSError:
            continue
        for problem in svg_problems(data):
            found.append(
                error(media.rel, 1, "media-active", f"{problem}; an image may not hold anything that runs or loads from elsewhere")
            )
    return found


def site_texts(context: CheckContext, provider: Provider, with_urls: bool = False):
    """(file, body, first line, page) of every text on the provider's site: the page as words, or its URL."""
    content = context.content
    by_rel = {text.rel: (text.body, text.body_line) for text in content.national.values()}
    by_rel |= {snippet.rel: (snippet.body, 1) for snippet in provider.snippets.values()}
    for overlay in provider.overlays:
        by_rel[overlay.rel] = (overlay.body, overlay.body_line)
        url = context.url(overlay)
        for rel in sorted(expand_overlay(content, provider, overlay, context.git).files):
            if rel in by_rel:
                yield rel, *by_rel[rel], url if with_urls else f"on its page {url}"
    for page in provider.pages:
        yield page.rel, page.body, page.body_line, page.url if with_urls else f"on its page {page.url}"
    for event in provider.events:
        url = urls.event_url(event.slug)
        yield event.rel, event.body, event.body_line, url if with_urls else f"on its page {url}"


def _check_image(context: CheckContext, provider: Provider, rel: str, ref, page: str) -> list[Diagnostic]:
    found = []
    media = context.content.media.get(ref.path)
    if not ref.alt:
        found.append(
            error(rel, ref.line, "image-alt", "describe the image for those who cannot see it: write the description between [ and ]")
        )
    if media is None:
        found.append(
            error(
                rel,
                ref.path_line,
                "media-missing",
                f"there is no image content/media/{ref.path} with a rights file (content/media/{ref.path}.yml)",
            )
        )
    elif media.restricted and media.owner != provider.id:
        owner = context.content.providers.get(media.owner or "")
        found.append(
            error(
                rel,
                ref.path_line,
                "media-restricted",
                f"the image {ref.path} may only be shown on the site of {owner.name if owner else media.owner} (reuse: restricted), "
                f"but {provider.name} shows it {page}",
            )
        )
    return found
