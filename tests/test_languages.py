"""A site's language (provider.yml: site.language, nb or nn): every word hcweb's templates and generated pages
write, <html lang>, the search, the open-data export, and lang="nb" on the national (bokmål) text of a nynorsk site.

tests/golden/nn-strings.txt is the reviewed list of what the templates say on a nynorsk site: every generated
page and treatment page of a small nn site, the text hcweb writes around the content (the content and the
registry's values masked as …). After a reviewed change of the words, rewrite it with
HCWEB_UPDATE_GOLDEN=1 pytest tests/test_languages.py and read the diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser

from hcweb.repo import Repository
from hcweb.site.norwegian import nynorsk_inflections, other_standard
from hcweb.site.pages import Page
from hcweb.site.search import search_terms
from helpers import KNEE_BODY, PROJECT, TODAY, base_tree, make_repo, national_text, run

GOLDEN = Path(__file__).parent / "golden" / "nn-strings.txt"
WORDS = PROJECT / "overrides" / "hcweb" / "words"
BETA = "content/providers/beta-hf/provider.yml"
KNEE = "content/common/treatments/knee-replacement.md"
MASK = "…"
# The blocks hcweb's templates write text into; their text, with the values masked, is what the site says.
BLOCKS = {"h1", "h2", "h3", "p", "li", "dt", "dd", "summary"}
# Content and registry text inside those blocks: the pages' Markdown, the fold-out's sections, the transport.
CONTENT = ".hcweb-text, details.hcweb-professional > :not(summary)"


def nynorsk_tree() -> dict[str, str]:
    """The base tree with Helse Beta HF in nynorsk, an old address moved and one gone, waiting times and
    helsenorge.no for the knee text, an event with sign-up and one that is over."""
    tree = base_tree()
    tree[BETA] = tree[BETA].replace("language: nb", "language: nn")
    helsenorge = "helsenorge:\n  - title: Artrose\n    url: https://www.helsenorge.no/sykdom/artrose/\n"
    tree[KNEE] = national_text("Kneprotese", "alfa-hf", "Kari Berg", KNEE_BODY, extra="choose_location:\n  code: kneprotese\n" + helsenorge)
    tree["data/waiting-times.json"] = json.dumps(
        {
            "source": "data/feeds/waiting-times.csv",
            "synced": "2026-11-20",
            "figures": [
                {
                    "code": "kneprotese",
                    "provider": "beta-hf",
                    "location": "nord",
                    "assessment_weeks": 1,
                    "treatment_weeks": 34,
                    "reported": "2026-11-01",
                }
            ],
        }
    )
    tree["data/helsenorge/sykdom-artrose.json"] = json.dumps(
        {
            "url": "https://www.helsenorge.no/sykdom/artrose/",
            "title": "Artrose",
            "summary": "Artrose er ein leddsjukdom.",
            "fetched": "2026-11-20",
        }
    )
    tree["content/providers/beta-hf/events/kneskole.md"] = tree["content/providers/beta-hf/events/kneskole.md"].replace(
        "location: nord\n",
        'location: nord\nsignup:\n  email: kurs@beta-hf.example\n  phone: "22 00 00 09"\n  deadline: 2027-01-05\n  note: Ta med matpakke.\n',
    )
    tree["content/providers/beta-hf/events/kneskole-2026.md"] = (
        "---\ntitle: Kneskole i fjor\nstart: 2026-01-10T12:00\nend: 2026-01-10T14:00\nlocation: nord\n---\nHalden.\n"
    )
    tree["content/providers/beta-hf/redirects.yml"] = (
        "redirects:\n  /behandlinger/kne/: /behandlinger/kneprotese/\n  /behandlinger/hofte/: {gone: Vi tilbyr ikkje lenger denne behandlinga.}\n"
    )
    return tree


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(repository, the nynorsk site) and the bokmål site of Helse Alfa HF beside it."""
    root = make_repo(tmp_path_factory.mktemp("nynorsk") / "repo", nynorsk_tree())
    result = run(root, "build", "--all", "--today", TODAY)
    assert result.exit_code == 0, result.output
    return root, root / "site" / "beta-hf"


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def read(path: Path) -> LexborHTMLParser:
    return LexborHTMLParser(path.read_text(encoding="utf-8"))


