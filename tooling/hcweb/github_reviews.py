"""The reviews of a pull request on GitHub: read from a file or fetched, and reduced to each reviewer's standing decision.

GitHub lists a pull request's reviews oldest first (``GET /repos/{owner}/{repo}/pulls/{n}/reviews``).
What a reviewer decided is their latest review that decides anything: APPROVED,
CHANGES_REQUESTED or DISMISSED (GitHub turns a dismissed approval into a
DISMISSED review). COMMENTED and PENDING reviews change nothing. Only an
APPROVED decision backs a record, and only for the content of its commit.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import HcwebError

APPROVED, CHANGES_REQUESTED, DISMISSED = "APPROVED", "CHANGES_REQUESTED", "DISMISSED"
DECISIVE = (APPROVED, CHANGES_REQUESTED, DISMISSED)

DEFAULT_API_URL = "https://api.github.com"
TIMEOUT = 30  # seconds per request
MAX_PAGES = 100  # of 100 reviews each
PER_PAGE = 100

_COMMIT = re.compile(r"^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$")
_REPOSITORY = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_EPOCH = dt.datetime.min.replace(tzinfo=dt.UTC)


class ReviewsUnreadable(HcwebError):
    """The reviews given are not the JSON GitHub writes for a pull request's reviews (a usage problem: exit 2)."""

    exit_code = 2


class GitHubUnavailable(HcwebError):
    """The reviews could not be fetched from GitHub: settings, token, or network (exit 2)."""

    exit_code = 2


@dataclass(frozen=True)
class PullRequestReview:
    """One review of a pull request, as GitHub lists it."""

    login: str | None  # None: the account has been deleted ("ghost")
    state: str
    commit_id: str | None  # the commit the review was made on (lowercase hex)
    submitted_at: dt.datetime | None  # None while PENDING


@dataclass(frozen=True)
class Decision:
    """A reviewer's standing decision: their latest APPROVED, CHANGES_REQUESTED or DISMISSED review."""

    login: str  # as GitHub spells it
    state: str
    commit_id: str | None
    withdrew: bool  # an earlier review of theirs approved, and this one takes it back
    submitted_at: dt.datetime | None = None

    @property
    def approves(self) -> bool:
        return self.state == APPROVED


def parse_reviews(data: Any, source: str) -> list[PullRequestReview]:
    """The reviews in ``data``: a list of GitHub's review objects, or a list of such pages (lists)."""
    if not isinstance(data, list):
        raise ReviewsUnreadable(f"{source}: expected a list of reviews (GitHub's JSON for a pull request's reviews), found {_kind(data)}")
    pages = data if data and all(isinstance(page, list) for page in data) else [data]
    reviews = []
    for page_number, page in enumerate(pages, start=1):
        for index, entry in enumerate(page):
            where = f"{source}: review {index + 1}" + (f" of page {page_number}" if len(pages) > 1 else "")
            reviews.append(_review(entry, where))
    return reviews


def _review(entry: Any, where: str) -> PullRequestReview:
    if not isinstance(entry, dict):
        raise ReviewsUnreadable(f"{where} is {_kind(entry)}, not an object with user, state, commit_id and submitted_at")
    user = entry.get("user")
    if user is not None and not (isinstance(user, dict) and isinstance(user.get("login"), str) and user["login"].strip()):
        raise ReviewsUnreadable(f"{where}: 'user' must be an object with a 'login' (or null for a deleted account)")
    state = entry.get("state")
    if not isinstance(state, str) or not state:
        raise ReviewsUnreadable(f"{where}: 'state' must be a text such as APPROVED, found {_kind(state)}")
    commit_id = entry.get("commit_id")
    if commit_id is not None and not (isinstance(commit_id, str) and _COMMIT.match(commit_id)):
        raise ReviewsUnreadable(f"{where}: 'commit_id' must be a full commit id (40 hexadecimal digits) or null")
    return PullRequestReview(
        login=user["login"].strip() if user else None,
        state=state.upper(),
        commit_id=commit_id.lower() if commit_id else None,
        submitted_at=_moment(entry.get("submitted_at"), where),
    )


