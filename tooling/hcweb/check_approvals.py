"""Approvals are people: every approval record a change adds is backed by that person's GitHub review.

A record is new or changed when its ``approved`` (or, for a national text,
``reviewed``) mapping differs from the one at the base revision. Each such
record must be backed by the standing APPROVED review of the GitHub account of
the person it names, where:

- the person is looked up in ``provider.yml`` as it is at the base, so a pull
  request cannot add an expert and use them in the same breath;
- the review is of a commit where the file read exactly as the record says: the
  hashes (revisions.py) are compared, not the commit ids, so a record written
  after the review still counts, and any change of the content since does not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import git

from .diagnostics import Diagnostic, error
from .documents import FrontMatterFile, load_yaml, split_front_matter
from .errors import HcwebError
from .github_reviews import CHANGES_REQUESTED, DISMISSED, Decision, PullRequestReview, decisions
from .model import Provider, parse_date, text
from .repo import GitView, Repository
from .revisions import included_snippets, national_revision, overlay_local, page_local, translation_revision

NATIONAL, REVIEW, OVERLAY, PAGE, TRANSLATION = "national", "review", "overlay", "page", "translation"
_NOT_OVERLAYS = ("pages", "snippets", "events")
_COMMON_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$")
_TRANSLATION_KEY = re.compile(r"^(?P<text>[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<language>[a-z]{2,3})$")
_PROVIDER_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class BadBase(HcwebError):
    """The base revision cannot be compared with (a usage problem: exit 2)."""

    exit_code = 2


@dataclass(frozen=True)
class Record:
    """An approval or review record that is new or changed since the base."""

    rel: str
    kind: str  # NATIONAL, REVIEW (a national text's professional review), TRANSLATION, OVERLAY or PAGE
    data: Any  # the record as written now
    line: int  # of the key, or of the first sub-key that changed
    provider_id: str | None  # whose experts may back it
    source: FrontMatterFile  # the file as it is now

    @property
    def key(self) -> str:
        return "reviewed" if self.kind == REVIEW else "approved"


@dataclass
class ApprovalCheck:
    base: str
    records: list[Record] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)

    def summary(self) -> str:
        count = len(self.records)
        noun = "record" if count == 1 else "records"
        if not count:
            return f"no approval or review records changed since {self.base}"
        if self.ok:
            return f"{count} approval and review {noun} changed since {self.base}, all backed by reviews"
        failed = sum(1 for d in self.diagnostics if d.is_error)  # one per record
        return f"{failed} of {count} approval and review {noun} changed since {self.base} not backed by a review"


def check_approvals(repo: Repository, base: str, load_reviews: Callable[[], list[PullRequestReview]]) -> ApprovalCheck:
    """Judge every record changed between ``base`` and the working tree against the reviews ``load_reviews`` gives.

    The base is resolved before the reviews are loaded, so a wrong revision fails before any request to GitHub.
    """
    handle = repo.git.repo
    if handle is None:
        raise BadBase(f"{repo.root} is not a git repository, so nothing can be compared with '{base}'")
    base_commit = resolve_base(handle, base)
    # Records are compared with where the branch left the base (a base that moved on since brings records of its
    # own, already checked when they were merged); people are looked up in the base as it is now.
    fork = fork_point(handle, base_commit)
    records = changed_records(repo, handle, fork)
    result = ApprovalCheck(base, records)
    judge = Judge(repo, base, base_commit, decisions(load_reviews()), fork)
    for record in records:
        problem = judge(record)
        if problem is not None:
            result.diagnostics.append(problem)
    return result


def resolve_base(handle: git.Repo, base: str) -> str:
    """The commit id ``base`` names."""
    if not base or base.startswith("-"):
        raise BadBase(f"'{base}' is not a revision: give a branch, tag or commit, e.g. --base origin/main")
    try:
        return handle.git.rev_parse("--verify", "--quiet", f"{base}^{{commit}}").strip()
    except git.GitCommandError:
        raise BadBase(
            f"'{base}' is not a revision of this repository: give a branch, tag or commit, e.g. --base origin/main "
            "(in a shallow clone, fetch it first)"
        ) from None


def fork_point(handle: git.Repo, base_commit: str) -> str:
    """Where HEAD's history left ``base_commit``'s (the merge base); the base itself when they share none."""
    try:
        return handle.git.merge_base(base_commit, "HEAD").strip() or base_commit
    except git.GitCommandError:
        return base_commit


def changed_paths(handle: git.Repo, base_commit: str) -> list[str]:
    """Files under content/ that differ between the base and the working tree, untracked ones included (two git processes)."""
    tracked = handle.git.diff("--name-only", "--no-renames", "-z", base_commit, "--", "content").split("\0")
    untracked = handle.git.ls_files("-z", "--others", "--exclude-standard", "--", "content").split("\0")
    return sorted({path for path in tracked + untracked if path})


def classify(rel: str) -> tuple[str, str | None] | None:
    """(kind of file, provider id) of a file that can hold an approval; None for any other file."""
    parts = rel.split("/")
    if not rel.endswith(".md") or len(parts) < 4 or parts[0] != "content":
        return None
    if parts[1] == "common" and len(parts) == 4:
        return (TRANSLATION, None) if _TRANSLATION_KEY.match(rel[len("content/common/") : -len(".md")]) else (NATIONAL, None)
    if parts[1] != "providers" or len(parts) < 5:
        return None
    if parts[3] == "pages":
        return PAGE, parts[2]
    if len(parts) == 5 and parts[3] not in _NOT_OVERLAYS:
        return OVERLAY, parts[2]
    return None


def changed_records(repo: Repository, handle: git.Repo, base_commit: str) -> list[Record]:
    """Every approval and review record of the working tree that is not as it was at the base."""
    records = []
    for rel in changed_paths(handle, base_commit):
        kind = classify(rel)
        path = repo.root / rel
        if kind is None or path.is_symlink() or not path.is_file():
            continue  # deleted (a record removed needs no backing); links are refused by validate and never published
        try:
            now = split_front_matter(path.read_text(encoding="utf-8", errors="replace"), rel)
        except OSError:
            continue
        before_text = repo.git.file_at(base_commit, rel)
        before = split_front_matter(before_text, rel).data if before_text is not None else None
        meta = now.data if isinstance(now.data, dict) else {}
        old_meta = before if isinstance(before, dict) else {}
        file_kind, provider_id = kind
        keys = (("approved", NATIONAL), ("reviewed", REVIEW)) if file_kind == NATIONAL else (("approved", file_kind),)
        for key, record_kind in keys:
            value, old = meta.get(key), old_meta.get(key)
            if value is None or value == old:
                continue
            # A text's owner as it was before the pull request: moving a text to another owner is the old owner's to approve.
            if file_kind == NATIONAL:
                owner = text(old_meta, "owner") or text(meta, "owner")
            elif file_kind == TRANSLATION:
                owner = _source_owner(repo, base_commit, rel)  # a translation is approved by the source's owner
            else:
                owner = provider_id
            records.append(Record(rel, record_kind, value, changed_line(now, key, value, old), owner, now))
    return records


def changed_line(source: FrontMatterFile, key: str, value: Any, old: Any) -> int:
    """The line of the first sub-key of ``key`` whose value changed; the line of ``key`` when the record is new."""
    if isinstance(value, dict) and isinstance(old, dict):
        for sub, entry in value.items():
            if old.get(sub) != entry:
                return source.lines(key, sub)
    return source.lines(key)


class Judge:
    """Whether a record is backed by a review; the diagnostic saying what is missing when it is not."""

    def __init__(self, repo: Repository, base: str, base_commit: str, standing: dict[str, Decision], fork: str | None = None) -> None:
        self.repo = repo
        self.fork = fork or base_commit  # where the pull request left the base: what its diff is against
        self.git: GitView = repo.git
        self.base = base
        self.base_commit = base_commit
        self.standing = standing
        self._providers: dict[tuple[str, bool], Provider | None] = {}
        self._files: dict[tuple[str, str], str | None] = {}
        self._commits: dict[str, bool] = {}

    def __call__(self, record: Record) -> Diagnostic | None:
        """None when the record is backed; else an error at the record saying what is missing and what to do."""

        def refuse(code: str, message: str) -> Diagnostic:
            return error(record.rel, record.line, code, message)

        data = record.data if isinstance(record.data, dict) else {}
        by = text(data, "by")
        if not by:
            command = "review" if record.kind == REVIEW else "approve"
            return refuse(
                "approval-unreadable",
                f"the '{record.key}' record names no one (by:), so no review can back it; "
                f"write it with 'hcweb {command} {record.rel} --by NAME'",
            )
        missing = self._missing_field(record, data)
        if missing:
            return refuse("approval-unreadable", missing)
        who = self._person(record, by)
        if who is not None:
            return refuse(*who)
        provider = self._provider(record.provider_id, at_base=True)
        login = provider.github_of(by) if provider else None
        if not login:
            return refuse(
                "approver-unknown",
                f"{by} has no GitHub account (github) in {self._provider_rel(record.provider_id)} at {self.base}, "
                "so no review can be theirs; a coordinator must add it in a pull request of its own first",
            )
        decision = self.standing.get(login.lower())
        if decision is None:
            others = sorted(d.login for d in self.standing.values() if d.approves)
            hint = f" (approvals so far: {', '.join(others)})" if others else ""
            verb = "reviewed" if record.kind == REVIEW else "approved"
            return refuse(
                "approval-missing",
                f"{verb} by {by} (github {login}), but {login} has not approved this pull request{hint}; ask them to approve it on GitHub",
            )
        if decision.state == DISMISSED:
            return refuse(
                "approval-missing", f"{decision.login}'s approval was dismissed; ask them to approve this pull request again on GitHub"
            )
        if decision.state == CHANGES_REQUESTED and decision.withdrew:
            return refuse(
                "approval-missing",
                f"{decision.login} withdrew the approval (changes requested); ask them to approve again when the changes are made",
            )
        if decision.state == CHANGES_REQUESTED:
            return refuse(
                "approval-missing",
                f"{decision.login} requested changes and has not approved this pull request; "
                "ask them to approve it on GitHub when the changes are made",
            )
        commit = decision.commit_id
        if not commit:
            return refuse(
                "approval-outdated",
                f"{decision.login}'s approval names no commit, so it cannot back this record; ask them to approve again",
            )
        if not self._has_commit(commit):
            return refuse(
                "approval-commit-missing",
                f"commit {commit[:7]} of {decision.login}'s approval is not in this clone; fetch the pull request's commits "
                "(actions/checkout with fetch-depth: 0), then check again",
            )
        difference = self._difference(record, data, commit)
        if difference:
            return refuse(
                "approval-outdated", f"{decision.login}'s approval was of commit {commit[:7]}, {difference}; ask them to approve again"
            )
        unseen = self._unseen(record, data, commit)
        if unseen:
            return refuse("approval-unseen", f"{decision.login}'s approval was of commit {commit[:7]}, {unseen}")
        return _dated(record, data, decision)

    # -- who may back the record ------------------------------------------------------------

    def _missing_field(self, record: Record, data: dict) -> str | None:
        needed = {NATIONAL: "revision", TRANSLATION: "revision", OVERLAY: "local", PAGE: "local"}.get(record.kind)
        if needed and not isinstance(data.get(needed), (str, int)):
            return (
                f"the approval records no '{needed}' hash, so it does not say what was approved; "
                f"write it with 'hcweb approve {record.rel} --by NAME'"
            )
        return None

    def _person(self, record: Record, by: str) -> tuple[str, str] | None:
        """(code, message): why ``by`` cannot back the record, by provider.yml at the base; None when they can."""
        provider_id = record.provider_id
        if not provider_id or not _PROVIDER_ID.match(provider_id):
            return "approver-unknown", "the text names no owner provider (owner:), so no expert can back its approval; set owner"
        provider = self._provider(provider_id, at_base=True)
        if provider is None:
            message = (
                f"the provider '{provider_id}' is not in the repository at {self.base}, so {by} cannot back this yet; "
                "a coordinator must add the provider and the person in a pull request of its own first"
            )
            return "approver-unknown", message
        pages = record.kind == PAGE
        allowed = provider.may_approve_pages(by) if pages else provider.expert(by) is not None
        if not allowed:
            current = self._provider(provider_id, at_base=False)
            added = current is not None and (current.may_approve_pages(by) if pages else current.expert(by) is not None)
            note = " (this pull request adds them, which does not count)" if added else ""
            role = "an expert or the editor" if pages else "an expert"
            message = (
                f"{by} is not {role} of {provider.name} in {provider.rel} at {self.base}{note}; "
                "a coordinator must add the person in a pull request of its own first"
            )
            return "approver-unknown", message
        expert = provider.expert(by)
        specialty = text(record.source.data, "specialty")
        if record.kind in (NATIONAL, REVIEW) and expert is not None and not expert.may_approve(specialty):
            message = (
                f"{by} may approve texts of {', '.join(expert.specialties)} only ({provider.rel} at {self.base}), "
                f"not of {specialty}; ask an expert in {specialty} at {provider.name} to approve it, or have a coordinator "
                "add the specialty in a pull request of its own first"
            )
            return "approver-specialty", message
        return None

    def _provider_rel(self, provider_id: str | None) -> str:
        return f"content/providers/{provider_id}/provider.yml"

    def _provider(self, provider_id: str | None, at_base: bool) -> Provider | None:
        """The provider as provider.yml has it at the base (or in the working tree); None when it has no provider.yml there."""
        key = (provider_id or "", at_base)
        if key not in self._providers:
            if at_base:
                self._providers[key] = self.git.provider_at(self.base_commit, provider_id or "")
            else:
                self._providers[key] = self._provider_now(provider_id or "")
        return self._providers[key]

    def _provider_now(self, provider_id: str) -> Provider | None:
        """The provider as provider.yml reads in the working tree (only to say that a pull request adds a person)."""
        rel = self._provider_rel(provider_id)
        path = self.repo.root / rel
        if not path.is_file() or path.is_symlink():
            return None
        document = load_yaml(path.read_text(encoding="utf-8", errors="replace"), rel)
        return Provider(provider_id, rel, document.data if isinstance(document.data, dict) else {}, document.lines)

    # -- what the review's commit holds --------------------------------------------------------

    def _has_commit(self, commit: str) -> bool:
        if commit not in self._commits:
            try:
                found = self.git.repo.commit(commit).type == "commit"
            except (ValueError, git.BadName, git.BadObject, git.GitCommandError):
                found = False
            self._commits[commit] = found
        return self._commits[commit]

    def _file(self, commit: str, rel: str) -> FrontMatterFile | None:
        key = (commit, rel)
        if key not in self._files:
            self._files[key] = self.git.file_at(commit, rel)
        raw = self._files[key]
        return split_front_matter(raw, rel) if raw is not None else None

    def _difference(self, record: Record, data: dict, commit: str) -> str | None:
        """How the file read at ``commit`` differs from what the record covers; None when it is exactly that."""
        then = self._file(commit, record.rel)
        if then is None:
            return "where this file did not exist"
        meta = then.data if isinstance(then.data, dict) else {}
        if record.kind == NATIONAL:
            return _compare("the text", national_revision(meta, then.body), str(data["revision"]), "revision")
        if record.kind == TRANSLATION:
            language = _TRANSLATION_KEY.match(record.rel[len("content/common/") : -len(".md")])["language"]
            return _compare("the translation", translation_revision(meta, then.body, language), str(data["revision"]), "revision")
        if record.kind == REVIEW:
            now = record.source.data if isinstance(record.source.data, dict) else {}
            return _compare("the text", national_revision(meta, then.body), national_revision(now, record.source.body), "revision", "now")
        if record.kind == PAGE:
            return _compare("the page", page_local(meta, then.body), str(data["local"]), "local hash")
        return self._overlay_difference(record, data, commit, meta, then.body)

    def _covered_files(self, record: Record, data: dict) -> list[str]:
        """The files whose words the record covers."""
        if record.kind != OVERLAY:
            return [record.rel]
        files = [record.rel]
        snippets = f"content/providers/{record.provider_id}/snippets"
        files += [f"{snippets}/{name}.md" for name, _ in included_snippets(record.source.body, lambda n: self._snippet_now(snippets, n))]
        revisions = data.get("revisions") if isinstance(data.get("revisions"), dict) else {}
        files += [f"content/common/{text_id}.md" for text_id in revisions if isinstance(text_id, str) and _COMMON_ID.match(text_id)]
        translations = data.get("translations") if isinstance(data.get("translations"), dict) else {}
        files += [f"content/common/{key}.md" for key in translations if isinstance(key, str) and _TRANSLATION_KEY.match(key)]
        return files

    def _snippet_now(self, folder: str, name: str) -> str | None:
        path = self.repo.root / folder / f"{name}.md"
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() and not path.is_symlink() else None

    def _unseen(self, record: Record, data: dict, commit: str) -> str | None:
        """Why the reviewer cannot have seen what the record covers (None: they could).

        A review backs a record only if, at the reviewed commit, the pull request changed something the record
        covers: an approval of an unrelated change is no approval of words the diff never showed. A safety
        correction must already be marked as one in the reviewed commit: the reviewer decides that, not a later push.
        """
        files = self._covered_files(record, data)
        if all(self.git.file_at(commit, rel) == self.git.file_at(self.fork, rel) for rel in files):
            return (
                "which did not change anything this record covers, so the reviewer was not shown it; "
                "record the approval in the pull request first (hcweb approve), then ask them to approve"
            )
        if record.kind == NATIONAL and data.get("safety") is True:
            then = self._file(commit, record.rel)
            approved = then.data.get("approved") if then is not None and isinstance(then.data, dict) else None
            if not (isinstance(approved, dict) and approved.get("safety") is True and approved.get("revision") == data.get("revision")):
                return (
                    "where the approval was not marked as a safety correction; only the reviewer can decide that: record it "
                    "with 'hcweb approve --safety' in the pull request, then ask them to approve"
                )
        return None

    def _overlay_difference(self, record: Record, data: dict, commit: str, meta: dict, body: str) -> str | None:
        snippets = f"content/providers/{record.provider_id}/snippets"

        def read_snippet(name: str) -> str | None:
            snippet = self._file(commit, f"{snippets}/{name}.md")
            return snippet.text if snippet is not None else None

        found = [
            _compare(
                "the overlay's own text, shown fields or snippets",
                overlay_local(meta, body, read_snippet),
                str(data["local"]),
                "local hash",
            )
        ]
        revisions = data.get("revisions") if isinstance(data.get("revisions"), dict) else {}
        for text_id, revision in revisions.items():
            if not isinstance(text_id, str) or not _COMMON_ID.match(text_id):
                found.append(f"while the record names '{text_id}', which is not a national text id")
                continue
            national = self._file(commit, f"content/common/{text_id}.md")
            if national is None:
                found.append(f"where {text_id} did not exist")
                continue
            national_meta = national.data if isinstance(national.data, dict) else {}
            found.append(_compare(text_id, national_revision(national_meta, national.body), str(revision), "revision"))
        translations = data.get("translations") if isinstance(data.get("translations"), dict) else {}
        for key, revision in translations.items():
            match = _TRANSLATION_KEY.match(key) if isinstance(key, str) else None
            if match is None:
                found.append(f"while the record names '{key}', which is not a translation (a text id, a dot and a language)")
                continue
            translation = self._file(commit, f"content/common/{key}.md")
            if translation is None:
                found.append(f"where the translation {key} did not exist")
                continue
            translation_meta = translation.data if isinstance(translation.data, dict) else {}
            shown = translation_revision(translation_meta, translation.body, match["language"])
            found.append(_compare(f"the translation {key}", shown, str(revision), "revision"))
        differences = [item for item in found if item]
        return " and ".join(differences) if differences else None


# An approval recorded before the review may be some days older than it (written with hcweb approve, then reviewed).
RECORD_BEFORE_REVIEW_DAYS = 30


def _source_owner(repo: Repository, base_commit: str, rel: str) -> str | None:
    """The owner of the national text a translation translates, as it was at the base (else as it is now)."""
    source = rel.rsplit(".", 2)[0] + ".md"
    for raw in (repo.git.file_at(base_commit, source), _read_now(repo, source)):
        if raw is not None:
            data = split_front_matter(raw, source).data
            owner = text(data, "owner") if isinstance(data, dict) else None
            if owner:
                return owner
    return None


def _read_now(repo: Repository, rel: str) -> str | None:
    path = repo.root / rel
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() and not path.is_symlink() else None


def _dated(record: Record, data: dict, decision: Decision) -> Diagnostic | None:
    """The record's date against the review's, which GitHub sets: never after it, nor long before it."""
    on = parse_date(data.get("on"))
    if on is None or decision.submitted_at is None:
        return None
    reviewed = decision.submitted_at.astimezone(dt.UTC).date()
    if on > reviewed + dt.timedelta(days=1):  # a day for time zones
        message = f"the record is dated {on.isoformat()}, after {decision.login}'s review on {reviewed.isoformat()}; date it the day of the review"
    elif on < reviewed - dt.timedelta(days=RECORD_BEFORE_REVIEW_DAYS):
        message = (
            f"the record is dated {on.isoformat()}, more than {RECORD_BEFORE_REVIEW_DAYS} days before {decision.login}'s review on "
            f"{reviewed.isoformat()}; date it the day of the review"
        )
    else:
        return None
    return error(record.rel, record.source.lines(record.key, "on"), "approval-date", message)


def _compare(what: str, then: str, expected: str, name: str, expected_is: str = "the approved") -> str | None:
    if then == expected:
        return None
    return f"where {what} read differently ({name} {then} there, {expected_is} {expected})"
