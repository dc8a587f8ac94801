"""tools/screenshots.py (`make screenshots`) finds its pages in the sample content, and they are in the built site."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from hcweb.repo import Repository
from helpers import PROJECT, TODAY


def screenshots_module():
    spec = importlib.util.spec_from_file_location("screenshots", PROJECT / "tools/screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_pages_to_photograph_are_a_treatment_the_home_page_and_a_location_of_the_built_sample_site(tmp_path: Path) -> None:
    screenshots = screenshots_module()
    content = Repository(PROJECT).load()
    provider = screenshots.sample_provider(content)
    pages = screenshots.pages_of(content, provider)
    assert set(pages) == {"home", "treatment", "location"}
    overlay = screenshots.treatments(content, provider)[0]
    assert content.national[overlay.uses].type == "treatment" and pages["treatment"] == overlay.url
    site = screenshots.build(provider.id, tmp_path, TODAY)
    for name, address in pages.items():
        page = site / address.strip("/") / "index.html"
        assert page.is_file(), (name, address)
    location = provider.location(pages["location"].rstrip("/").rsplit("/", 1)[-1])
    assert location is not None and location.name in (site / pages["location"].strip("/") / "index.html").read_text(encoding="utf-8")
