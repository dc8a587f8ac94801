"""hcweb check-approvals: every approval record a pull request adds is backed by that person's GitHub review.

One scenario, built once: a base commit on main, and a pull request branch whose
commits change a national text, a snippet (and so an overlay's local hash) and a
provider page, and record approvals for them, partly in later commits than the
ones reviewed. A second clone adds the records that can never be backed.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from hcweb.documents import split_front_matter
from hcweb.github_reviews import PullRequestReview, decisions, parse_reviews
from hcweb.revisions import national_revision, overlay_local, page_local
from helpers import QuietHandler, build_file_tree, commit, git, make_repo, provider_yml, run, start_server

KNEE = "content/common/treatments/knee-replacement.md"
CATARACT = "content/common/treatments/cataract-surgery.md"
NEW_TEXT = "content/common/treatments/shoulder-replacement.md"
OVERLAY = "content/providers/beta-hf/treatments/knee-replacement.md"
SNIPPET = "content/providers/beta-hf/snippets/parkering.md"
PAGE = "content/providers/alfa-hf/pages/om-oss.md"
ALFA = "content/providers/alfa-hf/provider.yml"
BETA = "content/providers/beta-hf/provider.yml"
EDITOR = "Redaktør Helse Alfa HF"

KNEE_BODY_OLD = "## Om behandlingen {#about}\nVed en kneprotese erstattes de slitte leddflatene.\n"
KNEE_BODY_NEW = "## Om behandlingen {#about}\nVed en kneprotese erstattes de slitte leddflatene med metall og plast.\n"
OVERLAY_BODY = '{% include "treatments/knee-replacement#about" %}\n\n{% include "snippets/parkering" %}\n'


# -- writing content with correct hashes ---------------------------------------------------


def meta_of(text: str) -> tuple[dict, str]:
    source = split_front_matter(text, "x.md")
    return source.data, source.body


def national_md(title: str, owner: str, body: str, by: str, on: str, reviewed_on: str, specialty: str | None = None) -> str:
    head = (
        f"---\ntitle: {title}\ntype: treatment\nsummary: Kort om {title.lower()}.\nowner: {owner}\n"
        f"responsible:\n  name: {by}\n  title: Overlege\n" + (f"specialty: {specialty}\n" if specialty else "")
    )
    revision = national_revision(*meta_of(f"{head}---\n{body}"))
    return f"{head}approved:\n  by: {by}\n  on: {on}\n  revision: {revision}\nreviewed:\n  on: {reviewed_on}\n  by: {by}\n---\n{body}"


def revision_of(text: str) -> str:
    return national_revision(*meta_of(text))


def overlay_md(by: str, on: str, knee_text: str, snippet: str) -> str:
    head = "---\nuses: treatments/knee-replacement\nlocations: [nord]\n"
    meta, body = meta_of(f"{head}---\n{OVERLAY_BODY}")
    local = overlay_local(meta, body, lambda name: snippet if name == "parkering" else None)
    return (
        f"{head}approved:\n  by: {by}\n  on: {on}\n  revisions:\n    treatments/knee-replacement: {revision_of(knee_text)}\n"
        f"  local: {local}\n---\n{OVERLAY_BODY}"
    )


def page_md(by: str, body: str, provider_person: str = "Kari Berg") -> str:
    head = f"---\ntitle: Om oss\nresponsible:\n  name: {provider_person}\n  title: Overlege\n"
    local = page_local(*meta_of(f"{head}---\n{body}"))
    return f"{head}approved:\n  by: {by}\n  on: 2026-06-02\n  local: {local}\n---\n{body}"


def alfa_yml() -> str:
    text = provider_yml("alfa-hf", "Helse Alfa HF", "helse-vest", ["Kari Berg", "Per Dahl"], ["sentrum"])
    text = text.replace("    github: kari-berg\n", "    github: kari-berg\n    specialties: [ortopedi]\n")
    return text.replace("  email: nett@alfa-hf.example\n", "  email: nett@alfa-hf.example\n  github: alfa-redaktor\n")


def beta_yml(extra_expert: bool = False) -> str:
    return provider_yml("beta-hf", "Helse Beta HF", "helse-nord", ["Ola Nord", *(["Nina Ny"] if extra_expert else [])], ["nord"])


def line_of(text: str, prefix: str, after: str | None = None) -> int:
    """The 1-based line of the first line starting with ``prefix`` (after the line starting with ``after``)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(after)) + 1 if after else 0
    return next(i for i in range(start, len(lines)) if lines[i].startswith(prefix)) + 1


