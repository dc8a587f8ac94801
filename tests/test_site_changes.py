"""hcweb changes: what changes for patients, per provider site, as word diffs of the pages; and the one
pull request comment that shows it (hcweb github comment).

The golden cases compare the Markdown report with tests/golden/changes/<case>.md; set
HCWEB_UPDATE_GOLDEN=1 to write them anew (then read every changed file before committing it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hcweb.sections import content_hash
from helpers import KNEE_BODY, TODAY, QuietHandler, base_tree, commit, dedent, edit_file, make_repo, overlay, run, start_server

GOLDEN = Path(__file__).parent / "golden" / "changes"
KNEE = "content/common/treatments/knee-replacement.md"
ALFA_KNEE = "content/providers/alfa-hf/treatments/knee-replacement.md"
BETA_KNEE = "content/providers/beta-hf/treatments/knee-replacement.md"
REFERRAL_OLD = "Fastlegen henviser deg."
REFERRAL_NEW = "Fastlegen eller avtalespesialist henviser deg, og du får svar innen ti dager."


def tree() -> dict[str, str]:
    """The base tree, and alfa-hf (the owner) showing the knee text's introduction and referral section too."""
    files = base_tree()
    files[ALFA_KNEE] = overlay(
        "treatments/knee-replacement",
        "Per Dahl",
        {"treatments/knee-replacement": content_hash(KNEE_BODY)},
        dedent(
            """
            {% include "treatments/knee-replacement#about" %}

            ## Oppmøte {#arrival}
            Meld deg i skranken ved inngang A.

            {% include "treatments/knee-replacement#referral" %}
            """
        ),
        locations="[sentrum]",
    )
    return files


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", tree())


def approve(repo: Path, rel: str, by: str) -> None:
    result = run(repo, "approve", str(repo / rel), "--by", by, "--on", TODAY, "--today", TODAY)
    assert result.exit_code == 0, result.output


def revise_referral(repo: Path) -> None:
    """The owner revises the knee text's referral section and its expert approves the new revision."""
    edit_file(repo, KNEE, REFERRAL_OLD, REFERRAL_NEW)
    approve(repo, KNEE, "Kari Berg")


