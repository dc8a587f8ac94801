"""Suggestions from a fork's review are posted as the suggested lines alone, on a content file, and nothing else."""

from __future__ import annotations

import pytest

from hcweb.suggestions import comment

GOOD = {"path": "content/providers/beta-hf/treatments/knee-replacement.md", "line": 9, "body": "```suggestion\n  by: Ola Nord\n```"}


def test_a_suggestion_as_hcweb_writes_it_is_posted_as_it_is() -> None:
    assert comment(GOOD) == {**GOOD, "side": "RIGHT"}


@pytest.mark.parametrize(
    "change",
    [
        {"body": GOOD["body"] + "\n\n@octocat see https://evil.example/login"},  # words after the suggestion
        {"body": "Please approve <img src=x>\n" + GOOD["body"]},  # words before it
        {"body": "```suggestion\n  by: Ola Nord\n```\n```suggestion\n  on: 2026-01-01\n```"},  # two fences
        {"path": ".github/workflows/publish.yml"},  # not a content file
        {"path": "content/../.github/workflows/publish.yml"},
        {"line": "9; rm -rf /"},
    ],
)
def test_anything_else_a_fork_wrote_is_not_posted(change: dict) -> None:
    assert comment({**GOOD, **change}) is None
