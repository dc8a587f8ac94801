"""A provider's page in another language (pages/<name>.<language>.md beside pages/<name>.md).

Each version is a page of its own at /<language>/<name>/, with its own approval; the versions point at each
other with hreflang alternates in the head (itself included, x-default to the site-language page) and with a
line of links in the article, each link in the words of its language and marked lang and hreflang. The page's
title, ingress and text carry its language. In a language both the theme and the design have words for (English),
the whole page is in it (<html lang>, labels, footer); otherwise the labels and <html lang> stay the site's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser

from hcweb.checks.redirects import page_urls
from hcweb.repo import Repository
from helpers import PROJECT, TODAY, base_tree, edit_file, make_repo, run

BETA = "content/providers/beta-hf"
SITE = "https://www.beta-hf.example"
NORWEGIAN = f"{BETA}/pages/om-oss.md"
ENGLISH = f"{BETA}/pages/om-oss.en.md"
SAMI = f"{BETA}/pages/om-oss.se.md"


def page(title: str, body: str, summary: str = "") -> str:
    summary_line = f"summary: {summary}\n" if summary else ""
    return f"---\ntitle: {title}\n{summary_line}responsible:\n  name: Ola Nord\n  title: Overlege\n---\n{body}"


def languages_tree(languages: str = "[nn, en, se, pl]") -> dict[str, str]:
    """The base tree with beta-hf's 'Om oss' also in English and Northern Sámi, and the languages in hcweb.yml."""
    tree = base_tree()
    tree[ENGLISH] = page("About us", "## Who we are {#who}\nA small health trust.\n", summary="Who we are and what we do.")
    tree[SAMI] = page("Min birra", "## Telefovdna {#phone}\n22 00 00 01\n")
    tree["hcweb.yml"] = (PROJECT / "hcweb.yml").read_text(encoding="utf-8")
    if "\nlanguages:" not in tree["hcweb.yml"]:
        tree["hcweb.yml"] += f"\nlanguages: {languages}\n"
    return tree


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """beta-hf's site, built once: its three versions of 'Om oss'."""
    root = make_repo(tmp_path_factory.mktemp("languages") / "repo", languages_tree())
    out = root / "out"
    result = run(root, "build", "--provider", "beta-hf", "--out", str(out), "--today", TODAY)
    assert result.exit_code == 0, result.output
    return out / "beta-hf"


def parsed(site: Path, url: str) -> LexborHTMLParser:
    return LexborHTMLParser((site / url.strip("/") / "index.html").read_text(encoding="utf-8"))


VERSIONS = {"/om-oss/": "nb", "/en/om-oss/": "en", "/se/om-oss/": "se"}


@pytest.mark.parametrize("url", VERSIONS)
def test_every_version_names_all_versions_and_the_norwegian_page_as_default(site: Path, url: str) -> None:
    alternates = {
        node.attributes["hreflang"]: node.attributes["href"] for node in parsed(site, url).css('head link[rel="alternate"][hreflang]')
    }
    assert alternates == {
        "nb": f"{SITE}/om-oss/",
        "en": f"{SITE}/en/om-oss/",
        "se": f"{SITE}/se/om-oss/",
        "x-default": f"{SITE}/om-oss/",
    }


@pytest.mark.parametrize("url", VERSIONS)
def test_the_content_carries_the_page_language(site: Path, url: str) -> None:
    tree = parsed(site, url)
    language = VERSIONS[url]
    marked = None if language == "nb" else language
    assert tree.css_first("article h1").attributes.get("lang") == marked
    assert tree.css_first("article .hcweb-text").attributes.get("lang") == marked


def test_a_page_in_a_language_the_theme_and_the_design_have_words_for_is_wholly_in_it(site: Path) -> None:
    """English: the theme's labels, the design's words and <html lang> are English; the menu, which lists the
    site's pages by their Norwegian titles, says it is in the site's language."""
    tree = parsed(site, "/en/om-oss/")
    assert tree.css_first("html").attributes["lang"] == "en"
    assert tree.css_first(".md-search__input").attributes["placeholder"] == "Search"
    assert " ".join(tree.css_first(".hcweb-responsibility h2").text().split()) == "About the content"
    assert "Editor-in-chief" in tree.css_first(".hcweb-footer").text()
    assert tree.css_first("nav.md-nav--primary").attributes["lang"] == "nb"
    about = " ".join(tree.css_first(".hcweb-responsibility").text(separator=" ").split())
    assert "Last updated 1 February 2026" in about  # dates read in English too (words: dates)


