"""The content repository: discovery, loading every file once, and the git view."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import git

from .data.snapshots import Snapshots
from .data.snapshots import load as load_snapshots
from .diagnostics import Diagnostic, error
from .documents import FrontMatterFile, LineMap, load_yaml, split_front_matter
from .errors import HcwebError, RepositoryNotFound, ShallowClone
from .history_cache import FILE_NAME as CACHE_FILE
from .history_cache import HistoryCache
from .model import Event, MediaFile, NationalText, Overlay, Policy, Provider, ProviderPage, Redirects, Snippet, Translation
from .revisions import national_revision, translation_revision
from .schema import Schemas
from .urls import split_language

POLICY_FILE = "hcweb.yml"
PROVIDER_FILE = "provider.yml"
REDIRECTS_FILE = "redirects.yml"  # addresses the provider's site once published (checks/redirects.py)
PROVIDER_FOLDERS = ("pages", "snippets", "events")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif"}
CONTENT_FOLDERS = ("common", "providers", "media")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")  # the language part of a translation's file name, e.g. nn in x.nn.md


class OutsideRepository(HcwebError):
    """A path given on the command line lies outside the repository (a usage problem: exit 2)."""

    exit_code = 2


@dataclass
class Content:
    """Everything under ``content/`` and ``hcweb.yml``, loaded and schema-checked."""

    policy: Policy
    national: dict[str, NationalText] = field(default_factory=dict)
    translations: dict[str, dict[str, Translation]] = field(default_factory=dict)  # national text id -> language -> it
    providers: dict[str, Provider] = field(default_factory=dict)
    media: dict[str, MediaFile] = field(default_factory=dict)
    snapshots: Snapshots = field(default_factory=Snapshots)
    problems: list[Diagnostic] = field(default_factory=list)
    expansions: dict = field(default_factory=dict)  # (overlay file, pinned?) -> Expansion, filled by resolve


@dataclass(frozen=True)
class PinnedRevision:
    """A national text at a revision its owner approved, as committed on the main line."""

    commit: str
    date: dt.date  # the commit date of that main-line commit
    meta: dict
    body: str
    body_line: int
    revision: str
    safety: bool  # its owner marked it a safety correction


@dataclass(frozen=True)
class _Version:
    """One version of a file on the main line that its owner approved: what is needed to choose it."""

    commit: str
    date: dt.date
    revision: str
    safety: bool


@dataclass(frozen=True)
class NotPinnable:
    """Why a revision cannot be published: the message to show at the pin."""

    reason: str


def file_too_large(rel: str, line: int, size: int, limit: int) -> Diagnostic:
    """A file (or a revision of one) over the size limit of hcweb.yml."""
    return error(
        rel, line, "file-too-large", f"the file is {size // 1000} KB; a content file may be at most {limit // 1000} KB (hcweb.yml limits)"
    )


def _summary_shape(value: object) -> bool:
    """Whether ``value`` is a version summary as _summary makes them (one read from the cache may be anything)."""
    return value is None or (
        isinstance(value, list)
        and len(value) == 3
        and isinstance(value[0], str)
        and isinstance(value[1], bool)
        and isinstance(value[2], bool)
    )


class GitView:
    """What git knows about the files: when each last changed."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def repo(self) -> git.Repo | None:
        """The git repository, to read dates and history from; None when the folder is not one.

        ShallowClone when it is a shallow clone: its oldest commit would stand for every older change
        (a page's dateModified would be the day of the clone), so nothing is read from it.
        """
        if self._handle is not None and self._is_shallow:
            raise ShallowClone(self.root)
        return self._handle

    def require_history(self) -> None:
        """ShallowClone when the repository is a shallow clone (a folder without git passes: it has no dates to get wrong)."""
        _ = self.repo

    @cached_property
    def _handle(self) -> git.Repo | None:
        try:
            return git.Repo(self.root)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            return None

    @cached_property
    def _last_changed(self) -> dict[str, dt.date]:
        """Per file under content/: the date of the newest commit reachable from HEAD that changed it (from the one log)."""
        return {rel: commits[0][1] for rel, commits in self._head_history.items()}

    def last_changed(self, rel: str) -> dt.date | None:
        """The date of the newest commit that changed ``rel`` (None when never committed)."""
        return self._last_changed.get(rel)

    @cached_property
    def _uncommitted(self) -> set[str]:
        """Every file under content/ that differs from the last commit (one git process for all)."""
        if self.repo is None:
            return set()
        try:
            status = self.repo.git.status("--porcelain", "-z", "--untracked-files=all", "--", "content")
        except git.GitCommandError:
            return set()
        return {entry[3:] for entry in status.split("\0") if len(entry) > 3}

    def has_uncommitted_changes(self, rel: str) -> bool:
        return rel in self._uncommitted

    # -- the main line: where pinned national revisions come from ----------------------------

    def main_ref(self, branch: str) -> str | None:
        """The commit the main branch points at, locally or as fetched from origin (None: not here)."""
        if self.repo is None:
            return None
        for candidate in (f"refs/heads/{branch}", f"refs/remotes/origin/{branch}"):  # never a tag of that name
            try:
                return self.repo.git.rev_parse("--verify", "--quiet", f"{candidate}^{{commit}}").strip()
            except git.GitCommandError:
                continue
        return None

    @cached_property
    def _main_line_cache(self) -> dict[str, dict[str, list[tuple[str, dt.date]]]]:
        return {}

    def _main_line(self, branch: str) -> dict[str, list[tuple[str, dt.date]]]:
        """Per file under content/: the first-parent commits of ``branch`` that changed it, newest first (one git process)."""
        if branch not in self._main_line_cache:
            self._main_line_cache[branch] = self._commits_per_file(self.main_ref(branch), first_parent=True)
        return self._main_line_cache[branch]

    def _commits_per_file(self, ref: str | None, first_parent: bool) -> dict[str, list[tuple[str, dt.date]]]:
        """Per file under content/: the commits reachable from the commit ``ref`` that changed it, newest first.

        One git process, and none when that commit's log was read by an earlier run (history_cache).
        """
        if self.repo is None or ref is None:
            return {}
        key = f"{ref}:{'first-parent' if first_parent else 'all'}"
        found = self._cache.log(key)
        if found is not None:
            return found
        args = ["--first-parent"] if first_parent else []
        try:  # -z: every path as it is (no quotes around a name with ø or a quote in it), each ended by NUL
            log = self.repo.git.log(ref, *args, "--format=%x01%H %cs", "--name-only", "--no-renames", "-z", "--", "content")
        except git.GitCommandError:
            return {}
        found = {}
        current: tuple[str, dt.date] | None = None
        for entry in log.split("\0"):
            if entry.startswith("\n"):  # the line break between a commit's line and its first path
                entry = entry[1:]
            if entry.startswith("\x01"):
                sha, day = entry[1:].split()
                current = (sha, dt.date.fromisoformat(day))
            elif entry and current is not None:
                found.setdefault(entry, []).append(current)
        self._cache.remember_log(key, found)
        return found

    @cached_property
    def _cache(self) -> HistoryCache:
        return HistoryCache(Path(self.repo.git_dir) / CACHE_FILE if self.repo is not None else None)

    def _head_commit(self) -> str | None:
        """The commit HEAD points at (read from .git, no process); None before the first commit."""
        try:
            return self.repo.head.commit.hexsha
        except (ValueError, git.BadName, git.GitCommandError):
            return None

    def file_at(self, commit: str, rel: str) -> str | None:
        """The text of ``rel`` at ``commit`` (one request to git's object store, no process per file); None when absent."""
        if self.repo is None:
            return None
        if "\n" in commit or "\n" in rel:  # cannot be asked for on one line: walk the commit's tree instead
            return self._file_at_by_tree(commit, rel)
        try:
            _, kind, _, data = self.repo.git.get_object_data(f"{commit}:{rel}")
        except (ValueError, git.GitCommandError):
            return None
        return data.decode("utf-8", errors="replace") if kind == b"blob" else None

    def _file_at_by_tree(self, commit: str, rel: str) -> str | None:
        try:
            blob = self.repo.commit(commit).tree / rel
            return blob.data_stream.read().decode("utf-8", errors="replace") if blob.type == "blob" else None
        except (KeyError, ValueError, git.BadName, git.GitCommandError):
            return None

    def _approved_versions(self, rel: str, branch: str) -> list[_Version]:
        """Every version of the national text ``rel`` on the main line that its owner approved, newest first."""
        key = (rel, branch)
        if key not in self._versions:
            found = []
            for commit, day in self._main_line(branch).get(rel, []):
                summary = self._summary(f"n:{commit}:{rel}", lambda commit=commit: self._national_summary(commit, rel))
                if summary is not None and summary[1]:
                    found.append(_Version(commit, day, summary[0], summary[2]))
            self._versions[key] = found
        return self._versions[key]

    def _summary(self, key: str, read: Callable[[], list | None]) -> list | None:
        """[revision, approved by its owner, safety] of one version of a file (kept across runs: a commit never changes)."""
        versions = self._cache.versions
        if not _summary_shape(versions.get(key, [])):
            self._cache.remember_version(key, read())
        return versions[key]

    def _national_summary(self, commit: str, rel: str) -> list | None:
        text = self.file_at(commit, rel)
        if text is None:
            return None
        source = split_front_matter(text, rel)
        meta = source.data if isinstance(source.data, dict) else {}
        approved = meta.get("approved") if isinstance(meta.get("approved"), dict) else {}
        revision = national_revision(meta, source.body)
        approved_here = approved.get("revision") == revision and self._owner_expert_at(commit, meta, approved.get("by"))
        return [revision, approved_here, approved.get("safety") is True]

    def _pinned(self, rel: str, version: _Version) -> PinnedRevision:
        """The version as a pinned revision: its front matter and body, read when a site shows it."""
        key = (rel, version.commit)
        if key not in self._pinned_revisions:
            source = split_front_matter(self.file_at(version.commit, rel) or "", rel)
            meta = source.data if isinstance(source.data, dict) else {}
            self._pinned_revisions[key] = PinnedRevision(
                version.commit, version.date, meta, source.body, source.body_line, version.revision, version.safety
            )
        return self._pinned_revisions[key]

    @cached_property
    def _pinned_revisions(self) -> dict[tuple[str, str], PinnedRevision]:
        return {}

    def provider_at(self, commit: str, provider_id: str) -> Provider | None:
        """The provider as its provider.yml reads at ``commit`` (no data when it does not parse); None when it has none there."""
        rel = f"content/providers/{provider_id}/provider.yml"
        text = self.file_at(commit, rel)
        if text is None:
            return None
        document = load_yaml(text, rel)
        return Provider(provider_id, rel, document.data if isinstance(document.data, dict) else {}, document.lines)

    def _owner_expert_at(self, commit: str, meta: dict, name: object) -> bool:
        """Whether ``name`` was an expert of the text's owner in that commit's provider.yml."""
        owner = meta.get("owner")
        if not isinstance(name, str) or not isinstance(owner, str) or "/" in owner or owner.startswith("."):
            return False
        text = self.file_at(commit, f"content/providers/{owner}/provider.yml")
        if text is None:
            return False
        key = (owner, text)  # provider.yml changes seldom: each of its versions is read once
        if key not in self._experts_in:
            document = load_yaml(text, f"content/providers/{owner}/provider.yml")
            provider = Provider(owner, "", document.data if isinstance(document.data, dict) else {}, document.lines)
            self._experts_in[key] = frozenset(expert.name for expert in provider.experts)
        return name in self._experts_in[key]

    @cached_property
    def _experts_in(self) -> dict[tuple[str, str], frozenset]:
        return {}

    @cached_property
    def _versions(self) -> dict[tuple[str, str], list[_Version]]:
        return {}

    def find_revision(self, rel: str, revision: str, branch: str = "main") -> PinnedRevision | NotPinnable:
        """The national text ``rel`` at ``revision``, when its owner approved it on the main line; else why not.

        Of several main-line commits with that revision, the oldest: its date is when those words were published.
        """
        matching = [v for v in self._approved_versions(rel, branch) if v.revision == revision]
        if matching:
            return self._pinned(rel, matching[-1])
        if self.repo is None:
            return NotPinnable("the folder is not a git repository, so no earlier revision can be found")
        if self.main_ref(branch) is None:
            return NotPinnable(
                f"the main branch '{branch}' (hcweb.yml main_branch) is not in this clone, so no earlier revision can be "
                f"found; fetch it (git fetch origin {branch})"
            )
        if self._committed_anywhere(rel, revision):
            return NotPinnable(
                f"it is not a revision approved by the text's owner on the main branch '{branch}': it exists only in a "
                "pull request's intermediate commits, on a side branch, or without the owner's approval"
            )
        return NotPinnable("no committed version of the text has this revision")

    def translation_versions(self, rel: str, language: str, source_rel: str, branch: str = "main") -> list[PinnedRevision]:
        """Every version of the translation ``rel`` on the main line that an expert of its source's owner approved (as
        the source and provider.yml read in that commit), newest first. ``revision`` is the translation's own."""
        key = (rel, branch)
        if key not in self._versions:
            found = []
            for commit, day in self._main_line(branch).get(rel, []):
                summary = self._summary(
                    f"t:{commit}:{rel}:{language}:{source_rel}",
                    lambda commit=commit: self._translation_summary(commit, rel, language, source_rel),
                )
                if summary is not None and summary[1]:
                    found.append(_Version(commit, day, summary[0], False))
            self._versions[key] = found
        return [self._pinned(rel, version) for version in self._versions[key]]

    def _translation_summary(self, commit: str, rel: str, language: str, source_rel: str) -> list | None:
        text = self.file_at(commit, rel)
        source_text = self.file_at(commit, source_rel)
        if text is None or source_text is None:
            return None
        source = split_front_matter(text, rel)
        meta = source.data if isinstance(source.data, dict) else {}
        approved = meta.get("approved") if isinstance(meta.get("approved"), dict) else {}
        revision = translation_revision(meta, source.body, language)
        owner_meta = split_front_matter(source_text, source_rel).data
        approved_here = approved.get("revision") == revision and self._owner_expert_at(
            commit, owner_meta if isinstance(owner_meta, dict) else {}, approved.get("by")
        )
        return [revision, approved_here, False]

    def safety_after(self, rel: str, pinned: PinnedRevision, branch: str = "main") -> PinnedRevision | None:
        """The newest safety correction of ``rel`` approved on the main line after ``pinned``, if any."""
        for version in self._approved_versions(rel, branch):
            if version.revision == pinned.revision:
                return None
            if version.safety:
                return self._pinned(rel, version)
        return None

    @cached_property
    def _is_shallow(self) -> bool:
        """Whether the repository is a shallow clone (asked once: ``git rev-parse --is-shallow-repository``)."""
        try:
            return self._handle is not None and self._handle.git.rev_parse("--is-shallow-repository").strip() == "true"
        except git.GitCommandError:
            return False

    def _committed_anywhere(self, rel: str, revision: str) -> bool:
        """Whether any commit reachable from any branch holds ``rel`` at ``revision`` (for the message only)."""
        try:
            commits = self.repo.git.log("--all", "--format=%H", "--no-renames", "--", rel).split()
        except git.GitCommandError:
            return False
        for commit in commits[:500]:
            text = self.file_at(commit, rel)
            if text is not None:
                source = split_front_matter(text, rel)
                if national_revision(source.data if isinstance(source.data, dict) else {}, source.body) == revision:
                    return True
        return False

    # -- when the content a record covers was committed ---------------------------------------

    @cached_property
    def _head_history(self) -> dict[str, list[tuple[str, dt.date]]]:
        return self._commits_per_file(self._head_commit() if self.repo is not None else None, first_parent=False)

    def commits_of(self, rel: str) -> list[str]:
        """The commits reachable from HEAD that changed ``rel``, newest first."""
        return [commit for commit, _ in self._head_history.get(rel, [])]

    def commit_date(self, commit: str) -> dt.date:
        return dt.datetime.fromtimestamp(self.repo.commit(commit).committed_date, dt.UTC).date()

    def written_on(self, rel: str, same: Callable[[str], bool]) -> dt.date | None:
        """The date of the oldest commit (reachable from HEAD) whose version of ``rel`` passes ``same``: since then
        those words exist. None when no commit holds them (they are being written now)."""
        if self.repo is None:
            return None
        found: dt.date | None = None
        for commit, day in self._head_history.get(rel, []):
            text = self.file_at(commit, rel)
            if text is not None and same(text):
                found = day if found is None else min(found, day)
        return found


