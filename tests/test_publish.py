"""Publishing: plans from the manifests at the target, atomic deploys, unpublishing, and the ssh target's commands.

A bare repository stands in for GitHub (the origin), a clone of it for the checkout of a publish run, and a
local folder for the web server the sites are published to.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hcweb import publish
from helpers import TODAY, base_tree, commit, edit_file, git, make_repo, provider_yml, run

GAMMA = "content/providers/gamma-hf/provider.yml"
SITES = ["alfa-hf", "beta-hf", "catalogue", "gamma-hf"]


def origin_and_clone(tmp_path: Path, files: dict[str, str]) -> tuple[Path, Path]:
    """An author's repository pushed to a bare origin, and a clone of the origin (where publish runs)."""
    work = make_repo(tmp_path / "work", files)
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "-q", "origin", "main")
    git(tmp_path, "clone", "-q", str(origin), str(tmp_path / "ci"))
    return work, tmp_path / "ci"


def push(work: Path, message: str) -> None:
    commit(work, message, "2026-11-01T12:00:00")
    git(work, "push", "-q", "origin", "main")


def checkout_latest(ci: Path) -> None:
    """What a run's checkout does: the pushed main, whole history."""
    git(ci, "fetch", "-q", "origin")
    git(ci, "checkout", "-q", "--detach", "origin/main")