# -- the scenario --------------------------------------------------------------------------


@dataclass
class Scenario:
    root: Path  # the pull request's working tree (clean, at c4)
    bad: Path  # a clone with records that no review can back, one of them untracked
    base: str  # the commit of main
    c1: str  # knee text and page changed (the page recorded); no knee record yet
    c2: str  # the snippet changed: the overlay's local hash with it
    c3: str  # the knee text's approval and review, and the overlay's approval recorded
    c4: str  # the page changed again, and its record with it
    c5: str  # (in bad) the cataract text approved by a non-specialist, a text approved by an expert added here
    files: dict[str, str]


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Scenario:
    root = tmp_path_factory.mktemp("approvals") / "repo"
    knee_old = national_md("Kneprotese", "alfa-hf", KNEE_BODY_OLD, "Kari Berg", "2026-03-01", "2026-03-01", specialty="ortopedi")
    cataract = national_md(
        "Grå stær",
        "alfa-hf",
        "## Om grå stær {#about}\nLinsen blir uklar.\n",
        "Per Dahl",
        "2026-03-01",
        "2026-03-01",
        specialty="øyesykdommer",
    )
    snippet_old = "Parkering i P-huset.\n"
    make_repo(
        root,
        {
            ALFA: alfa_yml(),
            BETA: beta_yml(),
            KNEE: knee_old,
            CATARACT: cataract,
            SNIPPET: snippet_old,
            OVERLAY: overlay_md("Ola Nord", "2026-05-01", knee_old, snippet_old),
            PAGE: page_md(EDITOR, "## Hvem vi er {#who}\nEt helseforetak.\n"),
        },
    )
    base = head(root)
    git(root, "checkout", "-q", "-b", "pr")

    knee_new_unrecorded = knee_old.replace(KNEE_BODY_OLD, KNEE_BODY_NEW)
    build_file_tree(root, {KNEE: knee_new_unrecorded, PAGE: page_md(EDITOR, "## Hvem vi er {#who}\nEt helseforetak i vest.\n")})
    commit(root, "c1: knee text and page", "2026-06-01T10:00:00")
    c1 = head(root)

    snippet_new = "Parkering i P-huset ved hovedinngangen. Første time er gratis.\n"
    build_file_tree(root, {SNIPPET: snippet_new})
    commit(root, "c2: parking snippet", "2026-06-01T11:00:00")
    c2 = head(root)

    knee_new = national_md("Kneprotese", "alfa-hf", KNEE_BODY_NEW, "Kari Berg", "2026-06-02", "2026-06-02", specialty="ortopedi")
    assert revision_of(knee_new) == revision_of(knee_new_unrecorded) != revision_of(knee_old)
    build_file_tree(root, {KNEE: knee_new, OVERLAY: overlay_md("Ola Nord", "2026-06-02", knee_new, snippet_new)})
    commit(root, "c3: records", "2026-06-02T10:00:00")
    c3 = head(root)

    build_file_tree(root, {PAGE: page_md(EDITOR, "## Hvem vi er {#who}\nEt helseforetak i vest, med tre sykehus.\n")})
    commit(root, "c4: page again", "2026-06-02T11:00:00")
    c4 = head(root)

    bad = root.parent / "bad"
    subprocess.run(["git", "clone", "-q", str(root), str(bad)], check=True, capture_output=True)
    git(bad, "checkout", "-q", "-b", "pr-bad")
    git(bad, "branch", "-q", "main", base)
    cataract_by_kari = national_md(
        "Grå stær",
        "alfa-hf",
        "## Om grå stær {#about}\nLinsen blir uklar.\n",
        "Kari Berg",
        "2026-06-03",
        "2026-03-01",
        specialty="øyesykdommer",
    )
    build_file_tree(
        bad,
        {
            CATARACT: cataract_by_kari,
            BETA: beta_yml(extra_expert=True),
            NEW_TEXT: national_md(
                "Skulderprotese", "beta-hf", "## Om behandlingen {#about}\nEn ny skulder.\n", "Nina Ny", "2026-06-03", "2026-06-03"
            ),
            "content/providers/gamma-hf/provider.yml": provider_yml(
                "gamma-hf", "Helse Gamma HF", "helse-midt-norge", ["Gro Gamma"], ["midt"]
            ),
            "content/providers/gamma-hf/pages/om-oss.md": page_md("Gro Gamma", "## Om oss {#who}\nNytt foretak.\n", "Gro Gamma"),
        },
    )
    commit(bad, "c5: records nobody can back", "2026-06-03T10:00:00")
    c5 = head(bad)
    build_file_tree(bad, {"content/providers/beta-hf/pages/nyheter.md": page_md("Ola Nord", "## Nytt {#news}\nUtrykt nytt.\n", "Ola Nord")})
    files = {rel: (root / rel).read_text(encoding="utf-8") for rel in (KNEE, OVERLAY, PAGE)}
    files.update({rel: (bad / rel).read_text(encoding="utf-8") for rel in (CATARACT, NEW_TEXT)})
    return Scenario(root, bad, base, c1, c2, c3, c4, c5, files)


