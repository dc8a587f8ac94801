"""A provider's page of a national text in another language (<collection>/<slug>.<language>.md beside the overlay).

It shows the translation of the national text that the text's owner approved at exactly the source revision the
provider's approval pins, and records that translation's revision in its own approval. Served at
/<language>/<collection path>/<slug>/, linked both ways with the Norwegian page (hreflang alternates and language
links). Without such a translation the page is not published, and validate says why at the overlay: never bokmål
in its place.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from hcweb.checks.redirects import page_urls
from hcweb.repo import Repository
from helpers import TODAY, approving_reviews, base_tree, commit, edit_file, git, make_repo, run

ALFA = "content/providers/alfa-hf"
SITE = "https://www.alfa-hf.example"
TRANSLATION = "content/common/treatments/cataract-surgery.en.md"
NORWEGIAN = f"{ALFA}/treatments/cataract-surgery.md"
ENGLISH = f"{ALFA}/treatments/cataract-surgery.en.md"
NORWEGIAN_URL = "/behandlinger/gra-staer/"
ENGLISH_URL = "/en/behandlinger/gra-staer/"

EN_BODY = """## About cataract {#about}
The lens of the eye becomes cloudy.

## Surgery {#treatment}
The lens is replaced with an artificial lens.
"""


def english_translation(revision: str, body: str = EN_BODY) -> str:
    return f"---\ntitle: Cataract\nsummary: About cataract surgery in English.\ntranslates:\n  revision: {revision}\n---\n{body}"


ENGLISH_OVERLAY = "---\nuses: treatments/cataract-surgery\nlocations: [sentrum]\n---\n"


def cataract_revision(root: Path) -> str:
    return Repository(root).load().national["treatments/cataract-surgery"].revision


def approve(root: Path, rel: str, by: str):
    return run(root, "approve", str(root / rel), "--by", by, "--today", TODAY)


def english_repo(root: Path, overlay_text: str = ENGLISH_OVERLAY) -> Path:
    """Helse Alfa HF's cataract page also in English: the English translation approved by Per Dahl (an expert of
    the text's owner, Helse Alfa HF), the English overlay by Kari Berg; committed on main."""
    make_repo(root, base_tree())
    (root / TRANSLATION).write_text(english_translation(cataract_revision(root)), encoding="utf-8")
    assert approve(root, TRANSLATION, "Per Dahl").exit_code == 0
    (root / ENGLISH).write_text(overlay_text, encoding="utf-8")
    result = approve(root, ENGLISH, "Kari Berg")
    assert result.exit_code == 0, result.output
    commit(root, "cataract surgery in English")
    return root


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return english_repo(tmp_path_factory.mktemp("translated-pages") / "repo")


@pytest.fixture(scope="module")
def site(approved: Path) -> Path:
    out = approved / "out"
    result = run(approved, "build", "--provider", "alfa-hf", "--out", str(out), "--today", TODAY)
    assert result.exit_code == 0, result.output
    return out / "alfa-hf"


