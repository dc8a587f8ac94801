"""Publishing built sites where they are served, so that no run can lose work and visitors never see half a site.

Where the sites are published (the target) holds, per site:

    <target>/<site>                       a link to the release being served
    <target>/.releases/<site>/<release>/  the uploaded releases: <commit>-<n>, the current one and the one before
    <target>/<site>.published.json        the manifest: the commit, tool version and day the site was built for,
                                          a digest of its files and when it was published; written last

A deploy uploads into a new release folder, switches the link to it in one rename, and only then writes
the manifest: a deploy that fails or is cancelled midway leaves the old site and the old manifest as they
were. A publish run plans from the manifests (plan()): every site whose output differs from what its
manifest says was published is built again, whatever earlier runs were cancelled or failed; a site whose
provider is gone is unpublished.

Targets: a local folder (a path, or file:///path) and a server reached by ssh (ssh://user@host/path or
rsync://user@host/path), where rsync uploads and a small shell script makes the same switch. The server's
host key must be known beforehand (a known_hosts file): it is never accepted on first sight.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from . import __version__
from .errors import HcwebError
from .files import write_atomic
from .repo import Repository
from .site.catalogue import NAME as CATALOGUE
from .site.outputs import make_world_readable

MANIFEST_SUFFIX = ".published.json"
RELEASES = ".releases"
SITE_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # whole names only: fullmatch
RELEASE_NAME = re.compile(r"(?:[0-9a-f]{7,40}|legacy)-[0-9]+")  # fullmatch
COMMIT = re.compile(r"[0-9a-f]{7,40}")  # a commit id as git writes it: fullmatch
NO_TARGET = "no deploy target: set the DEPLOY_TARGET secret of the production environment, or give --target"


class DeployRefused(HcwebError):
    """A deploy that cannot be made as asked (no target, no known host key): a usage problem, exit 2."""

    exit_code = 2


class DeployFailed(HcwebError):
    """An upload or switch that failed: what was published before is still published."""


# --- the manifest ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    """What is published of one site: from which commit, with which tool, built for which day."""

    site: str
    commit: str
    tool: str
    today: dt.date
    digest: str
    release: str
    published_at: str

    def to_json(self) -> str:
        data = asdict(self) | {"today": self.today.isoformat()}
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest | None:
        """The manifest in ``text``, or None when it is not one (it is then as good as missing)."""
        try:
            data = json.loads(text)
            return cls(**{**data, "today": dt.date.fromisoformat(data["today"])})
        except (ValueError, TypeError, KeyError):
            return None


def manifest_name(site: str) -> str:
    return site + MANIFEST_SUFFIX


def read_manifests(folder: Path) -> dict[str, Manifest | None]:
    """The manifests in ``folder`` by site; None for a manifest that cannot be read (its site is then built again)."""
    found: dict[str, Manifest | None] = {}
    for path in sorted(folder.glob("*" + MANIFEST_SUFFIX)):
        name = path.name[: -len(MANIFEST_SUFFIX)]
        if SITE_NAME.fullmatch(name):
            try:
                found[name] = Manifest.from_json(path.read_text(encoding="utf-8"))
            except OSError:
                found[name] = None
    return found


def site_digest(folder: Path) -> str:
    """A digest of a built site: every file's path and bytes (a link's path and target), in a fixed order."""
    digest = hashlib.sha256()
    for top, folders, files in os.walk(folder):
        folders.sort()
        for name in sorted(files) + [f for f in folders if os.path.islink(os.path.join(top, f))]:
            path = os.path.join(top, name)
            rel = os.path.relpath(path, folder).replace(os.sep, "/")
            if os.path.islink(path):
                digest.update(f"link {rel} -> {os.readlink(path)}\n".encode())
            else:
                with open(path, "rb") as handle:
                    digest.update(f"file {rel} {hashlib.file_digest(handle, 'sha256').hexdigest()}\n".encode())
    return "sha256:" + digest.hexdigest()


# --- the plan ----------------------------------------------------------------------------------


@dataclass
class Plan:
    """What a publish run does: the sites to build and deploy, and the sites to unpublish, each with why."""

    today: dt.date
    build: dict[str, str] = field(default_factory=dict)
    unpublish: dict[str, str] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "build": [{"site": name, "reason": why} for name, why in sorted(self.build.items())],
            "unpublish": [{"site": name, "reason": why} for name, why in sorted(self.unpublish.items())],
            "unchanged": sorted(self.unchanged),
        }

    def github_outputs(self) -> str:
        """Lines for GITHUB_OUTPUT: the two matrices and the day every job builds for."""
        return "\n".join(
            [
                "build=" + json.dumps({"site": sorted(self.build)}, separators=(",", ":")),
                "unpublish=" + json.dumps({"site": sorted(self.unpublish)}, separators=(",", ":")),
                f"today={self.today.isoformat()}",
            ]
        )


def plan(repo: Repository, published: dict[str, Manifest | None], today: dt.date, rebuild: str = "") -> Plan:
    """Which sites to build and deploy so that every target site shows the working tree as of ``today``.

    Each site is compared with what its own manifest says was published (the commit and the day it was built
    for), so nothing depends on which runs came before or how they ended. A site with no readable manifest, or
    whose commit this history does not hold, is built. ``rebuild``: a site to build whatever its manifest says, or
    ``all`` for every site (a deploy still uploads nothing whose files did not change).
    """
    from .affected import changed_since

    head = repo.load()
    sites = sorted(head.providers) + [CATALOGUE]
    if rebuild and rebuild != "all" and rebuild not in sites:
        raise DeployRefused(f"there is no site '{rebuild}' to rebuild: give a provider id, {CATALOGUE} or all")
    result = Plan(today)
    result.unpublish = {
        name: f"content/providers/{name} is gone" for name in sorted(published) if name not in head.providers and name != CATALOGUE
    }
    groups: dict[tuple[str, dt.date], list[str]] = {}
    for name in sites:
        manifest = published.get(name)
        if rebuild in ("all", name):
            result.build[name] = "a rebuild was asked for"
        elif name not in published:
            result.build[name] = "never published there"
        elif manifest is None:
            result.build[name] = "its manifest cannot be read"
        elif not _in_history(repo, manifest.commit):
            result.build[name] = f"its published commit {manifest.commit[:12]} is not in this repository's history"
        else:
            groups.setdefault((manifest.commit, manifest.today), []).append(name)
    for (commit, day), names in groups.items():
        changed = set(changed_since(repo, commit, day, today, head, names))
        for name in names:
            if name in changed:
                result.build[name] = f"its pages differ from those published from {commit[:12]} for {day.isoformat()}"
            else:
                result.unchanged.append(name)
    return result


def _in_history(repo: Repository, commit: str) -> bool:
    handle = repo.git.repo
    if handle is None or not re.fullmatch(r"[0-9a-f]{7,40}", commit):
        return False
    try:
        handle.git.merge_base("--is-ancestor", commit, "HEAD")
    except Exception:  # noqa: BLE001 - git says no: not a commit, or not one HEAD descends from
        return False
    return True


# --- targets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SshKeys:
    """The files ssh authenticates with: the private key (None: ssh's own default) and the known host keys."""

    identity: Path | None
    known_hosts: Path


@contextlib.contextmanager
def ssh_keys(key_file: Path | None, known_hosts_file: Path | None, env: dict[str, str] | None = None) -> Iterator[SshKeys]:
    """The key and known hosts from the options, else from DEPLOY_SSH_KEY and DEPLOY_KNOWN_HOSTS (their text), in
    private files for as long as the block runs. A variable that is set but empty is a missing secret: refused."""
    env = os.environ if env is None else env
    for variable in ("DEPLOY_SSH_KEY", "DEPLOY_KNOWN_HOSTS"):
        if variable in env and not env[variable].strip():
            raise DeployRefused(f"{variable} is empty: the secret is missing from this environment")
    known_text, key_text = env.get("DEPLOY_KNOWN_HOSTS"), env.get("DEPLOY_SSH_KEY")
    if known_hosts_file is None and not known_text:
        raise DeployRefused(
            "no known host key for the deploy server: set DEPLOY_KNOWN_HOSTS (its line from a checked known_hosts) or give "
            "--known-hosts FILE; a host key is never accepted on first sight"
        )
    with tempfile.TemporaryDirectory(prefix="hcweb-ssh-") as folder:
        identity = key_file
        if identity is None and key_text:
            identity = _private_file(Path(folder) / "key", key_text)
        known = known_hosts_file or _private_file(Path(folder) / "known_hosts", known_text or "")
        yield SshKeys(identity, known)


def _private_file(path: Path, text: str) -> Path:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")
    return path


@dataclass(frozen=True)
class LocalTarget:
    """A folder on this machine (what a web server on it serves), e.g. /srv/www or file:///srv/www."""

    path: Path

    def __str__(self) -> str:
        return str(self.path)


@dataclass(frozen=True)
class SshTarget:
    """A folder on a server reached by ssh: rsync uploads, a shell script on the server switches."""

    host: str  # user@host
    path: str
    port: int | None = None

    def __str__(self) -> str:
        return f"ssh://{self.host}{':' + str(self.port) if self.port else ''}{self.path}"


Target = LocalTarget | SshTarget


def parse_target(text: str | None) -> Target:
    """The target a DEPLOY_TARGET or --target names; DeployRefused when it names none."""
    text = (text or "").strip()
    if not text:
        raise DeployRefused(NO_TARGET)
    if "://" not in text:
        if re.match(r"^[^/]*@[^/]*:", text):
            raise DeployRefused(f"write the deploy target {text!r} as ssh://user@host/path")
        return LocalTarget(Path(text).expanduser().absolute())
    url = urlparse(text)
    if url.scheme == "file":
        return LocalTarget(Path(unquote(url.path)))
    if url.scheme in ("ssh", "rsync"):
        if not url.hostname or not url.path or url.path == "/":
            raise DeployRefused(f"the deploy target {text!r} needs a host and a folder: ssh://user@host/path")
        host = f"{url.username}@{url.hostname}" if url.username else url.hostname
        return SshTarget(host, unquote(url.path).rstrip("/"), url.port)
    raise DeployRefused(f"unknown kind of deploy target {url.scheme}://: use a folder, file://, ssh:// or rsync://")


# --- the local folder ----------------------------------------------------------------------------


def _copy_file(source: str, destination: str) -> None:
    shutil.copy2(source, destination, follow_symlinks=False)


def _copy_tree(source: Path, destination: Path) -> None:
    """Copy the folder ``source`` into the existing folder ``destination``; the first failure stops it (OSError)."""
    for top, folders, files in os.walk(source):
        into = destination / os.path.relpath(top, source)
        for name in folders:
            path = os.path.join(top, name)
            if os.path.islink(path):
                os.symlink(os.readlink(path), into / name)
            else:
                (into / name).mkdir()
        for name in files:
            _copy_file(os.path.join(top, name), str(into / name))


class LocalPublisher:
    """Deploys into a folder on this machine."""

    def __init__(self, target: LocalTarget) -> None:
        self.root = target.path

    def manifest(self, site: str) -> Manifest | None:
        try:
            return Manifest.from_json((self.root / manifest_name(site)).read_text(encoding="utf-8"))
        except OSError:
            return None

    def current_release(self, site: str) -> str | None:
        link = self.root / site
        if not link.is_symlink() or not link.is_dir():
            return None
        return os.readlink(link)

    def upload(self, folder: Path, site: str, commit: str) -> str:
        """Copy the built site into a new release folder; its path relative to the target."""
        releases = self.root / RELEASES / site
        releases.mkdir(parents=True, exist_ok=True)
        number = 1
        while True:
            release = releases / f"{commit[:12]}-{number}"
            try:
                release.mkdir()
                break
            except FileExistsError:
                number += 1
        try:
            _copy_tree(folder, release)
            make_world_readable(release)
        except BaseException:
            shutil.rmtree(release, ignore_errors=True)
            raise
        return os.path.relpath(release, self.root)

    def switch(self, site: str, release: str) -> str | None:
        """Point <target>/<site> at ``release`` in one rename; the release it pointed at before (None: none)."""
        link = self.root / site
        previous = os.readlink(link) if link.is_symlink() else None
        if link.is_dir() and not link.is_symlink():  # a site published before releases: kept as one
            previous = os.path.join(RELEASES, site, "legacy-1")
            shutil.rmtree(self.root / previous, ignore_errors=True)
            os.rename(link, self.root / previous)
        fresh = self.root / f".{site}.switch-{os.getpid()}"
        fresh.unlink(missing_ok=True)
        os.symlink(release, fresh)
        os.replace(fresh, link)
        return previous

    def write_manifest(self, manifest: Manifest) -> None:
        write_atomic(self.root / manifest_name(manifest.site), manifest.to_json())

    def prune(self, site: str, keep: list[str]) -> None:
        """Remove the site's releases other than those in ``keep`` (paths relative to the target)."""
        kept = {os.path.basename(os.path.normpath(path)) for path in keep if path}
        releases = self.root / RELEASES / site
        for entry in sorted(releases.iterdir()) if releases.is_dir() else []:
            if entry.name not in kept and RELEASE_NAME.fullmatch(entry.name):
                shutil.rmtree(entry, ignore_errors=True)

    def unpublish(self, site: str) -> None:
        if not self.root.is_dir():
            raise DeployRefused(f"{self.root} is not a folder: give the deploy target the site was published to")
        link = self.root / site
        if link.is_symlink() or link.is_file():
            link.unlink()
        elif link.is_dir():
            shutil.rmtree(link)
        shutil.rmtree(self.root / RELEASES / site, ignore_errors=True)
        (self.root / manifest_name(site)).unlink(missing_ok=True)  # last: until it is gone, a plan unpublishes again

    def fetch_manifests(self, into: Path) -> Path:
        return self.root


# --- a server reached by ssh ---------------------------------------------------------------------

Runner = Callable[[list[str]], subprocess.CompletedProcess]


def run_command(command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False)


def ssh_options(keys: SshKeys, port: int | None = None) -> list[str]:
    """ssh's options: the host key must be in the known_hosts given (never accepted on first sight), no prompts."""
    options = ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", f"UserKnownHostsFile={keys.known_hosts}"]
    if keys.identity is not None:
        options += ["-o", "IdentitiesOnly=yes", "-i", str(keys.identity)]
    if port:
        options += ["-p", str(port)]
    return options


def ssh_command(target: SshTarget, keys: SshKeys, script: str) -> list[str]:
    return ["ssh", *ssh_options(keys, target.port), target.host, script]


def rsync_command(target: SshTarget, keys: SshKeys, source: str, destination: str, *extra: str) -> list[str]:
    """rsync over ssh with the same options; ``destination`` is a path on the server."""
    shell = shlex.join(["ssh", *ssh_options(keys, target.port)])
    return ["rsync", "--archive", "--chmod=D755,F644", *extra, "-e", shell, source, f"{target.host}:{shlex.quote(destination)}"]


def fetch_manifests_command(target: SshTarget, keys: SshKeys, into: Path) -> list[str]:
    """rsync every <site>.published.json (and nothing else) from the server's folder into ``into``."""
    shell = shlex.join(["ssh", *ssh_options(keys, target.port)])
    remote = f"{target.host}:{shlex.quote(target.path)}/"
    return ["rsync", "--archive", f"--include=*{MANIFEST_SUFFIX}", "--exclude=*", "-e", shell, remote, f"{into}/"]


def new_release_script(root: str, site: str, commit: str) -> str:
    """On the server: make a new, empty release folder and print its path relative to ``root``."""
    releases = shlex.quote(f"{RELEASES}/{site}")
    prefix = shlex.quote(f"{RELEASES}/{site}/{commit[:12]}-")
    return (
        f"set -e; cd {shlex.quote(root)}; mkdir -p {releases}; n=1; "
        f'while ! mkdir {prefix}"$n" 2>/dev/null; do n=$((n+1)); done; '
        f'echo {prefix}"$n"'
    )


def switch_script(root: str, site: str, release: str) -> str:
    """On the server: print the release the site served before, then point the site's link at ``release`` in one rename."""
    legacy = shlex.quote(f"{RELEASES}/{site}/legacy-1")
    fresh = shlex.quote(f".{site}.switch-") + "$$"
    link = shlex.quote(site)
    return (
        f"set -e; cd {shlex.quote(root)}; "
        f"if [ -L {link} ]; then readlink {link}; "
        f"elif [ -d {link} ]; then rm -rf {legacy}; mv -T {link} {legacy}; echo {legacy}; fi; "
        f"ln -sfn {shlex.quote(release)} {fresh}; mv -T {fresh} {link}"
    )


def prune_script(root: str, site: str, keep: list[str]) -> str:
    """On the server: remove the site's releases but those in ``keep``."""
    names = "|".join(shlex.quote(os.path.basename(os.path.normpath(path))) for path in keep if path) or "''"
    return (
        f"cd {shlex.quote(root)}/{shlex.quote(f'{RELEASES}/{site}')} 2>/dev/null || exit 0; "
        f'for r in *-*; do case "$r" in {names}) ;; *) rm -rf -- "$r" ;; esac; done'
    )


def unpublish_script(root: str, site: str) -> str:
    link, releases, manifest = (shlex.quote(name) for name in (site, f"{RELEASES}/{site}", manifest_name(site)))
    return f"set -e; cd {shlex.quote(root)}; rm -rf -- {link} {releases}; rm -f -- {manifest}"


def current_release_script(root: str, site: str) -> str:
    link = shlex.quote(site)
    return f"cd {shlex.quote(root)} && [ -L {link} ] && [ -d {link} ] && readlink {link} || true"


class SshPublisher:
    """Deploys to a folder on a server: rsync over ssh into a new release, then a switch by ssh."""

    def __init__(self, target: SshTarget, keys: SshKeys, runner: Runner = run_command) -> None:
        self.target, self.keys, self.runner = target, keys, runner

    def _run(self, command: list[str], doing: str) -> str:
        result = self.runner(command)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout or "").strip().splitlines()
            raise DeployFailed(f"{doing} on {self.target} failed (exit {result.returncode}): {detail[-1] if detail else 'no message'}")
        return result.stdout

    def _ssh(self, script: str, doing: str) -> str:
        return self._run(ssh_command(self.target, self.keys, script), doing)

    def manifest(self, site: str) -> Manifest | None:
        text = self._ssh(f"cat {shlex.quote(self.target.path)}/{manifest_name(site)} 2>/dev/null || true", "reading the manifest")
        return Manifest.from_json(text) if text.strip() else None

    def current_release(self, site: str) -> str | None:
        return self._ssh(current_release_script(self.target.path, site), "reading the current release").strip() or None

    def upload(self, folder: Path, site: str, commit: str) -> str:
        release = self._ssh(new_release_script(self.target.path, site, commit), "making a release folder").strip()
        current = self.current_release(site)
        extra = [f"--link-dest={self.target.path}/{current}"] if current else []
        try:
            self._run(rsync_command(self.target, self.keys, f"{folder}/", f"{self.target.path}/{release}/", *extra), "the upload")
        except DeployFailed:
            with contextlib.suppress(DeployFailed):
                self._ssh(f"rm -rf -- {shlex.quote(self.target.path)}/{shlex.quote(release)}", "removing the broken upload")
            raise
        return release

    def switch(self, site: str, release: str) -> str | None:
        return self._ssh(switch_script(self.target.path, site, release), "the switch").strip() or None

    def write_manifest(self, manifest: Manifest) -> None:
        with tempfile.TemporaryDirectory(prefix="hcweb-manifest-") as folder:
            path = Path(folder) / manifest_name(manifest.site)
            path.write_text(manifest.to_json(), encoding="utf-8")
            # rsync writes a temporary file beside it and renames it: readers see the old manifest or the new one
            self._run(rsync_command(self.target, self.keys, str(path), f"{self.target.path}/{path.name}"), "writing the manifest")

    def prune(self, site: str, keep: list[str]) -> None:
        self._ssh(prune_script(self.target.path, site, keep), "removing old releases")

    def unpublish(self, site: str) -> None:
        self._ssh(unpublish_script(self.target.path, site), "unpublishing")

    def fetch_manifests(self, into: Path) -> Path:
        """Copy every manifest from the server into ``into``."""
        self._run(fetch_manifests_command(self.target, self.keys, into), "fetching the manifests")
        return into


