"""hcweb serve: a live preview that rebuilds on change and keeps the last good pages while content is broken."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from helpers import TODAY, run

KNEE = "content/common/treatments/knee-replacement.md"


class Server:
    def __init__(self, repo: Path) -> None:
        hcweb = Path(sys.executable).with_name("hcweb")
        self.process = subprocess.Popen(
            [str(hcweb), "--root", str(repo), "serve", "--provider", "beta-hf", "--port", "0", "--today", TODAY],
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for(r"serving beta-hf at (http://\S+)").group(1)

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 30, since: int = 0) -> re.Match:
        """The first line matching ``pattern`` among the lines printed (from line ``since`` on)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines)[since:]:
                if match := re.search(pattern, line):
                    return match
            time.sleep(0.1)
        raise AssertionError(f"no line matching {pattern!r} in {self.lines}")

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url.rstrip("/") + path, timeout=10) as response:
            return response.read().decode("utf-8")

    def wait_for_page(self, path: str, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            page = self.get(path)
            if text in page:
                return page
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared on {path}; output: {self.lines}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def server(repo: Path):
    running = Server(repo)
    yield running
    running.stop()


def test_preview_rebuilds_on_a_national_text_change_and_survives_broken_content(repo: Path, server: Server) -> None:
    page = "/behandlinger/kneprotese/"
    first = server.get(page)
    assert "Ved en kneprotese erstattes de slitte leddflatene." in first
    assert '<script src="/__hcweb_reload__.js"></script>' in first  # the page reloads itself after a rebuild
    assert "__hcweb_build__" in server.get("/__hcweb_reload__.js")

    knee = repo / KNEE
    knee.write_text(
        knee.read_text(encoding="utf-8").replace("de slitte leddflatene", "de slitte leddflatene med metall og plast"), encoding="utf-8"
    )
    approved = run(repo, "approve", str(knee), "--by", "Kari Berg", "--today", TODAY)  # the new wording, approved by its owner
    assert approved.exit_code == 0, approved.output
    server.wait_for_page(page, "de slitte leddflatene med metall og plast")

    seen = len(server.lines)  # what the preview says about the broken text, not about anything before it
    knee.write_text(
        knee.read_text(encoding="utf-8").replace("summary: Kort om kneprotese.", "summary: Kort: om kneprotese."), encoding="utf-8"
    )
    server.wait_for(rf"{re.escape(KNEE)}:4: error: this line cannot be read", since=seen)
    server.wait_for(r"still serving the last good pages", since=seen)
    assert "de slitte leddflatene med metall og plast" in server.get(page)


def test_a_busy_port_is_one_line_that_suggests_another(repo: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(repo, "serve", "--provider", "beta-hf", "--port", str(port), "--today", TODAY)
    assert result.exit_code == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.output and f"--port {port + 1}" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_sigterm_stops_the_preview_and_removes_its_folder(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    running = Server(repo)
    assert [p.name for p in temporary.iterdir() if p.name.startswith("hcweb-preview-")]  # it is there while serving
    running.stop()  # SIGTERM
    assert running.process.returncode == 0
    assert not [p.name for p in temporary.iterdir() if p.name.startswith("hcweb-preview-")]
