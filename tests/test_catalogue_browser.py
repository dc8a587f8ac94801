"""The coordinators' dashboard of the sample content in real headless Chromium: it fits a 1280-px screen.

Slow: run alone with `pytest -m browser`. With CI=true a missing Chromium is a failure, elsewhere a skip.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hcweb.cli import cli
from hcweb.repo import Repository
from helpers import PROJECT, TODAY, serve_folder

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 900}
SCROLLING = """() => ({
    page: [document.documentElement.scrollWidth, window.innerWidth],
    tables: [...document.querySelectorAll('.md-typeset__scrollwrap')].map(wrap => [wrap.scrollWidth, wrap.clientWidth]),
})"""


@pytest.fixture(scope="module")
def catalogue_url(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("catalogue")
    result = CliRunner().invoke(cli, ["--root", str(PROJECT), "build", "--catalogue", "--out", str(out), "--today", TODAY])
    assert result.exit_code == 0, result.output
    server, base = serve_folder(out / "catalogue")
    yield base
    server.shutdown()


def test_dashboard_fits_a_1280_px_screen_without_scrolling_sideways(browser, catalogue_url: str) -> None:
    context = browser.new_context(viewport=WIDE, locale="nb-NO")
    page = context.new_page()
    page.goto(f"{catalogue_url}/dashboard/", wait_until="networkidle")
    found = page.evaluate(SCROLLING)
    providers = sorted(p.name for p in Repository(PROJECT).load().providers.values())
    header = page.locator("table").nth(1).locator("thead").inner_text()
    context.close()
    assert found["page"][0] <= found["page"][1]
    assert len(found["tables"]) == 3  # the legend, who uses which text, reviews
    assert all(width <= visible for width, visible in found["tables"]), found["tables"]  # no table scrolls inside itself
    assert [name for name in providers if name not in " ".join(header.split())] == []


def test_the_check_sees_a_table_that_is_too_wide(browser, catalogue_url: str) -> None:
    context = browser.new_context(viewport=WIDE, locale="nb-NO")
    page = context.new_page()
    page.goto(f"{catalogue_url}/dashboard/", wait_until="networkidle")
    page.evaluate("() => { document.querySelector('table td').textContent = 'x'.repeat(400); }")
    found = page.evaluate(SCROLLING)
    context.close()
    assert any(width > visible for width, visible in found["tables"])
