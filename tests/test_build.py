"""Building sites: the HTML a patient gets, refusal on errors, and the last good site kept."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hcweb.approve import record_in_text
from hcweb.repo import Repository
from helpers import TODAY, base_tree, commit, make_repo, run

BETA_KNEE = "content/providers/beta-hf/treatments/knee-replacement.md"


def record_local_approval(root: Path, rel: str, on: str) -> None:
    """Record that the provider's expert approved the overlay ``rel``'s own text as it is now (its local hash, dated ``on``).

    What `hcweb approve` writes, for an overlay it would refuse to approve because of a broken include.
    """
    content = Repository(root).load()
    provider, item = next((p, o) for p in content.providers.values() for o in p.overlays if o.rel == rel)
    path = root / rel
    path.write_text(
        record_in_text(path.read_text(encoding="utf-8"), rel, "approved", {"on": on, "local": item.local_hash(provider)}), encoding="utf-8"
    )


def page(site: Path, url: str) -> str:
    return (site / url.strip("/") / "index.html").read_text(encoding="utf-8")


def visible_text(html: str) -> str:
    article = html[html.index("<article") : html.index("</article>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", article))


@pytest.fixture
def built(repo: Path) -> Path:
    result = run(repo, "build", "--all", "--today", TODAY)
    assert result.exit_code == 0, result.output
    return repo / "site"


def test_treatment_page_has_national_and_local_text_in_order(built: Path) -> None:
    text = visible_text(page(built / "beta-hf", "behandlinger/kneprotese"))
    order = [
        "Kneprotese",
        "Om behandlingen",
        "Ved en kneprotese erstattes",
        "Slik kommer du til oss",
        "Oppmøte i resepsjonen",
        "Parkering i P-huset",
        "Henvisning",
        "Fastlegen henviser deg",
    ]
    positions = [text.index(fragment) for fragment in order]
    assert positions == sorted(positions)
    assert "Etter behandlingen" not in text  # a section the overlay did not include


def test_treatment_page_shows_responsibility_and_review_block(built: Path) -> None:
    text = visible_text(page(built / "beta-hf", "behandlinger/kneprotese"))
    assert "Faglig ansvarlig Kari Berg, Overlege (Helse Alfa HF)" in text
    assert "Godkjent lokalt Ola Nord, Overlege, 1. mai 2026" in text
    assert "Sist faglig gjennomgått 1. mars 2026 Neste faglige gjennomgang 1. mars 2028" in text
    assert "Sist oppdatert 1. februar 2026" in text  # make_repo's commit
    assert "Kilde: Helse Beta HF, Kneprotese, https://www.beta-hf.example/behandlinger/kneprotese/" in text
    assert "Nord sykehus" in text and "22 00 00 01" in text  # the location card


def test_pages_are_norwegian_and_load_nothing_from_other_hosts(built: Path) -> None:
    for html_file in (built / "beta-hf").rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        assert '<html lang="nb"' in html
        loaded = re.findall(r'<(?:script|img|iframe)[^>]+src="([^"]+)"', html) + re.findall(r'<link[^>]+href="([^"]+)"', html)
        foreign = [url for url in loaded if re.match(r"(https?:)?//", url) and not url.startswith("https://www.beta-hf.example/")]
        assert foreign == [], (html_file, foreign)


def test_related_events_on_the_treatment_page_and_transport_on_the_location_page(built: Path) -> None:
    html = page(built / "beta-hf", "behandlinger/kneprotese")
    events = html[html.index('class="hcweb-events"') :]
    assert re.search(
        r'<a href="../../arrangementer/kneskole/">Kneskole</a>: <time datetime="2027-01-10T12:00:00">10. januar 2027 kl. 12.00–14.00</time>, Nord sykehus',
        events,
    )
    location = page(built / "beta-hf", "steder/nord")
    assert "Slik kommer du hit" in location and "<p>Buss 3 til sykehuset.</p>" in location


def test_location_page_has_structured_data(built: Path) -> None:
    html = page(built / "beta-hf", "steder/nord")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Hospital"
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Sykehusveien 1",
        "postalCode": "0100",
        "addressLocality": "Nord",
        "addressCountry": "NO",
    }


def test_json_ld_describes_the_medical_page(built: Path) -> None:
    html = page(built / "beta-hf", "behandlinger/kneprotese")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == "2026-03-01"
    assert data["reviewedBy"]["name"] == "Kari Berg"
    assert data["publisher"]["name"] == "Helse Beta HF"
    assert data["about"] == {"@type": "MedicalProcedure", "name": "Kneprotese"}


def test_empty_overlay_includes_the_whole_national_text(built: Path) -> None:
    text = visible_text(page(built / "alfa-hf", "behandlinger/gra-staer"))
    assert "Linsen i øyet blir uklar" in text and "Linsen byttes ut" in text


def test_generated_pages(built: Path) -> None:
    site = built / "beta-hf"
    location = visible_text(page(site, "steder/nord"))
    assert "Sykehusveien 1, 0100 Nord" in location and "Ortopedisk avdeling Nord" in location and "Kneprotese" in location
    contact = visible_text(page(site, "kontakt"))
    assert "nett@beta-hf.example" in contact and "Redaktør Helse Beta HF" in contact
    events = visible_text(page(site, "arrangementer"))
    assert "Kneskole" in events and "10. januar 2027 kl. 12.00–14.00" in events
    home = visible_text((site / "index.html").read_text(encoding="utf-8"))
    assert "Kneprotese" in home and "Om oss" in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "om-oss/index.html").is_file() and (site / "tilgjengelighetserklaering/index.html").is_file()
    exported = json.loads((site / "api/pages.json").read_text(encoding="utf-8"))
    knee = next(p for p in exported if p["id"] == "treatments/knee-replacement")
    assert [s["id"] for s in knee["sections"]] == ["about", "getting-here", "referral"]
    assert knee["locations"] == ["/steder/nord/"]


def test_images_are_copied_only_into_the_sites_that_show_them(tmp_path: Path) -> None:
    tree = base_tree()
    tree["content/media/foto.svg"] = '<svg xmlns="http://www.w3.org/2000/svg"/>'
    tree["content/media/foto.svg.yml"] = "credit: Foto\nlicence: Alle rettigheter\nowner: beta-hf\nreuse: restricted\n"
    tree["content/media/ubrukt.svg"] = '<svg xmlns="http://www.w3.org/2000/svg"/>'
    tree["content/media/ubrukt.svg.yml"] = "credit: Foto\nlicence: CC0\nowner: beta-hf\nreuse: open\n"
    tree["content/providers/beta-hf/snippets/parkering.md"] = "Parkering.\n\n![Inngangen til sykehuset](/media/foto.svg)\n"
    root = make_repo(tmp_path / "repo", tree)
    assert run(root, "build", "--all", "--today", TODAY).exit_code == 0
    site = root / "site"
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("media/*")) == ["beta-hf/media/foto.svg"]
    html = page(site / "beta-hf", "behandlinger/kneprotese")
    assert '<img alt="Inngangen til sykehuset" src="../../media/foto.svg">' in html


def test_site_links_become_relative_so_the_site_works_under_any_path(tmp_path: Path) -> None:
    tree = base_tree()
    tree["content/providers/beta-hf/pages/om-oss.md"] = tree["content/providers/beta-hf/pages/om-oss.md"].replace(
        "Et lite helseforetak.", "Les om [kneprotese](/behandlinger/kneprotese/#referral) og [stedet vårt](/steder/nord/)."
    )
    root = make_repo(tmp_path / "repo", tree)
    assert run(root, "build", "--provider", "beta-hf", "--today", TODAY).exit_code == 0
    html = page(root / "site/beta-hf", "om-oss")
    assert '<a href="../behandlinger/kneprotese/#referral">kneprotese</a>' in html
    assert '<a href="../steder/nord/">stedet vårt</a>' in html


def test_search_is_norwegian(built: Path) -> None:
    index = json.loads((built / "beta-hf/search/search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["no"]


def test_past_events_are_hidden(repo: Path) -> None:
    result = run(repo, "build", "--provider", "beta-hf", "--today", "2027-02-01")
    assert result.exit_code == 0, result.output
    assert "Kneskole" not in visible_text(page(repo / "site/beta-hf", "arrangementer"))


def test_only_the_asked_provider_is_built(repo: Path) -> None:
    result = run(repo, "build", "--provider", "alfa-hf", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert (repo / "site/alfa-hf/index.html").is_file()
    assert not (repo / "site/beta-hf").exists()


def test_draft_national_text_is_never_built(tmp_path: Path) -> None:
    tree = base_tree()
    tree["content/common/treatments/cataract-surgery.md"] = tree["content/common/treatments/cataract-surgery.md"].replace(
        "reviewed: {on: 2026-03-01, by: Per Dahl}\n", "reviewed: {on: 2026-03-01, by: Per Dahl}\nstatus: draft\n"
    )
    del tree["content/providers/alfa-hf/treatments/cataract-surgery.md"]
    root = make_repo(tmp_path / "repo", tree)
    assert run(root, "build", "--all", "--today", TODAY).exit_code == 0
    assert not list((root / "site").rglob("cataract-surgery"))
    assert "Linsen byttes ut" not in "".join(p.read_text(encoding="utf-8") for p in (root / "site").rglob("*.html"))


def test_refuses_to_build_content_with_errors_and_keeps_the_site(built: Path, repo: Path) -> None:
    before = (built / "beta-hf/behandlinger/kneprotese/index.html").read_bytes()
    overlay = repo / BETA_KNEE
    overlay.write_text(overlay.read_text(encoding="utf-8").replace("#referral", "#henvisning"), encoding="utf-8")
    record_local_approval(repo, BETA_KNEE, TODAY)  # its own text approved as it is: the broken include alone refuses the build
    result = run(repo, "build", "--all", "--today", TODAY)
    assert result.exit_code == 1
    assert f"{BETA_KNEE}:17: error: 'treatments/knee-replacement' has no section 'henvisning'" in result.output
    assert "1 content error: build refused" in result.output
    assert (built / "beta-hf/behandlinger/kneprotese/index.html").read_bytes() == before


def test_failed_render_keeps_the_last_good_site(built: Path, repo: Path) -> None:
    before = {p: p.read_bytes() for p in (built / "beta-hf").rglob("*") if p.is_file()}
    (repo / "overrides/main.html").write_text("{% extends 'base.html' %}{% block content %}{{ broken( }}{% endblock %}", encoding="utf-8")
    result = run(repo, "build", "--all", "--today", TODAY)
    assert result.exit_code == 1
    assert "build of beta-hf failed; its previous site is kept" in result.output
    after = {p: p.read_bytes() for p in (built / "beta-hf").rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in built.iterdir() if not p.name.startswith(".hcweb-")) == ["alfa-hf", "beta-hf"]  # no half-built leftovers


def test_interrupted_swap_is_recovered(built: Path, repo: Path) -> None:
    # A build killed between its two renames leaves the old site aside and no site in place.
    (built / "beta-hf").rename(built / ".beta-hf.old-4242")
    (built / ".beta-hf.building-x").mkdir()
    result = run(repo, "build", "--provider", "beta-hf", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in built.iterdir() if not p.name.startswith(".hcweb-")) == ["alfa-hf", "beta-hf"]


def test_parallel_build_in_separate_processes(repo: Path) -> None:
    result = run(repo, "build", "--all", "--jobs", "2", "--today", TODAY)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()  # not a terminal: plain progress lines, as CI shows them
    for provider in ("alfa-hf", "beta-hf"):
        assert lines.index(f"building {provider}") < lines.index(f"finished {provider}")
    assert "Kneprotese" in page(repo / "site/beta-hf", "behandlinger/kneprotese")


def test_last_updated_follows_the_newest_included_change(repo: Path) -> None:
    snippet = repo / "content/providers/beta-hf/snippets/parkering.md"
    snippet.write_text("Parkering i P-huset, inngang B.\n", encoding="utf-8")
    # the overlay that includes the snippet is re-approved by its expert in the same commit
    approved = run(repo, "approve", str(repo / BETA_KNEE), "--by", "Ola Nord", "--on", "2026-09-15", "--today", "2026-09-15")
    assert approved.exit_code == 0, approved.output
    commit(repo, "parking moved", date="2026-09-15T10:00:00")
    assert run(repo, "build", "--all", "--today", TODAY).exit_code == 0
    text = visible_text(page(repo / "site/beta-hf", "behandlinger/kneprotese"))
    assert "Sist oppdatert 15. september 2026" in text
    assert "Sist faglig gjennomgått 1. mars 2026" in text  # the review date is not moved by a local change
    other = visible_text(page(repo / "site/alfa-hf", "behandlinger/gra-staer"))
    assert "Sist oppdatert 1. februar 2026" in other  # unchanged since make_repo's commit

    # A change the overlay's own file does not share: a safety correction of the national text by its owner is
    # published at once, while the overlay still waits for its local re-approval (its file is as on 15 September).
    knee = repo / "content/common/treatments/knee-replacement.md"
    knee.write_text(
        knee.read_text(encoding="utf-8").replace("Fastlegen henviser deg.", "Fastlegen eller legevakten henviser deg."), encoding="utf-8"
    )
    corrected = run(repo, "approve", str(knee), "--by", "Kari Berg", "--on", "2026-10-20", "--today", "2026-10-20", "--safety")
    assert corrected.exit_code == 0, corrected.output
    commit(repo, "referral corrected nationally", date="2026-10-20T10:00:00")
    assert run(repo, "build", "--all", "--today", TODAY).exit_code == 0
    text = visible_text(page(repo / "site/beta-hf", "behandlinger/kneprotese"))
    assert "Fastlegen eller legevakten henviser deg." in text
    assert "Sist oppdatert 20. oktober 2026" in text


class RecordedProgress:
    """What a terminal's progress bars are told: sites started and finished, and each site's rendering."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []
        self.steps: dict[str, list[tuple[int, int]]] = {}

    def __call__(self, name: str, result) -> None:
        self.events.append(("started" if result is None else "finished", name))

    def pages(self, name: str, done: int, total: int) -> None:
        self.steps.setdefault(name, []).append((done, total))


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_of_each_site_reaches_its_last_page(repo: Path, jobs: int) -> None:
    import datetime as dt

    from hcweb import commands
    from hcweb.repo import Repository

    progress = RecordedProgress()
    _, results = commands.build(Repository(repo), None, repo / "site", dt.date.fromisoformat(TODAY), jobs=jobs, progress=progress)
    assert sorted(progress.events) == sorted([(kind, r.provider_id) for r in results for kind in ("started", "finished")])
    for result in results:
        steps = progress.steps[result.provider_id]
        assert steps[-1] == (result.pages, result.pages)
        assert [done for done, _ in steps] == sorted(done for done, _ in steps)