Publisher = LocalPublisher | SshPublisher


@contextlib.contextmanager
def publisher(target: Target, key_file: Path | None = None, known_hosts: Path | None = None, runner: Runner = run_command):
    """The publisher for ``target``; for a server, with its ssh keys ready for as long as the block runs."""
    if isinstance(target, LocalTarget):
        yield LocalPublisher(target)
        return
    with ssh_keys(key_file, known_hosts) as keys:
        yield SshPublisher(target, keys, runner)


# --- deploy and unpublish ------------------------------------------------------------------------


@dataclass(frozen=True)
class Deployed:
    manifest: Manifest
    published: bool  # False: the files were those already published; only the manifest was brought up to date


def check_site_name(site: str) -> None:
    if not SITE_NAME.fullmatch(site):
        raise DeployRefused(f"'{site}' is not a site name: a provider id or '{CATALOGUE}'")


def deploy(target: Publisher, folder: Path, site: str, commit: str, today: dt.date, now: dt.datetime | None = None) -> Deployed:
    """Publish the built site in ``folder`` as ``site``: upload into a new release, switch, then write the manifest.

    Files identical to those published (the same digest) are not uploaded again; the manifest then records the
    newer commit and day only. Any failure before the switch leaves the old site and manifest as they were.
    """
    check_site_name(site)
    if not COMMIT.fullmatch(commit):
        raise DeployRefused(
            f"'{commit[:60]}' is not a commit id (7 to 40 lowercase hexadecimal digits): give --commit as git rev-parse prints it"
        )
    if not (folder / "index.html").is_file():
        raise DeployRefused(f"{folder} holds no built site (no index.html): build it first")
    digest = site_digest(folder)
    when = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    current = target.manifest(site)
    served = target.current_release(site)
    if current is not None and current.digest == digest and served is not None and served == current.release:
        manifest = Manifest(site, commit, __version__, today, digest, served, when)
        if (current.commit, current.today) != (commit, today):
            target.write_manifest(manifest)
        else:
            manifest = current
        return Deployed(manifest, published=False)
    try:
        release = target.upload(folder, site, commit)
    except OSError as exc:
        raise DeployFailed(f"the upload of {site} failed ({exc.strerror or exc}); the site published before is still published") from None
    except DeployFailed as exc:
        raise DeployFailed(f"{exc.message}; the site published before is still published") from None
    manifest = Manifest(site, commit, __version__, today, digest, release, when)
    try:
        previous = target.switch(site, release)
        target.write_manifest(manifest)
    except OSError as exc:
        raise DeployFailed(f"publishing {site} failed ({exc.strerror or exc}); run the publish again to finish it") from None
    target.prune(site, [release, previous or ""])
    return Deployed(manifest, published=True)


def unpublish(target: Publisher, repo: Repository, site: str) -> None:
    """Remove a site whose provider is gone: its link, its releases, and last its manifest."""
    check_site_name(site)
    if site == CATALOGUE or site in repo.load().providers:
        raise DeployRefused(f"{site} is still in the repository: only a site whose provider folder is deleted is unpublished")
    try:
        target.unpublish(site)
    except OSError as exc:
        raise DeployFailed(f"unpublishing {site} failed ({exc.strerror or exc}); run it again to finish") from None


@contextlib.contextmanager
def published_manifests(location: str, key_file: Path | None = None, known_hosts: Path | None = None) -> Iterator[dict]:
    """The manifests at ``location``: a folder of them, or a target whose manifests are fetched."""
    target = parse_target(location)
    with publisher(target, key_file, known_hosts) as chosen, tempfile.TemporaryDirectory(prefix="hcweb-manifests-") as into:
        folder = chosen.fetch_manifests(Path(into))
        if isinstance(target, LocalTarget) and not folder.is_dir():
            raise DeployRefused(f"{folder} is not a folder: give the deploy target or a folder of *{MANIFEST_SUFFIX} files")
        yield read_manifests(folder)