def plan(ci: Path, target: Path, today: str = TODAY, *extra: str) -> dict:
    result = run(ci, "publish-plan", "--published", str(target), "--today", today, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def planned(data: dict, key: str = "build") -> list[str]:
    return [item["site"] for item in data[key]]


def publish_run(ci: Path, target: Path, out: Path, today: str = TODAY) -> dict:
    """One publish run as the workflow makes it: plan, then per site build and deploy; unpublish the gone."""
    data = plan(ci, target, today)
    for site in planned(data):
        selection = ["--catalogue"] if site == "catalogue" else ["--provider", site]
        built = run(ci, "build", *selection, "--out", str(out), "--today", today)
        assert built.exit_code == 0, built.output
        deployed = run(ci, "deploy", str(out / site), "--site", site, "--target", str(target), "--today", today)
        assert deployed.exit_code == 0, deployed.output
    for site in planned(data, "unpublish"):
        removed = run(ci, "unpublish", "--site", site, "--target", str(target))
        assert removed.exit_code == 0, removed.output
    return data


def manifest(target: Path, site: str) -> dict:
    return json.loads((target / f"{site}.published.json").read_text(encoding="utf-8"))


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def tree_with_gamma() -> dict[str, str]:
    return base_tree() | {GAMMA: provider_yml("gamma-hf", "Helse Gamma HF", "helse-midt-norge", ["Siri Gamma"], ["midt"])}


def test_a_cancelled_run_is_caught_up_and_a_deleted_provider_unpublished(tmp_path: Path) -> None:
    work, ci = origin_and_clone(tmp_path, tree_with_gamma())
    target, out = tmp_path / "www", tmp_path / "out"
    target.mkdir()

    first = publish_run(ci, target, out)
    assert planned(first) == SITES and all(item["reason"] == "never published there" for item in first["build"])
    for site in SITES:  # the catalogue and dashboard too, each a site with its own manifest
        assert (target / site).is_symlink() and (target / site / "index.html").is_file()
        assert manifest(target, site)["commit"] == head(ci) and manifest(target, site)["today"] == TODAY
    assert planned(plan(ci, target)) == []

    edit_file(work, "content/providers/beta-hf/pages/om-oss.md", "Et lite helseforetak.", "Et lite og godt helseforetak.")
    approved = run(work, "approve", str(work / "content/providers/beta-hf/pages/om-oss.md"), "--by", "Ola Nord", "--today", TODAY)
    assert approved.exit_code == 0, approved.output
    push(work, "beta-hf: about page")  # its run is cancelled before it deploys anything
    edit_file(work, "content/providers/alfa-hf/provider.yml", 'phone: "22 00 00 01"', 'phone: "22 00 00 09"')
    push(work, "alfa-hf: new phone number")
    checkout_latest(ci)
    assert run(ci, "affected", "--base", "HEAD~1").stdout.split() == ["alfa-hf"]  # what comparing with the push alone finds

    second = plan(ci, target)
    assert planned(second) == ["alfa-hf", "beta-hf"] and planned(second, "unpublish") == []
    assert "published from" in second["build"][0]["reason"]
    since = run(ci, "affected", "--since-published", str(target), "--today", TODAY, "--format", "github-matrix")
    assert since.exit_code == 0 and since.stdout.strip() == '{"site":["alfa-hf","beta-hf"]}'
    publish_run(ci, target, out)
    assert manifest(target, "beta-hf")["commit"] == head(ci) and manifest(target, "gamma-hf")["commit"] != head(ci)
    assert "Et lite og godt helseforetak." in (target / "beta-hf/om-oss/index.html").read_text(encoding="utf-8")
    assert planned(plan(ci, target)) == []

    shutil.rmtree(work / "content/providers/gamma-hf")
    push(work, "gamma-hf leaves the common solution")
    checkout_latest(ci)
    third = plan(ci, target)
    assert third["unpublish"] == [{"site": "gamma-hf", "reason": "content/providers/gamma-hf is gone"}]
    assert "gamma-hf" not in planned(third)
    publish_run(ci, target, out)
    assert not (target / "gamma-hf").exists() and not (target / "gamma-hf.published.json").exists()
    assert not (target / ".releases/gamma-hf").exists()
    assert plan(ci, target)["unpublish"] == [] and planned(plan(ci, target)) == []


def test_the_plan_names_what_it_does_for_github(tmp_path: Path) -> None:
    work, ci = origin_and_clone(tmp_path, base_tree())
    target = tmp_path / "www"
    target.mkdir()
    (target / "gone-hf.published.json").write_text("{}", encoding="utf-8")  # unreadable: as good as missing
    (target / "alfa-hf.published.json").write_text("not json", encoding="utf-8")
    (target / "beta-hf.published.json").write_text(
        json.dumps(
            {
                "site": "beta-hf",
                "commit": "0" * 40,
                "tool": "0.1.0",
                "today": TODAY,
                "digest": "sha256:x",
                "release": ".releases/beta-hf/0-1",
                "published_at": "x",
            }
        ),
        encoding="utf-8",
    )
    result = run(ci, "publish-plan", "--published", str(target), "--today", TODAY, "--format", "github-matrix")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        'build={"site":["alfa-hf","beta-hf","catalogue"]}',
        'unpublish={"site":["gone-hf"]}',
        f"today={TODAY}",
    ]
    assert "build alfa-hf: its manifest cannot be read" in result.stderr
    assert "build beta-hf: its published commit 000000000000 is not in this repository's history" in result.stderr
    assert "build catalogue: never published there" in result.stderr
    everything = run(ci, "publish-plan", "--published", str(target), "--rebuild", "all", "--today", TODAY)
    assert "build alfa-hf: a rebuild was asked for" in everything.stdout
    unknown = run(ci, "publish-plan", "--published", str(target), "--rebuild", "nowhere-hf")
    assert unknown.exit_code == 2 and "there is no site 'nowhere-hf' to rebuild" in unknown.output
    missing = run(ci, "publish-plan", "--published", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and "is not a folder" in missing.output


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A repository and its sites built for 2027-01-05 (beta-hf's knee school on 2027-01-10 is still ahead)."""
    root = tmp_path_factory.mktemp("published")
    repo = make_repo(root / "repo", base_tree())
    out = root / "out"
    built = run(repo, "build", "--all", "--catalogue", "--out", str(out), "--today", "2027-01-05")
    assert built.exit_code == 0, built.output
    return repo, out


def deploy(repo: Path, folder: Path, target: Path, site: str, today: str = "2027-01-05"):
    return run(repo, "deploy", str(folder), "--site", site, "--target", str(target), "--today", today)


def publish_all(repo: Path, out: Path, target: Path) -> None:
    for site in ("alfa-hf", "beta-hf", "catalogue"):
        assert deploy(repo, out / site, target, site).exit_code == 0


def test_the_nightly_run_plans_only_the_sites_whose_pages_change_with_the_date(published, tmp_path: Path) -> None:
    repo, out = published
    target = tmp_path / "www"
    publish_all(repo, out, target)
    assert planned(plan(repo, target, "2027-01-05")) == []
    # The dashboard shows the day and the days left until each review: it changes every day. No provider page does.
    assert planned(plan(repo, target, "2027-01-08")) == ["catalogue"]
    nightly = plan(repo, target, "2027-01-20")  # the knee school is over: beta-hf's pages no longer list it
    assert planned(nightly) == ["beta-hf", "catalogue"]
    assert nightly["build"][0]["reason"] == f"its pages differ from those published from {head(repo)[:12]} for 2027-01-05"

    later = tmp_path / "later"
    assert run(repo, "build", "--provider", "beta-hf", "--out", str(later), "--today", "2027-01-20").exit_code == 0
    assert deploy(repo, later / "beta-hf", target, "beta-hf", "2027-01-20").exit_code == 0
    assert "Kneskole" not in (target / "beta-hf/arrangementer/index.html").read_text(encoding="utf-8")
    assert planned(plan(repo, target, "2027-01-20")) == ["catalogue"]


def test_identical_files_are_not_published_again(published, tmp_path: Path) -> None:
    repo, out = published
    target = tmp_path / "www"
    assert deploy(repo, out / "alfa-hf", target, "alfa-hf").exit_code == 0
    release = os.readlink(target / "alfa-hf")
    again = deploy(repo, out / "alfa-hf", target, "alfa-hf", "2027-01-08")
    assert again.exit_code == 0 and again.stdout.startswith("unchanged alfa-hf: its files are those published")
    assert os.readlink(target / "alfa-hf") == release and manifest(target, "alfa-hf")["today"] == "2027-01-08"
    assert sorted(p.name for p in (target / ".releases/alfa-hf").iterdir()) == [Path(release).name]


def changed_copy(source: Path, into: Path, note: str) -> Path:
    shutil.copytree(source, into)
    with (into / "index.html").open("a", encoding="utf-8") as handle:
        handle.write(f"<!-- {note} -->\n")
    return into


def test_a_failed_upload_leaves_the_old_site_and_manifest(published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, out = published
    target = tmp_path / "www"
    assert deploy(repo, out / "beta-hf", target, "beta-hf").exit_code == 0
    before = files_of(target / "beta-hf")
    manifest_bytes = (target / "beta-hf.published.json").read_bytes()
    link = os.readlink(target / "beta-hf")
    copies = []

    def copy_then_fail(source: str, destination: str) -> None:
        if len(copies) == 5:
            raise OSError(28, "No space left on device")
        copies.append(destination)
        shutil.copy2(source, destination)

    monkeypatch.setattr(publish, "_copy_file", copy_then_fail)
    result = deploy(repo, changed_copy(out / "beta-hf", tmp_path / "new", "changed"), target, "beta-hf")
    assert result.exit_code == 1
    assert result.output == (
        "Error: the upload of beta-hf failed (No space left on device); the site published before is still published\n"
    )
    assert copies  # it failed midway
    assert os.readlink(target / "beta-hf") == link and files_of(target / "beta-hf") == before
    assert (target / "beta-hf.published.json").read_bytes() == manifest_bytes
    assert [p.name for p in (target / ".releases/beta-hf").iterdir()] == [Path(link).name]  # the half upload is gone


def test_the_switch_is_one_rename_to_a_complete_release_and_two_releases_are_kept(
    published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, out = published
    target = tmp_path / "www"
    switch = publish.LocalPublisher.switch
    seen = []

    def checked_switch(self, site: str, release: str):
        if (target / site).exists():  # still the old, complete site while the new one is uploaded
            assert (target / site).is_symlink() and (target / site / "index.html").is_file()
        assert publish.site_digest(target / release) == publish.site_digest(folder)  # the new release is whole
        previous = switch(self, site, release)
        assert os.readlink(target / site) == release
        seen.append(release)
        return previous

    monkeypatch.setattr(publish.LocalPublisher, "switch", checked_switch)
    for number in range(3):
        folder = changed_copy(out / "alfa-hf", tmp_path / f"v{number}", f"version {number}")
        assert deploy(repo, folder, target, "alfa-hf").exit_code == 0
    assert len(seen) == 3 and os.readlink(target / "alfa-hf") == seen[-1]
    assert sorted(p.name for p in (target / ".releases/alfa-hf").iterdir()) == sorted(Path(r).name for r in seen[1:])
    assert manifest(target, "alfa-hf")["release"] == seen[-1] and seen[-1].startswith(f".releases/alfa-hf/{head(repo)[:12]}-")
    assert manifest(target, "alfa-hf")["digest"] == publish.site_digest(tmp_path / "v2")
    assert "version 2" in (target / "alfa-hf/index.html").read_text(encoding="utf-8")


def test_a_site_published_before_releases_becomes_the_previous_release(published, tmp_path: Path) -> None:
    repo, out = published
    target = tmp_path / "www"
    shutil.copytree(out / "beta-hf", target / "beta-hf")  # as the old rsync deploy left it
    assert deploy(repo, out / "beta-hf", target, "beta-hf").exit_code == 0
    assert (target / "beta-hf").is_symlink()
    assert sorted(p.name for p in (target / ".releases/beta-hf").iterdir()) == sorted([f"{head(repo)[:12]}-1", "legacy-1"])


@pytest.mark.parametrize("target", ["", "   "])
def test_deploy_refuses_an_empty_target(published, target: str) -> None:
    repo, out = published
    result = run(repo, "deploy", str(out / "alfa-hf"), "--site", "alfa-hf", "--target", target)
    assert result.exit_code == 2
    assert result.output == f"Error: {publish.NO_TARGET}\n"
    assert run(repo, "unpublish", "--site", "gone-hf").exit_code == 2


def test_deploy_refuses_an_ssh_target_without_its_secrets(published, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, out = published
    monkeypatch.delenv("DEPLOY_KNOWN_HOSTS", raising=False)
    monkeypatch.delenv("DEPLOY_SSH_KEY", raising=False)
    args = ["deploy", str(out / "alfa-hf"), "--site", "alfa-hf", "--target", "ssh://deploy@web.example.no/srv/www"]
    unknown = run(repo, *args)
    assert unknown.exit_code == 2 and "a host key is never accepted on first sight" in unknown.output
    monkeypatch.setenv("DEPLOY_KNOWN_HOSTS", "web.example.no ssh-ed25519 AAAA")
    monkeypatch.setenv("DEPLOY_SSH_KEY", "")
    empty = run(repo, *args)
    assert empty.exit_code == 2 and empty.output == "Error: DEPLOY_SSH_KEY is empty: the secret is missing from this environment\n"
    old_style = run(repo, "deploy", str(out / "alfa-hf"), "--target", "deploy@web.example.no:/srv/www")
    assert old_style.exit_code == 2 and "as ssh://user@host/path" in old_style.output


def test_unpublish_refuses_a_site_still_in_the_repository(published, tmp_path: Path) -> None:
    repo, out = published
    result = run(repo, "unpublish", "--site", "beta-hf", "--target", str(tmp_path))
    assert result.exit_code == 2 and "beta-hf is still in the repository" in result.output


@pytest.mark.parametrize("commit", ["../../../x", "$(touch pwned)", "HEAD", "abc"])
def test_deploy_refuses_a_commit_that_is_not_a_commit_id_and_writes_nothing(published, tmp_path: Path, commit: str) -> None:
    """The commit names the release folder (and, over ssh, goes into the server's script): only hexadecimal ids."""
    repo, out = published
    target = tmp_path / "www"
    target.mkdir()
    result = run(repo, "deploy", str(out / "alfa-hf"), "--site", "alfa-hf", "--target", str(target), "--commit", commit)
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and "is not a commit id" in result.output and len(result.output.splitlines()) == 1
    assert list(target.iterdir()) == [] and list(tmp_path.iterdir()) == [target]


def test_a_site_name_is_a_whole_name_not_one_followed_by_a_new_line(tmp_path: Path) -> None:
    """A manifest named 'alfa-hf\\n.published.json' at the target is no manifest of alfa-hf (to unpublish it took the site down)."""
    with pytest.raises(publish.DeployRefused):
        publish.check_site_name("alfa-hf\n")
    (tmp_path / "alfa-hf\n.published.json").write_text("{}", encoding="utf-8")
    assert publish.read_manifests(tmp_path) == {}


def test_the_server_scripts_quote_every_name() -> None:
    for script in (
        publish.new_release_script("/srv/www", "alfa-hf", "0123456789abcdef"),
        publish.switch_script("/srv/www", "alfa-hf", ".releases/alfa-hf/0123456789ab-1"),
        publish.unpublish_script("/srv/www", "a b"),
        publish.current_release_script("/srv/www", "a b"),
    ):
        assert "a b" not in script or "'a b'" in script


def test_unpublish_to_a_target_that_is_a_file_is_one_line(published, tmp_path: Path) -> None:
    repo, _ = published
    plain = tmp_path / "plain"
    plain.write_text("not a folder", encoding="utf-8")
    result = run(repo, "unpublish", "--site", "gone-hf", "--target", str(plain))
    assert result.exit_code == 2 and len(result.output.splitlines()) == 1 and "is not a folder" in result.output


# -- the ssh target: the command lines, and the server's scripts run here by sh ---------------------


def test_targets_are_read_from_urls_and_paths(tmp_path: Path) -> None:
    assert publish.parse_target(f"file://{tmp_path}") == publish.LocalTarget(tmp_path)
    assert publish.parse_target(str(tmp_path)) == publish.LocalTarget(tmp_path)
    assert publish.parse_target("ssh://deploy@web.example.no:2222/srv/www/") == publish.SshTarget("deploy@web.example.no", "/srv/www", 2222)
    assert publish.parse_target("rsync://deploy@web.example.no/srv/www") == publish.SshTarget("deploy@web.example.no", "/srv/www")
    with pytest.raises(publish.DeployRefused):
        publish.parse_target("s3://bucket/path")


def test_ssh_and_rsync_check_the_host_key_against_the_known_hosts_given(tmp_path: Path) -> None:
    keys = publish.SshKeys(tmp_path / "key", tmp_path / "known_hosts")
    target = publish.SshTarget("deploy@web.example.no", "/srv/www", 2222)
    options = [
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        f"UserKnownHostsFile={tmp_path}/known_hosts",
        "-o",
        "IdentitiesOnly=yes",
        "-i",
        f"{tmp_path}/key",
        "-p",
        "2222",
    ]
    assert publish.ssh_command(target, keys, "true") == ["ssh", *options, "deploy@web.example.no", "true"]
    rsync = publish.rsync_command(target, keys, "site/", "/srv/www/.releases/alfa-hf/abc-1/")
    assert rsync[:3] == ["rsync", "--archive", "--chmod=D755,F644"]
    assert rsync[3:5] == ["-e", " ".join(["ssh", *options])]
    assert rsync[5:] == ["site/", "deploy@web.example.no:/srv/www/.releases/alfa-hf/abc-1/"]
    assert "accept-new" not in " ".join(rsync)


def test_ssh_keys_come_from_the_secrets_in_private_files() -> None:
    env = {"DEPLOY_SSH_KEY": "-----BEGIN KEY-----\nabc\n-----END KEY-----", "DEPLOY_KNOWN_HOSTS": "web.example.no ssh-ed25519 AAAA"}
    with publish.ssh_keys(None, None, env) as keys:
        assert keys.identity.read_text() == env["DEPLOY_SSH_KEY"] + "\n"
        assert keys.identity.stat().st_mode & 0o777 == 0o600 and keys.known_hosts.stat().st_mode & 0o777 == 0o600
        assert keys.known_hosts.read_text() == env["DEPLOY_KNOWN_HOSTS"] + "\n"
    assert not keys.identity.exists()


class LocalShell:
    """Runs what SshPublisher would run on the server here: ssh's script by sh, rsync's copy by Python."""

    def __init__(self) -> None:
        self.commands: list[list[str]] = []

    def __call__(self, command: list[str]) -> subprocess.CompletedProcess:
        self.commands.append(command)
        if command[0] == "ssh":
            return subprocess.run(["sh", "-c", command[-1]], capture_output=True, text=True, check=False)
        source, destination = command[-2], command[-1]
        if ":" in source:  # fetching from the server: the files the --include names
            for path in Path(source.split(":", 1)[1]).glob(command[2].removeprefix("--include=")):
                shutil.copy(path, destination)
            return subprocess.CompletedProcess(command, 0, "", "")
        destination = destination.split(":", 1)[1]
        if source.endswith("/"):
            shutil.copytree(source, destination, dirs_exist_ok=True)
        elif source:
            shutil.copy(source, destination)
        return subprocess.CompletedProcess(command, 0, "", "")


def test_the_ssh_publisher_uploads_switches_and_writes_the_manifest_last(published, tmp_path: Path) -> None:
    repo, out = published
    server = tmp_path / "srv"
    server.mkdir()
    shell = LocalShell()
    target = publish.SshPublisher(publish.SshTarget("deploy@web.example.no", str(server)), publish.SshKeys(None, tmp_path / "kh"), shell)
    sha = head(repo)
    import datetime as dt

    first = publish.deploy(target, out / "beta-hf", "beta-hf", sha, dt.date(2027, 1, 5))
    assert first.published and os.readlink(server / "beta-hf") == f".releases/beta-hf/{sha[:12]}-1"
    assert publish.read_manifests(server)["beta-hf"] == first.manifest
    assert shell.commands[-2][0] == "rsync" and shell.commands[-2][-1].endswith("/beta-hf.published.json")  # then prune
    for number in range(2):
        publish.deploy(target, changed_copy(out / "beta-hf", tmp_path / f"v{number}", str(number)), "beta-hf", sha, dt.date(2027, 1, 5))
    assert os.readlink(server / "beta-hf") == f".releases/beta-hf/{sha[:12]}-3"
    assert sorted(p.name for p in (server / ".releases/beta-hf").iterdir()) == [f"{sha[:12]}-2", f"{sha[:12]}-3"]
    assert files_of(server / "beta-hf") == files_of(tmp_path / "v1")
    fetched = tmp_path / "fetched"
    fetched.mkdir()
    assert publish.read_manifests(target.fetch_manifests(fetched)) == {"beta-hf": publish.read_manifests(server)["beta-hf"]}
    target.unpublish("beta-hf")
    assert sorted(os.listdir(server)) == [".releases"] and not (server / ".releases/beta-hf").exists()


def test_site_digest_covers_names_and_bytes(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text("x", encoding="utf-8")
    first = publish.site_digest(tmp_path / "a")
    (tmp_path / "a/index.html").write_text("y", encoding="utf-8")
    second = publish.site_digest(tmp_path / "a")
    (tmp_path / "a/index.html").rename(tmp_path / "a/other.html")
    assert len({first, second, publish.site_digest(tmp_path / "a")}) == 3
    assert first == "sha256:" + hashlib.sha256(f"file index.html {hashlib.sha256(b'x').hexdigest()}\n".encode()).hexdigest()