class Repository:
    """One checkout of the hcweb content repository."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.content_dir = self.root / "content"
        self.schemas = Schemas(self.root / "schemas")
        self.git = GitView(self.root)
        self._policy: Policy | None = None

    @classmethod
    def discover(cls, root: Path | None = None) -> Repository:
        """The repository at ``root``, or the one the current directory is in."""
        if root is not None:
            if not (root / POLICY_FILE).is_file():
                raise RepositoryNotFound(f"{root} is not an hcweb repository: it has no {POLICY_FILE}")
            return cls(root)
        start = Path.cwd()
        try:
            top = git.Repo(start, search_parent_directories=True).working_tree_dir
            candidates = [Path(top)] if top else []
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            candidates = [start, *start.parents]
        for candidate in candidates:
            if (candidate / POLICY_FILE).is_file():
                return cls(candidate)
        raise RepositoryNotFound(f"no hcweb repository here: run inside a checkout (a folder with {POLICY_FILE}) or pass --root DIR")

    @property
    def overrides_dir(self) -> Path:
        return self.root / "overrides"

    def rel(self, path: Path) -> str:
        text = str(path)
        if text.startswith(self._root_prefix):  # the common case, without pathlib's parsing (it is asked for every file)
            return text[len(self._root_prefix) :].replace(os.sep, "/")
        return path.relative_to(self.root).as_posix()

    @cached_property
    def _root_prefix(self) -> str:
        return str(self.root) + os.sep

    def argument_rel(self, path: Path) -> str:
        """A file named on the command line, relative to the repository; OutsideRepository when it is not in it.

        Links in the folders on the way are resolved (the repository may be reached through one), the
        file itself is not: a link in content/ is reported by the loader, not read through.
        """
        absolute = Path(os.path.abspath(path))
        try:
            folder = absolute.parent.resolve()
        except (OSError, RuntimeError):
            folder = absolute.parent
        try:
            return (folder / absolute.name).relative_to(self.root).as_posix()
        except ValueError:
            raise OutsideRepository(f"{path} is not in the repository {self.root}; give a file under its content/ folder") from None

    # -- loading -----------------------------------------------------------

    def load(self, only_provider: str | set[str] | None = None) -> Content:
        """Everything, or (``only_provider``) the registry, the national texts and the own files of that provider (or those)."""
        problems: list[Diagnostic] = []
        policy_doc = self._read_yaml(self.root / POLICY_FILE, "policy", problems)
        content = Content(policy=Policy.from_data(policy_doc[0] if policy_doc else None), problems=problems)
        self._policy = content.policy
        refusal = self._refusal(self.content_dir) if os.path.lexists(self.content_dir) else None
        if refusal or not self.content_dir.is_dir():
            problems.append(refusal or error(POLICY_FILE, 1, "layout", "the repository has no content/ folder"))
            return content
        for name in CONTENT_FOLDERS:
            folder = self.content_dir / name
            refusal = self._refusal(folder) if os.path.lexists(folder) else None
            if refusal:
                problems.append(refusal)
        self._load_national(content)
        self._load_providers(content, only_provider)
        self._load_media(content)
        content.snapshots = load_snapshots(self.root, self.schemas)
        problems.extend(content.snapshots.problems)
        return content

    def _files(self, folder: Path, problems: list[Diagnostic]) -> list[Path]:
        """Every entry under ``folder`` that is not a folder, links included (each reader refuses them).

        Links to folders are not followed: each is reported here, and nothing behind it is listed.
        """
        if not self._is_real_folder(folder):
            return []
        found = []
        for directory, subdirs, files in os.walk(folder):
            for name in sorted(subdirs):
                path = Path(directory) / name
                if path.is_symlink() and not name.startswith("."):
                    problems.append(self._link_refusal(path))
            subdirs[:] = sorted(name for name in subdirs if not (Path(directory) / name).is_symlink())
            for name in sorted(files):
                if not name.startswith("."):
                    found.append(Path(directory) / name)
        return found

    @staticmethod
    def _is_real_folder(folder: Path) -> bool:
        """Whether ``folder`` is a folder and not a link to one (such a link is reported by load())."""
        return folder.is_dir() and not folder.is_symlink()

    def _refusal(self, path: Path) -> Diagnostic | None:
        """Why ``path`` is not read: it is a link, or not an ordinary file or folder (None: it may be read).

        Every link under content/ is refused, also one that stays inside: what is checked is then
        exactly what the site is built from, and no image copy or include can be led elsewhere.
        """
        rel = self.rel(path)
        try:
            info = path.lstat()
        except OSError as exc:
            return error(rel, 1, "unreadable", f"the file cannot be read: {exc.strerror}")
        if stat.S_ISLNK(info.st_mode):
            return self._link_refusal(path)
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            return error(rel, 1, "unreadable", "this is not an ordinary file (a pipe or a device, say); it was not read")
        return None

    def _link_refusal(self, path: Path) -> Diagnostic:
        """The error for the link ``path``: where it leads when that is inside content/, else only that it leads out."""
        rel = self.rel(path)
        kind = "folder" if path.is_dir() else "file"
        target = self._inside_content(path)
        if target is None:
            if kind == "folder":
                return error(rel, 1, "outside-root", "this folder is a link that leads outside content/; nothing in it was read")
            return error(rel, 1, "outside-root", "this file is a link that leads outside content/; it was not read")
        return error(
            rel,
            1,
            "link",
            f"this {kind} is a link (to {target}); links are not followed in content/, so it was not read: put the {kind} itself here",
        )

    def _read_text(self, path: Path, problems: list[Diagnostic]) -> str | None:
        rel = self.rel(path)
        refusal = self._refusal(path)
        if refusal is not None:
            problems.append(refusal)
            return None
        limit = self._policy.max_file_bytes if self._policy else None
        try:
            data = _read_regular_file(path, limit)
        except _TooLarge as exc:
            problems.append(file_too_large(rel, 1, exc.size, limit))
            return None
        except OSError as exc:
            problems.append(error(rel, 1, "unreadable", f"the file cannot be read: {exc.strerror or exc}"))
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = data[: exc.start]
            line = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1
            problems.append(error(rel, line, "encoding", "the file is not UTF-8 text; save it as UTF-8"))
        return None

    def _inside_content(self, path: Path) -> str | None:
        """Where the link ``path`` leads, relative to the repository, when that is inside content/; else None."""
        try:
            resolved = path.resolve()
            root = self.content_dir.resolve()
        except (OSError, RuntimeError):  # a loop of links
            return None
        if not str(resolved).startswith(str(root) + os.sep):
            return None
        return resolved.relative_to(self.root.resolve()).as_posix()

    def _read_yaml(self, path: Path, schema: str, problems: list[Diagnostic]) -> tuple[dict, LineMap] | None:
        rel = self.rel(path)
        raw = self._read_text(path, problems)
        if raw is None:
            return None
        document = load_yaml(raw, rel)
        problems.extend(document.problems)
        if document.problems:
            return None
        if not isinstance(document.data, dict):
            problems.append(error(rel, 1, "yaml-shape", "the file must be a list of 'key: value' lines"))
            return None
        problems.extend(self.schemas.validate(schema, document.data, rel, document.lines))
        return document.data, document.lines

    def read_markdown(self, path: Path, schema: str | None, problems: list[Diagnostic]) -> FrontMatterFile | None:
        rel = self.rel(path)
        raw = self._read_text(path, problems)
        if raw is None:
            return None
        source = split_front_matter(raw, rel)
        problems.extend(source.problems)
        if schema is None:
            if source.has_front_matter:
                problems.append(error(rel, 1, "front-matter", "a snippet has no front matter; remove the lines between ---"))
            return source
        if not source.has_front_matter:
            problems.append(error(rel, 1, "front-matter-missing", "the file must start with front matter between two --- lines"))
            return source
        if source.data is not None:
            # A value YAML could not read stands as empty: the schema would only repeat the problem at its line.
            unread = {p.line for p in source.problems}
            problems.extend(p for p in self.schemas.validate(schema, source.data, rel, source.lines) if p.line not in unread)
        return source

    def _load_national(self, content: Content) -> None:
        common = self.content_dir / "common"
        for path in self._files(common, content.problems):
            rel = self.rel(path)
            parts = path.relative_to(common).parts
            if path.suffix != ".md":
                content.problems.append(error(rel, 1, "layout", "only Markdown files (.md) belong under content/common/"))
                continue
            if len(parts) != 2:
                content.problems.append(error(rel, 1, "layout", "a national text must be content/common/<collection>/<slug>.md"))
                continue
            collection, slug = parts[0], path.stem
            language = None
            if "." in slug:
                slug, _, language = slug.rpartition(".")
                if not _LANGUAGE.match(language) or "." in slug:
                    content.problems.append(
                        error(
                            rel,
                            1,
                            "layout",
                            "a translation is named <slug>.<language>.md with a language code from hcweb.yml languages, "
                            "e.g. hip-replacement.nn.md",
                        )
                    )
                    continue
            if collection not in content.policy.collections:
                known = ", ".join(content.policy.collections)
                content.problems.append(
                    error(rel, 1, "unknown-collection", f"'{collection}' is not a collection in hcweb.yml (known: {known})")
                )
            if language is not None:
                source = self.read_markdown(path, "translation", content.problems)
                if source is not None:
                    translation = Translation(rel, source, id=f"{collection}/{slug}", language=language)
                    content.translations.setdefault(translation.id, {})[language] = translation
                continue
            source = self.read_markdown(path, "national-text", content.problems)
            if source is not None:
                text_id = f"{collection}/{slug}"
                content.national[text_id] = NationalText(rel, source, id=text_id)

    def _load_providers(self, content: Content, only_provider: str | set[str] | None = None) -> None:
        only = {only_provider} if isinstance(only_provider, str) else only_provider
        folder = self.content_dir / "providers"
        if not self._is_real_folder(folder):
            return
        for provider_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if provider_dir.is_symlink():
                content.problems.append(self._link_refusal(provider_dir))
                continue
            registry = provider_dir / PROVIDER_FILE
            if not registry.is_file():
                content.problems.append(error(self.rel(provider_dir), 1, "provider-missing", f"the provider folder has no {PROVIDER_FILE}"))
                continue
            loaded = self._read_yaml(registry, "provider", content.problems)
            data, lines = loaded if loaded else ({}, LineMap())
            provider = Provider(provider_dir.name, self.rel(registry), data, lines)
            content.providers[provider.id] = provider
            if only is None or provider.id in only:
                self._load_provider_files(provider, provider_dir, content)

    def _load_provider_files(self, provider: Provider, provider_dir: Path, content: Content) -> None:
        problems = content.problems
        folder_rel = self.rel(provider_dir) + "/"
        for path in self._files(provider_dir, problems):
            rel = self.rel(path)
            parts = tuple(rel[len(folder_rel) :].split("/"))  # its path in the provider's folder (rel is under it)
            if parts == (PROVIDER_FILE,):
                continue
            if parts == (REDIRECTS_FILE,):
                loaded = self._read_yaml(path, "redirects", problems)
                provider.redirects = Redirects(rel, *loaded) if loaded else None
                continue
            if path.suffix != ".md" or len(parts) < 2:
                problems.append(
                    error(
                        rel,
                        1,
                        "layout",
                        "unexpected file in a provider folder: only provider.yml, redirects.yml and Markdown files in its sub-folders belong here",
                    )
                )
                continue
            folder, stem = parts[0], path.stem
            if folder == "pages":
                source = self.read_markdown(path, "page", problems)
                if source:
                    name, language = split_language(stem)  # pages/<name>.<language>.md: the page in another language
                    page_path = "/".join((*parts[1:-1], name))
                    provider.pages.append(ProviderPage(rel, source, provider_id=provider.id, path=page_path, language=language))
            elif len(parts) != 2:
                problems.append(error(rel, 1, "layout", f"'{folder}/' holds files directly, not sub-folders"))
            elif folder == "snippets":
                source = self.read_markdown(path, None, problems)
                if source:
                    provider.snippets[stem] = Snippet(provider.id, stem, rel, source.text)
            elif folder == "events":
                source = self.read_markdown(path, "event", problems)
                if source:
                    provider.events.append(Event(rel, source, provider_id=provider.id, slug=stem))
            elif folder in content.policy.collections:
                source = self.read_markdown(path, "overlay", problems)
                if source:
                    name, language = split_language(stem)  # <slug>.<language>.md: the overlay's page in another language
                    overlay = Overlay(rel, source, provider_id=provider.id, collection=folder, slug=name, language=language)
                    overlay.folder, overlay.national = content.policy.collection_path(folder), content.national.get(overlay.uses or "")
                    provider.overlays.append(overlay)
            else:
                known = ", ".join([*content.policy.collections, *PROVIDER_FOLDERS])
                problems.append(error(rel, 1, "layout", f"'{folder}/' is not a known folder in a provider (known: {known})"))
        originals = {(o.collection, o.slug): o for o in provider.overlays if o.language is None}
        for overlay in provider.overlays:
            if overlay.language is not None:
                overlay.original = originals.get((overlay.collection, overlay.slug))

    def _load_media(self, content: Content) -> None:
        folder = self.content_dir / "media"
        files = self._files(folder, content.problems)
        names = {path.name for path in files}
        refused: set[Path] = set()
        for path in files:
            refusal = self._refusal(path)
            if refusal is not None:  # never listed as an image, so never copied into a site
                content.problems.append(refusal)
                refused.add(path)
        for path in files:
            rel = self.rel(path)
            if path in refused:
                continue
            if path.suffix == ".yml":
                if path.name[: -len(".yml")] not in names:
                    content.problems.append(error(rel, 1, "media-orphan", "this rights file belongs to no image beside it"))
                continue
            if path.suffix.lower() not in IMAGE_SUFFIXES:
                content.problems.append(error(rel, 1, "layout", "only images and their .yml rights files belong in content/media/"))
                continue
            sidecar = path.with_name(path.name + ".yml")
            if sidecar in refused:
                continue
            if not sidecar.is_file():
                content.problems.append(
                    error(
                        rel,
                        1,
                        "media-rights",
                        f"the image has no rights file; add {self.rel(sidecar)} with credit, licence, owner and reuse",
                    )
                )
                continue
            loaded = self._read_yaml(sidecar, "media", content.problems)
            if loaded:
                key = path.relative_to(folder).as_posix()
                content.media[key] = MediaFile(rel, self.rel(sidecar), loaded[0], loaded[1])


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def _read_regular_file(path: Path, limit: int | None) -> bytes:
    """The bytes of the ordinary file ``path``, opened without following a link and without waiting on a pipe.

    _TooLarge when it holds more than ``limit`` bytes (nothing more than that is read); OSError when it
    cannot be read, is a link after all, or is not an ordinary file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    with os.fdopen(os.open(path, flags), "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(0, "it is not an ordinary file")
        if limit and info.st_size > limit:
            raise _TooLarge(info.st_size)
        data = handle.read(limit + 1) if limit else handle.read()
    if limit and len(data) > limit:  # it grew while being read
        raise _TooLarge(len(data))
    return data
