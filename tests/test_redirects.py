"""Addresses never die: Norwegian slugs and anchors, redirects.yml, the pages at old addresses, and validate --base."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

import markdown
import pytest

from hcweb.documents import load_yaml
from hcweb.markup import _extension_configs, _extension_names
from hcweb.repo import Repository
from hcweb.revisions import national_revision
from hcweb.sections import headings
from hcweb.site.security import unsafe_files
from hcweb.urls import slug
from helpers import PROJECT, TODAY, base_tree, build_file_tree, edit_file, make_repo, run

BETA_KNEE = "content/providers/beta-hf/treatments/knee-replacement.md"
KNEE_TEXT = "content/common/treatments/knee-replacement.md"
REDIRECTS = "content/providers/beta-hf/redirects.yml"
REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


def lines(result) -> list[str]:
    return result.output.splitlines()


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Hofteprotese", "hofteprotese"),
        ("Grå stær, operasjon", "gra-staer-operasjon"),
        ("Behandling av søvnapné med CPAP", "behandling-av-sovnapne-med-cpap"),
        ("Døgnbehandling for rusavhengighet – Lyngvik", "dognbehandling-for-rusavhengighet-lyngvik"),
        ("ÆRLIG TALT: Øre, nese og hals", "aerlig-talt-ore-nese-og-hals"),
        ("Čeština & Ålesund", "cestina-alesund"),
        ("–", ""),
    ],
)
def test_a_slug_keeps_the_norwegian_words(title: str, expected: str) -> None:
    assert slug(title) == expected


def test_anchors_keep_the_norwegian_words_and_explicit_ids_stay() -> None:
    body = "## Spørsmål og svar\n\nTekst.\n\n## Henvisning {#referral}\n\nTekst.\n\n## Før og etter\n"
    html = markdown.Markdown(extensions=_extension_names(), extension_configs=_extension_configs()).convert(body)
    ids = re.findall(r'<h2 id="([^"]+)"', html)
    assert ids == ["sporsmal-og-svar", "referral", "for-og-etter"]
    assert [h.anchor for h in headings(body, 1)] == ids  # hcweb's reading of the headings agrees with the page


def test_the_built_page_has_norwegian_anchors_and_addresses(tmp_path: Path) -> None:
    tree = base_tree()
    page = "content/providers/beta-hf/pages/om-oss.md"
    tree[page] = tree[page].replace("Et lite helseforetak.", "Et lite helseforetak.\n\n## Spørsmål\n\nRing oss.")
    repo = make_repo(tmp_path / "repo", tree)
    result = run(repo, "build", "--provider", "beta-hf", "--today", TODAY)
    assert result.exit_code == 0, result.output
    site = repo / "site/beta-hf"
    assert 'id="sporsmal"' in (site / "om-oss/index.html").read_text(encoding="utf-8")
    for address in ("behandlinger/kneprotese", "steder/nord", "arrangementer", "kontakt", "tilgjengelighetserklaering"):
        assert (site / address / "index.html").is_file(), address
    footer = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="kontakt/">Kontakt oss</a>' in footer and 'href="tilgjengelighetserklaering/">' in footer


def test_the_slug_comes_from_the_overlay_then_the_national_text_then_the_titles(tmp_path: Path) -> None:
    tree = base_tree()
    repo = make_repo(tmp_path / "repo", tree)
    overlay = Repository(repo).load().providers["beta-hf"].overlays[0]
    assert overlay.url == "/behandlinger/kneprotese/"  # the national title
    edit_file(repo, BETA_KNEE, "uses: treatments/knee-replacement\n", "uses: treatments/knee-replacement\ntitle: Nytt kne\n")
    assert Repository(repo).load().providers["beta-hf"].overlays[0].url == "/behandlinger/nytt-kne/"  # the overlay's title
    edit_file(repo, KNEE_TEXT, "title: Kneprotese\n", "title: Kneprotese\nslug: kne\n")
    assert Repository(repo).load().providers["beta-hf"].overlays[0].url == "/behandlinger/kne/"  # the national slug
    edit_file(repo, BETA_KNEE, "title: Nytt kne\n", "title: Nytt kne\nslug: kne-nord\n")
    assert Repository(repo).load().providers["beta-hf"].overlays[0].url == "/behandlinger/kne-nord/"  # the overlay's slug


def test_a_slug_is_an_address_not_shown_text_so_the_approved_revision_stays() -> None:
    path = PROJECT / "content/common/treatments/hip-replacement.md"
    text = path.read_text(encoding="utf-8")
    meta, body = text.split("---\n", 2)[1:]
    data = load_yaml(meta, "x").data
    assert data["slug"] == "hofteprotese"
    without = {key: value for key, value in data.items() if key != "slug"}
    assert national_revision(data, body) == national_revision(without, body)


def test_two_overlays_at_one_address_are_an_error_at_the_file(repo: Path) -> None:
    second = "content/providers/beta-hf/treatments/knee-replacement-sor.md"
    build_file_tree(repo, {second: (repo / BETA_KNEE).read_text(encoding="utf-8")})
    result = run(repo, "validate", "--today", TODAY)
    assert result.exit_code == 1
    assert (
        f"{BETA_KNEE}:1: error: this page would be served at /behandlinger/kneprotese/, like {second}; give one of them another address (a slug: in an overlay's front matter, or another file name) [duplicate-url]"
    ) in lines(result)


def test_a_renamed_page_without_a_redirect_is_reported_at_its_file(repo: Path) -> None:
    edit_file(repo, BETA_KNEE, "uses: treatments/knee-replacement\n", "uses: treatments/knee-replacement\nslug: kneoperasjon\n")
    assert run(repo, "validate", "--today", TODAY).exit_code == 0  # without --base nothing changes
    result = run(repo, "validate", "--today", TODAY, "--base", "main")
    assert result.exit_code == 1
    assert (
        f"{BETA_KNEE}:1: error: Helse Beta HF's site answered at /behandlinger/kneprotese/ at main, and this page is now at "
        "/behandlinger/kneoperasjon/; the old address would stop answering: add '/behandlinger/kneprotese/: "
        f"/behandlinger/kneoperasjon/' under redirects: in {REDIRECTS} [url-lost]"
    ) in lines(result)


def test_a_renamed_page_with_a_redirect_passes_and_the_old_address_leads_on(repo: Path) -> None:
    edit_file(repo, BETA_KNEE, "uses: treatments/knee-replacement\n", "uses: treatments/knee-replacement\nslug: kneoperasjon\n")
    build_file_tree(repo, {REDIRECTS: "redirects:\n  /behandlinger/kneprotese/: /behandlinger/kneoperasjon/\n"})
    result = run(repo, "validate", "--today", TODAY, "--base", "main")
    assert result.exit_code == 0, result.output
    result = run(repo, "build", "--provider", "beta-hf", "--today", TODAY)
    assert result.exit_code == 0, result.output
    site = repo / "site/beta-hf"
    html = (site / "behandlinger/kneprotese/index.html").read_text(encoding="utf-8")
    assert REFRESH.search(html).group(1) == "../kneoperasjon/"
    assert '<meta name="robots" content="noindex">' in html and "<script" not in html
    assert (site / "behandlinger/kneoperasjon/index.html").is_file()
    assert unsafe_files(site) == []


def test_a_page_whose_title_changes_loses_its_address_unless_it_has_a_slug(repo: Path) -> None:
    """A national text without a slug takes its address from its title: rewording it is reported, not silent."""
    edit_file(repo, KNEE_TEXT, "title: Kneprotese\n", "title: Kunstig kneledd\n")
    result = run(repo, "validate", "--today", TODAY, "--base", "main")
    assert any(line.startswith(f"{BETA_KNEE}:1: error:") and "[url-lost]" in line for line in lines(result)), result.output
    edit_file(repo, KNEE_TEXT, "title: Kunstig kneledd\n", "title: Kunstig kneledd\nslug: kneprotese\n")
    result = run(repo, "validate", "--today", TODAY, "--base", "main")
    assert "[url-lost]" not in result.output


def test_a_removed_page_is_reported_and_a_gone_entry_writes_a_page_that_points_on(repo: Path) -> None:
    build_file_tree(repo, {BETA_KNEE: None, "content/providers/beta-hf/events/kneskole.md": None})
    result = run(repo, "validate", "--today", TODAY, "--base", "main")
    assert result.exit_code == 1
    assert any(
        line.startswith(
            f"{BETA_KNEE}:1: error: Helse Beta HF's site answered at /behandlinger/kneprotese/ at main, and this page is no longer on the site"
        )
        for line in lines(result)
    ), result.output
    assert any(  # an event's page is an address too
        line.startswith("content/providers/beta-hf/events/kneskole.md:1: error: Helse Beta HF's site answered at /arrangementer/kneskole/")
        for line in lines(result)
    ), result.output
    reason = "Kneoperasjoner gjøres nå ved Helse Alfa HF."
    gone = f"redirects:\n  /behandlinger/kneprotese/: {{gone: {reason}}}\n  /arrangementer/kneskole/: {{gone: Kneskolen er holdt.}}\n"
    build_file_tree(repo, {REDIRECTS: gone})
    assert run(repo, "validate", "--today", TODAY, "--base", "main").exit_code == 0
    result = run(repo, "build", "--provider", "beta-hf", "--today", TODAY)
    assert result.exit_code == 0, result.output
    html = (repo / "site/beta-hf/behandlinger/kneprotese/index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in html and "<script" not in html and 'http-equiv="refresh"' not in html
    assert "Siden finnes ikke lenger" in html and reason in html
    assert 'href="../../"' in html and 'href="../../#behandlinger-a-a"' in html and 'href="../../kontakt/"' in html


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (
            "  /behandlinger/gammel/: /behandlinger/finnes-ikke/\n",
            f"{REDIRECTS}:2: error: /behandlinger/gammel/ leads to /behandlinger/finnes-ikke/, which is not a page of Helse Beta HF's site; "
            "give the address of a page it has, or write gone: and why the page was removed [redirect-target]",
        ),
        (
            "  /a/: /b/\n  /b/: /behandlinger/kneprotese/\n",
            f"{REDIRECTS}:2: error: /a/ leads to /b/, which is itself redirected (to /behandlinger/kneprotese/); lead /a/ straight there [redirect-chain]",
        ),
        (
            "  /a/: /b/\n  /b/: /a/\n",
            f"{REDIRECTS}:3: error: /b/ leads to /a/, which leads back: the redirects go round in a loop; lead it to a page [redirect-chain]",
        ),
        (
            "  /kontakt/: /steder/\n",
            f"{REDIRECTS}:2: error: /kontakt/ is a page of the site; a page cannot also be redirected: remove this entry [redirect-live]",
        ),
        (
            "  /behandlinger/gammel/: behandlinger/kneprotese\n",
            f"{REDIRECTS}:2: error: 'redirects./behandlinger/gammel/' is not valid: write the new address as a path on the site, starting "
            "and ending with /, e.g. /behandlinger/hofteprotese/, or write gone: and why the page was removed; found "
            '"behandlinger/kneprotese" [schema]',
        ),
        (
            "  /behandlinger/gammel/: {gone: Fjernet., when: 2026}\n",
            f"{REDIRECTS}:2: error: unknown field 'when' in redirects./behandlinger/gammel/; allowed here: gone [schema]",
        ),
    ],
    ids=["missing target", "chain", "loop", "a live page", "schema: not an address", "schema: unknown field"],
)
def test_a_bad_redirect_is_an_error_at_its_line(repo: Path, entries: str, expected: str) -> None:
    build_file_tree(repo, {REDIRECTS: "redirects:\n" + entries})
    result = run(repo, "validate", "--today", TODAY)
    assert result.exit_code == 1
    assert expected in lines(result), result.output


def test_every_old_sample_address_lands_on_its_new_page(sample_sites: str) -> None:
    """The English addresses the sample sites published before lead, over HTTP, to the page now at the new address."""
    content = Repository(PROJECT).load()
    checked = 0
    for provider in content.providers.values():
        assert provider.redirects is not None, provider.id
        for entry in provider.redirects.entries:
            old = f"{sample_sites}/{provider.id}{entry.old}"
            with urllib.request.urlopen(old) as response:
                html = response.read().decode("utf-8")
            target = urljoin(old, REFRESH.search(html).group(1))
            assert target == f"{sample_sites}/{provider.id}{entry.to}", old
            with urllib.request.urlopen(target) as response:
                assert response.status == 200 and "Siden har flyttet" not in response.read().decode("utf-8"), target
            checked += 1
    assert checked >= 40
