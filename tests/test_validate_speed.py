"""The shortcuts that make validate fast on a national corpus say exactly what the long way says.

- Which national texts an overlay shows is read from the overlay and its snippets, never from the
  revisions shown: one provider's files are found with the expansions the checks make anyway.
- validate --provider reports, for that provider's files and the national texts it shows, what
  validate of everything reports for them.
"""

from __future__ import annotations

import json
import sys

import pytest

from hcweb import checks
from hcweb.checks.overlays import national_ids
from hcweb.repo import Repository
from helpers import PROJECT, run

sys.path.insert(0, str(PROJECT / "bench"))
from make_corpus import make_corpus  # noqa: E402

TODAY = "2026-11-29"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Three providers and a history of twelve commits: many overlays pinned to older revisions, some approved again."""
    return make_corpus(tmp_path_factory.mktemp("speed") / "corpus", 3, 30, 12, commits=12)


def test_the_texts_an_overlay_shows_are_the_same_at_any_revision(corpus) -> None:
    repo = Repository(corpus)
    content = repo.load()
    pinned = 0
    for provider_id, provider in content.providers.items():
        for overlay in provider.overlays:
            assert national_ids(content, provider, overlay, repo.git) == national_ids(content, provider, overlay)
            pinned += any(content.national[t].revision != r for t, r in overlay.approved.revisions.items())
        assert checks.relevant_paths(content, provider_id, repo.git) == checks.relevant_paths(content, provider_id)
    assert pinned  # the corpus has overlays that show an older revision


def test_one_provider_is_told_what_everything_tells_about_its_files(corpus) -> None:
    everything = run(corpus, "validate", "--today", TODAY, "--format", "json")
    assert everything.exit_code == 0, everything.output
    whole = {tuple(sorted(d.items())) for d in _diagnostics(everything.output)}
    content = Repository(corpus).load()
    told = 0
    for provider_id in content.providers:
        relevant = checks.relevant_paths(content, provider_id)
        one = run(corpus, "validate", "--provider", provider_id, "--today", TODAY, "--format", "json")
        assert one.exit_code == 0, one.output
        found = {tuple(sorted(d.items())) for d in _diagnostics(one.output)}
        assert found == {d for d in whole if checks._is_relevant(dict(d)["path"], relevant)}
        told += len(found)
    assert told  # stale approvals, at least: the comparison is about something


def _diagnostics(output: str) -> list[dict]:
    return json.loads(output[output.index("[") : output.rindex("]") + 1])