# -- reviews and running -------------------------------------------------------------------

_clock = iter(range(10**6))


def review(login: str, commit: str, state: str = "APPROVED", at: str | None = None) -> dict:
    """A review as GitHub's REST API lists it; submitted one minute after the one before unless ``at`` says when."""
    minute = next(_clock)
    moment = at or f"2026-06-05T{10 + minute // 60 % 10:02d}:{minute % 60:02d}:00Z"
    return {
        "id": 1000 + minute,
        "user": {"login": login, "type": "User"},
        "body": "",
        "state": state,
        "commit_id": commit,
        "submitted_at": moment,
        "author_association": "MEMBER",
    }


def check(root: Path, tmp_path: Path, reviews, *extra: str, base: str = "main"):
    path = tmp_path / "reviews.json"
    path.write_text(reviews if isinstance(reviews, str) else json.dumps(reviews), encoding="utf-8")
    return run(root, "check-approvals", "--base", base, "--reviews", str(path), *extra)


def good_reviews(s: Scenario) -> list[dict]:
    """Every record of the pull request backed: each review of an earlier commit than the record, with the same content."""
    return [review("kari-berg", s.c1), review("ola-nord", s.c2), review("alfa-redaktor", s.c4)]


def problems(result) -> dict[str, str]:
    """path:line -> message of each text line printed."""
    found = {}
    for line in result.stdout.splitlines():
        path, number, rest = line.split(":", 2)
        found[f"{path}:{number}"] = rest
    return found


def at(s: Scenario, rel: str, prefix: str, after: str) -> str:
    return f"{rel}:{line_of(s.files[rel], prefix, after)}"


# -- backed --------------------------------------------------------------------------------


def test_every_record_backed_passes(scenario, tmp_path):
    result = check(scenario.root, tmp_path, good_reviews(scenario))
    assert result.exit_code == 0, result.output
    assert result.stdout == "4 approval and review records changed since main, all backed by reviews\n"


