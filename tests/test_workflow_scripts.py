"""The workflows' `run:` scripts, run as GitHub would run them, against recorded event payloads.

Each scenario runs the steps of one job in a temporary repository: `${{ }}` expressions come from a
recorded event (tests/golden/events/) and a small table of the rest of GitHub's context; every step
gets a fresh GITHUB_OUTPUT file (read back as GitHub reads it) and the job one GITHUB_STEP_SUMMARY;
PATH holds this venv's hcweb and a stand-in `gh` that records its calls. `uses:` steps (checkout,
setup-python, caches, artifacts) and `pip install` are skipped: the repository is already checked out
and hcweb installed. A step's `if:` is evaluated for the forms the workflows use.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from helpers import PROJECT, base_tree, commit, edit_file, git, make_repo, run

WORKFLOWS = PROJECT / ".github/workflows"
EVENTS = Path(__file__).parent / "golden/events"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.DOTALL)
KNEE = "content/common/treatments/knee-replacement.md"
BETA_KNEE = "content/providers/beta-hf/treatments/knee-replacement.md"
REPOSITORY = "hcweb-example/content"
FAKE_GH = """#!{python}
# A stand-in for GitHub's command line: records each call (one JSON list a line); answers `issue list` from
# GH_ISSUES, `run download` with the file GH_ARTIFACT, `api` with GH_PULL, and keeps what `api --input` posts.
import json, os, shutil, sys
args = sys.argv[1:]
with open(os.environ["GH_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(args) + "\\n")
if args[:2] == ["issue", "list"]:
    print(os.environ.get("GH_ISSUES", ""), end="")
elif args[:2] == ["run", "download"]:
    if not os.environ.get("GH_ARTIFACT"):
        sys.exit("no artifact with the name review-suggestions found")
    folder = args[args.index("--dir") + 1]
    os.makedirs(folder, exist_ok=True)
    shutil.copy(os.environ["GH_ARTIFACT"], os.path.join(folder, "review.json"))
elif args[:1] == ["api"] and "--input" in args:
    shutil.copy(args[args.index("--input") + 1], os.environ["GH_POSTED"])
elif args[:1] == ["api"]:
    print(os.environ.get("GH_PULL", "{{}}"))
"""


def event(name: str, **replacements: str) -> dict:
    """A recorded event payload, with placeholders (HEAD_SHA, BASE_SHA, ...) replaced."""
    text = (EVENTS / f"{name}.json").read_text(encoding="utf-8")
    for placeholder, value in replacements.items():
        text = text.replace(placeholder, value)
    return json.loads(text)


def read_outputs(path: Path) -> dict[str, str]:
    """A GITHUB_OUTPUT file as GitHub reads it: `NAME=value` lines and `NAME<<DELIMITER` blocks."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            for following in lines:
                if following == delimiter:
                    break
                value.append(following)
            else:
                raise AssertionError(f"{name}: the delimiter {delimiter} never ends the value")
            outputs[name] = "\n".join(value)
        elif line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


@dataclass
class Job:
    """What a job's steps left: each step's outputs, the summary, the calls of `gh`, and their results."""

    steps: dict[str, dict[str, str]] = field(default_factory=dict)
    summary: str = ""
    gh: list[list[str]] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    results: dict[str, subprocess.CompletedProcess] = field(default_factory=dict)


class Actions:
    """A stand-in for the runner: GitHub's context for one event, and the steps of a job run in ``workspace``."""

    def __init__(self, tmp: Path, workspace: Path, event_name: str, payload: dict, gh_issues: str = "", **gh: str) -> None:
        self.tmp, self.workspace = tmp, workspace
        pull = payload.get("pull_request") or {}
        self.context = {
            "github": {
                "event": payload,
                "event_name": event_name,
                "base_ref": pull.get("base", {}).get("ref", "") if event_name.startswith("pull_request") else "",
                "head_ref": pull.get("head", {}).get("ref", "") if event_name.startswith("pull_request") else "",
                "repository": REPOSITORY,
                "repository_owner": REPOSITORY.split("/")[0],
                "token": "token-of-the-run",
                "server_url": "https://github.com",
                "run_id": "1234",
            },
            "secrets": {"GITHUB_TOKEN": "token-of-the-run"},
            "runner": {"os": "Linux"},
            "inputs": {},
            "matrix": {},
            "steps": {},
        }
        bin_dir = tmp / "fake-bin"
        bin_dir.mkdir(exist_ok=True)
        (bin_dir / "gh").write_text(FAKE_GH.format(python=sys.executable), encoding="utf-8")
        (bin_dir / "gh").chmod(0o755)
        self.gh_log = tmp / "gh.log"
        self.env = {
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), str(bin_dir), os.environ["PATH"]]),
            "HOME": os.environ.get("HOME", str(tmp)),
            "PYTHON": sys.executable,
            "GH_LOG": str(self.gh_log),
            "GH_ISSUES": gh_issues,
            "GH_POSTED": str(tmp / "posted.json"),
            **{f"GH_{name.upper()}": value for name, value in gh.items()},
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GIT_AUTHOR_NAME": "Runner",
            "GIT_AUTHOR_EMAIL": "runner@example.no",
            "GIT_COMMITTER_NAME": "Runner",
            "GIT_COMMITTER_EMAIL": "runner@example.no",
        }

    def value(self, expression: str) -> object:
        """A context value such as github.event.pull_request.base.ref ('' where GitHub would give null)."""
        expression = expression.strip()
        if expression.startswith("'") and expression.endswith("'"):
            return expression[1:-1]
        found: object = self.context
        for name in expression.split("."):
            assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name), f"an expression these tests cannot evaluate: {expression}"
            found = found.get(name) if isinstance(found, dict) else None
        return "" if found is None else found

    def text(self, template: object) -> str:
        """``template`` with each ${{ }} replaced by its value, as GitHub does before the step runs."""
        return EXPRESSION.sub(lambda match: str(self.value(match.group(1))), str(template))

    def condition(self, expression: str | None) -> bool:
        """A step's `if:` of the forms the workflows use: `A == B`, `A != B`, joined by &&."""
        if expression is None:
            return True
        expression = EXPRESSION.sub(lambda match: match.group(1), str(expression))
        for clause in expression.split("&&"):
            match = re.fullmatch(r"\s*(.+?)\s*(==|!=)\s*(.+?)\s*", clause)
            assert match, f"a condition these tests cannot evaluate: {expression}"
            left, operator, right = match.groups()
            if (str(self.value(left)) == str(self.value(right))) != (operator == "=="):
                return False
        return True

    def run_job(self, workflow: str, job_id: str, stop_before: str | None = None) -> Job:
        data = yaml.safe_load((WORKFLOWS / workflow).read_text(encoding="utf-8"))
        job_data = data["jobs"][job_id]
        job = Job()
        summary = self.tmp / f"summary-{job_id}.md"
        summary.write_text("", encoding="utf-8")
        self.context["steps"] = {}
        for index, step in enumerate(job_data["steps"]):
            name = step.get("name") or step.get("id") or step.get("run", step.get("uses", ""))
            if name == stop_before:
                break
            if "run" not in step or step["run"].startswith("pip install") or not self.condition(step.get("if")):
                continue
            output = self.tmp / f"output-{job_id}-{index}"
            output.write_text("", encoding="utf-8")
            env = {**self.env, "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)}
            for scope in (data.get("env", {}), job_data.get("env", {}), step.get("env", {})):
                env.update({key: self.text(value) for key, value in scope.items()})
            cwd = self.workspace / self.text(step.get("working-directory", "."))
            result = subprocess.run(["bash", "-e", "-c", self.text(step["run"])], cwd=cwd, env=env, capture_output=True, text=True)
            job.ran.append(name)
            job.results[name] = result
            if not step.get("continue-on-error"):
                assert result.returncode == 0, f"{workflow} {job_id}: {name!r} failed:\n{result.stdout}\n{result.stderr}"
            outputs = read_outputs(output)
            if "id" in step:
                outcome = "success" if result.returncode == 0 else "failure"
                self.context["steps"][step["id"]] = {"outputs": outputs, "outcome": outcome}
                job.steps[step["id"]] = outputs
        job.summary = summary.read_text(encoding="utf-8")
        if self.gh_log.exists():
            job.gh = [json.loads(line) for line in self.gh_log.read_text(encoding="utf-8").splitlines()]
        return job


def sha(root: Path, ref: str = "HEAD") -> str:
    return git(root, "rev-parse", ref).strip()


# -- every script: its expressions come from the context a run has ------------------------------

KNOWN = ("github.", "secrets.", "steps.", "matrix.", "runner.", "inputs.", "needs.", "env.")


def all_steps() -> list[tuple[str, str, dict]]:
    found = []
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for job_id, job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].items():
            found += [(path.name, job_id, step) for step in job.get("steps", []) if "run" in step]
    return found