def changes(repo: Path, *args: str, fmt: str = "markdown"):
    result = run(repo, "changes", "--base", "HEAD", "--format", fmt, "--today", TODAY, *args)
    assert result.exit_code == 0, result.output
    return result.stdout if fmt == "markdown" else json.loads(result.stdout)


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.md"
    if os.environ.get("HCWEB_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs; HCWEB_UPDATE_GOLDEN=1 writes it anew"


# -- the golden cases -----------------------------------------------------------------------------------


def test_a_national_section_change_is_shown_on_every_site_that_approved_it(repo: Path) -> None:
    revise_referral(repo)
    approve(repo, ALFA_KNEE, "Per Dahl")
    approve(repo, BETA_KNEE, "Ola Nord")
    report = changes(repo)
    assert_golden("national-change-on-several-sites", report)
    entries = changes(repo, fmt="json")
    assert [(e["provider"], e["url"], e["status"]) for e in entries] == [
        ("alfa-hf", "/behandlinger/kneprotese/", "changed"),
        ("beta-hf", "/behandlinger/kneprotese/", "changed"),
    ]
    assert entries[0]["diff"] == entries[1]["diff"]  # the same words change on both sites
    (change,) = entries[0]["diff"]
    assert change["heading"] == "Henvisning"
    assert change["parts"] == [
        {"op": "equal", "text": "Fastlegen"},
        {"op": "insert", "text": " eller avtalespesialist"},
        {"op": "equal", "text": " henviser deg"},
        {"op": "insert", "text": ", og du får svar innen ti dager"},
        {"op": "equal", "text": "."},
    ]


def test_a_change_held_back_by_a_pin_waits_for_that_providers_approval(repo: Path) -> None:
    revise_referral(repo)
    approve(repo, ALFA_KNEE, "Per Dahl")  # alfa-hf re-approves; beta-hf has not yet
    report = changes(repo)
    assert_golden("hidden-by-pin", report)
    assert "unchanged until Helse Beta HF approves" in report
    entries = {e["provider"]: e for e in changes(repo, fmt="json")}
    assert entries["alfa-hf"]["status"] == "changed" and entries["alfa-hf"]["waiting_for"] is None
    assert entries["beta-hf"]["status"] == "waiting" and entries["beta-hf"]["waiting_for"] == "Helse Beta HF"
    assert entries["beta-hf"]["diff"] == entries["alfa-hf"]["diff"]  # what beta-hf's page will show once approved


def test_no_provider_approved_yet_every_page_waits(repo: Path) -> None:
    revise_referral(repo)
    report = changes(repo)
    assert report.splitlines()[3] == "No page changes for patients yet; 2 pages wait for approval."
    assert "unchanged until Helse Alfa HF approves" in report and "unchanged until Helse Beta HF approves" in report


def test_a_local_change_shows_on_that_provider_only(repo: Path) -> None:
    edit_file(repo, BETA_KNEE, "Oppmøte i resepsjonen i 2. etasje.", "Oppmøte i resepsjonen i 3. etasje, ved heisene.")
    approve(repo, BETA_KNEE, "Ola Nord")
    report = changes(repo)
    assert_golden("local-change", report)
    assert [e["provider"] for e in changes(repo, fmt="json")] == ["beta-hf"]


def test_a_renamed_page_is_shown_as_moved(repo: Path) -> None:
    edit_file(repo, BETA_KNEE, "uses: treatments/knee-replacement\n", "uses: treatments/knee-replacement\ntitle: Kneoperasjon\n")
    (repo / "content/providers/beta-hf/redirects.yml").write_text(
        "redirects:\n  /behandlinger/kneprotese/: /behandlinger/kneoperasjon/\n", encoding="utf-8"
    )
    approve(repo, BETA_KNEE, "Ola Nord")
    report = changes(repo)
    assert_golden("renamed-page", report)
    entries = changes(repo, fmt="json")
    moved = [e for e in entries if e["status"] == "moved"]
    assert [(e["old_url"], e["url"], e["title"]) for e in moved] == [
        ("/behandlinger/kneprotese/", "/behandlinger/kneoperasjon/", "Kneoperasjon")
    ]
    assert not [e for e in entries if e["status"] in ("added", "removed")]


# -- the command's edges --------------------------------------------------------------------------------


def test_no_change_says_so_under_the_marker(repo: Path) -> None:
    report = changes(repo)
    assert report.splitlines()[:4] == ["<!-- hcweb-changes -->", "### What changes for patients", "", "No page changes for patients."]
    assert changes(repo, fmt="json") == []


def test_a_new_and_a_removed_page(repo: Path) -> None:
    (repo / "content/providers/beta-hf/pages/om-oss.md").unlink()
    (repo / "content/providers/beta-hf/pages/parkering.md").write_text(
        "---\ntitle: Parkering og adkomst\nresponsible:\n  name: Ola Nord\n  title: Overlege\n"
        "approved: {by: Ola Nord, on: 2026-02-01, local: unsealed}\n---\nBilister parkerer i P-huset.\n",
        encoding="utf-8",
    )
    approve(repo, "content/providers/beta-hf/pages/parkering.md", "Ola Nord")
    statuses = {(e["url"], e["status"]) for e in changes(repo, fmt="json")}
    assert ("/om-oss/", "removed") in statuses and ("/parkering/", "added") in statuses


def test_only_one_provider(repo: Path) -> None:
    revise_referral(repo)
    approve(repo, ALFA_KNEE, "Per Dahl")
    approve(repo, BETA_KNEE, "Ola Nord")
    assert {e["provider"] for e in changes(repo, "--provider", "beta-hf", fmt="json")} == {"beta-hf"}
    result = run(repo, "changes", "--base", "HEAD", "--provider", "gamma-hf")
    assert result.exit_code == 2 and "no provider 'gamma-hf'" in result.output


def test_a_bad_base_is_one_line_and_exit_2(repo: Path) -> None:
    result = run(repo, "changes", "--base", "no-such-branch")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: 'no-such-branch' is not a revision of this repository (fetch it first, e.g. git fetch origin main)"
    ]