def test_records_written_after_the_review_count_when_the_content_is_the_same(scenario, tmp_path):
    # kari-berg reviewed c1 and ola-nord c2, before c3 wrote their records: the hashes match, so they count
    result = check(
        scenario.root, tmp_path, [review("kari-berg", scenario.c3), review("ola-nord", scenario.c4), review("alfa-redaktor", scenario.c4)]
    )
    assert result.exit_code == 0, result.output
    assert check(scenario.root, tmp_path, good_reviews(scenario)).exit_code == 0


def test_nothing_changed_since_the_base(scenario, tmp_path):
    result = check(scenario.root, tmp_path, [], base=scenario.c4)
    assert result.exit_code == 0, result.output
    assert f"no approval or review records changed since {scenario.c4}" in result.output


def test_logins_ignore_case(scenario, tmp_path):
    reviews = [review("Kari-BERG", scenario.c1), review("OLA-nord", scenario.c2), review("Alfa-Redaktor", scenario.c4)]
    assert check(scenario.root, tmp_path, reviews).exit_code == 0


def test_a_list_of_pages_is_read_as_one_list(scenario, tmp_path):
    reviews = good_reviews(scenario)
    assert check(scenario.root, tmp_path, [reviews[:2], reviews[2:]]).exit_code == 0


def test_a_comment_after_the_approval_keeps_it(scenario, tmp_path):
    reviews = [*good_reviews(scenario), review("kari-berg", scenario.c4, "COMMENTED"), review("kari-berg", scenario.c4, "PENDING")]
    reviews[-1]["submitted_at"] = None
    assert check(scenario.root, tmp_path, reviews).exit_code == 0


# -- not backed ----------------------------------------------------------------------------


def test_no_review_names_every_record_at_its_line(scenario, tmp_path):
    s = scenario
    result = check(s.root, tmp_path, [])
    assert result.exit_code == 1
    assert problems(result) == {
        at(s, KNEE, "  on:", "approved:"): (
            " error: approved by Kari Berg (github kari-berg), but kari-berg has not approved this pull request; "
            "ask them to approve it on GitHub [approval-missing]"
        ),
        at(s, KNEE, "  on:", "reviewed:"): (
            " error: reviewed by Kari Berg (github kari-berg), but kari-berg has not approved this pull request; "
            "ask them to approve it on GitHub [approval-missing]"
        ),
        at(s, OVERLAY, "  on:", "approved:"): (
            " error: approved by Ola Nord (github ola-nord), but ola-nord has not approved this pull request; "
            "ask them to approve it on GitHub [approval-missing]"
        ),
        at(s, PAGE, "  local:", "approved:"): (
            f" error: approved by {EDITOR} (github alfa-redaktor), but alfa-redaktor has not approved this pull request; "
            "ask them to approve it on GitHub [approval-missing]"
        ),
    }
    assert "4 of 4 approval and review records changed since main not backed by a review" in result.stderr


def test_a_review_by_another_account_does_not_count(scenario, tmp_path):
    reviews = [review("per-dahl", scenario.c4), review("ola-nord", scenario.c2), review("alfa-redaktor", scenario.c4)]
    result = check(scenario.root, tmp_path, reviews)
    assert result.exit_code == 1
    found = problems(result)
    assert sorted(found) == sorted([at(scenario, KNEE, "  on:", "approved:"), at(scenario, KNEE, "  on:", "reviewed:")])
    assert all(
        "kari-berg has not approved this pull request (approvals so far: alfa-redaktor, ola-nord, per-dahl)" in m for m in found.values()
    )


