"""Events: a page and a calendar file per event, the site's calendar feed, sign-up links, and where an event is shown."""

from __future__ import annotations

import datetime as dt
import re
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from helpers import TODAY, base_tree, dedent, make_repo, run, serve_folder

KNESKOLE = "content/providers/beta-hf/events/kneskole.md"
SIGNUP = dedent(
    """
    ---
    title: Kneskole
    start: 2027-01-10T12:00
    end: 2027-01-10T14:00
    location: nord
    related: [treatments/knee-replacement]
    summary: For deg som skal operere kneet.
    signup:
      email: kneskole@beta-hf.example
      phone: "+47 22 00 10 01"
      deadline: 2027-01-03
      note: Oppgi om du tar med deg en pårørende.
    ---
    For deg som skal operere kneet.
    """
)
PAST = dedent(
    """
    ---
    title: Pårørendekveld
    start: 2026-09-01T17:00
    end: 2026-09-01T19:00
    location: sor
    ---
    En kveld for pårørende.
    """
)
CATARACT_DAY = dedent(
    """
    ---
    title: Åpen dag om grå stær
    start: 2027-03-05T10:00
    end: 2027-03-05T13:00
    location: sor
    related: [treatments/cataract-surgery]
    ---
    Kom og se øyeavdelingen.
    """
)


def tree() -> dict[str, str]:
    files = base_tree()
    files[KNESKOLE] = SIGNUP
    files["content/providers/beta-hf/events/parorendekveld.md"] = PAST
    files["content/providers/beta-hf/events/apen-dag.md"] = CATARACT_DAY
    return files


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("events") / "repo", tree())


@pytest.fixture(scope="module")
def site(root: Path) -> Path:
    result = run(root, "build", "--provider", "beta-hf", "--out", str(root / "first"), "--today", TODAY)
    assert result.exit_code == 0, result.output
    return root / "first/beta-hf"