def text_of(node) -> str:
    return " ".join(node.text().split())


def registry_values(root: Path) -> list[str]:
    """What the content and the registry say (names, addresses, titles, dates, numbers): masked in the strings."""
    content = Repository(root).load()
    provider = content.providers["beta-hf"]
    values: set[str] = {provider.name, *(str(v) for v in provider.editorial.values() if isinstance(v, str))}
    for location in provider.locations:
        values |= {location.name, location.street, location.postcode, location.city, location.phone or "", location.opening_hours or ""}
        values |= {f"{location.postcode} {location.city}", location.transport or ""}
        values |= {d.name for d in location.departments} | {d.phone or "" for d in location.departments}
    values |= {e.name for p in content.providers.values() for e in p.experts} | {
        e.title for p in content.providers.values() for e in p.experts
    }
    for text in content.national.values():
        values |= {text.title, text.summary or "", text.title.lower()}
    for event in provider.events:
        values |= {event.title, event.summary or ""}
        if event.signup:
            values |= {event.signup.email or "", event.signup.phone or "", event.signup.note or ""}
    values |= {page.title for page in provider.pages} | {content.providers[t.owner].name for t in content.national.values()}
    values |= {"Artrose", "artrose", "Artrose er ein leddsjukdom.", "Vi tilbyr ikkje lenger denne behandlinga."}
    return sorted((v for v in values if v and v.strip()), key=len, reverse=True)


_DATE = re.compile(r"\d{1,2}\. (januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember) \d{4}")
_URL = re.compile(r"https?://\S+?(?=[,\s)]|$)")


def masked(text: str, values: list[str]) -> str:
    text = _URL.sub(MASK, _DATE.sub(MASK, text))
    for value in values:
        text = text.replace(value, MASK)
    return text


def template_strings(root: Path, site: Path) -> list[str]:
    """Every distinct string hcweb's templates write on the site's pages, values masked, sorted."""
    values = registry_values(root)
    found: set[str] = set()
    for path in html_files(site):
        tree = read(path)
        for node in tree.css(CONTENT):
            node.decompose()
        regions = tree.css("article, main.hcweb-gone, main.hcweb-moved, .hcweb-footer, .hcweb-search-help")
        if tree.css_first("main.hcweb-gone, main.hcweb-moved"):
            regions.append(tree.css_first("title"))
        for region in regions:
            nodes = [region] if region.tag == "title" else region.css("*")  # (css() includes the node itself)
            for node in nodes:
                if node.tag == "title" or (node.tag in BLOCKS and len(node.css(", ".join(BLOCKS))) == 1):
                    found.add(masked(text_of(node), values))
                for name in ("aria-label", "title"):
                    if node.tag != "title" and node.attributes.get(name):
                        found.add(f"[{name}] " + masked(node.attributes[name], values))
    return sorted(s for s in found if len(s.strip(" …·:,.()")) > 1)  # not a value alone, nor a letter of the A–Å list


def test_the_nynorsk_site_says_what_the_reviewed_list_says(built) -> None:
    root, site = built
    strings = template_strings(root, site)
    if os.environ.get("HCWEB_UPDATE_GOLDEN"):
        GOLDEN.write_text("\n".join(strings) + "\n", encoding="utf-8")
    assert GOLDEN.is_file(), f"no reviewed list yet: run with HCWEB_UPDATE_GOLDEN=1 and review {GOLDEN}"
    assert strings == GOLDEN.read_text(encoding="utf-8").splitlines()