def test_a_review_of_a_commit_where_the_text_read_differently(scenario, tmp_path):
    s = scenario
    result = check(s.root, tmp_path, [review("kari-berg", s.base), review("ola-nord", s.c2), review("alfa-redaktor", s.c4)])
    assert result.exit_code == 1
    found = problems(result)
    approved = found[at(s, KNEE, "  on:", "approved:")]
    assert approved.startswith(f" error: kari-berg's approval was of commit {s.base[:7]}, where the text read differently (revision ")
    assert approved.endswith("; ask them to approve again [approval-outdated]")
    then, now = revision_of(git(s.root, "show", f"{s.base}:{KNEE}")), revision_of(s.files[KNEE])
    assert approved == (
        f" error: kari-berg's approval was of commit {s.base[:7]}, where the text read differently (revision {then} there, "
        f"the approved {now}); ask them to approve again [approval-outdated]"
    )
    reviewed = found[at(s, KNEE, "  on:", "reviewed:")]
    assert f"where the text read differently (revision {then} there, now {now})" in reviewed
    assert len(found) == 2


def test_a_change_after_the_review_is_not_covered(scenario, tmp_path):
    # alfa-redaktor approved c1; c4 changed the page again and recorded its new hash
    s = scenario
    result = check(s.root, tmp_path, [review("kari-berg", s.c1), review("ola-nord", s.c2), review("alfa-redaktor", s.c1)])
    assert result.exit_code == 1
    assert list(problems(result).items()) == [
        (
            at(s, PAGE, "  local:", "approved:"),
            (
                f" error: alfa-redaktor's approval was of commit {s.c1[:7]}, where the page read differently (local hash "
                f"{_page_local_at(s, s.c1)} there, the approved {_page_local_at(s, s.c4)}); ask them to approve again [approval-outdated]"
            ),
        )
    ]


def _page_local_at(s: Scenario, commit: str) -> str:
    return page_local(*meta_of(git(s.root, "show", f"{commit}:{PAGE}")))


def test_a_snippet_change_changes_what_the_overlay_approval_covers(scenario, tmp_path):
    # at c1 the knee text was as approved, but the snippet the overlay includes was not
    s = scenario
    result = check(s.root, tmp_path, [review("kari-berg", s.c1), review("ola-nord", s.c1), review("alfa-redaktor", s.c4)])
    assert result.exit_code == 1
    found = problems(result)
    assert list(found) == [at(s, OVERLAY, "  on:", "approved:")]
    message = found[at(s, OVERLAY, "  on:", "approved:")]
    assert message.startswith(
        f" error: ola-nord's approval was of commit {s.c1[:7]}, where the overlay's own text, shown fields or snippets read differently (local hash "
    )
    assert "treatments/knee-replacement" not in message


def test_an_overlay_approval_covers_the_national_revisions_too(scenario, tmp_path):
    s = scenario
    result = check(s.root, tmp_path, [review("kari-berg", s.c1), review("ola-nord", s.base), review("alfa-redaktor", s.c4)])
    message = problems(result)[at(s, OVERLAY, "  on:", "approved:")]
    assert "where the overlay's own text, shown fields or snippets read differently" in message
    assert (
        f"and where treatments/knee-replacement read differently (revision {revision_of(git(s.root, 'show', f'{s.base}:{KNEE}'))} there"
        in message
    )


def test_dismissed_approval_is_withdrawn(scenario, tmp_path):
    reviews = [review("kari-berg", scenario.c1, "DISMISSED"), *good_reviews(scenario)[1:]]
    result = check(scenario.root, tmp_path, reviews)
    assert result.exit_code == 1
    messages = set(problems(result).values())
    assert messages == {
        " error: kari-berg's approval was dismissed; ask them to approve this pull request again on GitHub [approval-missing]"
    }


def test_changes_requested_after_the_approval_withdraws_it(scenario, tmp_path):
    reviews = [*good_reviews(scenario), review("kari-berg", scenario.c4, "CHANGES_REQUESTED")]
    result = check(scenario.root, tmp_path, reviews)
    assert result.exit_code == 1
    assert set(problems(result).values()) == {
        " error: kari-berg withdrew the approval (changes requested); ask them to approve again when the changes are made [approval-missing]"
    }