def calendar(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def html(site: Path, url: str) -> str:
    return (site / url.strip("/") / "index.html").read_text(encoding="utf-8")


def article(page: str) -> str:
    return page[page.index("<article") : page.index("</article>")]


def test_each_event_has_a_calendar_file_in_norwegian_time(site: Path) -> None:
    cal = calendar(site / "arrangementer/kneskole/kneskole.ics")
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    assert [tz.tz_name for tz in cal.timezones] == ["Europe/Oslo"]
    assert cal.get_missing_tzids() == set()
    (event,) = cal.events
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert event.start == dt.datetime(2027, 1, 10, 12, tzinfo=ZoneInfo("Europe/Oslo"))
    assert event.end == dt.datetime(2027, 1, 10, 14, tzinfo=ZoneInfo("Europe/Oslo"))
    assert event.start.astimezone(dt.UTC).hour == 11  # winter time, UTC+1
    assert str(event["SUMMARY"]) == "Kneskole"
    assert str(event["LOCATION"]) == "Nord sykehus, Sykehusveien 1, 0100 Nord"
    assert str(event["UID"]) == "kneskole@www.beta-hf.example"
    assert str(event["URL"]) == "https://www.beta-hf.example/arrangementer/kneskole/"
    assert event["DTSTAMP"].dt == dt.datetime(2026, 2, 1, tzinfo=dt.UTC)  # the day make_repo committed the file
    description = str(event["DESCRIPTION"])
    assert "For deg som skal operere kneet." in description
    assert "Påmelding: kneskole@beta-hf.example, +47 22 00 10 01, innen 3. januar 2027." in description
    raw = (site / "arrangementer/kneskole/kneskole.ics").read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # RFC 5545 folds lines at 75 octets


def test_calendar_files_are_the_same_bytes_in_every_build(root: Path, site: Path) -> None:
    result = run(root, "build", "--provider", "beta-hf", "--out", str(root / "second"), "--today", TODAY)
    assert result.exit_code == 0, result.output
    again = root / "second/beta-hf"
    files = sorted(p.relative_to(site) for p in site.rglob("*.ics"))
    assert files == sorted(p.relative_to(again) for p in again.rglob("*.ics"))
    assert len(files) == 4  # three events and the feed
    for rel in files:
        assert (site / rel).read_bytes() == (again / rel).read_bytes(), rel
    assert str(calendar(again / "arrangementer/kneskole/kneskole.ics").events[0]["UID"]) == "kneskole@www.beta-hf.example"


def test_the_site_feed_holds_the_upcoming_events_and_the_events_page_links_it(site: Path) -> None:
    feed = calendar(site / "arrangementer/kalender.ics")
    assert [str(e["SUMMARY"]) for e in feed.events] == ["Kneskole", "Åpen dag om grå stær"]  # not the past evening
    assert len({str(e["UID"]) for e in feed.events}) == 2
    assert str(feed["NAME"]) == "Arrangementer hos Helse Beta HF"
    assert feed.get_missing_tzids() == set()
    page = html(site, "arrangementer")
    assert '<a href="kalender.ics">Abonner på kalenderen</a>' in page
    assert "Pårørendekveld" not in article(page)


def test_the_events_page_links_each_event_page_and_keeps_the_old_anchors(site: Path) -> None:
    page = article(html(site, "arrangementer"))
    assert '<h2 id="kneskole"><a href="kneskole/">Kneskole</a></h2>' in page
    assert 'href="kneskole/kneskole.ics" download' in page
    assert '<a href="mailto:kneskole@beta-hf.example">kneskole@beta-hf.example</a>' in page
    assert '<a href="tel:+4722001001">+47 22 00 10 01</a>' in page


def test_an_event_page_shows_time_place_signup_and_its_text(site: Path) -> None:
    page = article(html(site, "arrangementer/kneskole"))
    assert "<h1>Kneskole</h1>" in page
    assert "10. januar 2027 kl. 12.00–14.00" in page
    assert '<a href="../../steder/nord/">Nord sykehus</a><br>Sykehusveien 1, 0100 Nord' in page
    assert '<a href="mailto:kneskole@beta-hf.example">' in page and '<a href="tel:+4722001001">' in page
    assert '<time datetime="2027-01-03">3. januar 2027</time>' in page and "Oppgi om du tar med deg en pårørende." in page
    assert '<a class="md-button" href="kneskole.ics" download' in page and "Legg til i kalenderen" in page
    assert "<p>For deg som skal operere kneet.</p>" in page
    assert '<a href="../">Alle arrangementer</a>' in page


def test_a_past_event_keeps_its_page_and_says_it_is_over(site: Path) -> None:
    page = article(html(site, "arrangementer/parorendekveld"))
    assert "Arrangementet er over" in page and "Legg til i kalenderen" not in page


def test_every_mailto_and_tel_link_is_well_formed(site: Path) -> None:
    found = []
    for path in site.rglob("*.html"):
        found += re.findall(r'href="((?:mailto|tel):[^"]*)"', path.read_text(encoding="utf-8"))
    assert "mailto:kneskole@beta-hf.example" in found and "tel:+4722001001" in found
    for link in found:
        assert re.fullmatch(r"tel:\+?[0-9]+|mailto:[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", link), link


def test_calendar_files_are_served_as_text_calendar(site: Path) -> None:
    server, base = serve_folder(site)
    try:
        with urllib.request.urlopen(f"{base}/arrangementer/kalender.ics") as response:  # noqa: S310 - 127.0.0.1
            assert response.headers.get_content_type() == "text/calendar"
    finally:
        server.shutdown()


def test_an_event_is_shown_where_it_takes_place_and_not_at_another_location(site: Path) -> None:
    nord, sor = article(html(site, "steder/nord")), article(html(site, "steder/sor"))
    assert '<a href="../../arrangementer/kneskole/">Kneskole</a>' in nord and "Åpen dag om grå stær" not in nord
    assert "Åpen dag om grå stær" in sor and "Kneskole" not in sor
    assert "Pårørendekveld" not in sor  # over


def test_an_event_is_shown_on_the_treatment_it_relates_to_only(tmp_path: Path) -> None:
    files = tree()
    alfa = files["content/providers/alfa-hf/treatments/cataract-surgery.md"]
    files["content/providers/beta-hf/treatments/cataract-surgery.md"] = alfa.replace("Kari Berg", "Ola Nord").replace("[sentrum]", "[sor]")
    root = make_repo(tmp_path / "repo", files)
    result = run(root, "build", "--provider", "beta-hf", "--today", TODAY)
    assert result.exit_code == 0, result.output
    site = root / "site/beta-hf"
    knee, cataract = html(site, "behandlinger/kneprotese"), html(site, "behandlinger/gra-staer")
    assert '<a href="../../arrangementer/kneskole/">Kneskole</a>' in knee and "Åpen dag om grå stær" not in knee
    assert '<a href="../../arrangementer/apen-dag/">Åpen dag om grå stær</a>' in cataract and "Kneskole" not in cataract


@pytest.mark.parametrize(
    ("signup", "line", "message"),
    [
        ("  email: kneskole(at)beta-hf.example\n", 9, "'signup.email' is not valid: write an e-mail address such as post@example.no"),
        ("  phone: 22001001\n", 9, "'signup.phone' must be text (put it in quotes)"),
        ("  deadline: 3. januar\n", 9, "'signup.deadline' is not valid: write the date as YYYY-MM-DD"),
        ('  email: kneskole@beta-hf.example\n  telefon: "22 00 10 01"\n', 10, "unknown field 'telefon' in signup"),
    ],
)
def test_a_bad_signup_is_an_error_at_its_line(tmp_path: Path, signup: str, line: int, message: str) -> None:
    files = base_tree()
    files[KNESKOLE] = (
        "---\ntitle: Kneskole\nstart: 2027-01-10T12:00\nend: 2027-01-10T14:00\nlocation: nord\n"
        f"related: [treatments/knee-replacement]\nsummary: Kurs.\nsignup:\n{signup}---\nTekst.\n"
    )
    root = make_repo(tmp_path / "repo", files)
    result = run(root, "validate")
    assert result.exit_code == 1, result.output
    assert f"{KNESKOLE}:{line}: error: {message}" in result.output