def test_no_bokmal_word_of_the_design_is_left_on_the_nynorsk_site(built) -> None:
    """Every word whose bokmål differs from its nynorsk is absent from what the nynorsk site's templates write."""
    root, site = built
    nb, nn = (yaml.safe_load((WORDS / f"{lang}.yml").read_text(encoding="utf-8")) for lang in ("nb", "nn"))
    written = "\n".join(template_strings(root, site))
    left = []
    for group, words in nb.items():
        for key, word in words.items():
            pieces = [p.strip(" .:,") for p in re.split(r"\{[a-z_]+\}", str(word))]
            left += [f"{group}.{key}: {p!r}" for p in pieces if len(p) > 3 and p not in str(nn[group][key]) and p in written]
    assert left == []
    assert written.count("Ventetid") + written.count("ventetid for utgreiing 1 veke / behandling 34 veker") >= 1


def test_the_golden_list_covers_every_template(built) -> None:
    """The small site shows every template hcweb has: a template added later must be exercised here too."""
    root, site = built
    strings = "\n".join(template_strings(root, site))
    for expected in (
        "Sida har flytta",  # hcweb-redirect.html
        "Sida finst ikkje lenger",  # hcweb-gone.html
        "Forventa ventetid",  # key-facts.html
        "Les meir om … på helsenorge.no",
        "Fagleg ansvarleg",  # about-content.html
        "Kurs og arrangement",  # article.html
        "Arrangementet er over",  # event.html
        "Påmeldingsfrist",  # signup.html
        "Abonner på kalenderen",  # events.html
        "Opningstider",  # location.html
        "Her finn du adresser, telefonnummer og vegbeskrivingar til stadene våre.",  # locations.html
        "Akutt hjelp",  # home.html, contact.html
        "Slik er nettstaden laga",  # statement.html
        "Tekstane kan brukast på nytt med kjeldetilvising. Bilete og videoar kan ikkje brukast på nytt utan løyve.",  # copyright
        "Prøv eit anna ord, eller finn fram her:",  # search.html
    ):
        assert expected in strings, expected


def test_every_page_of_a_nynorsk_site_is_lang_nn_and_a_bokmal_site_stays_nb(built) -> None:
    root, site = built
    pages = html_files(site)
    assert len(pages) > 10
    assert [p for p in pages if read(p).css_first("html").attributes.get("lang") != "nn"] == []
    bokmal = html_files(root / "site" / "alfa-hf")
    assert {read(p).css_first("html").attributes.get("lang") for p in bokmal} == {"nb"}


def test_the_search_of_a_nynorsk_site_is_norwegian_and_knows_nynorsk_forms(built) -> None:
    root, site = built
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["no"]  # lunr's Norwegian: it has no nynorsk of its own
    tags = {tag for doc in index["docs"] for tag in doc.get("tags", [])}
    assert {"sjukehuset", "sjukehusa", "behandlinga", "behandlingar"} <= tags
    bokmal = json.loads((root / "site/alfa-hf/search/search_index.json").read_text(encoding="utf-8"))
    assert "sjukehuset" not in {tag for doc in bokmal["docs"] for tag in doc.get("tags", [])}


def test_the_open_data_and_the_structured_data_say_nynorsk(built) -> None:
    root, site = built
    records = json.loads((site / "api/pages.json").read_text(encoding="utf-8"))
    languages = {r["id"]: r["language"] for r in records}
    assert languages["om-oss"] == "nn"  # the provider's own page, written in the site's language
    assert languages["treatments/knee-replacement"] == "nb"  # a national text with no nynorsk translation: shown in bokmål
    content = Repository(root).load()
    overlay = content.providers["beta-hf"].overlays[0]
    script = read(site / overlay.url.strip("/") / "index.html").css_first('script[type="application/ld+json"]')
    assert json.loads(script.text())["inLanguage"] == "nn"
    feed = (site / "arrangementer/kalender.ics").read_text(encoding="utf-8")
    assert "PRODID:-//hcweb//events//NN" in feed and "Arrangement hos Helse Beta HF" in feed
    assert "Påmelding: kurs@beta-hf.example, 22 00 00 09, innan 5. januar 2027." in feed.replace("\n ", "").replace("\\,", ",")