def copy(approved: Path, tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(approved, root, symlinks=True, ignore=shutil.ignore_patterns("out"))
    return root


def parsed(site: Path, url: str) -> LexborHTMLParser:
    return LexborHTMLParser((site / url.strip("/") / "index.html").read_text(encoding="utf-8"))


def language_of(node) -> str | None:
    """The language a node is in: its own lang, or its nearest ancestor's."""
    while node is not None:
        if "lang" in node.attributes:
            return node.attributes["lang"]
        node = node.parent
    return None


def diagnostics(root: Path) -> list[dict]:
    result = run(root, "validate", "--today", TODAY, "--format", "json")
    return json.loads(result.output[: result.output.rindex("]") + 1])


# -- the page ----------------------------------------------------------------------------------------


def test_the_english_page_shows_the_approved_translation_marked_english(site: Path) -> None:
    tree = parsed(site, ENGLISH_URL)
    title = tree.css_first("article h1")
    assert (title.text(), language_of(title)) == ("Cataract", "en")
    assert title.attributes.get("lang") == "en"  # marked itself: it reads alike whether <html lang> is the site's or the page's
    text = tree.css_first("article .hcweb-text")
    assert text.attributes.get("lang") == "en"
    assert "The lens is replaced with an artificial lens." in text.text()
    assert "Linsen" not in tree.css_first("article").text()
    ingress = tree.css_first("article .hcweb-ingress")
    assert (ingress.text(), ingress.attributes.get("lang")) == ("About cataract surgery in English.", "en")
    jsonld = json.loads(tree.css_first('script[type="application/ld+json"]').text())
    assert jsonld["inLanguage"] == "en" and jsonld["name"] == "Cataract"


def test_the_norwegian_page_is_unchanged_and_unmarked(site: Path) -> None:
    tree = parsed(site, NORWEGIAN_URL)
    assert tree.css_first("html").attributes["lang"] == "nb"
    assert language_of(tree.css_first("article h1")) == "nb"
    assert "Linsen byttes ut med en kunstig linse." in tree.css_first("article .hcweb-text").text()


@pytest.mark.parametrize("url", [NORWEGIAN_URL, ENGLISH_URL])
def test_hreflang_alternates_both_ways(site: Path, url: str) -> None:
    alternates = {
        node.attributes["hreflang"]: node.attributes["href"] for node in parsed(site, url).css('head link[rel="alternate"][hreflang]')
    }
    assert alternates == {"nb": f"{SITE}{NORWEGIAN_URL}", "en": f"{SITE}{ENGLISH_URL}", "x-default": f"{SITE}{NORWEGIAN_URL}"}


def test_language_links_both_ways(site: Path) -> None:
    def links(url: str) -> list[tuple[str, str, str]]:
        return [(a.text(), a.attributes["href"], a.attributes["hreflang"]) for a in parsed(site, url).css("article ul.hcweb-languages a")]

    assert links(NORWEGIAN_URL) == [("This page in English", "../../en/behandlinger/gra-staer/", "en")]
    assert links(ENGLISH_URL) == [("Denne siden på bokmål", "../../../behandlinger/gra-staer/", "nb")]


def test_the_english_page_is_not_in_the_menu_on_the_home_page_or_a_location_page(site: Path) -> None:
    for url, where in (("/", "nav a, article a"), (NORWEGIAN_URL, "nav a"), ("/steder/sentrum/", "nav a, article a")):
        hrefs = [node.attributes.get("href") or "" for node in parsed(site, url).css(where)]
        assert not [h for h in hrefs if "en/" in h], (url, hrefs)


def test_the_address_and_the_url_checks(approved: Path) -> None:
    provider = Repository(approved).load().providers["alfa-hf"]
    english = next(o for o in provider.overlays if o.rel == ENGLISH)
    assert (english.slug, english.language, english.url, english.original.rel) == ("cataract-surgery", "en", ENGLISH_URL, NORWEGIAN)
    assert page_urls(provider)[ENGLISH_URL] == (ENGLISH, 1)
    assert page_urls(provider)[NORWEGIAN_URL] == (NORWEGIAN, 1)


def test_an_own_slug_gives_the_english_page_its_own_address(tmp_path: Path) -> None:
    root = copy_of_english(tmp_path, ENGLISH_OVERLAY.replace("uses:", "slug: cataract-surgery\nuses:"))
    provider = Repository(root).load().providers["alfa-hf"]
    assert next(o for o in provider.overlays if o.rel == ENGLISH).url == "/en/behandlinger/cataract-surgery/"


def copy_of_english(tmp_path: Path, overlay_text: str) -> Path:
    return english_repo(tmp_path / "repo", overlay_text)


# -- approvals -----------------------------------------------------------------------------------------


def test_approve_records_the_translation_revision(approved: Path) -> None:
    content = Repository(approved).load()
    english = next(o for o in content.providers["alfa-hf"].overlays if o.rel == ENGLISH)
    translation = content.translations["treatments/cataract-surgery"]["en"]
    assert english.approved.translations == {"treatments/cataract-surgery.en": translation.revision}
    assert english.approved.revisions == {"treatments/cataract-surgery": translation.source_revision}
    assert run(approved, "validate", "--today", TODAY).exit_code == 0


def test_approve_refuses_without_an_approved_translation_at_the_current_revision(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", base_tree())
    (root / ENGLISH).write_text(ENGLISH_OVERLAY, encoding="utf-8")
    missing = approve(root, ENGLISH, "Kari Berg")
    assert missing.exit_code == 1
    assert "this page in another language cannot be approved: there is no en translation of 'treatments/cataract-surgery'" in missing.output
    (root / TRANSLATION).write_text(english_translation(cataract_revision(root)), encoding="utf-8")
    unapproved = approve(root, ENGLISH, "Kari Berg")
    assert unapproved.exit_code == 1
    assert f"the en translation {TRANSLATION} is not approved by an expert of the text's owner yet" in unapproved.output
    assert "approved:" not in (root / ENGLISH).read_text(encoding="utf-8")


def test_a_stale_translation_is_not_published_and_validate_says_why(approved: Path, tmp_path: Path) -> None:
    """The owner changes the national text and approves it; the provider approves the new revision. The English
    translation still renders the old one: the English page is left out, never shown in bokmål."""
    root = copy(approved, tmp_path)
    edit_file(root, "content/common/treatments/cataract-surgery.md", "Linsen i øyet blir uklar.", "Linsen i øyet blir gradvis uklar.")
    assert approve(root, "content/common/treatments/cataract-surgery.md", "Per Dahl").exit_code == 0
    assert approve(root, NORWEGIAN, "Kari Berg").exit_code == 0
    refused = approve(root, ENGLISH, "Kari Berg")
    assert refused.exit_code == 1 and "renders revision" in refused.output
    # the English overlay's approval is changed by hand to the new revision, without a translation of it
    new = cataract_revision(root)
    text = (root / ENGLISH).read_text(encoding="utf-8")
    old = Repository(root).load().translations["treatments/cataract-surgery"]["en"].source_revision
    (root / ENGLISH).write_text(
        text.replace(f"treatments/cataract-surgery: {old}", f"treatments/cataract-surgery: {new}"), encoding="utf-8"
    )
    commit(root, "national text changed; English page approved without a translation")
    found = [d for d in diagnostics(root) if d["code"] == "translation-not-published"]
    assert [(d["path"], d["severity"]) for d in found] == [(ENGLISH, "error")]
    assert (
        "this en page is not published: it would show 'treatments/cataract-surgery' in words nobody approved in en" in found[0]["message"]
    )
    assert f"renders revision {old}, this page approved revision {new}" in found[0]["message"]
    out = tmp_path / "out"
    built = run(root, "build", "--provider", "alfa-hf", "--out", str(out), "--today", TODAY)
    assert built.exit_code == 1
    assert not (out / "alfa-hf" / ENGLISH_URL.strip("/") / "index.html").exists()


def test_the_english_page_keeps_its_pinned_translation_while_the_national_text_moves_on(approved: Path, tmp_path: Path) -> None:
    """The owner changes the national text: the English page keeps showing the translation approved at its pin."""
    root = copy(approved, tmp_path)
    edit_file(root, "content/common/treatments/cataract-surgery.md", "Linsen i øyet blir uklar.", "Linsen i øyet blir gradvis uklar.")
    assert approve(root, "content/common/treatments/cataract-surgery.md", "Per Dahl").exit_code == 0
    commit(root, "national text changed")
    out = tmp_path / "out"
    built = run(root, "build", "--provider", "alfa-hf", "--out", str(out), "--today", TODAY)
    assert built.exit_code == 0, built.output
    assert "The lens of the eye becomes cloudy." in parsed(out / "alfa-hf", ENGLISH_URL).css_first("article .hcweb-text").text()


def test_an_unapproved_translation_is_not_published(approved: Path, tmp_path: Path) -> None:
    """The translation is reworded and nobody approves it: the English page keeps the approved wording from history;
    without that history (never on the main line) there is nothing to publish."""
    root = copy(approved, tmp_path)
    edit_file(root, TRANSLATION, "The lens of the eye becomes cloudy.", "The eye's lens turns cloudy.")
    commit(root, "translation reworded, not approved")
    out = tmp_path / "out"
    assert run(root, "build", "--provider", "alfa-hf", "--out", str(out), "--today", TODAY).exit_code == 1  # the translation's own error
    unpublished = copy(approved, tmp_path / "second")
    git(unpublished, "checkout", "-q", "-b", "side")
    recorded = Repository(unpublished).load().translations["treatments/cataract-surgery"]["en"].revision
    edit_file(unpublished, ENGLISH, recorded, "0123456789ab")
    commit(unpublished, "an approval of a translation revision that never was")
    found = [d for d in diagnostics(unpublished) if d["code"] == "translation-not-published"]
    assert [d["path"] for d in found] == [ENGLISH]
    assert "the en translation approved here (0123456789ab) is not an approved version" in found[0]["message"]


# -- what validate says about the file -------------------------------------------------------------------


def test_the_language_the_site_and_the_norwegian_overlay_are_checked(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo",
        {
            **base_tree(),
            f"{ALFA}/treatments/cataract-surgery.nb.md": ENGLISH_OVERLAY,
            f"{ALFA}/treatments/cataract-surgery.xx.md": ENGLISH_OVERLAY,
            f"{ALFA}/treatments/knee-replacement.en.md": ENGLISH_OVERLAY.replace("cataract-surgery", "knee-replacement"),
        },
        sealed=False,
    )
    messages = {(d["path"], d["message"]) for d in diagnostics(root) if d["code"] == "page-language"}
    assert (
        f"{ALFA}/treatments/cataract-surgery.nb.md",
        "'.nb' in the file name marks a page in another language, but nb is this site's own language: name the file "
        "treatments/cataract-surgery.md",
    ) in messages
    assert any(path.endswith(".xx.md") and "'xx' is not a language the sites publish in" in m for path, m in messages)
    assert (
        f"{ALFA}/treatments/knee-replacement.en.md",
        "this page in another language has no page in the site's language to be linked from: add treatments/knee-replacement.md "
        "(an overlay of treatments/knee-replacement)",
    ) in messages


def test_a_language_version_of_another_text_is_reported(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "repo", {**base_tree(), ENGLISH: ENGLISH_OVERLAY.replace("cataract-surgery", "knee-replacement")}, sealed=False
    )
    found = [d for d in diagnostics(root) if d["code"] == "page-language" and d["path"] == ENGLISH]
    assert [(d["line"], d["message"]) for d in found] == [
        (
            2,
            f"this is the en version of {NORWEGIAN}, which uses 'treatments/cataract-surgery': a page in another language "
            "shows the same national text, so write uses: treatments/cataract-surgery",
        )
    ]


# -- check-approvals ----------------------------------------------------------------------------------


def test_check_approvals_backs_the_english_page_and_its_record_of_the_translation(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", base_tree())
    git(root, "checkout", "-q", "-b", "english")
    (root / TRANSLATION).write_text(english_translation(cataract_revision(root)), encoding="utf-8")
    assert approve(root, TRANSLATION, "Per Dahl").exit_code == 0
    (root / ENGLISH).write_text(ENGLISH_OVERLAY, encoding="utf-8")
    assert approve(root, ENGLISH, "Kari Berg").exit_code == 0
    commit(root, "cataract surgery in English", date=f"{TODAY}T10:00:00")
    reviewed = git(root, "rev-parse", "HEAD").strip()

    def check(*reviews: tuple[str, str]):
        return run(root, "check-approvals", "--base", "main", "--reviews", approving_reviews(tmp_path, *reviews))

    backed = check(("per-dahl", reviewed), ("kari-berg", reviewed))
    assert backed.exit_code == 0, backed.output
    unbacked = check(("per-dahl", reviewed))
    assert unbacked.exit_code == 1
    assert [line.split(":", 1)[0] for line in unbacked.output.splitlines() if line.startswith("content/")] == [ENGLISH]

    # the translation is reworded after the review; both records follow it: the old review backs neither
    edit_file(root, TRANSLATION, "The lens of the eye becomes cloudy.", "The eye's lens turns cloudy.")
    assert approve(root, TRANSLATION, "Per Dahl").exit_code == 0
    assert approve(root, ENGLISH, "Kari Berg").exit_code == 0
    commit(root, "reworded after the review", date=f"{TODAY}T11:00:00")
    stale = check(("per-dahl", reviewed), ("kari-berg", reviewed))
    assert stale.exit_code == 1
    lines = stale.output.splitlines()
    assert any(line.startswith(f"{ENGLISH}:") and "the translation treatments/cataract-surgery.en" in line for line in lines), stale.output
