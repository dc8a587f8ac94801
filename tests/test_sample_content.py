"""The sample content that ships with the repository: valid, complete as the brief asks, and buildable."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from hcweb.cli import cli
from hcweb.repo import Repository
from helpers import PROJECT, TODAY


def test_sample_content_validates_without_errors() -> None:
    result = CliRunner().invoke(cli, ["--root", str(PROJECT), "validate", "--today", TODAY])
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_sample_content_covers_the_brief() -> None:
    content = Repository(PROJECT).load()
    providers = content.providers.values()
    assert len(content.providers) >= 4
    assert {p.region for p in providers} == {"helse-sor-ost", "helse-vest", "helse-midt-norge", "helse-nord"}
    assert any(p.kind == "private-hospital" for p in providers)
    assert len(content.national) >= 8
    assert len({t.owner for t in content.national.values()}) >= 2
    assert {t.type for t in content.national.values()} >= {"treatment", "examination", "patient-pathway"}
    for provider in providers:
        assert len(provider.locations) >= 3, provider.id
        assert {"hospital", "dps"} <= {loc.kind for loc in provider.locations}, provider.id
        assert provider.overlays and provider.pages and provider.events, provider.id
        assert any(o.body.strip() and "## " in o.body for o in provider.overlays), f"{provider.id} adds no local text"
    adopters = {text_id: {p.id for p in providers if any(o.uses == text_id for o in p.overlays)} for text_id in content.national}
    assert any(0 < len(users) < len(content.providers) for users in adopters.values())
    assert any(p.kind == "tsb" for provider in providers for p in provider.locations)


def test_sample_sites_build(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(cli, ["--root", str(PROJECT), "build", "--all", "--out", str(out), "--today", TODAY])
    assert result.exit_code == 0, result.output
    content = Repository(PROJECT).load()
    for provider in content.providers.values():
        for overlay in (o for o in provider.overlays if o.language is None):  # pages in other languages: test_translated_pages
            html = (out / provider.id / overlay.url.strip("/") / "index.html").read_text(encoding="utf-8")
            labels = (
                ("Fagleg ansvarleg", "Sist fagleg gjennomgått")
                if provider.language == "nn"
                else ("Faglig ansvarlig", "Sist faglig gjennomgått")
            )
            assert all(label in html for label in labels), provider.id
            title = overlay.title or content.national[overlay.uses].title
            assert re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip() == title