def test_the_national_bokmal_text_is_marked_lang_nb_and_the_local_text_is_not(built) -> None:
    root, site = built
    content = Repository(root).load()
    knee = next(o for o in content.providers["beta-hf"].overlays if o.uses == "treatments/knee-replacement")
    page = read(site / knee.url.strip("/") / "index.html")
    assert page.css_first("article h1").attributes.get("lang") == "nb"
    assert page.css_first(".hcweb-ingress").attributes.get("lang") == "nb"
    national = {h.attributes["id"] for h in page.css('.hcweb-text div[lang="nb"] > h2')}
    local = {h.attributes["id"] for h in page.css(".hcweb-text > h2")}
    assert national == {"about", "referral"} and local == {"getting-here"}
    assert page.css_first('.hcweb-helsenorge-entry summary span[lang="nb"]') is not None
    whole = read(root / "site/alfa-hf" / content.providers["alfa-hf"].overlays[0].url.strip("/") / "index.html")
    assert whole.css_first(".hcweb-text").attributes.get("lang") is None  # a bokmål site marks nothing
    assert whole.css('[lang="nb"]') == [whole.css_first("html")]


def test_a_whole_national_text_on_a_nynorsk_site_is_one_block_in_bokmal(tmp_path: Path) -> None:
    tree = nynorsk_tree()
    tree["content/providers/alfa-hf/provider.yml"] = tree["content/providers/alfa-hf/provider.yml"].replace("language: nb", "language: nn")
    root = make_repo(tmp_path / "repo", tree)
    result = run(root, "build", "--provider", "alfa-hf", "--today", TODAY)
    assert result.exit_code == 0, result.output
    overlay = Repository(root).load().providers["alfa-hf"].overlays[0]
    page = read(root / "site/alfa-hf" / overlay.url.strip("/") / "index.html")
    assert page.css_first(".hcweb-text").attributes.get("lang") == "nb"
    assert page.css_first("html").attributes.get("lang") == "nn"


def test_a_word_missing_in_one_language_stops_the_build_naming_the_file_and_the_key(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", nynorsk_tree())
    words = root / "overrides/hcweb/words/nn.yml"
    words.write_text(words.read_text(encoding="utf-8").replace("  waiting: Forventa ventetid\n", ""), encoding="utf-8")
    result = run(root, "build", "--provider", "beta-hf", "--today", TODAY)
    assert result.exit_code == 1
    assert "overrides/hcweb/words/nn.yml: no word for facts.waiting (nb.yml has one)" in result.output
    assert "Traceback" not in result.output


def test_every_word_a_template_prints_is_in_both_languages() -> None:
    """A template that names a word the files lack would print nothing: every words.<group>.<key> is in nb and nn."""
    files = {lang: yaml.safe_load((WORDS / f"{lang}.yml").read_text(encoding="utf-8")) for lang in ("nb", "nn")}
    used = set()
    for template in (PROJECT / "overrides").rglob("*.html"):
        used |= set(re.findall(r"\bwords\.([a-z_]+)\.([a-z_]+)\b", template.read_text(encoding="utf-8")))
    assert len(used) > 60
    missing = [(lang, f"{group}.{key}") for lang, words in files.items() for group, key in sorted(used) if key not in words.get(group, {})]
    assert missing == []
    schema = json.loads((PROJECT / "schemas/provider.schema.json").read_text(encoding="utf-8"))
    kinds = schema["properties"]["locations"]["items"]["properties"]["kind"]["enum"]  # location.html: words.location[kind]
    assert [(lang, kind) for lang, words in files.items() for kind in kinds if kind not in words["location"]] == []


def test_a_site_language_other_than_nb_or_nn_is_refused_at_its_line(tmp_path: Path) -> None:
    tree = base_tree()
    tree[BETA] = tree[BETA].replace("language: nb", "language: en")
    root = make_repo(tmp_path / "repo", tree)
    result = run(root, "validate", "--today", TODAY)
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(tree[BETA].splitlines(), start=1) if text.strip() == "language: en")
    assert f"{BETA}:{line}: error:" in result.output