def test_every_script_takes_event_values_only_from_the_known_contexts() -> None:
    for workflow, job_id, step in all_steps():
        for where in (step["run"], *step.get("env", {}).values()):
            for expression in EXPRESSION.findall(str(where)):
                assert expression.startswith(KNOWN), f"{workflow} {job_id}: {expression}"


@pytest.mark.parametrize(
    "workflow", ["pull-request.yml", "reviews.yml", "triage.yml", "approve-from-review.yml", "post-review-suggestions.yml"]
)
def test_scripts_that_decide_call_hcweb_not_jq_sed_or_awk(workflow: str) -> None:
    for name, _, step in all_steps():
        if name == workflow:
            assert not re.search(r"(?<!--)\b(jq|sed|awk)\b|python3? \S+\.py", step["run"]), step["run"]


# -- pull-request.yml: the matrix of preview builds ---------------------------------------------


@pytest.fixture(scope="module")
def pull_request(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkout of a pull request's merge commit that changes beta-hf's opening hours; origin/main is its base."""
    root = make_repo(tmp_path_factory.mktemp("pr") / "work", base_tree())
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")
    edit_file(root, "content/providers/beta-hf/provider.yml", "Hverdager 08.00", "Hverdager 07.30")
    commit(root, "beta-hf opens earlier")
    return root


def test_the_matrix_names_the_affected_provider(pull_request: Path, tmp_path: Path) -> None:
    actions = Actions(tmp_path, pull_request, "pull_request", event("pull_request"))
    job = actions.run_job("pull-request.yml", "affected")
    assert json.loads(job.steps["affected"]["matrix"]) == {"provider": ["beta-hf"]}
    assert "### Affected provider sites\n\n- beta-hf: its pages change\n" in job.summary
    assert "Note:" not in job.summary


def test_without_the_base_branch_every_provider_is_built_and_the_summary_says_why(pull_request: Path, tmp_path: Path) -> None:
    payload = event("pull_request")
    payload["pull_request"]["base"]["ref"] = "release-2027"  # a base branch this checkout has not fetched
    job = Actions(tmp_path, pull_request, "pull_request", payload).run_job("pull-request.yml", "affected")
    assert json.loads(job.steps["affected"]["matrix"]) == {"provider": ["alfa-hf", "beta-hf"]}
    assert "- alfa-hf: no usable base to compare with" in job.summary
    assert "Note: every provider site is listed: 'origin/release-2027' is not a revision of this repository" in job.summary


# -- reviews.yml: the weekly issue --------------------------------------------------------------


def reviewed_today(tree: dict[str, str]) -> dict[str, str]:
    """The tree with every national text reviewed today: no review is due, whatever day the tests run."""
    today = dt.date.today().isoformat()
    return {rel: text.replace("reviewed: {on: 2026-03-01", f"reviewed: {{on: {today}") for rel, text in tree.items()}


def test_a_stale_approval_opens_the_issue_with_the_experts_to_ask(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "work", reviewed_today(base_tree()))
    edit_file(root, KNEE, "Fastlegen henviser deg.", "Fastlegen eller avtalespesialisten henviser deg.")
    assert run(root, "approve", str(root / KNEE), "--by", "Kari Berg").exit_code == 0
    commit(root, "the knee text changes; beta-hf has not approved it yet")
    job = Actions(tmp_path, root, "schedule", event("schedule")).run_job("reviews.yml", "reviews")
    assert job.steps["report"] == {"due": "1"}
    body = (root / "body.md").read_text(encoding="utf-8").splitlines()
    assert any(line.startswith(f"| beta-hf | {BETA_KNEE} | treatments/knee-replacement |") for line in body), body
    assert job.ran[-1] == "Open or update the issue"
    assert job.gh[-1][:2] == ["issue", "create"] and "--body-file" in job.gh[-1]


def test_with_nothing_due_the_open_issue_is_closed(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "work", reviewed_today(base_tree()))
    job = Actions(tmp_path, root, "schedule", event("schedule"), gh_issues="17").run_job("reviews.yml", "reviews")
    assert job.steps["report"] == {"due": "0"}
    assert "Open or update the issue" not in job.ran
    assert job.gh[-1][:3] == ["issue", "close", "17"]


# -- triage.yml: a change suggestion goes to the text's owner -----------------------------------


@pytest.fixture(scope="module")
def content_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("triage") / "work", base_tree())


def test_a_suggestion_is_labelled_with_the_owner_of_its_text(content_repo: Path, tmp_path: Path) -> None:
    job = Actions(tmp_path, content_repo, "issues", event("issues")).run_job("triage.yml", "route")
    assert job.steps["route"]["owner"] == "alfa-hf"
    assert job.gh == [
        ["label", "create", "eier:alfa-hf", "--color", "0E8A16", "--force"],
        ["issue", "edit", "7", "--add-label", "eier:alfa-hf"],
    ]


def test_a_suggestion_naming_no_text_gets_a_comment(content_repo: Path, tmp_path: Path) -> None:
    payload = event("issues")
    payload["issue"]["body"] = payload["issue"]["body"].replace("treatments/knee-replacement", "treatments/hofte @someone")
    job = Actions(tmp_path, content_repo, "issues", payload).run_job("triage.yml", "route")
    assert job.steps["route"]["owner"] == ""
    ((command, subcommand, number, flag, comment),) = job.gh
    assert [command, subcommand, number, flag] == ["issue", "comment", "7", "--body"]
    assert comment.startswith("Fant ingen nasjonal tekst med id som den du skrev.") and "@someone" not in comment


# -- approve-from-review.yml: the records a review backs, pushed to a bare origin ---------------


@pytest.fixture
def reviewed_pull_request(tmp_path: Path) -> tuple[Path, Path, str]:
    """A bare origin, and in workspace/pr a checkout of a pull request that changes the knee text (owner: alfa-hf)."""
    seed = make_repo(tmp_path / "seed", reviewed_today(base_tree()))
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(seed), str(origin)], check=True)
    pr = tmp_path / "workspace/pr"
    subprocess.run(["git", "clone", "-q", str(origin), str(pr)], check=True)
    git(pr, "switch", "-q", "-c", "kneprotese-oppfolging")
    edit_file(pr, KNEE, "Du får time til kontroll etter tre måneder.", "Du får time til kontroll etter seks uker.")
    commit(pr, "shorter follow-up")
    git(pr, "push", "-q", "origin", "kneprotese-oppfolging")
    return origin, pr, sha(pr)


def test_an_experts_approval_is_recorded_and_pushed_to_the_branch(reviewed_pull_request: tuple[Path, Path, str], tmp_path: Path) -> None:
    origin, pr, head = reviewed_pull_request
    actions = Actions(tmp_path, pr.parent, "pull_request_review", event("pull_request_review", HEAD_SHA=head))
    job = actions.run_job("approve-from-review.yml", "record", stop_before="Report the required checks on the new head commit")
    assert job.steps["approve"] == {"changed": "true"}
    assert f"### Approval records written for @kari-berg\n\n- {KNEE}\n" in job.summary
    pushed = git(origin, "log", "-1", "--format=%H%n%s", "kneprotese-oppfolging").splitlines()
    assert pushed == [job.steps["push"]["sha"], "Record the approval by @kari-berg"]
    assert "by: Kari Berg" in git(origin, "show", f"kneprotese-oppfolging:{KNEE}")


def test_someone_who_may_approve_nothing_gets_nothing_written(reviewed_pull_request: tuple[Path, Path, str], tmp_path: Path) -> None:
    origin, pr, head = reviewed_pull_request
    payload = event("pull_request_review", HEAD_SHA=head)
    payload["review"]["user"]["login"] = "a-reader"  # no expert of any provider
    job = Actions(tmp_path, pr.parent, "pull_request_review", payload).run_job("approve-from-review.yml", "record")
    assert job.steps["approve"] == {"changed": "false"}
    assert "::notice::Nothing to record for @a-reader" in job.results["Write the records this review backs"].stdout
    assert job.ran == ["Write the records this review backs"]  # no commit, no push, no statuses
    assert git(origin, "rev-parse", "kneprotese-oppfolging").strip() == head


def test_a_forks_approval_is_prepared_as_suggestions(reviewed_pull_request: tuple[Path, Path, str], tmp_path: Path) -> None:
    _, pr, head = reviewed_pull_request
    payload = event("pull_request_review", HEAD_SHA=head)
    payload["pull_request"]["head"]["repo"]["full_name"] = "someone/content"
    job = Actions(tmp_path, pr.parent, "pull_request_review", payload).run_job("approve-from-review.yml", "suggest")
    review = json.loads((pr.parent / "suggestions/review.json").read_text(encoding="utf-8"))
    assert {key: review[key] for key in ("pull_request", "commit_id", "login")} == {
        "pull_request": 42,
        "commit_id": head,
        "login": "kari-berg",
    }
    (comment,) = review["comments"]
    assert comment["path"] == KNEE and comment["body"].startswith("```suggestion\n")
    assert git(pr, "status", "--porcelain").strip() == ""  # a suggestion writes nothing
    assert job.ran


# -- post-review-suggestions.yml: the fork's prepared records, checked and posted -----------------


def prepared(head: str) -> dict:
    suggestion = {"path": KNEE, "line": 12, "side": "RIGHT", "body": "```suggestion\n  revision: 0123456789ab\n```", "extra": "kept out"}
    not_a_suggestion = {"path": KNEE, "line": 3, "body": "Please merge this now"}
    return {"pull_request": 42, "commit_id": head, "login": "kari-berg", "comments": [suggestion, not_a_suggestion]}


def post(tmp_path: Path, artifact: dict | None, pull_head: str, pull_repo: str = "someone/content") -> tuple[Job, Path]:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    gh = {"pull": json.dumps({"number": 42, "head": {"sha": pull_head, "repo": {"full_name": pull_repo}}})}
    if artifact is not None:
        (tmp_path / "artifact.json").write_text(json.dumps(artifact), encoding="utf-8")
        gh["artifact"] = str(tmp_path / "artifact.json")
    actions = Actions(tmp_path, workspace, "workflow_run", event("workflow_run", HEAD_SHA="a" * 40), **gh)
    return actions.run_job("post-review-suggestions.yml", "post"), tmp_path / "posted.json"


def test_the_forks_suggestions_are_posted_as_one_review_with_only_suggested_changes(tmp_path: Path) -> None:
    job, posted = post(tmp_path, prepared("a" * 40), "a" * 40)
    assert job.gh[-1] == ["api", "repos/hcweb-example/content/pulls/42/reviews", "--input", "review.json"]
    review = json.loads(posted.read_text(encoding="utf-8"))
    assert review["commit_id"] == "a" * 40 and review["event"] == "COMMENT" and review["body"].startswith("Approval records for the review")
    assert review["comments"] == [{"path": KNEE, "line": 12, "side": "RIGHT", "body": "```suggestion\n  revision: 0123456789ab\n```"}]


@pytest.mark.parametrize("pull_head, pull_repo", [("b" * 40, "someone/content"), ("a" * 40, "someone-else/content")])
def test_nothing_is_posted_when_the_pull_request_moved_on_or_is_from_another_fork(tmp_path: Path, pull_head: str, pull_repo: str) -> None:
    job, posted = post(tmp_path, prepared("a" * 40), pull_head, pull_repo)
    assert not posted.exists() and job.steps["review"] == {"post": "false"}
    assert "::notice::Pull request #42 has moved on since the review" in job.results[job.ran[-1]].stdout


def test_a_run_that_prepared_nothing_posts_nothing(tmp_path: Path) -> None:
    job, posted = post(tmp_path, None, "a" * 40)
    assert job.ran == ["The suggestions that run prepared (none when it prepared no artifact)"]
    assert not posted.exists()


def test_suggestions_that_name_no_pull_request_are_refused(content_repo: Path, tmp_path: Path) -> None:
    (tmp_path / "review.json").write_text(json.dumps({"pull_request": "42; rm -rf /", "comments": []}), encoding="utf-8")
    result = run(content_repo, "review-suggestions", str(tmp_path / "review.json"))
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {tmp_path / 'review.json'}: the suggestions name no pull request number"
