"""Live preview of one provider's site: rebuilt when anything it depends on changes.

The preview shows national texts as they are in the working tree (what the
author is writing), not only the approved revisions. While the content has
errors, they are printed and the last good pages stay served.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import http.server
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from . import commands
from .diagnostics import render
from .errors import ContentErrors, HcwebError
from .repo import Repository

WATCHED = ("content", "overrides", "data", "schemas", "hcweb.yml")
# Served as a file of the site, so the pages' Content-Security-Policy ('self') allows it.
RELOAD_JS = (
    b"(function(){var id=null;setInterval(function(){fetch('/__hcweb_build__').then(function(r){return r.text()})"
    b".then(function(b){if(id!==null&&b!==id){location.reload()}id=b}).catch(function(){})},1000)})();\n"
)
RELOAD_TAG = b'<script src="/__hcweb_reload__.js"></script>'


class Preview:
    def __init__(self, repo: Repository, provider_id: str, out_dir: Path, today: dt.date, say: Callable[[str], None]) -> None:
        self.repo = repo
        self.provider_id = provider_id
        self.out_dir = out_dir
        self.today = today
        self.say = say
        self.build_id = 0
        self.lock = threading.Lock()

    @property
    def site(self) -> Path:
        return self.out_dir / self.provider_id

    def rebuild(self) -> bool:
        with self.lock:
            started = time.perf_counter()
            try:
                _, results = commands.build(self.repo, [self.provider_id], self.out_dir, self.today, approved_only=False)
            except ContentErrors as exc:
                self.say(render([d for d in exc.diagnostics if d.is_error], "text"))
                self.say(f"{exc.message}; still serving the last good pages")
                return False
            result = results[0]
            if not result.ok:
                self.say("\n".join(result.messages) + "\nthe build failed; still serving the last good pages")
                return False
            self.build_id += 1
            self.say(f"rebuilt {self.provider_id}: {result.pages} pages in {time.perf_counter() - started:.1f} s")
            return True


class _Changes(FileSystemEventHandler):
    def __init__(self, root: Path, ignore: Path, event: threading.Event) -> None:
        self.root, self.ignore, self.event = root, ignore, event

    def on_any_event(self, event: FileSystemEvent) -> None:
        path = Path(str(event.src_path))
        if event.event_type in ("opened", "closed_no_write") or path.name.startswith("."):
            return
        if self.ignore in path.parents or path == self.ignore:
            return
        self.event.set()


def _handler(preview: Preview):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's signature
            pass

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            if self.path == "/__hcweb_build__":
                return self._send(str(preview.build_id).encode(), "text/plain")
            if self.path == "/__hcweb_reload__.js":
                return self._send(RELOAD_JS, "text/javascript")
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            if path.suffix == ".html" and path.is_file():
                return self._send(path.read_bytes().replace(b"</body>", RELOAD_TAG + b"</body>", 1), "text/html; charset=utf-8")
            return super().do_GET()

        def _send(self, body: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return functools.partial(Handler, directory=str(preview.site))


class PortUnavailable(HcwebError):
    """The address to serve on cannot be had (a usage problem: exit 2)."""

    exit_code = 2


def _listen(host: str, port: int, preview: Preview) -> http.server.ThreadingHTTPServer:
    """The preview's server, bound before anything is built: a busy port is one line, at once."""
    try:
        return http.server.ThreadingHTTPServer((host, port), _handler(preview))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PortUnavailable(
                f"port {port} on {host} is already in use (another preview?); choose another with --port, e.g. --port {port + 1}, "
                "or --port 0 for any free port"
            ) from None
        raise PortUnavailable(f"cannot serve on {host}:{port}: {exc.strerror or exc}; check --host and --port") from None


def _stop_on_terminate() -> None:
    """SIGTERM stops the preview as Ctrl+C does, so its temporary folder is removed (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return

    def interrupt(signum, frame) -> None:  # noqa: ARG001 - the signal handler's signature
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def serve(repo: Repository, provider_id: str, host: str, port: int, out_dir: Path, today: dt.date, say: Callable[[str], None]) -> None:
    preview = Preview(repo, provider_id, out_dir, today, say)
    server = _listen(host, port, preview)
    _stop_on_terminate()
    preview.rebuild()
    preview.site.mkdir(parents=True, exist_ok=True)
    changed = threading.Event()
    observer = Observer()
    watcher = _Changes(repo.root, out_dir, changed)
    for name in WATCHED:
        path = repo.root / name
        if path.exists():
            observer.schedule(watcher, str(path if path.is_dir() else repo.root), recursive=path.is_dir())
    observer.start()

    def rebuild_on_change() -> None:
        while True:
            changed.wait()
            time.sleep(0.3)  # let an editor finish writing
            changed.clear()
            preview.rebuild()

    threading.Thread(target=rebuild_on_change, daemon=True).start()
    say(f"serving {provider_id} at http://{host}:{server.server_address[1]}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        say("stopped")
    finally:
        observer.stop()
        server.server_close()
