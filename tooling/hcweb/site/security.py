"""A Content-Security-Policy on every built page: scripts only from the site itself (and the
theme's own inline scripts, by hash), nothing from other hosts, frames only from allowed hosts."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script>", re.S)
_DATA_TYPES = ("application/json", "application/ld+json")


def _inline_hashes(html: str) -> list[str]:
    hashes = []
    for match in _INLINE_SCRIPT.finditer(html):
        attrs = match.group("attrs") or ""
        if "src=" in attrs or any(kind in attrs for kind in _DATA_TYPES):
            continue
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    return sorted(set(hashes))


def policy(html: str, frame_hosts: tuple[str, ...]) -> str:
    frames = " ".join(f"https://{host}" for host in frame_hosts) or "'none'"
    scripts = " ".join(["'self'", *_inline_hashes(html)])
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        f"font-src 'self'; connect-src 'self'; frame-src {frames}; object-src 'none'; base-uri 'self'; form-action 'self'"
    )


def add_content_security_policy(site_dir: Path, frame_hosts: tuple[str, ...]) -> None:
    for page in site_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html, frame_hosts)}">'
        page.write_text(html.replace("<head>", f"<head>\n    {meta}", 1), encoding="utf-8")
