"""Fetching from outside: timeouts, an overall deadline, retries with back-off, a clear User-Agent and a size bound.

Addresses are shown (in messages) and stored (in snapshots) only through
``shown_url``, which drops a user name and password and hides secret query values.
"""

from __future__ import annotations

import re
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote_plus

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from .. import __version__

USER_AGENT = f"hcweb/{__version__} (content sync for specialist healthcare websites)"
TIMEOUT = (5, 15)  # seconds to connect, seconds between bytes
DEADLINE = 60.0  # seconds one source may take in all: connecting, retries, redirects and the last byte
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
CHUNK = 64 * 1024

REDACTED = "REDACTED"
_SECRET_NAME = re.compile(r"token|key|secret|passw|pwd|sig|auth|credential|session", re.IGNORECASE)
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_HTTP = re.compile(r"https?://", re.IGNORECASE)


class FetchError(Exception):
    """A fetch failed: ``source`` (as it may be shown) and the ``reason``, in one line."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = shown_url(source)
        self.reason = reason
        super().__init__(f"{self.source}: {reason}")


def shown_url(source: str) -> str:
    """``source`` as it may be printed or stored: no user name or password, secret query values replaced.

    A local file name is returned as it is; control characters never pass.
    """
    shown = _USERINFO.sub(r"\1", source)
    if "?" in shown and "://" in shown:
        head, _, rest = shown.partition("?")
        query, hash_, fragment = rest.partition("#")
        shown = f"{head}?{'&'.join(_redact(pair) for pair in query.split('&'))}{hash_}{fragment}"
    return _UNPRINTABLE.sub("?", shown)


def _redact(pair: str) -> str:
    name, equals, _ = pair.partition("=")
    return f"{name}={REDACTED}" if equals and _SECRET_NAME.search(unquote_plus(name)) else pair


def is_url(source: str) -> bool:
    return _HTTP.match(source) is not None


def session(retries: int = 2, backoff: float = 0.5) -> requests.Session:
    http = requests.Session()
    http.headers["User-Agent"] = USER_AGENT
    http.max_redirects = MAX_REDIRECTS
    retry = Retry(
        total=retries, backoff_factor=backoff, status_forcelist=(429, 500, 502, 503, 504), allowed_methods=("GET",), raise_on_status=False
    )
    adapter = HTTPAdapter(max_retries=retry)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http


def read(source: str, http: requests.Session | None = None, max_bytes: int | None = None, deadline: float | None = None) -> bytes:
    """The bytes at ``source``: an http(s) URL or a local file, at most ``max_bytes`` (default MAX_BYTES).

    A URL must answer in full within ``deadline`` seconds (default DEADLINE), however
    slowly the bytes trickle in; after that the fetch fails.
    """
    max_bytes = max_bytes or MAX_BYTES
    if not is_url(source):
        return _read_file(Path(source), source, max_bytes)
    seconds = deadline or DEADLINE
    http = http or session()
    return _within(seconds, source, lambda stop: _download(source, http, max_bytes, stop))


def _read_file(path: Path, source: str, max_bytes: int) -> bytes:
    """A regular file only: a pipe or a device (/dev/zero) could block or never end."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise FetchError(source, "this is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise FetchError(source, "not a regular file (a pipe or a device cannot be read as a feed)")
        if info.st_size > max_bytes:
            raise FetchError(source, f"larger than {max_bytes} bytes")
        with path.open("rb") as handle:
            body = handle.read(max_bytes + 1)
    except OSError as exc:
        raise FetchError(source, exc.strerror or type(exc).__name__) from None
    if len(body) > max_bytes:
        raise FetchError(source, f"larger than {max_bytes} bytes")
    return body


def _within(seconds: float, source: str, work: Callable[[threading.Event], bytes]) -> bytes:
    """What ``work`` returns, if it finishes within ``seconds``; else a FetchError, and ``work`` is told to stop.

    The work runs in a daemon thread, so a server that holds the connection open
    cannot hold the command: the thread notices the stop at its next read and
    ends, or ends with the process.
    """
    stop = threading.Event()
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["body"] = work(stop)
        except BaseException as exc:  # handed to the waiting thread below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="hcweb-fetch", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        stop.set()
        raise FetchError(source, f"no complete answer within {_seconds(seconds)} (the time allowed for one source)")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["body"]  # type: ignore[return-value]


def _seconds(value: float) -> str:
    shown = f"{value:g}"
    return f"{shown} second" if shown == "1" else f"{shown} seconds"


def _download(source: str, http: requests.Session, max_bytes: int, stop: threading.Event) -> bytes:
    try:
        with http.get(source, timeout=TIMEOUT, stream=True) as response:
            if response.status_code >= 400:
                raise FetchError(source, f"the server answered {response.status_code} {_printable(response.reason)}")
            declared = response.headers.get("Content-Length", "")
            if declared.isascii() and declared.isdigit() and len(declared) < 20 and int(declared) > max_bytes:
                raise FetchError(source, f"the response is {declared} bytes, more than the limit of {max_bytes}")
            return _body(response, source, max_bytes, stop)
    except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema, requests.exceptions.MissingSchema, ValueError):
        raise FetchError(source, "this is not a web address that can be fetched") from None
    except requests.TooManyRedirects:
        raise FetchError(source, f"more than {MAX_REDIRECTS} redirects (a redirect loop?)") from None
    except (requests.Timeout, ReadTimeoutError):
        raise FetchError(source, f"no answer within {_seconds(TIMEOUT[1])}") from None
    except requests.ConnectionError as exc:
        if "timed out" in str(exc).lower():  # a read timeout, after the retries
            raise FetchError(source, f"no answer within {_seconds(TIMEOUT[1])}") from None
        raise FetchError(source, "cannot connect") from None
    except (requests.RequestException, Urllib3Error) as exc:
        raise FetchError(source, f"the answer could not be read ({type(exc).__name__})") from None


def _body(response: requests.Response, source: str, max_bytes: int, stop: threading.Event) -> bytes:
    """The body, read as it arrives (not in fixed blocks), so that a stop is noticed at each read."""
    raw = response.raw
    read_some = getattr(raw, "read1", None) or raw.read
    body = bytearray()
    while not stop.is_set():
        chunk = read_some(CHUNK, decode_content=True)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(source, f"the response is larger than the limit of {max_bytes} bytes")
    raise FetchError(source, "stopped at the deadline")


def _printable(text: str | None) -> str:
    return _UNPRINTABLE.sub("?", text or "")[:100]