def test_reviews_count_in_the_order_they_were_submitted(scenario, tmp_path):
    # listed out of order: the change request was submitted after the approval
    reviews = [review("kari-berg", scenario.c4, "CHANGES_REQUESTED", at="2026-06-06T10:00:00Z"), *good_reviews(scenario)]
    result = check(scenario.root, tmp_path, reviews)
    assert result.exit_code == 1
    assert "kari-berg withdrew the approval (changes requested)" in result.stdout


def test_an_approval_after_a_change_request_counts(scenario, tmp_path):
    reviews = [review("kari-berg", scenario.c1, "CHANGES_REQUESTED"), *good_reviews(scenario)]
    assert check(scenario.root, tmp_path, reviews).exit_code == 0


def test_a_reviewed_commit_missing_from_the_clone(scenario, tmp_path):
    missing = "0123456789abcdef0123456789abcdef01234567"
    result = check(scenario.root, tmp_path, [review("kari-berg", missing), *good_reviews(scenario)[1:]])
    assert result.exit_code == 1
    expected = (
        " error: commit 0123456 of kari-berg's approval is not in this clone; fetch the pull request's commits "
        "(actions/checkout with fetch-depth: 0), then check again [approval-commit-missing]"
    )
    assert set(problems(result).values()) == {expected}


def test_github_annotations(scenario, tmp_path):
    s = scenario
    result = check(s.root, tmp_path, [review("kari-berg", s.c1), review("ola-nord", s.c2)], "--format", "github")
    assert result.exit_code == 1
    line = line_of(s.files[PAGE], "  local:", "approved:")
    assert result.stdout == (
        f"::error file={PAGE},line={line},title=approval-missing::approved by {EDITOR} (github alfa-redaktor), "
        "but alfa-redaktor has not approved this pull request (approvals so far: kari-berg, ola-nord); ask them to approve it on GitHub\n"
    )


# -- people as provider.yml has them at the base ------------------------------------------


def test_people_are_looked_up_at_the_base(scenario, tmp_path):
    s = scenario
    reviews = [
        *good_reviews(s),
        review("kari-berg", s.c5),
        review("nina-ny", s.c5),
        review("gro-gamma", s.c5),
        review("ola-nord", s.c5),
    ]
    result = check(s.bad, tmp_path, reviews)
    assert result.exit_code == 1
    found = problems(result)
    assert found.pop(at(s, CATARACT, "  by:", "approved:")) == (
        " error: Kari Berg may approve texts of ortopedi only (content/providers/alfa-hf/provider.yml at main), not of "
        "øyesykdommer; ask an expert in øyesykdommer at Helse Alfa HF to approve it, or have a coordinator add the specialty "
        "in a pull request of its own first [approver-specialty]"
    )
    assert found.pop(at(s, CATARACT, "  by:", "reviewed:")).startswith(" error: Kari Berg may approve texts of ortopedi only")
    assert found.pop(f"{NEW_TEXT}:{line_of(s.files[NEW_TEXT], 'approved:')}") == (
        f" error: Nina Ny is not an expert of Helse Beta HF in {BETA} at main (this pull request adds them, which does not count); "
        "a coordinator must add the person in a pull request of its own first [approver-unknown]"
    )
    assert found.pop(f"{NEW_TEXT}:{line_of(s.files[NEW_TEXT], 'reviewed:')}").startswith(
        " error: Nina Ny is not an expert of Helse Beta HF"
    )
    assert found.pop("content/providers/gamma-hf/pages/om-oss.md:6") == (
        " error: the provider 'gamma-hf' is not in the repository at main, so Gro Gamma cannot back this yet; a coordinator "
        "must add the provider and the person in a pull request of its own first [approver-unknown]"
    )
    # untracked: in the working tree only, so no reviewed commit holds it
    assert found.pop("content/providers/beta-hf/pages/nyheter.md:6") == (
        f" error: ola-nord's approval was of commit {s.c5[:7]}, where this file did not exist; ask them to approve again [approval-outdated]"
    )
    assert found == {}