def test_long_pages_show_a_few_changes_and_count_the_rest(repo: Path) -> None:
    page = "content/providers/beta-hf/pages/om-oss.md"
    paragraphs = [f"Avsnitt nummer {n} handler om tema {n} for pasientene." for n in range(1, 9)]
    edit_file(repo, page, "Et lite helseforetak.\n", "\n\n".join(paragraphs) + "\n")

    commit(repo, "a longer page")
    edit_file(repo, page, "\n\n".join(paragraphs), "\n\n".join(p.replace("handler om", "forklarer") for p in paragraphs))
    approve(repo, page, "Ola Nord")
    report = changes(repo)
    assert report.count("~~handler om~~ **forklarer**") == 5
    assert "  - … and 3 more changes" in report
    (entry,) = changes(repo, fmt="json")
    assert len(entry["diff"]) == 8  # the JSON has them all


def test_markdown_in_the_words_is_shown_as_written() -> None:
    from hcweb.site_changes import WordChange, _change_line

    change = WordChange([("equal", "Ring"), ("delete", " *113*"), ("insert", " [113]"), ("equal", " ved fare.")])
    assert _change_line(change) == r"Ring ~~\*113\*~~ **\[113\]** ved fare."
    inside = WordChange([("equal", "08.00–"), ("delete", "15.30"), ("insert", "16.00"), ("equal", " hver dag")], cut_after=True)
    assert _change_line(inside) == "08.00–~~15.30~~**16.00** hver dag…"
    against = WordChange([("equal", "dag"), ("insert", ", telefon 22"), ("equal", " etter")], "Kontakt", cut_before=True)
    assert _change_line(against) == "*Kontakt:* …dag<b>, telefon 22</b> etter"


def test_a_pages_words_make_no_mention_link_or_entity_in_the_comment() -> None:
    """Words on a page are shown as words: the bot's comment notifies nobody, links nowhere, decodes no entity."""
    from hcweb.site_changes import WORD_JOINER, escape

    shown = escape("@beta-hf-redaksjon og @hcweb/koordinatorer, se https://evil.example/login, www.evil.example, #12, &#64;x")
    assert "@beta" not in shown and "@hcweb" not in shown and "https://" not in shown and "www.evil" not in shown
    assert "&#64;" not in shown and "#12" not in shown
    assert (
        shown.replace(WORD_JOINER, "").replace("\\", "")
        == "@beta-hf-redaksjon og @hcweb/koordinatorer, se https://evil.example/login, www.evil.example, #12, &#64;x"
    )


def test_page_text_keeps_blocks_apart_and_drops_the_permalinks() -> None:
    from hcweb.site_changes import markdown_blocks

    blocks = markdown_blocks("Innledning med *vekt*.\n\n## Henvisning {#referral}\n\nFastlegen henviser.\n\n- en\n- to [lenke](/x/)\n")
    assert blocks == ["Innledning med vekt.", "## Henvisning", "Fastlegen henviser.", "en", "to lenke"]


# -- the sticky comment ----------------------------------------------------------------------------------

BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}
PERSON = {"login": "kari-berg", "id": 1001, "type": "User"}


def comment(comment_id: int, user: dict, body: str) -> dict:
    """An issue comment as GET /repos/{owner}/{repo}/issues/{n}/comments lists it (the fields that matter, and a few more)."""
    return {
        "id": comment_id,
        "node_id": f"IC_{comment_id}",
        "url": f"https://api.github.com/repos/org/content/issues/comments/{comment_id}",
        "html_url": f"https://github.com/org/content/pull/7#issuecomment-{comment_id}",
        "user": user,
        "body": body,
        "created_at": "2026-11-30T10:00:00Z",
        "updated_at": "2026-11-30T10:00:00Z",
        "author_association": "NONE" if user["type"] == "Bot" else "MEMBER",
    }


