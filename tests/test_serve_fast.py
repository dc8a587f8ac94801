"""hcweb serve: a saved edit of one page renders that page alone, byte-identical to a full build, and the
browser hears of the new build at once (a request that waits for it)."""

from __future__ import annotations

import datetime as dt
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from hcweb import commands
from hcweb.checks.approvals import UNTIL_APPROVED
from hcweb.repo import Repository
from hcweb.serve import Preview, _listen
from helpers import TODAY, base_tree, edit_file, make_repo, run

OVERLAY = "content/providers/beta-hf/treatments/knee-replacement.md"
PAGE = "content/providers/beta-hf/pages/om-oss.md"
DAY = dt.date.fromisoformat(TODAY)
WAITING = tuple(f"[{code}]" for code in UNTIL_APPROVED)


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def full_build(repo: Path, out: Path) -> dict[str, bytes]:
    """The site as a full build of the content now makes it, without any cache."""
    commands.build(Repository(repo), ["beta-hf"], out, DAY, approved_only=False, cache=False)
    return files_of(out / "beta-hf")


class Live:
    """A preview of beta-hf driven in this process, as serve drives it."""

    def __init__(self, repo: Path, out: Path) -> None:
        self.repo = repo
        self.lines: list[str] = []
        self.preview = Preview(Repository(repo), "beta-hf", out, DAY, self.lines.append)
        assert self.preview.rebuild()
        self.preview.open_live()
        assert self.preview.live is not None

    def changed(self, *rels: str) -> bool:
        del self.lines[:]
        return self.preview.rebuild({self.repo / rel for rel in rels})


@pytest.fixture
def live(tmp_path: Path) -> Live:
    return Live(make_repo(tmp_path / "repo", base_tree()), tmp_path / "out")


def test_an_edited_overlay_is_rendered_alone_and_its_site_is_what_a_full_build_makes(live: Live, tmp_path: Path) -> None:
    edit_file(
        live.repo,
        OVERLAY,
        "Oppmøte i resepsjonen i 2. etasje.",
        "Oppmøte i resepsjonen i 3. etasje, ved heisen.\n\n## Parkering og buss {#parking}\nBussen stopper ved hovedinngangen.",
    )
    assert live.changed(OVERLAY)
    assert live.lines == [line for line in live.lines if "rebuilt beta-hf: /behandlinger/kneprotese/ in" in line] and live.lines
    assert live.preview.live is not None  # still kept: the next edit is rendered alone too
    site = files_of(live.preview.site)
    assert "3. etasje, ved heisen" in site["behandlinger/kneprotese/index.html"].decode()
    assert "Parkering og buss" in site["api/pages.json"].decode()  # a new section: the open-data export knows it
    assert site == full_build(live.repo, tmp_path / "full")  # every file, the search index included
    assert live.preview.live.terms_everywhere  # new words: every page's search terms were found again

    edit_file(live.repo, OVERLAY, "3. etasje, ved heisen", "ved heisen, 3. etasje")
    assert live.changed(OVERLAY)
    assert not live.preview.live.terms_everywhere  # the same words: the changed page's terms alone
    assert files_of(live.preview.site) == full_build(live.repo, tmp_path / "full-1")

    edit_file(live.repo, PAGE, "Et lite helseforetak.", "Et lite helseforetak i nord.")
    assert live.changed(PAGE)
    assert "rebuilt beta-hf: /om-oss/ in" in live.lines[0]
    assert files_of(live.preview.site) == full_build(live.repo, tmp_path / "full-2")


def test_a_changed_title_builds_the_whole_site(live: Live) -> None:
    edit_file(live.repo, OVERLAY, "locations: [nord]\n", "locations: [nord]\ntitle: Nytt kne\n")
    assert live.changed(OVERLAY)
    assert any(line.startswith("rebuilt beta-hf:") and " pages in " in line for line in live.lines), live.lines
    assert "Nytt kne" in (live.preview.site / "index.html").read_text(encoding="utf-8")  # the home page lists it by its new title
    assert live.preview.live is None  # opened again from the new build, before the next change
    live.preview.open_live()
    assert live.preview.live is not None


def test_a_new_file_or_a_snippet_builds_the_whole_site(live: Live) -> None:
    edit_file(live.repo, "content/providers/beta-hf/snippets/parkering.md", "P-huset", "P-huset nord")
    assert live.changed("content/providers/beta-hf/snippets/parkering.md")
    assert " pages in " in live.lines[-1]
    assert "P-huset nord" in (live.preview.site / "behandlinger/kneprotese/index.html").read_text(encoding="utf-8")


def test_an_error_in_the_edited_overlay_is_what_validate_says_and_the_last_good_page_stays(live: Live) -> None:
    before = (live.preview.site / "behandlinger/kneprotese/index.html").read_bytes()
    edit_file(live.repo, OVERLAY, "Oppmøte i resepsjonen i 2. etasje.", 'Oppmøte her.\n\n<script>alert("x")</script>')
    assert not live.changed(OVERLAY)
    validate = run(live.repo, "validate", "--provider", "beta-hf", "--today", TODAY)
    # what validate says, but a preview, which is never published, shows text waiting for approval (a warning there)
    errors = [line for line in validate.output.splitlines() if ": error: " in line and not line.endswith(WAITING)]
    assert errors and [line for line in live.lines if ": error: " in line] == errors
    assert "still serving the last good pages" in live.lines[-1]
    assert (live.preview.site / "behandlinger/kneprotese/index.html").read_bytes() == before
    assert live.preview.build_id == 1

    edit_file(live.repo, PAGE, "Et lite helseforetak.", "Et helseforetak.")  # the broken overlay is still checked
    assert not live.changed(PAGE)
    assert [line for line in live.lines if ": error: " in line] == errors

    edit_file(live.repo, OVERLAY, '<script>alert("x")</script>', "Velkommen.")
    assert live.changed(OVERLAY)
    assert "Velkommen." in (live.preview.site / "behandlinger/kneprotese/index.html").read_text(encoding="utf-8")
    assert live.preview.build_id == 2


def test_a_request_for_the_next_build_returns_when_there_is_one(live: Live) -> None:
    server = _listen("127.0.0.1", 0, live.preview)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with urllib.request.urlopen(base + "/__hcweb_build__", timeout=5) as response:
            assert response.read() == b"1"  # at once: the build there is now
        answer: list[tuple[bytes, float]] = []

        def wait() -> None:
            with urllib.request.urlopen(base + "/__hcweb_build__?since=1", timeout=10) as response:
                answer.append((response.read(), time.monotonic()))

        waiting = threading.Thread(target=wait)
        waiting.start()
        time.sleep(0.5)
        assert not answer  # no new build yet: the request waits
        edit_file(live.repo, OVERLAY, "2. etasje", "4. etasje")
        changed = time.monotonic()
        assert live.changed(OVERLAY)
        waiting.join(timeout=10)
        assert answer and answer[0][0] == b"2" and answer[0][1] - changed < 5
        page = urllib.request.urlopen(base + "/behandlinger/kneprotese/", timeout=5).read().decode()
        assert "4. etasje" in page and '<script src="/__hcweb_reload__.js"></script>' in page
        script = urllib.request.urlopen(base + "/__hcweb_reload__.js", timeout=5).read().decode()
        assert "since=" in script and "setInterval" not in script
    finally:
        server.shutdown()
        server.server_close()