def test_nynorsk_forms_follow_rules() -> None:
    assert nynorsk_inflections("utgreiing") == {"utgreiinga", "utgreiingar", "utgreiingane"}
    assert {"sjukehuset", "sjukehusa"} <= nynorsk_inflections("sjukehus")
    assert {"sjukepleiaren", "sjukepleiarar", "sjukepleiarane"} <= nynorsk_inflections("sjukepleiar")
    assert {"veka", "veker", "vekene"} <= nynorsk_inflections("veke")
    assert other_standard("utredning") == {"utgreiing"} and other_standard("sjukehusseng") == {"sykehusseng"}
    assert other_standard("psykisk") == set()  # only at the start of a word


def test_a_bokmal_heading_finds_its_nynorsk_forms_on_a_nynorsk_site_only() -> None:
    page = Page("a.md", "/a/", "Depresjon", "", meta={"description": ""}, sections=[{"id": "x", "title": "Utredning"}])
    nynorsk = set(search_terms(page, set(), "nn"))
    assert {"utgreiing", "utgreiinga", "utgreiingar", "utgreiingane", "utredninga"} <= nynorsk
    assert not {"utgreiing", "utgreiinga"} & set(search_terms(page, set(), "nb"))


def test_a_placeholder_a_word_file_gets_wrong_is_named_with_its_file_and_key(tmp_path: Path) -> None:
    """A translated word must leave the placeholders nb.yml leaves; a typo in a placeholder stops the build with
    the word it is in, never an internal error."""
    from helpers import base_tree, make_repo, run

    root = make_repo(tmp_path / "repo", base_tree())
    words = root / "overrides/hcweb/words"
    nn = words / "nn.yml"
    nn.write_text(nn.read_text(encoding="utf-8").replace("{provider}", "{leverandør}", 1), encoding="utf-8")
    beta = root / "content/providers/beta-hf/provider.yml"
    beta.write_text(beta.read_text(encoding="utf-8").replace("language: nb", "language: nn"), encoding="utf-8")
    result = run(root, "build", "--provider", "beta-hf", "--out", str(root / "out"), "--today", "2026-11-30")
    assert result.exit_code != 0
    assert "overrides/hcweb/words/nn.yml: site.description must have the placeholders nb.yml has ({provider})" in result.output
    assert "internal error" not in result.output

    nn.write_text(nn.read_text(encoding="utf-8").replace("{leverandør}", "{provider}", 1), encoding="utf-8")
    nb = words / "nb.yml"
    nb.write_text(nb.read_text(encoding="utf-8").replace("  title: Arrangementer\n", "  title: Arrangementer {år}\n", 1), encoding="utf-8")
    beta.write_text(beta.read_text(encoding="utf-8").replace("language: nn", "language: nb"), encoding="utf-8")
    result = run(root, "build", "--provider", "beta-hf", "--out", str(root / "out"), "--today", "2026-11-30")
    assert result.exit_code != 0
    assert "overrides/hcweb/words/nb.yml: events.title has a placeholder the page does not fill" in result.output
    assert "internal error" not in result.output


def test_the_open_data_says_which_language_each_text_is_shown_in() -> None:
    """On the nynorsk sample site a national text without its nynorsk translation is shown in bokmål, and the
    export says so; the one with an approved translation is nynorsk."""
    import datetime as dt
    import tempfile

    from hcweb.repo import Repository
    from hcweb.site.build import write_open_data
    from hcweb.site.pages import SiteContext, site_pages
    from helpers import PROJECT, TODAY

    content = Repository(PROJECT).load()
    repo = Repository(PROJECT)
    context = SiteContext(content, content.providers["vestkyst-hf"], repo.git, dt.date.fromisoformat(TODAY))
    with tempfile.TemporaryDirectory() as folder:
        write_open_data(Path(folder), site_pages(context))
        records = json.loads((Path(folder) / "api/pages.json").read_text(encoding="utf-8"))
    languages = {record["id"]: record["language"] for record in records if record["id"].startswith(("treatments/", "examinations/"))}
    assert languages["treatments/cataract-surgery"] == "nn"
    assert languages["examinations/mri"] == "nb"
