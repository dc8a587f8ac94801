"""Live preview of one provider's site: rebuilt when anything it depends on changes.

The preview shows national texts as they are in the working tree (what the
author is writing), not only the approved revisions. While the content has
errors, they are printed and the last good pages stay served.

A saved edit of an overlay or a page of the provider that changes nothing other pages show renders that
page alone (site/live.py); anything else builds the site whole. Each page asks the server, in one request
that waits (a long poll), for the next build, and reloads as soon as there is one.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import http.server
import signal
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from . import commands
from .diagnostics import render
from .errors import ContentErrors, HcwebError
from .repo import Repository
from .site.live import FULL, LiveSite

WATCHED = ("content", "overrides", "data", "schemas", "hcweb.yml")
# Served as a file of the site, so the pages' Content-Security-Policy ('self') allows it. It asks for the build
# after the one it knows; the server answers when there is one (or after WAIT seconds, and it asks again).
RELOAD_JS = (
    b"(function(){var id=null;function poll(){fetch('/__hcweb_build__'+(id===null?'':'?since='+id),{cache:'no-store'})"
    b".then(function(r){if(!r.ok){throw r}return r.text()}).then(function(b){if(id!==null&&b!==id){location.reload();return}"
    b"id=b;poll()}).catch(function(){setTimeout(poll,1000)})}poll()})();\n"
)
WAIT = 25.0  # seconds a request for the next build waits before it is answered with the current one
QUIET = 0.05  # seconds without a change before a rebuild starts: an editor's save is often several writes
QUIET_MAX = 0.5
RELOAD_TAG = b'<script src="/__hcweb_reload__.js"></script>'
LIVE_READY = "ready: a saved page of {provider} is now rendered alone"


class Preview:
    def __init__(self, repo: Repository, provider_id: str, out_dir: Path, today: dt.date, say: Callable[[str], None]) -> None:
        self.repo = repo
        self.provider_id = provider_id
        self.out_dir = out_dir
        self.today = today
        self.say = say
        self.build_id = 0
        self.lock = threading.Lock()
        self.built = threading.Condition()  # notified when build_id changes
        self.live: LiveSite | None = None  # the site as the last full build made it, for rebuilding single pages
        self.live_wanted = False  # a full build succeeded since the live site was last opened

    @property
    def site(self) -> Path:
        return self.out_dir / self.provider_id

    def next_build(self, since: int, timeout: float) -> int:
        """The build id, once it is not ``since`` (or after ``timeout`` seconds)."""
        with self.built:
            self.built.wait_for(lambda: self.build_id != since, timeout)
            return self.build_id

    def _new_build(self) -> None:
        with self.built:
            self.build_id += 1
            self.built.notify_all()

    def rebuild(self, changed: set[Path] | None = None) -> bool:
        """Rebuild after ``changed`` files changed (None: whatever changed): the changed pages alone where that is
        exact (site/live.py), else the whole site. False when the content has errors or the build failed."""
        with self.lock:
            if changed is not None and self.live is not None:
                try:
                    update = self.live.update(changed)
                except ContentErrors as exc:
                    self._refused(exc)
                    return False
                except Exception as exc:  # noqa: BLE001 - anything unforeseen: the full build says what it is
                    self.say(f"rendering the changed page alone failed ({type(exc).__name__}: {exc}); building the whole site")
                    update = FULL
                if update is not FULL:
                    if update.pages:
                        self._new_build()
                        shown = ", ".join(update.pages)
                        self.say(f"rebuilt {self.provider_id}: {shown} in {update.seconds:.2f} s")
                    return True
            return self._full()

    def _full(self) -> bool:
        self.live = None  # whatever it held may be no longer what the files say
        self.live_wanted = False
        started = time.perf_counter()
        try:
            _, results = commands.build(self.repo, [self.provider_id], self.out_dir, self.today, approved_only=False)
        except ContentErrors as exc:
            self._refused(exc)
            return False
        result = results[0]
        if not result.ok:
            self.say("\n".join(result.messages) + "\nthe build failed; still serving the last good pages")
            return False
        self._new_build()
        self.live_wanted = True
        self.say(f"rebuilt {self.provider_id}: {result.pages} pages in {time.perf_counter() - started:.1f} s")
        return True

    def _refused(self, exc: ContentErrors) -> None:
        self.say(render([d for d in exc.diagnostics if d.is_error], "text"))
        self.say(f"{exc.message}; still serving the last good pages")

    def open_live(self) -> None:
        """Keep the site the last full build made in memory, so that the next edit of a page renders that page alone."""
        with self.lock:
            if not self.live_wanted:
                return
            self.live_wanted = False
            try:
                self.live = LiveSite.open(self.repo, self.provider_id, self.out_dir, self.today)
            except Exception:  # noqa: BLE001 - without it every change builds the whole site, as it always did
                self.live = None
            if self.live is not None:
                self.say(LIVE_READY.format(provider=self.provider_id))


class _Changes(FileSystemEventHandler):
    """The files changed since take() was last called; ``event`` is set when there are some."""

    def __init__(self, root: Path, ignore: Path, event: threading.Event) -> None:
        self.root, self.ignore, self.event = root, ignore, event
        self.paths: set[Path] = set()
        self.lock = threading.Lock()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [Path(str(event.src_path))]
        if getattr(event, "dest_path", ""):
            paths.append(Path(str(event.dest_path)))  # a file moved into place: how many editors save
        paths = [p for p in paths if not p.name.startswith(".") and not (self.ignore in p.parents or p == self.ignore)]
        if paths:
            with self.lock:
                self.paths.update(paths)
            self.event.set()

    def take(self) -> set[Path]:
        with self.lock:
            paths, self.paths = self.paths, set()
        return paths


def _handler(preview: Preview):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's signature
            pass

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            address = urllib.parse.urlsplit(self.path)
            if address.path == "/__hcweb_build__":
                since = urllib.parse.parse_qs(address.query).get("since", [""])[0]
                build = preview.next_build(int(since), WAIT) if since.isdigit() else preview.build_id
                return self._send(str(build).encode(), "text/plain")
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
            preview.open_live()  # after a full build, before the next change
            changed.wait()
            waited = 0.0
            while waited < QUIET_MAX:  # let an editor finish writing
                changed.clear()
                time.sleep(QUIET)
                waited += QUIET
                if not changed.is_set():
                    break
            changed.clear()
            preview.rebuild(watcher.take())

    threading.Thread(target=rebuild_on_change, daemon=True).start()
    say(f"serving {provider_id} at http://{host}:{server.server_address[1]}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        say("stopped")
    finally:
        observer.stop()
        server.server_close()