def test_every_menu_group_stays_small_however_the_titles_are_spread() -> None:
    from hcweb.site.mkdocs_config import MAX_GROUP, navigation
    from hcweb.site.pages import Page

    titles = (
        [f"Sykehus {n}" for n in range(2000)] + [f"Smerte {n}" for n in range(30)] + [f"Øye {n}" for n in range(45)] + ["Abc", "3D-røntgen"]
    )
    pages = [Page(f"treatments/t{n}.md", f"/treatments/t{n}/", title, "", group="Behandlinger") for n, title in enumerate(titles)]

    def walk(items: list, trail: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
        assert len(items) <= MAX_GROUP, trail
        found = []
        for item in items:
            ((label, value),) = item.items()
            found += walk(value, (*trail, label)) if isinstance(value, list) else [(trail, label)]
        return found

    ((group, items),) = navigation(pages)[0].items()
    shown = walk(items, (group,))
    assert sorted(label for _, label in shown) == sorted(titles)  # every page once
    assert [label for _, label in shown] == sorted(titles, key=str.casefold)  # in alphabetical order
    assert max(len(trail) for trail, _ in shown) <= 5


def test_the_menu_a_page_carries_stays_small_whatever_the_titles() -> None:
    """With navigation.prune a page carries the top level and, at each level down to it, its siblings."""
    from hcweb.site.mkdocs_config import RUN_NAME, navigation
    from hcweb.site.pages import Page

    long = "Langvarig " + "svært " * 40
    titles = [f"{letter} {n}" for letter in "ABCDEFGHIJKLMNOPQRTUVWXYZÆØÅ" for n in range(2)]
    titles += [f"{prefix}{n}" for prefix in ("S", "Sy", "Syk", "Syke", "Sykeh", "Sykehus ") for n in range(400)]
    titles += [f"{long}{n}" for n in range(300)] + [f"{n} mm" for n in range(50)]
    pages = [Page(f"t/t{n}.md", f"/t/t{n}/", title, "", group="Behandlinger") for n, title in enumerate(titles)]
    nav = navigation(pages)

    carried: list[tuple[int, tuple[str, ...]]] = []

    def walk(items: list, trail: tuple[str, ...], above: int) -> None:
        for item in items:
            ((label, value),) = item.items()
            if isinstance(value, list):
                assert len(label) <= 2 * RUN_NAME + 3, label  # a group's name stays short, however long the titles
                walk(value, (*trail, label), above + len(value))
            else:
                carried.append((above, trail))

    walk(nav, (), len(nav))
    assert len(carried) == len(titles)
    most, trail = max(carried)
    assert most <= 3 * 40 + 10, f"a page under {' / '.join(trail)} carries {most} menu entries"
