"""hcweb sync against a real HTTP server on localhost: good feeds, bad rows, timeouts, errors, loops, huge answers."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

import hcweb.data.fetch as fetch
from helpers import TODAY, QuietHandler, base_tree, make_repo, run, start_server

KNEE = "content/common/treatments/knee-replacement.md"
GOOD_CSV = (
    "code,provider,location,figure,weeks,reported\n"
    "kneprotese,beta-hf,nord,assessment,6,2026-11-01\n"
    "kneprotese,beta-hf,nord,treatment,14,2026-11-01\n"
    "kneprotese,beta-hf,sor,assessment,4,2026-11-01\n"
)
PAGES = {
    "/sykdom/artrose/": '<html><head><title>Artrose - helsenorge.no</title><meta name="description" content="Artrose er en leddsykdom der brusken brytes ned."></head><body><p>x</p></body></html>',
    "/sykdom/kneskade/": "<html><head><title>Kneskade</title></head><body><nav><p>Meny meny meny meny meny meny meny meny meny</p></nav>"
    "<p>En kneskade kan skyldes et vridningstraume eller et slag mot kneet under idrett.</p></body></html>",
    "/sykdom/tom/": "<html><head><title>Tom</title></head><body><div>Bare en kort tekst.</div></body></html>",
}


class Handler(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        path = self.path
        if path == "/feed.csv":
            self.send(200, GOOD_CSV.encode())
        elif path == "/feed.json":
            rows = [
                dict(zip(["code", "provider", "location", "figure", "weeks", "reported"], line.split(","), strict=True))
                for line in GOOD_CSV.splitlines()[1:]
            ]
            for row in rows:
                row["weeks"] = int(row["weeks"])
            self.send(200, json.dumps(rows).encode(), "application/json")
        elif path == "/bad.csv":
            self.send(200, (GOOD_CSV + "kneprotese,beta-hf,nord,treatment,mange,2026-11-01\n").encode())
        elif path == "/slow.csv":
            time.sleep(3)
            self.send(200, GOOD_CSV.encode())
        elif path == "/error.csv":
            self.send(500, b"internal error")
        elif path == "/loop.csv":
            self.send_response(302)
            self.send_header("Location", "/loop.csv")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/huge.csv":
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.end_headers()  # no Content-Length: the size is only known by reading
            try:
                for _ in range(200):
                    self.wfile.write(b"x" * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path in PAGES:
            self.send(200, PAGES[path].encode(), "text/html; charset=utf-8")
        else:
            self.send(404, b"not found")


@pytest.fixture(scope="module")
def server():
    httpd, base = start_server(Handler)
    yield base
    httpd.shutdown()


@pytest.fixture
def data_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(fetch, "TIMEOUT", (1, 1))
    monkeypatch.setattr(fetch, "MAX_BYTES", 1024 * 1024)
    tree = base_tree()
    tree[KNEE] = tree[KNEE].replace(
        "reviewed: {on: 2026-03-01, by: Kari Berg}\n",
        "reviewed: {on: 2026-03-01, by: Kari Berg}\nchoose_location:\n  code: kneprotese\nhelsenorge:\n"
        "  - title: Artrose\n    url: https://www.helsenorge.no/sykdom/artrose/\n"
        "  - title: Kneskade\n    url: https://www.helsenorge.no/sykdom/kneskade/\n",
    )
    return make_repo(tmp_path / "repo", tree)


def sync(repo: Path, *args: str):
    return run(repo, "sync", *args, "--today", TODAY)


@pytest.mark.parametrize("feed", ["feed.csv", "feed.json"])
def test_good_feed_replaces_the_snapshot(data_repo: Path, server: str, feed: str) -> None:
    result = sync(data_repo, "waiting-times", "--from", f"{server}/{feed}")
    assert result.exit_code == 0, result.output
    assert "waiting times: 2 added, 0 updated, 0 unchanged, 0 removed, 0 failed" in result.output
    snapshot = json.loads((data_repo / "data/waiting-times.json").read_text(encoding="utf-8"))
    assert snapshot["figures"] == [
        {
            "code": "kneprotese",
            "provider": "beta-hf",
            "location": "nord",
            "assessment_weeks": 6,
            "treatment_weeks": 14,
            "reported": "2026-11-01",
        },
        {"code": "kneprotese", "provider": "beta-hf", "location": "sor", "assessment_weeks": 4, "reported": "2026-11-01"},
    ]
    again = sync(data_repo, "waiting-times", "--from", f"{server}/{feed}")
    assert "0 added, 0 updated, 2 unchanged" in again.output


@pytest.mark.parametrize(
    "path, message",
    [
        ("bad.csv", "failed: {server}/bad.csv: line 5: 'weeks' must be a whole number; found \"mange\""),
        ("slow.csv", "failed: {server}/slow.csv: no answer within 1 second"),
        ("error.csv", "failed: {server}/error.csv: the server answered 500 Internal Server Error"),
        ("loop.csv", "failed: {server}/loop.csv: more than 5 redirects (a redirect loop?)"),
        ("huge.csv", "failed: {server}/huge.csv: the response is larger than the limit of 1048576 bytes"),
        ("missing.csv", "failed: {server}/missing.csv: the server answered 404 Not Found"),
    ],
)
def test_failed_feed_keeps_the_snapshot_byte_for_byte(data_repo: Path, server: str, path: str, message: str) -> None:
    assert sync(data_repo, "waiting-times", "--from", f"{server}/feed.csv").exit_code == 0
    before = (data_repo / "data/waiting-times.json").read_bytes()
    result = sync(data_repo, "waiting-times", "--from", f"{server}/{path}")
    assert result.exit_code == 1
    failures = [line for line in result.output.splitlines() if line.startswith("failed:")]
    assert failures == [message.format(server=server)]
    assert "waiting times: 0 added, 0 updated, 0 unchanged, 0 removed, 1 failed" in result.output
    assert (data_repo / "data/waiting-times.json").read_bytes() == before
    assert not [p for p in (data_repo / "data").iterdir() if p.name.startswith(".")]  # no temporary files left


def test_feed_from_a_file(data_repo: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.csv"
    feed.write_text(GOOD_CSV, encoding="utf-8")
    assert sync(data_repo, "waiting-times", "--from", str(feed)).exit_code == 0


def test_helsenorge_summaries_from_description_or_first_paragraph(data_repo: Path, server: str) -> None:
    result = sync(data_repo, "helsenorge", "--mirror", server)
    assert result.exit_code == 0, result.output
    assert "helsenorge: 2 added, 0 updated, 0 unchanged, 0 removed, 0 failed" in result.output
    artrose = json.loads((data_repo / "data/helsenorge/sykdom-artrose.json").read_text(encoding="utf-8"))
    assert artrose == {
        "url": "https://www.helsenorge.no/sykdom/artrose/",
        "title": "Artrose",
        "summary": "Artrose er en leddsykdom der brusken brytes ned.",
        "fetched": TODAY,
    }
    kneskade = json.loads((data_repo / "data/helsenorge/sykdom-kneskade.json").read_text(encoding="utf-8"))
    assert kneskade["summary"] == "En kneskade kan skyldes et vridningstraume eller et slag mot kneet under idrett."


def test_helsenorge_page_without_text_fails_alone(data_repo: Path, server: str) -> None:
    knee = data_repo / KNEE
    knee.write_text(
        knee.read_text(encoding="utf-8").replace("https://www.helsenorge.no/sykdom/kneskade/", "https://www.helsenorge.no/sykdom/tom/"),
        encoding="utf-8",
    )
    result = sync(data_repo, "helsenorge", "--mirror", server)
    assert result.exit_code == 1
    assert "failed: https://www.helsenorge.no/sykdom/tom/: the page has no title and no description or paragraph to show" in result.output
    assert "helsenorge: 1 added, 0 updated, 0 unchanged, 0 removed, 1 failed" in result.output
    assert not (data_repo / "data/helsenorge/sykdom-tom.json").exists()


def shown(html: str, selector: str) -> str:
    """The text of the first element ``selector`` finds, as a reader sees it (white space collapsed)."""
    node = LexborHTMLParser(html).css_first(selector)
    assert node is not None, f"the page has no {selector}"
    return " ".join(node.text(separator="").split())


def test_pages_show_waiting_times_and_the_helsenorge_box(data_repo: Path, server: str) -> None:
    assert sync(data_repo, "waiting-times", "--from", f"{server}/feed.csv").exit_code == 0
    assert sync(data_repo, "helsenorge", "--mirror", server).exit_code == 0
    assert run(data_repo, "build", "--provider", "beta-hf", "--today", TODAY).exit_code == 0
    html = (data_repo / "site/beta-hf/behandlinger/kneprotese/index.html").read_text(encoding="utf-8")
    waiting = shown(html, ".hcweb-waiting")
    assert "Nord sykehus: ventetid for utredning 6 uker / behandling 14 uker (rapportert 1. november 2026)" in waiting
    assert "Sor sykehus" not in waiting  # the page's only location is nord; sor has figures but does not offer it here
    assert "<summary>Les mer om artrose på helsenorge.no</summary>" in html
    assert "<p>Artrose er en leddsykdom der brusken brytes ned.</p>" in html


def test_missing_figure_has_no_row(data_repo: Path, server: str) -> None:
    overlay = data_repo / "content/providers/beta-hf/treatments/knee-replacement.md"
    overlay.write_text(overlay.read_text(encoding="utf-8").replace("locations: [nord]", "locations: [nord, sor]"), encoding="utf-8")
    approved = run(
        data_repo, "approve", str(overlay), "--by", "Ola Nord", "--today", TODAY
    )  # its locations are what it shows: approved again
    assert approved.exit_code == 0, approved.output
    assert sync(data_repo, "waiting-times", "--from", f"{server}/feed.csv").exit_code == 0
    assert run(data_repo, "build", "--provider", "beta-hf", "--today", TODAY).exit_code == 0
    html = (data_repo / "site/beta-hf/behandlinger/kneprotese/index.html").read_text(encoding="utf-8")
    waiting = shown(html, ".hcweb-waiting")
    assert "Sor sykehus: ventetid for utredning 4 uker (rapportert" in waiting  # no treatment figure: not shown
    assert "Nord sykehus: ventetid for utredning 6 uker / behandling 14 uker" in waiting


def test_a_whole_number_written_as_7_0_is_shown_like_7(data_repo: Path, server: str) -> None:
    """JSON Schema counts 7.0 as an integer, so the snapshot passes; the page must not drop the row."""
    assert sync(data_repo, "waiting-times", "--from", f"{server}/feed.csv").exit_code == 0
    snapshot = data_repo / "data/waiting-times.json"
    snapshot.write_text(snapshot.read_text(encoding="utf-8").replace('"assessment_weeks": 6', '"assessment_weeks": 6.0'), encoding="utf-8")
    assert '"assessment_weeks": 6.0' in snapshot.read_text(encoding="utf-8")
    assert run(data_repo, "build", "--provider", "beta-hf", "--today", TODAY).exit_code == 0
    html = (data_repo / "site/beta-hf/behandlinger/kneprotese/index.html").read_text(encoding="utf-8")
    assert "Nord sykehus: ventetid for utredning 6 uker / behandling" in shown(html, ".hcweb-waiting")


def test_validate_warns_about_old_and_missing_data(data_repo: Path, server: str) -> None:
    missing = run(data_repo, "validate", "--today", TODAY)
    assert (
        f"{KNEE}:15: warning: data/waiting-times.json has no waiting times for 'kneprotese' at any of the 1 locations that offer this text [waiting-times-missing]"
        in missing.output.splitlines()
    )
    assert sync(data_repo, "waiting-times", "--from", f"{server}/feed.csv").exit_code == 0
    assert sync(data_repo, "helsenorge", "--mirror", server).exit_code == 0
    assert "0 errors, 0 warnings" in run(data_repo, "validate", "--today", TODAY).output
    later = run(data_repo, "validate", "--today", "2027-06-01")
    lines = later.output.splitlines()
    assert any(
        line.startswith("data/waiting-times.json:")
        and "[waiting-times-old]" in line
        and "reported 212 days ago (at most 45 allowed)" in line
        for line in lines
    )
    assert any(
        line.startswith("data/helsenorge/sykdom-artrose.json:5: warning: the summary of") and "[helsenorge-old]" in line for line in lines
    )
    assert later.exit_code == 0