class FakeGitHub:
    """GitHub's issue comments API for pull request 7 of org/content, on 127.0.0.1: two pages of comments."""

    def __init__(self, pages: list[list[dict]], status: int = 0) -> None:
        self.pages, self.status, self.requests = pages, status, []

    def handler(self):
        fake = self

        class Handler(QuietHandler):
            CONTENT_TYPE = "application/json; charset=utf-8"

            def answer(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length)) if length else None
                fake.requests.append((method, self.path, self.headers.get("Authorization"), payload))
                if fake.status:
                    return self.send(fake.status, b'{"message": "Resource not accessible by integration"}')
                if method == "GET" and self.path.startswith("/repos/org/content/issues/7/comments"):
                    page = int(self.path.split("page=")[-1]) if "page=" in self.path.split("?")[-1].replace("per_page", "") else 1
                    body = json.dumps(fake.pages[page - 1]).encode()
                    self.send_response(200)
                    if page < len(fake.pages):
                        host = self.headers["Host"]
                        self.send_header(
                            "Link", f'<http://{host}/repos/org/content/issues/7/comments?per_page=100&page={page + 1}>; rel="next"'
                        )
                    self.send_header("Content-Type", self.CONTENT_TYPE)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return None
                if method == "POST" and self.path == "/repos/org/content/issues/7/comments":
                    return self.send(201, json.dumps(comment(900, BOT, payload["body"])).encode())
                if method == "PATCH" and self.path.startswith("/repos/org/content/issues/comments/"):
                    return self.send(200, json.dumps(comment(int(self.path.rsplit("/", 1)[1]), BOT, payload["body"])).encode())
                return self.send(404, b'{"message": "Not Found"}')

            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                self.answer("GET")

            def do_POST(self) -> None:  # noqa: N802
                self.answer("POST")

            def do_PATCH(self) -> None:  # noqa: N802
                self.answer("PATCH")

        return Handler


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch):
    servers = []

    def start(pages: list[list[dict]], status: int = 0) -> FakeGitHub:
        fake = FakeGitHub(pages, status)
        server, url = start_server(fake.handler())
        servers.append(server)
        monkeypatch.setenv("GITHUB_API_URL", url)
        monkeypatch.setenv("GITHUB_REPOSITORY", "org/content")
        monkeypatch.setenv("GITHUB_TOKEN", "secret-token")
        return fake

    yield start
    for server in servers:
        server.shutdown()


def post(tmp_path: Path, body: str = "<!-- hcweb-changes -->\nNo page changes for patients.\n"):
    path = tmp_path / "changes.md"
    path.write_text(body, encoding="utf-8")
    return run(tmp_path, "github", "comment", "--pr", "7", "--marker", "hcweb-changes", "--body-file", str(path))


def test_the_comment_is_posted_once_then_edited(github, tmp_path: Path) -> None:
    fake = github([[comment(1, PERSON, "Ser bra ut.")]])
    result = post(tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output == "created the comment on pull request 7: https://github.com/org/content/pull/7#issuecomment-900\n"
    assert [(method, path) for method, path, _auth, _payload in fake.requests] == [
        ("GET", "/repos/org/content/issues/7/comments?per_page=100"),
        ("POST", "/repos/org/content/issues/7/comments"),
    ]
    assert fake.requests[1][2] == "Bearer secret-token"
    assert fake.requests[1][3] == {"body": "<!-- hcweb-changes -->\nNo page changes for patients.\n"}


def test_the_bots_marked_comment_on_a_later_page_is_edited(github, tmp_path: Path) -> None:
    planted = comment(2, PERSON, "<!-- hcweb-changes -->\nA person's comment with the marker stays theirs.")
    fake = github(
        [[comment(1, PERSON, "Ser bra ut."), planted], [comment(3, BOT, "<!-- other -->"), comment(4, BOT, "<!-- hcweb-changes -->\nold")]]
    )
    result = post(tmp_path, "1 page on 1 site changes.\n")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("updated the comment on pull request 7")
    method, path, _auth, payload = fake.requests[-1]
    assert (method, path) == ("PATCH", "/repos/org/content/issues/comments/4")
    assert payload == {"body": "<!-- hcweb-changes -->\n1 page on 1 site changes.\n"}  # the marker is added when missing
    assert [m for m, *_ in fake.requests] == ["GET", "GET", "PATCH"]


def test_a_read_only_token_is_one_line(github, tmp_path: Path) -> None:
    github([[]], status=403)
    result = post(tmp_path)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: GitHub refused to let this token comment on pull request 7 of org/content (403): give the job "
        "permissions: pull-requests: write (a pull request from a fork gets a read-only token)"
    ]


