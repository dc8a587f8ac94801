"""Every way of building faster gives the same site, byte for byte, as the plain way: one process,
no render cache, and the theme rendering every page's menu whole (site/menu.py REUSE off).

The faster ways: the menu rendered once per branch (site/menu.py), a site's pages shared between
worker processes (site/build.py, render_share), pages and parts from the render cache, and sites
built in parallel. Compared on the sample content (every kind of page, languages, events,
redirects) and on a generated corpus whose menu has groups within groups.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hcweb.site import build as site_build
from hcweb.site import menu, mkdocs_config
from helpers import PROJECT, TODAY, run

sys.path.insert(0, str(PROJECT / "bench"))
from make_corpus import make_corpus  # noqa: E402

SHARED = ["austfjord-hf", "vestkyst-hf"]  # a page in English, events, redirects; a nynorsk site


def files_of(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def assert_same_sites(expected: Path, actual: Path, names: list[str]) -> None:
    for name in names:
        want, got = files_of(expected / name), files_of(actual / name)
        assert sorted(got) == sorted(want), f"{name}: other files"
        different = [path for path in want if want[path] != got[path]]
        assert not different, f"{name}: {len(different)} files differ, e.g. {different[:5]}"


def build(root: Path, out: Path, *args: str) -> None:
    result = run(root, "build", *args, "--out", str(out), "--today", TODAY)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module", autouse=True)
def small_menu_groups():
    """Menu groups of at most 8 entries: the small corpus's menu has groups by letter and runs within them."""
    patch = pytest.MonkeyPatch()
    patch.setattr(mkdocs_config, "MAX_GROUP", 8)
    yield
    patch.undo()


@pytest.fixture(scope="module")
def reference(tmp_path_factory, small_menu_groups):
    """The sample sites and a generated corpus, each built the plain way."""
    patch = pytest.MonkeyPatch()
    patch.setattr(menu, "REUSE", False)
    corpus = make_corpus(tmp_path_factory.mktemp("corpus") / "repo", 1, 80, 80, commits=0)
    out = tmp_path_factory.mktemp("plain")
    try:
        build(PROJECT, out / "samples", "--all", "--jobs", "1", "--no-cache")
        build(corpus, out / "corpus", "--provider", "hf-00", "--jobs", "1", "--no-cache")
    finally:
        patch.undo()
    return corpus, out


def sample_names(out: Path) -> list[str]:
    return sorted(path.name for path in out.iterdir() if path.is_dir() and not path.name.startswith("."))


def test_the_menu_rendered_once_per_branch_is_the_themes(reference, tmp_path):
    corpus, plain = reference
    build(PROJECT, tmp_path / "samples", "--all", "--jobs", "1", "--no-cache")
    build(corpus, tmp_path / "corpus", "--provider", "hf-00", "--jobs", "1", "--no-cache")
    assert_same_sites(plain / "samples", tmp_path / "samples", sample_names(plain / "samples"))
    assert_same_sites(plain / "corpus", tmp_path / "corpus", ["hf-00"])


def test_a_site_shared_between_processes_is_the_same_site(reference, tmp_path, monkeypatch):
    corpus, plain = reference
    monkeypatch.setattr(site_build, "SPLIT_MIN", 1)  # share even a small sample site
    for provider in SHARED:
        build(PROJECT, tmp_path / "samples", "--provider", provider, "--jobs", "2", "--no-cache")
    build(corpus, tmp_path / "corpus", "--provider", "hf-00", "--jobs", "2", "--no-cache")
    assert_same_sites(plain / "samples", tmp_path / "samples", SHARED)
    assert_same_sites(plain / "corpus", tmp_path / "corpus", ["hf-00"])


def test_shared_and_cached_builds_are_the_same_site(reference, tmp_path, monkeypatch):
    """Three processes on a site, then again with every page from the render cache."""
    corpus, plain = reference
    monkeypatch.setattr(site_build, "SPLIT_MIN", 1)
    out = tmp_path / "corpus"
    build(corpus, out, "--provider", "hf-00", "--jobs", "3")
    assert_same_sites(plain / "corpus", out, ["hf-00"])
    build(corpus, out, "--provider", "hf-00", "--jobs", "2", "--force")
    assert_same_sites(plain / "corpus", out, ["hf-00"])


def test_every_site_in_parallel_is_the_same(reference, tmp_path):
    _, plain = reference
    build(PROJECT, tmp_path / "samples", "--all", "--jobs", "2")
    assert_same_sites(plain / "samples", tmp_path / "samples", sample_names(plain / "samples"))
