"""SVG images without active parts: an SVG is a document that can run scripts when opened.

hcweb does not control the web server's headers, so what is published must be harmless by
itself: an SVG may hold shapes, text, gradients and styles of its own, and nothing that runs
(script, event handlers, animations of links), embeds (foreignObject, iframe) or loads from
elsewhere (a link or image outside the file, url() in a style, a DTD or entity). The XML is
read with defusedxml, which refuses entity tricks before anything is expanded.
"""

from __future__ import annotations

import re

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

_ACTIVE = frozenset(
    {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener", "audio", "video", "set", "animate", "discard"}
)
_LINK_ATTRIBUTES = frozenset({"href", "src"})
_URL_IN_STYLE = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)", re.I)
_IMPORT = re.compile(r"@import", re.I)


def svg_problems(data: bytes) -> list[str]:
    """Why the SVG may not be published (empty when it may)."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        return [f"the SVG cannot be read safely ({type(exc).__name__}); export it again as plain SVG without a DOCTYPE"]
    problems: list[str] = []
    for element in root.iter():
        name = _local(element.tag)
        if name.lower() in _ACTIVE:
            problems.append(f"<{name}> can run or embed something when the image is opened")
        if name.lower() == "style" and element.text and (_URL_IN_STYLE.search(element.text) or _IMPORT.search(element.text)):
            problems.append("a <style> in the SVG loads a file with url() or @import")
        for attribute, value in element.attrib.items():
            local = _local(attribute).lower()
            if local.startswith("on"):
                problems.append(f"the attribute {local}= runs a script when the image is opened")
            elif local in _LINK_ATTRIBUTES and not value.strip().startswith("#"):
                problems.append(f'<{name} {local}="{value[:60]}"> refers to something outside the image')
            elif local == "style" and _URL_IN_STYLE.search(value):
                problems.append("a style= in the SVG loads a file with url()")
    return sorted(set(problems))


def _local(tag: str) -> str:
    """The name without its XML namespace: '{http://www.w3.org/2000/svg}script' -> 'script'."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
