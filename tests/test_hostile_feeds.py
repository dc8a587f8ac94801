"""Hostile feeds and snapshots: slow servers, credentials in addresses, rows built to crash the reader,
markup in helsenorge.no summaries, and hand-edited snapshots. Each fails with one clear line, exit 1,
and leaves the previous snapshot byte for byte."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest

import hcweb.data.fetch as fetch
from hcweb.data.fetch import shown_url
from hcweb.data.snapshots import load as load_snapshots
from hcweb.schema import Schemas
from helpers import TODAY, QuietHandler, base_tree, make_repo, run, start_server

KNEE = "content/common/treatments/knee-replacement.md"
HEADER = "code,provider,location,figure,weeks,reported\n"
GOOD_ROW = "kneprotese,beta-hf,nord,assessment,6,2026-11-01\n"
GOOD_CSV = HEADER + GOOD_ROW
ARTROSE = "https://www.helsenorge.no/sykdom/artrose/"
ARTROSE_FILE = "data/helsenorge/sykdom-artrose.json"

seen_authorization: list[str | None] = []
pages: dict[str, str] = {}  # path -> HTML the server answers with, set by each test


class Handler(QuietHandler):
    CONTENT_TYPE = "text/csv; charset=utf-8"

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        path = self.path.split("?")[0]
        seen_authorization.append(self.headers.get("Authorization"))
        try:
            if path == "/feed.csv":
                self.send(200, GOOD_CSV.encode())
            elif path == "/trickle.csv":
                self.trickle_body()
            elif path == "/trickle-headers.csv":
                self.trickle_headers()
            elif path in pages:
                self.send(200, pages[path].encode(), "text/html; charset=utf-8")
            else:
                self.send(404, b"not found")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def trickle_body(self) -> None:
        """A good answer, one line at a time, each well within the read timeout: only a deadline stops it."""
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.end_headers()
        self.wfile.write(HEADER.encode())
        for _ in range(16):
            self.wfile.flush()
            time.sleep(0.25)
            self.wfile.write(GOOD_ROW.encode())

    def trickle_headers(self) -> None:
        """The status line, then one header at a time: the answer never gets to its body."""
        self.wfile.write(b"HTTP/1.0 200 OK\r\n")
        for index in range(16):
            self.wfile.flush()
            time.sleep(0.25)
            self.wfile.write(f"X-Slow-{index}: yes\r\n".encode())
        self.wfile.write(b"\r\n" + GOOD_CSV.encode())


@pytest.fixture(scope="module")
def server():
    httpd, base = start_server(Handler)
    yield base
    httpd.shutdown()


@pytest.fixture
def data_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(fetch, "TIMEOUT", (1, 1))
    monkeypatch.setattr(fetch, "MAX_BYTES", 1024 * 1024)
    pages.clear()
    tree = base_tree()
    tree[KNEE] = tree[KNEE].replace(
        "reviewed: {on: 2026-03-01, by: Kari Berg}\n",
        f"reviewed: {{on: 2026-03-01, by: Kari Berg}}\nchoose_location:\n  code: kneprotese\nhelsenorge:\n  - title: Artrose\n    url: {ARTROSE}\n",
    )
    return make_repo(tmp_path / "repo", tree)


def sync(repo: Path, *args: str):
    return run(repo, "sync", *args, "--today", TODAY)


def failures(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("failed:")]


def assert_clean_failure(result, expected: list[str]) -> None:
    assert result.exit_code == 1, result.output
    assert failures(result.output) == expected
    assert "internal error" not in result.output and "Traceback" not in result.output


def snapshot_bytes(repo: Path) -> bytes:
    return (repo / "data/waiting-times.json").read_bytes()


# -- the deadline -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["trickle.csv", "trickle-headers.csv"])
def test_a_trickling_server_meets_the_deadline(data_repo: Path, server: str, monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    assert sync(data_repo, "waiting-times", "--from", f"{server}/feed.csv").exit_code == 0
    before = snapshot_bytes(data_repo)
    monkeypatch.setattr(fetch, "DEADLINE", 1.0)
    started = time.monotonic()
    result = sync(data_repo, "waiting-times", "--from", f"{server}/{path}")
    elapsed = time.monotonic() - started
    assert_clean_failure(result, [f"failed: {server}/{path}: no complete answer within 1 second (the time allowed for one source)"])
    assert elapsed < 2.5
    assert snapshot_bytes(data_repo) == before


def test_a_trickling_helsenorge_page_fails_alone(data_repo: Path, server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "DEADLINE", 1.0)
    mirror = f"{server}/trickle-headers.csv?page="  # every helsenorge path lands on the trickling answer
    result = sync(data_repo, "helsenorge", "--mirror", mirror)
    assert_clean_failure(result, [f"failed: {ARTROSE}: no complete answer within 1 second (the time allowed for one source)"])
    assert not (data_repo / ARTROSE_FILE).exists()


# -- credentials --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, shown",
    [
        ("https://user:s3cret@feeds.example/w.csv", "https://feeds.example/w.csv"),
        ("https://s3cret@feeds.example:8443/w.csv", "https://feeds.example:8443/w.csv"),
        ("https://feeds.example/w.csv?month=11&access_token=s3cret&x=1", "https://feeds.example/w.csv?month=11&access_token=REDACTED&x=1"),
        ("https://feeds.example/w.csv?API_KEY=s3cret#top", "https://feeds.example/w.csv?API_KEY=REDACTED#top"),
        (
            "https://feeds.example/w.csv?sig=s3cret&Password=s3cret&client_secret=s3cret",
            "https://feeds.example/w.csv?sig=REDACTED&Password=REDACTED&client_secret=REDACTED",
        ),
        ("https://feeds.example/w.csv?month=11", "https://feeds.example/w.csv?month=11"),
        ("data/feeds/w.csv", "data/feeds/w.csv"),
        ("https://feeds.example/w.csv\n?x=1", "https://feeds.example/w.csv??x=1"),
    ],
)
def test_shown_url_hides_credentials(url: str, shown: str) -> None:
    assert shown_url(url) == shown


def test_credentials_are_used_but_never_stored_or_printed(data_repo: Path, server: str) -> None:
    host = server.removeprefix("http://")
    seen_authorization.clear()
    result = sync(data_repo, "waiting-times", "--from", f"http://feeduser:s3cret@{host}/feed.csv?month=11&token=t0ken")
    assert result.exit_code == 0, result.output
    assert seen_authorization == ["Basic " + base64.b64encode(b"feeduser:s3cret").decode()]
    stored = snapshot_bytes(data_repo).decode()
    assert json.loads(stored)["source"] == f"{server}/feed.csv?month=11&token=REDACTED"
    for secret in ("s3cret", "t0ken", "feeduser"):
        assert secret not in stored and secret not in result.output
    failed = sync(data_repo, "waiting-times", "--from", f"http://feeduser:s3cret@{host}/missing.csv?token=t0ken")
    assert_clean_failure(failed, [f"failed: {server}/missing.csv?token=REDACTED: the server answered 404 Not Found"])
    assert "s3cret" not in failed.output and "t0ken" not in failed.output
    assert run(data_repo, "validate", "--today", TODAY).exit_code == 0


# -- rows built to crash the reader ----------------------------------------------------


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def json_row(**changes: object) -> dict:
    return {
        "code": "kneprotese",
        "provider": "beta-hf",
        "location": "nord",
        "figure": "assessment",
        "weeks": 6,
        "reported": "2026-11-01",
        **changes,
    }


HOSTILE_FEEDS = [
    (
        "huge.csv",
        HEADER + "kneprotese,beta-hf,nord,assessment," + "9" * 5000 + ",2026-11-01\n",
        "line 2: 'weeks' is a number of 5000 digits; waiting times are given in weeks, from 0 to 520",
    ),
    (
        "squared.csv",
        HEADER + "kneprotese,beta-hf,nord,assessment,²,2026-11-01\n",
        "line 2: 'weeks' must be written with the digits 0-9; found \"²\"",
    ),
    (
        "arabic.csv",
        HEADER + "kneprotese,beta-hf,nord,assessment,٣,2026-11-01\n",
        "line 2: 'weeks' must be written with the digits 0-9; found \"٣\"",
    ),
    (
        "fullwidth.csv",
        HEADER + "kneprotese,beta-hf,nord,assessment,１２,2026-11-01\n",
        "line 2: 'weeks' must be written with the digits 0-9; found \"１２\"",
    ),
    ("ten-years.csv", HEADER + "kneprotese,beta-hf,nord,assessment,521,2026-11-01\n", "line 2: 'weeks' must be at most 520; found 521"),
    ("future.csv", HEADER + "kneprotese,beta-hf,nord,assessment,6,2027-01-01\n", "line 2: 'reported' is a date after today (2027-01-01)"),
    (
        "long-field.csv",
        HEADER + "kneprotese,beta-hf,nord,assessment,6," + "x" * 200_000 + "\n",
        "line 2: a value is longer than the CSV reader allows",
    ),
    (
        "long-code.csv",
        HEADER + "k" * 5000 + ",beta-hf,nord,assessment,6,2026-11-01\n",
        "line 2: 'code' is too long (5000 characters; at most 100)",
    ),
    (
        "huge.json",
        json.dumps([json_row()])[:-2].replace('"weeks": 6', '"weeks": ' + "9" * 5000) + "}]",
        "row 1: 'weeks' is a number of 5000 digits, which cannot be a real figure",
    ),
    (
        "deep-field.json",
        json.dumps([json_row(), json_row(weeks="X")]).replace('"X"', deep(100_000)),
        "row 2: 'weeks' is nested more than 16 levels deep (lists or groups inside each other)",
    ),
    ("deep-rows.json", deep(100_000), "row 1: a value is nested more than 16 levels deep (lists or groups inside each other)"),
    (
        "deep-object.json",
        '{"rows": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}",
        "line 1: 'rows.a.a' is nested more than 16 levels deep (lists or groups inside each other)",
    ),
    ("fraction.json", json.dumps([json_row(weeks=6.5)]), "row 1: 'weeks' must be a whole number of weeks from 0 to 520; found 6.5"),
    ("boolean.json", json.dumps([json_row(weeks=True)]), "row 1: 'weeks' must be a whole number of weeks from 0 to 520; found true"),
    ("text-weeks.json", json.dumps([json_row(weeks="6")]), "row 1: 'weeks' must be a whole number; found \"6\""),
    ("list-code.json", json.dumps([json_row(code=["kneprotese"])]), "row 1: 'code' must be text; found [\"kneprotese\"]"),
    (
        "not-a-row.json",
        json.dumps([json_row(), 5]),
        "row 2: a row must be a group of the fields code, provider, location, figure, weeks, reported; found 5",
    ),
    ("broken.json", '[{"code": "kneprotese",\n  "weeks": }]', "line 2: not valid JSON: Expecting value"),
]


@pytest.mark.parametrize("name, text, message", HOSTILE_FEEDS, ids=[case[0] for case in HOSTILE_FEEDS])
def test_hostile_feed_fails_with_one_line_and_keeps_the_snapshot(
    data_repo: Path, tmp_path: Path, name: str, text: str, message: str
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    assert sync(data_repo, "waiting-times", "--from", str(good)).exit_code == 0
    before = snapshot_bytes(data_repo)
    feed = tmp_path / name
    feed.write_text(text, encoding="utf-8")
    result = sync(data_repo, "waiting-times", "--from", str(feed))
    assert_clean_failure(result, [f"failed: {feed}: {message}"])
    assert snapshot_bytes(data_repo) == before


def test_a_device_is_not_a_feed(data_repo: Path) -> None:
    result = sync(data_repo, "waiting-times", "--from", "/dev/zero")
    assert_clean_failure(result, ["failed: /dev/zero: not a regular file (a pipe or a device cannot be read as a feed)"])


def test_many_bad_rows_are_summed_up(data_repo: Path, tmp_path: Path) -> None:
    feed = tmp_path / "bad.csv"
    feed.write_text(HEADER + "kneprotese,beta-hf,nord,assessment,mange,2026-11-01\n" * 30, encoding="utf-8")
    result = sync(data_repo, "waiting-times", "--from", str(feed))
    assert result.exit_code == 1
    lines = failures(result.output)
    assert len(lines) == 21
    assert lines[0] == f"failed: {feed}: line 2: 'weeks' must be a whole number; found \"mange\""
    assert lines[-1] == f"failed: {feed}: 10 more problems not shown; the snapshot was kept"


# -- helsenorge.no summaries are plain text ----------------------------------------------


def page(description: str, title: str = "Artrose - helsenorge.no", body: str = "<p>x</p>") -> str:
    return f'<html><head><title>{title}</title><meta name="description" content="{description}"></head><body>{body}</body></html>'


def stored_summary(repo: Path) -> dict:
    return json.loads((repo / ARTROSE_FILE).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "html, title, summary",
    [
        (page("Artrose &lt;script&gt;alert(1)&lt;/script&gt;er en leddsykdom."), "Artrose", "Artrose er en leddsykdom."),
        (page("Artrose &amp;lt;b&amp;gt;rammer&amp;lt;/b&amp;gt; ledd &amp;amp; brusk."), "Artrose", "Artrose rammer ledd & brusk."),
        (page("Blodtrykk &lt; 140 er   bra,\n\tsier legen."), "Artrose", "Blodtrykk < 140 er bra, sier legen."),
        (
            page(
                "",
                title="&lt;img src=x onerror=alert(1)&gt;Artrose",
                body="<p>Artrose er en leddsykdom <script>alert(1)</script>der brusken brytes ned.</p>",
            ),
            "Artrose",
            "Artrose er en leddsykdom der brusken brytes ned.",
        ),
        (
            page("&lt;script&gt;alert(1)&lt;/script&gt;", body="<p>Artrose er en leddsykdom der brusken i leddene brytes ned.</p>"),
            "Artrose",
            "Artrose er en leddsykdom der brusken i leddene brytes ned.",
        ),
        (page("Artrose er en leddsykdom.", body="<![foo[ x ]]><p>y</p>"), "Artrose", "Artrose er en leddsykdom."),
    ],
    ids=[
        "escaped-script",
        "encoded-twice",
        "plain-less-than",
        "markup-in-title-and-paragraph",
        "description-only-markup",
        "unknown-marked-section",
    ],
)
def test_helsenorge_summary_is_stored_as_plain_text(data_repo: Path, server: str, html: str, title: str, summary: str) -> None:
    pages["/sykdom/artrose/"] = html
    result = sync(data_repo, "helsenorge", "--mirror", server)
    assert result.exit_code == 0, result.output
    entry = stored_summary(data_repo)
    assert (entry["title"], entry["summary"]) == (title, summary)
    assert run(data_repo, "validate", "--today", TODAY).exit_code == 0


def test_a_long_summary_is_cut_at_a_word(data_repo: Path, server: str) -> None:
    pages["/sykdom/artrose/"] = page("Artrose " + "gir stive ledd " * 5000)
    assert sync(data_repo, "helsenorge", "--mirror", server).exit_code == 0
    summary = stored_summary(data_repo)["summary"]
    assert len(summary) <= 300
    assert summary.endswith(" ledd…") or summary.endswith(" stive…") or summary.endswith(" gir…")


@pytest.mark.parametrize(
    "html, message",
    [
        (page("Artrose \x01 er en leddsykdom."), "the summary contains a control character (U+0001)"),
        (page("Artrose \u202e er en leddsykdom."), "the summary contains a control character (U+202E)"),
        (page("&amp;amp;amp;amp;amp;lt;b&amp;gt;Artrose"), "the summary is still markup after decoding it 4 times"),
        (page("Artrose er en leddsykdom.", title="Artrose\x07"), "the title contains a control character (U+0007)"),
    ],
    ids=["control", "bidi-override", "encoded-five-times", "control-in-title"],
)
def test_unusable_helsenorge_text_keeps_the_old_summary(data_repo: Path, server: str, html: str, message: str) -> None:
    pages["/sykdom/artrose/"] = page("Artrose er en leddsykdom.")
    assert sync(data_repo, "helsenorge", "--mirror", server).exit_code == 0
    before = (data_repo / ARTROSE_FILE).read_bytes()
    pages["/sykdom/artrose/"] = html
    result = sync(data_repo, "helsenorge", "--mirror", server)
    assert_clean_failure(result, [f"failed: {ARTROSE}: {message}"])
    assert (data_repo / ARTROSE_FILE).read_bytes() == before


def test_a_deeply_nested_page_is_read_quickly(data_repo: Path, server: str) -> None:
    pages["/sykdom/artrose/"] = page("Artrose er en leddsykdom.", body="<div><ul><li>" * 60_000)
    started = time.monotonic()
    assert sync(data_repo, "helsenorge", "--mirror", server).exit_code == 0
    assert time.monotonic() - started < 3


# -- hand-edited snapshots are checked when read -----------------------------------------


def entry_json(**changes: object) -> str:
    entry = {"url": ARTROSE, "title": "Artrose", "summary": "Artrose er en leddsykdom.", "fetched": "2026-11-20", **changes}
    return json.dumps(entry, ensure_ascii=False, indent=2) + "\n"


def waiting_json(figures: str = "", source: str = "data/feeds/w.csv") -> str:
    figure = '    {\n      "code": "kneprotese",\n      "provider": "beta-hf",\n      "location": "nord",\n      "assessment_weeks": 6,\n      "reported": "2026-11-01"\n    }'
    return '{\n  "source": ' + json.dumps(source) + ',\n  "synced": "2026-11-20",\n  "figures": [\n' + (figures or figure) + "\n  ]\n}\n"


HOSTILE_SNAPSHOTS = [
    (
        ARTROSE_FILE,
        entry_json(summary="<script>alert(1)</script>"),
        f"{ARTROSE_FILE}:4: error: 'summary' is not valid: write plain text on one line, without markup such as <b> or <script> "
        'and without control characters; found "<script>alert(1)</script>" [schema]',
    ),
    (
        ARTROSE_FILE,
        entry_json(summary="a" * 100_000),
        f"{ARTROSE_FILE}:4: error: 'summary' is too long (100000 characters; at most 600) [schema]",
    ),
    (
        ARTROSE_FILE,
        entry_json(title='Artrose<img src=x onerror="alert(1)">'),
        f"{ARTROSE_FILE}:3: error: 'title' is not valid: write plain text on one line, without markup such as <b> or <script> "
        'and without control characters; found "Artrose<img src=x onerror=\\"alert(1)\\">" [schema]',
    ),
    (
        ARTROSE_FILE,
        '{\n  "url": ' + "[" * 5000 + "]" * 5000 + "\n}\n",
        f"{ARTROSE_FILE}:2: error: 'url' is nested more than 16 levels deep (lists or groups inside each other) [json-bounds]",
    ),
    (ARTROSE_FILE, "[]\n", f"{ARTROSE_FILE}:1: error: the file must hold one JSON object [json-shape]"),
    (
        "data/waiting-times.json",
        waiting_json(source="https://user:s3cret@feeds.example/w.csv"),
        "data/waiting-times.json:2: error: 'source' is not valid: an address here must not hold a user name or password (user:password@); "
        "'hcweb sync' removes them; found \"https://user:s3cret@feeds.example/w.csv\" [schema]",
    ),
    (
        "data/waiting-times.json",
        waiting_json().replace('"assessment_weeks": 6', '"assessment_weeks": ' + "9" * 5000),
        "data/waiting-times.json:9: error: 'figures[1].assessment_weeks' is a number of 5000 digits, which cannot be a real figure [json-bounds]",
    ),
    (
        "data/waiting-times.json",
        waiting_json().replace('"assessment_weeks": 6', '"assessment_weeks": 521'),
        "data/waiting-times.json:9: error: 'figures[1].assessment_weeks' must be at most 520; found 521 [schema]",
    ),
    (
        "data/waiting-times.json",
        waiting_json().replace('"location": "nord"', '"location": "nord<script>"'),
        "data/waiting-times.json:8: error: 'figures[1].location' is not valid: use lowercase letters a-z, digits and single hyphens, "
        'e.g. hip-replacement; found "nord<script>" [schema]',
    ),
]


@pytest.mark.parametrize("rel, text, message", HOSTILE_SNAPSHOTS)
def test_validate_reports_a_hostile_snapshot_at_its_line(data_repo: Path, rel: str, text: str, message: str) -> None:
    path = data_repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    result = run(data_repo, "validate", "--today", TODAY)
    assert result.exit_code == 1, result.output
    assert message in result.output.splitlines()
    assert "internal error" not in result.output


def test_a_snapshot_linked_from_outside_is_refused(data_repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.json"
    outside.write_text(entry_json(), encoding="utf-8")
    link = data_repo / ARTROSE_FILE
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    result = run(data_repo, "validate", "--today", TODAY)
    assert result.exit_code == 1
    assert (
        f"{ARTROSE_FILE}:1: error: the file is a link to a place outside data/; a snapshot must be a plain file [unreadable]"
        in result.output.splitlines()
    )


def test_a_future_date_in_a_snapshot_is_reported(data_repo: Path) -> None:
    (data_repo / "data").mkdir()
    (data_repo / "data/waiting-times.json").write_text(
        waiting_json().replace('"reported": "2026-11-01"', '"reported": "2027-01-31"'), encoding="utf-8"
    )
    result = run(data_repo, "validate", "--today", TODAY)
    assert (
        "data/waiting-times.json:10: warning: the waiting times for 'kneprotese' at nord are dated 2027-01-31, after today; "
        "check the feed and run 'hcweb sync waiting-times' [waiting-times-future]"
    ) in result.output.splitlines()


def test_only_checked_values_reach_a_build(data_repo: Path) -> None:
    """The loader a build uses keeps the figures and summaries that pass their schema, and drops the rest."""
    bad_figure = '    {\n      "code": "kneprotese",\n      "provider": "beta-hf",\n      "location": "sor",\n      "assessment_weeks": "<b>6</b>",\n      "reported": "2026-11-01"\n    }'
    good_figure = bad_figure.replace('"sor"', '"nord"').replace('"<b>6</b>"', "6")
    (data_repo / "data/helsenorge").mkdir(parents=True)
    (data_repo / "data/waiting-times.json").write_text(waiting_json(f"{bad_figure},\n{good_figure},\n    [1, 2]"), encoding="utf-8")
    (data_repo / ARTROSE_FILE).write_text(entry_json(summary="<script>alert(1)</script>"), encoding="utf-8")
    snapshots = load_snapshots(data_repo, Schemas(data_repo / "schemas"))
    assert snapshots.figures("kneprotese", "beta-hf", "sor") is None
    assert snapshots.figures("kneprotese", "beta-hf", "nord")["assessment_weeks"] == 6
    assert snapshots.figure_line(0, "reported") == 17
    assert snapshots.helsenorge == {}
    assert [p.as_text().split(": error: ")[0] for p in snapshots.problems] == [
        "data/waiting-times.json:9",
        "data/waiting-times.json:19",
        f"{ARTROSE_FILE}:4",
    ]