# -- usage errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", "is not JSON (line 1, column 2"),
        ('{"state": "APPROVED"}', "expected a list of reviews (GitHub's JSON for a pull request's reviews), found an object"),
        ('[{"user": {"login": "kari-berg"}, "commit_id": null}]', "review 1: 'state' must be a text such as APPROVED, found null"),
        ('[{"user": "kari-berg", "state": "APPROVED"}]', "review 1: 'user' must be an object with a 'login'"),
        ('[{"user": {"login": "k"}, "state": "APPROVED", "commit_id": "HEAD"}]', "'commit_id' must be a full commit id"),
        ('[{"user": {"login": "k"}, "state": "APPROVED", "submitted_at": "yesterday"}]', "'submitted_at' must be a time"),
        ("[42]", "review 1 is a number, not an object"),
    ],
)
def test_malformed_reviews_file(scenario, tmp_path, text, expected):
    result = check(scenario.root, tmp_path, text)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.output


def test_reviews_or_pr_not_both_nor_neither(scenario, tmp_path):
    path = tmp_path / "r.json"
    path.write_text("[]")
    both = run(scenario.root, "check-approvals", "--base", "main", "--reviews", str(path), "--pr", "3")
    neither = run(scenario.root, "check-approvals", "--base", "main")
    for result in (both, neither):
        assert result.exit_code == 2
        assert "give either --reviews FILE or --pr N" in result.stderr


@pytest.mark.parametrize("base", ["no-such-branch", "--output=x"])
def test_base_not_a_revision(scenario, tmp_path, base):
    result = check(scenario.root, tmp_path, [], base=base)
    assert result.exit_code == 2
    assert f"'{base}' is not a revision" in result.stderr


# -- fetching from GitHub ------------------------------------------------------------------


class ReviewsApi(QuietHandler):
    """Two pages of reviews, the first linking to the second; or one status for everything."""

    CONTENT_TYPE = "application/json"
    pages: ClassVar[dict[str, list]] = {}
    status = 200
    seen: ClassVar[list[tuple[str, dict]]] = []

    def do_GET(self) -> None:
        type(self).seen.append((self.path, dict(self.headers)))
        if self.status != 200:
            self.send(self.status, b'{"message": "Bad credentials"}')
            return
        page = "2" if self.path.endswith("&page=2") else "1"
        body = json.dumps(self.pages[page]).encode()
        self.send_response(200)
        if page == "1":
            host = self.headers["Host"]
            self.send_header(
                "Link", f'<http://{host}/repositories/1/pulls/7/reviews?per_page=100&page=2>; rel="next", <http://{host}/x>; rel="last"'
            )
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def api(monkeypatch):
    ReviewsApi.seen = []
    ReviewsApi.status = 200
    server, url = start_server(ReviewsApi)
    monkeypatch.setenv("GITHUB_API_URL", url)
    monkeypatch.setenv("GITHUB_REPOSITORY", "hcweb/innhold")
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_secret-token")
    yield ReviewsApi
    server.shutdown()
    server.server_close()


def test_pr_fetches_every_page_with_the_token(scenario, api):
    reviews = good_reviews(scenario)
    api.pages = {"1": reviews[:2], "2": reviews[2:]}
    result = run(scenario.root, "check-approvals", "--base", "main", "--pr", "7")
    assert result.exit_code == 0, result.output
    assert [path for path, _ in api.seen] == [
        "/repos/hcweb/innhold/pulls/7/reviews?per_page=100",
        "/repositories/1/pulls/7/reviews?per_page=100&page=2",
    ]
    for _, headers in api.seen:
        assert headers["Authorization"] == "Bearer ghs_secret-token"
        assert headers["Accept"] == "application/vnd.github+json"
        assert headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert "secret-token" not in result.output