def test_no_token_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    result = post(tmp_path)
    assert result.exit_code == 2 and result.output.startswith("Error: GITHUB_TOKEN is not set")


def test_a_long_report_is_shortened_to_what_github_takes() -> None:
    from hcweb.github_comment import MAX_BODY, with_marker

    body = with_marker("linje\n" * 20_000, "hcweb-changes")
    assert body.startswith("<!-- hcweb-changes -->\n") and len(body) <= MAX_BODY + 100
    assert body.endswith("(shortened: the full report is in the workflow run's log)\n")


# -- the workflow ----------------------------------------------------------------------------------------

WORKFLOW = Path(__file__).resolve().parents[1] / ".github/workflows/changes.yml"


def test_the_workflow_comments_with_hcweb_and_may_write_only_comments() -> None:
    import yaml

    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert data.get("on", data.get(True)) == {"pull_request": {"branches": ["main"]}}
    assert data["permissions"] == {"contents": "read"}
    (job,) = data["jobs"].values()
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    scripts = [step["run"] for step in job["steps"] if "run" in step]
    assert 'hcweb --root pr changes --base "$BASE" --format markdown > changes.md' in scripts[1]
    assert scripts[2] == 'hcweb github comment --pr "$PR" --marker hcweb-changes --body-file changes.md'


def test_the_workflows_scripts_report_and_comment(github, tmp_path: Path) -> None:
    """The run: scripts of the workflow, as GitHub runs them (bash -e), on a pull request's checkout in pr/."""
    import subprocess
    import sys

    import yaml

    pr = make_repo(tmp_path / "pr", tree())
    edit_file(pr, BETA_KNEE, "Oppmøte i resepsjonen i 2. etasje.", "Oppmøte i resepsjonen i 3. etasje.")
    approve(pr, BETA_KNEE, "Ola Nord")
    fake = github([[comment(5, BOT, "<!-- hcweb-changes -->\nold report")]])
    summary = tmp_path / "summary.md"
    (job,) = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"].values()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_STEP_SUMMARY": str(summary),
        "BASE": "main",
        "PR": "7",
    }
    for step in job["steps"]:
        if "run" in step and not step["run"].startswith("pip install"):
            subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, check=True, capture_output=True, text=True)
    report = (tmp_path / "changes.md").read_text(encoding="utf-8")
    assert report.startswith("<!-- hcweb-changes -->\n") and "~~2~~ **3**" in report
    assert summary.read_text(encoding="utf-8") == report
    assert fake.requests[-1][:2] == ("PATCH", "/repos/org/content/issues/comments/5") and fake.requests[-1][3] == {"body": report}


def test_a_site_that_cannot_be_made_is_named_not_hidden(repo: Path) -> None:
    (repo / KNEE).unlink()  # both providers' overlays still use it
    report = changes(repo)
    assert report.splitlines()[3] == "No page changes for patients. 2 sites cannot be compared: see below."
    assert (
        "Cannot be compared: its overlays use treatments/knee-replacement, which is not there; 'hcweb validate' says what to change"
        in report
    )
    assert [(e["provider"], e["status"]) for e in changes(repo, fmt="json")] == [("alfa-hf", "not-compared"), ("beta-hf", "not-compared")]


def test_a_base_made_with_another_design_is_compared_in_todays_design(tmp_path: Path) -> None:
    """The base's design may be older than the tool (here: its word files are missing); the pages of both sides
    take today's words, so only the content's changes show."""
    root = make_repo(tmp_path / "repo", tree())
    words = root / "overrides/hcweb/words"
    kept = {path.name: path.read_bytes() for path in words.glob("*.yml")}
    for path in words.glob("*.yml"):
        path.unlink()
    commit(root, "a design from before the word files")
    for name, data in kept.items():
        (words / name).write_bytes(data)
    edit_file(root, BETA_KNEE, "Oppmøte i resepsjonen i 2. etasje.", "Oppmøte i resepsjonen i 3. etasje.")
    approve(root, BETA_KNEE, "Ola Nord")
    result = run(root, "changes", "--base", "HEAD")
    assert result.exit_code == 0, result.output
    assert "cannot be compared" not in result.output.lower()
    assert "Oppmøte i resepsjonen i ~~2~~ **3**. etasje." in result.output