def _moment(value: Any, where: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise ReviewsUnreadable(f"{where}: 'submitted_at' must be a time such as 2026-06-01T12:00:00Z, found {str(value)[:40]!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a text", bool: "true or false", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def read_reviews(path: Path) -> list[PullRequestReview]:
    """The reviews in the JSON file ``path`` (as ``gh api .../reviews`` or the REST API writes them)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewsUnreadable(f"cannot read the reviews file {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReviewsUnreadable(f"{path} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    return parse_reviews(data, str(path))


def decisions(reviews: list[PullRequestReview]) -> dict[str, Decision]:
    """Per reviewer (login in lowercase: GitHub logins ignore case), their standing decision.

    Reviews are taken in the order they were submitted (a stable sort, so equal or missing times keep the listed order).
    """
    standing: dict[str, Decision] = {}
    approved_once: set[str] = set()
    for review in sorted(reviews, key=lambda r: r.submitted_at or _EPOCH):
        if review.login is None or review.state not in DECISIVE:
            continue
        key = review.login.lower()
        withdrew = review.state != APPROVED and key in approved_once
        if review.state == APPROVED:
            approved_once.add(key)
        standing[key] = Decision(review.login, review.state, review.commit_id, withdrew, review.submitted_at)
    return standing


# -- fetching from GitHub -------------------------------------------------------------------


@dataclass(frozen=True)
class ApiSettings:
    """Where GitHub's REST API is and how to call it, from the environment GitHub Actions sets."""

    api: str
    repository: str
    headers: dict

    @staticmethod
    def from_environment(token_may: str, environ: Mapping[str, str] | None = None) -> ApiSettings:
        """GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL (default https://api.github.com); ``token_may`` says
        what the token must be allowed to do, for the message when there is none."""
        from .data.fetch import USER_AGENT, shown_url

        env = os.environ if environ is None else environ
        token = (env.get("GITHUB_TOKEN") or "").strip()
        repository = (env.get("GITHUB_REPOSITORY") or "").strip()
        api = (env.get("GITHUB_API_URL") or "").strip().rstrip("/") or DEFAULT_API_URL
        if not token:
            raise GitHubUnavailable(f"GITHUB_TOKEN is not set: set it to a token that may {token_may}")
        if not _REPOSITORY.match(repository):
            found = f" (found {repository[:60]!r})" if repository else ""
            raise GitHubUnavailable(f"GITHUB_REPOSITORY must name the repository as OWNER/NAME{found}; GitHub Actions sets it")
        parts = urlsplit(api)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise GitHubUnavailable(f"GITHUB_API_URL must be an http(s) address such as {DEFAULT_API_URL}, found {shown_url(api)[:80]!r}")
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": USER_AGENT,
        }
        return ApiSettings(api, repository, headers)


def fetch_reviews(pull_request: int, environ: Mapping[str, str] | None = None) -> list[PullRequestReview]:
    """Every review of pull request ``pull_request`` of ``$GITHUB_REPOSITORY``, following GitHub's pagination.

    Reads GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL (default https://api.github.com), as set in
    GitHub Actions. The token is sent only to the API's own host and never shown.
    """
    import requests

    from .data.fetch import shown_url

    settings = ApiSettings.from_environment(
        "read the pull request (in a workflow: env: GITHUB_TOKEN: ${{ github.token }}, with permissions: "
        "pull-requests: read), or pass --reviews FILE",
        environ,
    )
    api, repository, headers = settings.api, settings.repository, settings.headers
    origin = _origin(api)
    url: str | None = f"{api}/repos/{repository}/pulls/{pull_request}/reviews?per_page={PER_PAGE}"
    reviews: list[PullRequestReview] = []
    with requests.Session() as http:
        for page in range(1, MAX_PAGES + 1):
            response = _get(http, url, headers, pull_request, repository)
            try:
                data = response.json()
            except ValueError:
                raise GitHubUnavailable(
                    f"GitHub's answer for page {page} of the reviews of pull request {pull_request} is not JSON"
                ) from None
            where = f"GitHub's page {page} of the reviews of pull request {pull_request}"
            if not isinstance(data, list):
                raise GitHubUnavailable(f"{where} is {_kind(data)}, not a list of reviews; check GITHUB_API_URL")
            reviews += [_review(entry, f"{where}: review {index + 1}") for index, entry in enumerate(data)]
            url = response.links.get("next", {}).get("url")
            if not url:
                return reviews
            if _origin(url) != origin:
                raise GitHubUnavailable(
                    f"GitHub's next page of reviews is on another host ({shown_url(url)[:80]}); refusing to send the token there"
                )
    raise GitHubUnavailable(
        f"pull request {pull_request} has more than {MAX_PAGES * PER_PAGE} reviews; check them with --reviews FILE instead"
    )


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def api_request(http, method: str, url: str, headers: dict, payload: dict | None = None):
    """One call to GitHub's REST API. No answer, no connection or a used-up rate limit is a one-line
    GitHubUnavailable; any other answer is the caller's to read."""
    import requests

    from .data.fetch import shown_url

    try:
        response = http.request(method, url, headers=headers, json=payload, timeout=TIMEOUT)
    except requests.Timeout:
        raise GitHubUnavailable(f"GitHub did not answer within {TIMEOUT} s ({shown_url(url)}); try again later") from None
    except requests.RequestException as exc:
        raise GitHubUnavailable(
            f"could not reach GitHub at {shown_url(url)} ({type(exc).__name__}); check the network and GITHUB_API_URL"
        ) from None
    if response.status_code == 403 and response.headers.get("X-RateLimit-Remaining") == "0":
        raise GitHubUnavailable("GitHub's rate limit is used up (403): wait until it resets, or use a token with a higher limit")
    return response


def _get(http, url: str, headers: dict[str, str], pull_request: int, repository: str):
    from .data.fetch import shown_url

    response = api_request(http, "GET", url, headers)
    status = response.status_code
    if status == 200:
        return response
    if status == 401:
        raise GitHubUnavailable(
            "GitHub refused the token (401): set GITHUB_TOKEN to a valid token that may read the pull requests of "
            f"{repository} (in a workflow: ${{{{ github.token }}}} with permissions: pull-requests: read)"
        )
    if status == 403:
        raise GitHubUnavailable(
            f"GitHub refused access (403): the token in GITHUB_TOKEN may not read the pull requests of {repository}; "
            "give it pull-requests: read"
        )
    if status == 404:
        raise GitHubUnavailable(
            f"GitHub found no pull request {pull_request} in {repository} (404): check --pr and GITHUB_REPOSITORY, "
            "and that the token in GITHUB_TOKEN can see the repository"
        )
    raise GitHubUnavailable(f"GitHub answered {status} for the reviews of pull request {pull_request} ({shown_url(url)}); try again later")
