from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import base_tree, make_repo

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