def test_pr_missing_the_second_page_is_not_backed(scenario, api):
    reviews = good_reviews(scenario)
    api.pages = {"1": reviews[:2], "2": []}
    result = run(scenario.root, "check-approvals", "--base", "main", "--pr", "7")
    assert result.exit_code == 1
    assert "alfa-redaktor has not approved this pull request" in result.stdout


def test_pr_refused_token(scenario, api):
    api.status = 401
    result = run(scenario.root, "check-approvals", "--base", "main", "--pr", "7")
    assert result.exit_code == 2
    assert "GitHub refused the token (401): set GITHUB_TOKEN to a valid token" in result.stderr
    assert "secret-token" not in result.output


def test_pr_unknown_pull_request(scenario, api):
    api.status = 404
    result = run(scenario.root, "check-approvals", "--base", "main", "--pr", "7")
    assert result.exit_code == 2
    assert "GitHub found no pull request 7 in hcweb/innhold (404)" in result.stderr


def test_pr_without_token_or_repository(scenario, api, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN")
    result = run(scenario.root, "check-approvals", "--base", "main", "--pr", "7")
    assert result.exit_code == 2
    assert "GITHUB_TOKEN is not set" in result.stderr
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    monkeypatch.delenv("GITHUB_REPOSITORY")
    result = run(scenario.root, "check-approvals", "--base", "main", "--pr", "7")
    assert result.exit_code == 2
    assert "GITHUB_REPOSITORY must name the repository as OWNER/NAME" in result.stderr
    assert api.seen == []


def test_pr_network_failure(scenario, api, monkeypatch):
    server, url = start_server(QuietHandler)
    server.shutdown()
    server.server_close()  # nothing listens there now
    monkeypatch.setenv("GITHUB_API_URL", url)
    result = run(scenario.root, "check-approvals", "--base", "main", "--pr", "7")
    assert result.exit_code == 2
    assert f"could not reach GitHub at {url}/repos/hcweb/innhold/pulls/7/reviews?per_page=100 (ConnectionError)" in result.stderr


def test_pr_is_not_fetched_for_a_bad_base(scenario, api):
    result = run(scenario.root, "check-approvals", "--base", "nowhere", "--pr", "7")
    assert result.exit_code == 2
    assert api.seen == []


# -- the reduction of reviews, as pure functions ---------------------------------------------


def test_latest_decisive_review_per_login():
    sha = "a" * 40
    reviews = parse_reviews(
        [
            {"user": {"login": "Kari-Berg"}, "state": "APPROVED", "commit_id": sha, "submitted_at": "2026-06-01T10:00:00Z"},
            {"user": {"login": "kari-berg"}, "state": "COMMENTED", "commit_id": sha, "submitted_at": "2026-06-01T11:00:00Z"},
            {"user": {"login": "ola-nord"}, "state": "CHANGES_REQUESTED", "commit_id": sha, "submitted_at": "2026-06-01T10:00:00Z"},
            {"user": None, "state": "APPROVED", "commit_id": sha, "submitted_at": "2026-06-01T10:00:00Z"},
            {"user": {"login": "per-dahl"}, "state": "PENDING", "commit_id": sha},
        ],
        "test",
    )
    standing = decisions(reviews)
    assert set(standing) == {"kari-berg", "ola-nord"}
    assert standing["kari-berg"].approves and standing["kari-berg"].commit_id == sha
    assert not standing["ola-nord"].approves and not standing["ola-nord"].withdrew
    assert decisions([PullRequestReview("x", "APPROVED", sha, None), PullRequestReview("X", "DISMISSED", sha, None)])["x"].withdrew


def test_help_text():
    result = run(Path("."), "check-approvals", "--help")
    assert result.exit_code == 0
    assert "--reviews FILE" in result.output and "--pr N" in result.output
