from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import PROJECT, TODAY, base_tree, make_repo, serve_folder

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small valid content repository, committed."""
    return make_repo(tmp_path / "repo", base_tree())


CHROMIUM = Path(os.environ.get("HCWEB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's), shared by every browser test; with CI=true a missing one is a failure."""
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (install Debian's chromium package)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page on a laptop's screen (1280 x 900), in Norwegian."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def sample_sites(tmp_path_factory: pytest.TempPathFactory):
    """Every sample site, built once per test session and served over HTTP; yields the base URL (sites at /<provider-id>/)."""
    from click.testing import CliRunner

    from hcweb.cli import cli

    out = tmp_path_factory.mktemp("sample-sites")
    result = CliRunner().invoke(cli, ["--root", str(PROJECT), "build", "--all", "--jobs", "2", "--out", str(out), "--today", TODAY])
    assert result.exit_code == 0, result.output
    server, base = serve_folder(out)
    yield base
    server.shutdown()