@pytest.mark.parametrize("url", ["/om-oss/", "/se/om-oss/"])
def test_otherwise_the_labels_and_html_lang_are_the_sites(site: Path, url: str) -> None:
    """Northern Sámi: the theme has no labels in it and the design no words, so the page keeps the site's (bokmål)
    labels, <html lang="nb">, and marks what it says itself (test_the_content_carries_the_page_language)."""
    tree = parsed(site, url)
    assert tree.css_first("html").attributes["lang"] == "nb"
    assert " ".join(tree.css_first(".hcweb-responsibility h2").text().split()) == "Om innholdet"
    assert "lang" not in tree.css_first("nav.md-nav--primary").attributes


def test_a_word_missing_from_a_languages_word_file_stops_the_build(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", languages_tree())
    words = root / "overrides/hcweb/words/en.yml"
    words.write_text(words.read_text(encoding="utf-8").replace("  title: About the content\n", ""), encoding="utf-8")
    result = run(root, "build", "--provider", "beta-hf", "--out", str(root / "out"), "--today", TODAY)
    assert result.exit_code != 0
    assert "overrides/hcweb/words/en.yml: no word for about.title (nb.yml has one)" in result.output


def language_links(tree: LexborHTMLParser) -> list[tuple[str, str, str, str, str]]:
    """(line, link text, href, lang, hreflang) of each link to another version, in order."""
    return [
        (" ".join(item.text().split()), link.text(), link.attributes["href"], link.attributes["lang"], link.attributes["hreflang"])
        for item in tree.css("article ul.hcweb-languages li")
        for link in [item.css_first("a")]
    ]


def test_the_norwegian_page_links_to_each_version_in_its_own_words(site: Path) -> None:
    assert language_links(parsed(site, "/om-oss/")) == [
        ("Denne siden på engelsk: This page in English", "This page in English", "../en/om-oss/", "en", "en"),
        ("Denne siden på nordsamisk: Davvisámegiella", "Davvisámegiella", "../se/om-oss/", "se", "se"),
    ]
    assert parsed(site, "/om-oss/").css_first("article ul.hcweb-languages + h1").text() == "Om oss"


def test_each_version_links_back_to_the_norwegian_page_and_to_the_others(site: Path) -> None:
    assert language_links(parsed(site, "/en/om-oss/")) == [
        ("Denne siden på bokmål", "Denne siden på bokmål", "../../om-oss/", "nb", "nb"),
        ("Denne siden på nordsamisk: Davvisámegiella", "Davvisámegiella", "../../se/om-oss/", "se", "se"),
    ]
    sami = parsed(site, "/se/om-oss/")
    assert [link[1:] for link in language_links(sami)][0] == ("Denne siden på bokmål", "../../om-oss/", "nb", "nb")
    assert sami.css_first("article h1").text() == "Min birra"


def test_a_page_in_another_language_is_not_in_the_menu_or_on_the_home_page(site: Path) -> None:
    for url, where in (("/", "nav a, article a"), ("/om-oss/", "nav a")):
        hrefs = [node.attributes.get("href") or "" for node in parsed(site, url).css(where)]
        assert not [h for h in hrefs if "/en/" in h.lstrip(".") or h.startswith("en/")], (url, hrefs)
    assert any("om-oss" in (node.attributes.get("href") or "") for node in parsed(site, "/").css("article a"))


def test_a_page_without_versions_has_no_alternates_or_language_links(site: Path) -> None:
    tree = parsed(site, "/kontakt/")
    assert tree.css('head link[rel="alternate"][hreflang]') == []
    assert tree.css(".hcweb-languages") == []


def test_the_open_data_export_gives_each_version_its_language(site: Path) -> None:
    import json

    records = {record["url"]: record["language"] for record in json.loads((site / "api" / "pages.json").read_text(encoding="utf-8"))}
    assert {url: records[url] for url in VERSIONS} == VERSIONS


def test_every_language_the_sites_publish_in_has_its_link_words_in_both_word_files() -> None:
    """The link to a page in a language is in that language's words (the same in nb.yml and nn.yml); a link to a
    language that is not Norwegian has the site's words before it, in each form of Norwegian."""
    policy = Repository(PROJECT).load().policy
    words = {form: yaml.safe_load((PROJECT / "overrides/hcweb/words" / f"{form}.yml").read_text(encoding="utf-8")) for form in ("nb", "nn")}
    for language in ("nb", "nn", *policy.languages):
        nb, nn = words["nb"]["languages"][language], words["nn"]["languages"][language]
        assert nb["this_page"] == nn["this_page"], language
        if language not in ("nb", "nn"):
            assert nb["here"].startswith("Denne siden på ") and nn["here"].startswith("Denne sida på "), language


# -- approvals and addresses ---------------------------------------------------------------------------


def test_a_page_in_another_language_needs_its_own_approval(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", languages_tree())
    assert run(root, "validate").exit_code == 0
    edit_file(root, ENGLISH, "A small health trust.", "A small health trust in the north.")
    result = run(root, "validate")
    assert result.exit_code == 1
    assert f"{ENGLISH}:" in result.output and "[local-unapproved]" in result.output
    assert f"{NORWEGIAN}:" not in result.output  # the Norwegian page's approval does not cover it, nor is it touched
    built = run(root, "build", "--provider", "beta-hf", "--out", str(tmp_path / "out"), "--today", TODAY)
    assert built.exit_code == 1
    assert not (tmp_path / "out" / "beta-hf" / "en" / "om-oss" / "index.html").exists()


def test_a_page_in_another_language_without_any_approval_is_refused(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", languages_tree(), sealed=False)
    result = run(root, "validate")
    assert result.exit_code == 1
    assert f"{ENGLISH}:2: error: no approval is recorded" in result.output


def validate_with(tmp_path: Path, files: dict[str, str]) -> str:
    root = make_repo(tmp_path / "repo", {**languages_tree(), **files})
    result = run(root, "validate")
    assert result.exit_code == 1, result.output
    return result.output


def test_an_address_taken_twice_is_reported(tmp_path: Path) -> None:
    output = validate_with(tmp_path, {f"{BETA}/pages/en/om-oss.md": page("Om oss på engelsk", "Tekst.\n")})
    assert "would be served at /en/om-oss/, like" in output
    assert "[duplicate-url]" in output


def test_a_reserved_address_and_a_language_the_sites_do_not_publish_in_are_reported(tmp_path: Path) -> None:
    output = validate_with(tmp_path, {f"{BETA}/pages/om-oss.api.md": page("Om oss", "Tekst.\n")})
    assert f"{BETA}/pages/om-oss.api.md:1: error: this page would be served at /api/om-oss/, which is reserved" in output
    assert f"{BETA}/pages/om-oss.api.md:1: error: 'api' is not a language the sites publish in (hcweb.yml languages: " in output


def test_a_page_in_the_site_language_or_without_its_norwegian_page_is_reported(tmp_path: Path) -> None:
    output = validate_with(
        tmp_path,
        {f"{BETA}/pages/om-oss.nb.md": page("Om oss", "Tekst.\n"), f"{BETA}/pages/besok.en.md": page("Visiting", "Text.\n")},
    )
    assert (
        f"{BETA}/pages/om-oss.nb.md:1: error: '.nb' in the file name marks a page in another language, but nb is this site's own language"
        in output
    )
    assert (
        f"{BETA}/pages/besok.en.md:1: error: this page in another language has no page in the site's language to be linked from: add pages/besok.md"
        in output
    )


def test_the_redirect_checks_know_the_addresses_of_pages_in_other_languages(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", languages_tree())
    provider = Repository(root).load().providers["beta-hf"]
    assert {"/om-oss/", "/en/om-oss/", "/se/om-oss/"} <= set(page_urls(provider))
    assert page_urls(provider)["/en/om-oss/"] == (ENGLISH, 1)
