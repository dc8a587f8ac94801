"""validate reads git's history in one pass, keeps what it read by commit id, and says the same either way.

The history of a repository is read with a fixed number of git processes, however many files and
commits it has (never one per file). What a commit holds never changes, so it is kept between runs in
.git/hcweb-history.json; a new commit is read again, a change in the working tree is always seen, and
a damaged or foreign cache is not trusted. Every run with the cache says exactly what a run without it says.
"""

from __future__ import annotations

import gc
import json
import shutil
import sys
from pathlib import Path

import git.cmd
import pytest

from helpers import PROJECT, TODAY, base_tree, commit, make_repo, run

sys.path.insert(0, str(PROJECT / "bench"))
from make_corpus import make_corpus  # noqa: E402

KNEE = "content/common/treatments/knee-replacement.md"
BETA_KNEE = "content/providers/beta-hf/treatments/knee-replacement.md"
CACHE = ".git/hcweb-history.json"


def revise_knee(repo: Path, number: int, date: str, commit_it: bool = True) -> None:
    """The owner rewrites a sentence of the national knee text and approves it that day (beta-hf stays pinned)."""
    path = repo / KNEE
    text = path.read_text(encoding="utf-8")
    sentence = next(line for line in text.splitlines() if line.startswith("Fastlegen"))
    path.write_text(text.replace(sentence, f"Fastlegen henviser deg ({number}).", 1), encoding="utf-8")
    approved = run(repo, "approve", str(path), "--by", "Kari Berg", "--on", date[:10], "--today", date[:10])
    assert approved.exit_code == 0, approved.output
    if commit_it:
        commit(repo, f"revision {number}", date=date)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """base_tree, then the national knee text revised and approved by its owner in five commits: beta-hf's approval is stale."""
    repo = make_repo(tmp_path_factory.mktemp("history") / "repo", base_tree())
    for number in range(1, 6):
        revise_knee(repo, number, f"2026-10-{number:02d}T09:00:00")
    return repo


@pytest.fixture
def repo(history: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(history, copy)
    (copy / CACHE).unlink(missing_ok=True)
    return copy


def validate(repo: Path) -> str:
    """validate's output, with the cache written back as at the end of a run."""
    result = run(repo, "validate", "--today", TODAY)
    output, code = result.output, result.exit_code
    del result  # the run's objects go, and with them the view of git, which writes the cache back
    gc.collect()
    assert code in (0, 1), output
    return output


def without_cache(repo: Path) -> str:
    (repo / CACHE).unlink(missing_ok=True)
    output = validate(repo)
    (repo / CACHE).unlink(missing_ok=True)
    return output


class GitProcesses:
    """The git commands started while it watches (GitPython starts every process through git.cmd.safer_popen)."""

    def __init__(self, monkeypatch) -> None:
        self.commands: list[list[str]] = []
        real = git.cmd.safer_popen

        def spy(command, *args, **kwargs):
            self.commands.append([str(part) for part in command])
            return real(command, *args, **kwargs)

        monkeypatch.setattr(git.cmd, "safer_popen", spy)

    def named(self, name: str) -> list[list[str]]:
        return [command for command in self.commands if name in command[1:3]]


def test_the_cache_says_what_history_says(repo: Path) -> None:
    cold = validate(repo)
    assert "[approval-stale]" in cold  # the pin to the first revision is found on the main line
    assert (repo / CACHE).is_file()
    assert validate(repo) == cold


def test_a_warm_run_reads_no_log_and_a_cold_one_a_fixed_number_of_processes(repo: Path, tmp_path: Path, monkeypatch) -> None:
    watched = GitProcesses(monkeypatch)
    validate(repo)
    cold = len(watched.commands)
    assert len(watched.named("log")) == 2  # the main line and HEAD, once each
    watched.commands.clear()
    validate(repo)
    assert watched.named("log") == []
    # More files and more commits: not one process more (none is started per file or per commit).
    bigger = make_repo(
        tmp_path / "bigger", {**base_tree(), **{f"content/providers/beta-hf/snippets/s{n}.md": f"Tekst {n}.\n" for n in range(30)}}
    )
    for number in range(1, 12):
        revise_knee(bigger, number, f"2026-10-{number:02d}T09:00:00")
    watched.commands.clear()
    validate(bigger)
    assert len(watched.commands) == cold


def test_a_new_commit_is_read_again(repo: Path) -> None:
    validate(repo)
    revise_knee(repo, 6, "2026-11-02T09:00:00")
    warm = validate(repo)
    assert "its owner approved a new revision on 2026-11-02" in warm
    assert warm == without_cache(repo)


def test_a_change_not_committed_is_seen_with_a_warm_cache(repo: Path) -> None:
    validate(repo)
    revise_knee(repo, 6, "2026-11-02T09:00:00", commit_it=False)  # approved, but not committed: its words are not yet in history
    warm = validate(repo)
    assert f"{KNEE}:" in warm and "is not committed yet" in warm
    assert warm == without_cache(repo)


def test_a_cache_from_other_code_or_damaged_is_not_trusted(repo: Path) -> None:
    cold = validate(repo)
    cache = repo / CACHE
    data = json.loads(cache.read_text(encoding="utf-8"))
    assert data["versions"]
    # The cache is what a run reads: with every kept revision wrong, the pinned revision is no longer found ...
    wrong = {**data, "versions": {key: ["000000000000", True, False] for key in data["versions"]}}
    cache.write_text(json.dumps(wrong), encoding="utf-8")
    assert "[approval-revision-missing]" in validate(repo)
    # ... but a cache written by other code is not read,
    cache.write_text(json.dumps({**wrong, "code": "other"}), encoding="utf-8")
    assert validate(repo) == cold
    # and neither is one that is damaged.
    for damaged in ("{", "[]", json.dumps({**data, "versions": dict.fromkeys(data["versions"], "x"), "logs": {"a": 1}})):
        cache.write_text(damaged, encoding="utf-8")
        assert validate(repo) == cold


def test_the_corpus_generator_commits_a_history_that_validates(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", 2, 12, 6, commits=8)
    log = [line.split() for line in git.Git(corpus).log("--format=%H %ct").splitlines()]
    assert len(log) == 10
    times = [int(stamp) for _, stamp in log]
    assert times == sorted(times, reverse=True) and len(set(times)) == 10  # distinct, increasing commit dates
    assert git.Git(corpus).status("--porcelain") == ""
    result = run(corpus, "validate", "--today", "2026-11-29")
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output
    assert "[approval-stale]" in result.output  # some overlays stay pinned to an older revision
    again = make_corpus(tmp_path / "again", 2, 12, 6, commits=8)
    assert git.Git(again).rev_parse("HEAD") == log[0][0]  # the same seed, the same history, commit for commit


def test_a_file_named_with_norwegian_letters_has_its_history(tmp_path: Path) -> None:
    page = "content/providers/beta-hf/pages/søvn-og-hvile.md"
    text = "---\ntitle: Søvn og hvile\nresponsible:\n  name: Ola Nord\n  title: Overlege\napproved: {by: Ola Nord, on: 2026-02-01, local: unsealed}\n---\nSov godt.\n"
    repo = make_repo(tmp_path / "repo", {**base_tree(), page: text}, date="2026-06-01T12:00:00")
    output = validate(repo)
    assert f"{page}:6: error: the approval is dated 2026-02-01, but {page} was committed on 2026-06-01" in output, output
