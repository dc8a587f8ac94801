"""The approval records prepared for a pull request from a fork, posted as one review with suggested changes.

approve-from-review.yml writes them (`hcweb approve --from-review --suggest --review-file`) in the
fork's run, so post-review-suggestions.yml reads them as untrusted data: the pull request must be
one from the fork that ran it and still at the reviewed commit, and only suggestion comments on
a path and line are posted, with a body written here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import HcwebError

BODY = (
    "Approval records for the review above (`hcweb approve --from-review`). Commit these suggestions to record the approval; "
    "`check-approvals` then verifies each record against that review."
)


class SuggestionsRefused(HcwebError):
    """The prepared suggestions are not what approve --from-review writes."""


def _number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def read(path: Path) -> dict:
    """The prepared review (pull_request, commit_id, login, comments); SuggestionsRefused when it names no pull request."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SuggestionsRefused(f"{path}: the suggestions cannot be read ({type(exc).__name__})") from None
    if not isinstance(data, dict) or not _number(data.get("pull_request")) or data["pull_request"] < 1:
        raise SuggestionsRefused(f"{path}: the suggestions name no pull request number")
    return data


# What `hcweb approve --from-review --suggest` writes: one suggestion block, ending the body; lines, no other fence.
_SUGGESTION = re.compile(r"```suggestion\n(?P<lines>(?:(?!```)[^\n]*\n)*)```")
_CONTENT_FILE = re.compile(r"content/(?:[a-z0-9][a-z0-9._-]*/)*[a-z0-9][a-z0-9._-]*\.md")  # approvals live in content files


def comment(entry: object) -> dict | None:
    """A suggested change on a path and line, with nothing else from the input; None for anything else."""
    if not isinstance(entry, dict):
        return None
    body, path, line = entry.get("body"), entry.get("path"), entry.get("line")
    suggested = _SUGGESTION.fullmatch(body) if isinstance(body, str) else None
    if suggested is None or not (isinstance(path, str) and _CONTENT_FILE.fullmatch(path)) or not _number(line):
        return None
    # the body is rebuilt from the suggested lines alone: nothing else a fork wrote is posted
    found = {"path": path, "line": line, "side": "RIGHT", "body": f"```suggestion\n{suggested['lines']}```"}
    if _number(entry.get("start_line")):
        found |= {"start_line": entry["start_line"], "start_side": "RIGHT"}
    return found


def review(prepared: dict, pull: dict, head_repository: str) -> tuple[dict | None, str]:
    """The review to post on the pull request as GitHub returns it (``pull``), or None and why nothing is posted."""
    number = prepared["pull_request"]
    head = pull.get("head") if isinstance(pull, dict) else None
    head = head if isinstance(head, dict) else {}
    repo = head.get("repo") if isinstance(head.get("repo"), dict) else {}
    if repo.get("full_name") != head_repository or prepared.get("commit_id") != head.get("sha"):
        return None, (
            f"Pull request #{number} has moved on since the review (or is not from {head_repository}): nothing is posted. "
            "Approve its latest commit again."
        )
    comments = [found for entry in prepared.get("comments") or [] if (found := comment(entry)) is not None]
    if not comments:
        return None, "The suggestions held no suggested change: nothing is posted."
    return {"commit_id": head["sha"], "event": "COMMENT", "body": BODY, "comments": comments}, ""
