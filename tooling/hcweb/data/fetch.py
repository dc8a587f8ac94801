"""Fetching from outside: timeouts, retries with back-off, a clear User-Agent and a size bound."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .. import __version__

USER_AGENT = f"hcweb/{__version__} (content sync for specialist healthcare websites)"
TIMEOUT = (5, 15)  # seconds to connect, seconds between bytes
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5


class FetchError(Exception):
    """A fetch failed; the message says what, in one line."""


def session(retries: int = 2, backoff: float = 0.5) -> requests.Session:
    http = requests.Session()
    http.headers["User-Agent"] = USER_AGENT
    http.max_redirects = MAX_REDIRECTS
    retry = Retry(total=retries, backoff_factor=backoff, status_forcelist=(429, 500, 502, 503, 504), allowed_methods=("GET",), raise_on_status=False)
    adapter = HTTPAdapter(max_retries=retry)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http


def read(source: str, http: requests.Session | None = None, max_bytes: int | None = None) -> bytes:
    """The bytes at ``source``: an http(s) URL or a local file, at most ``max_bytes`` (default MAX_BYTES)."""
    max_bytes = max_bytes or MAX_BYTES
    if urlparse(source).scheme not in ("http", "https"):
        path = Path(source)
        try:
            if path.stat().st_size > max_bytes:
                raise FetchError(f"{source}: larger than {max_bytes} bytes")
            return path.read_bytes()
        except OSError as exc:
            raise FetchError(f"{source}: {exc.strerror or exc}") from exc
    http = http or session()
    try:
        with http.get(source, timeout=TIMEOUT, stream=True) as response:
            if response.status_code >= 400:
                raise FetchError(f"{source}: the server answered {response.status_code} {response.reason}")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"{source}: the response is {declared} bytes, more than the limit of {max_bytes}")
            body = bytearray()
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"{source}: the response is larger than the limit of {max_bytes} bytes")
            return bytes(body)
    except requests.TooManyRedirects:
        raise FetchError(f"{source}: more than {MAX_REDIRECTS} redirects (a redirect loop?)") from None
    except requests.Timeout:
        raise FetchError(f"{source}: no answer within {TIMEOUT[1]} seconds") from None
    except requests.ConnectionError as exc:
        if "timed out" in str(exc).lower():  # a read timeout, after the retries
            raise FetchError(f"{source}: no answer within {TIMEOUT[1]} seconds") from None
        raise FetchError(f"{source}: cannot connect") from None
    except requests.RequestException as exc:
        raise FetchError(f"{source}: {type(exc).__name__}") from None
