"""One comment of a workflow on a pull request, kept up to date: found by a hidden marker, edited, or posted.

GitHub's REST API: a pull request's conversation comments are its issue comments
(``GET /repos/{owner}/{repo}/issues/{n}/comments``, oldest first, paginated with a Link header;
``POST`` the same address to add one; ``PATCH /repos/{owner}/{repo}/issues/comments/{id}`` to edit one).
Only a comment whose body starts with the marker and that the workflow's own account wrote is edited:
anyone can write a marker into a comment, and that comment must stay theirs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import HcwebError
from .github_reviews import ApiSettings, GitHubUnavailable, api_request

BOT = "github-actions[bot]"  # the account GITHUB_TOKEN writes as in a workflow
MAX_BODY = 65_000  # GitHub refuses comments longer than 65,536 characters
MAX_PAGES = 50  # of 100 comments each
_MARKER = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # fullmatch


class BadMarker(HcwebError):
    exit_code = 2


@dataclass(frozen=True)
class Posted:
    action: str  # "created" or "updated"
    url: str  # the comment on GitHub (html_url)


def marker_line(marker: str) -> str:
    return f"<!-- {marker} -->"


def with_marker(body: str, marker: str) -> str:
    """The body, starting with the marker line, and short enough for GitHub."""
    line = marker_line(marker)
    if not body.startswith(line):
        body = f"{line}\n{body}"
    if len(body) > MAX_BODY:
        body = body[:MAX_BODY].rsplit("\n", 1)[0] + "\n\n… (shortened: the full report is in the workflow run's log)\n"
    return body


def upsert_comment(pull_request: int, marker: str, body: str, author: str = BOT, environ: Mapping[str, str] | None = None) -> Posted:
    """Edit ``author``'s comment on ``pull_request`` that starts with the marker to ``body``; post it when there is none.

    When several such comments exist (two runs raced), the first is edited, so the pull request keeps one.
    """
    import requests

    if not _MARKER.fullmatch(marker):
        raise BadMarker(f"a marker is written in lowercase letters, digits and hyphens, such as hcweb-changes, not {marker!r}")
    settings = ApiSettings.from_environment(
        "comment on the pull request (in a workflow: env: GITHUB_TOKEN: ${{ github.token }}, with permissions: pull-requests: write)",
        environ,
    )
    body = with_marker(body, marker)
    base = f"{settings.api}/repos/{settings.repository}"
    with requests.Session() as http:
        existing = _find(http, settings, f"{base}/issues/{pull_request}/comments?per_page=100", marker, author, pull_request)
        if existing is not None:
            response = _send(http, "PATCH", f"{base}/issues/comments/{existing}", settings, {"body": body}, pull_request, (200,))
            return Posted("updated", _html_url(response))
        response = _send(http, "POST", f"{base}/issues/{pull_request}/comments", settings, {"body": body}, pull_request, (201,))
        return Posted("created", _html_url(response))


def _find(http, settings: ApiSettings, url: str | None, marker: str, author: str, pull_request: int) -> int | None:
    line = marker_line(marker)
    origin = urlsplit(settings.api)[:2]
    for _page in range(MAX_PAGES):
        response = _send(http, "GET", url, settings, None, pull_request, (200,))
        try:
            comments = response.json()
        except ValueError:
            comments = None
        if not isinstance(comments, list):
            raise GitHubUnavailable(f"GitHub's list of the comments on pull request {pull_request} is not a list; check GITHUB_API_URL")
        for comment in comments:
            if not isinstance(comment, dict):
                continue
            user = comment.get("user") if isinstance(comment.get("user"), dict) else {}
            text = comment.get("body") if isinstance(comment.get("body"), str) else ""
            if text.startswith(line) and str(user.get("login", "")).lower() == author.lower() and isinstance(comment.get("id"), int):
                return comment["id"]
        url = response.links.get("next", {}).get("url")
        if not url:
            return None
        if urlsplit(url)[:2] != origin:
            raise GitHubUnavailable("GitHub's next page of comments is on another host; refusing to send the token there")
    return None


def _send(http, method: str, url: str, settings: ApiSettings, payload: dict | None, pull_request: int, ok: tuple[int, ...]):
    from .data.fetch import shown_url

    response = api_request(http, method, url, settings.headers, payload)
    status = response.status_code
    if status in ok:
        return response
    if status == 401:
        raise GitHubUnavailable("GitHub refused the token (401): set GITHUB_TOKEN to a valid token (in a workflow: ${{ github.token }})")
    if status == 403:
        raise GitHubUnavailable(
            f"GitHub refused to let this token comment on pull request {pull_request} of {settings.repository} (403): "
            "give the job permissions: pull-requests: write (a pull request from a fork gets a read-only token)"
        )
    if status == 404:
        raise GitHubUnavailable(
            f"GitHub found no pull request {pull_request} in {settings.repository} (404): check --pr and GITHUB_REPOSITORY"
        )
    raise GitHubUnavailable(f"GitHub answered {status} to {method} {shown_url(url)}; try again later")


def _html_url(response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    return str(data.get("html_url") or "") if isinstance(data, dict) else ""
