"""One test per validation rule, each with the exact file and line the author must edit."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers import TODAY, base_tree, commit, make_repo, run

KNEE = "content/common/treatments/knee-replacement.md"
CATARACT = "content/common/treatments/cataract-surgery.md"
BETA = "content/providers/beta-hf/provider.yml"
BETA_KNEE = "content/providers/beta-hf/treatments/knee-replacement.md"
ALFA_CATARACT = "content/providers/alfa-hf/treatments/cataract-surgery.md"


def edit(tree: dict, path: str, old: str, new: str) -> None:
    assert old in tree[path], f"{old!r} not in {path}"
    tree[path] = tree[path].replace(old, new, 1)


def validate(tmp_path: Path, tree: dict, *args: str):
    root = make_repo(tmp_path / "repo", tree)
    return run(root, "validate", "--today", TODAY, *args)


CASES = {
    "unknown field": (
        lambda t: edit(t, KNEE, "type: treatment\n", "type: treatment\ntpye: x\n"),
        f"{KNEE}:4: error: unknown field 'tpye'; did you mean 'type'? [schema]",
    ),
    "missing required field": (
        lambda t: edit(t, KNEE, "summary: Kort om kneprotese.\n", ""),
        f"{KNEE}:2: error: the required field 'summary' is missing [schema]",
    ),
    "wrong type counted from the top of the file": (
        lambda t: edit(t, BETA, 'phone: "22 00 00 01"', "phone: 22000001"),
        f"{BETA}:24: error: 'locations[1].phone' must be text (put it in quotes); found 22000001 [schema]",
    ),
    "impossible date": (
        lambda t: edit(t, KNEE, "reviewed: {on: 2026-03-01", "reviewed: {on: 2026-02-30"),
        f"{KNEE}:13: error: 'reviewed.on' is not valid: write the date as YYYY-MM-DD, e.g. 2026-05-01; found \"2026-02-30\" [schema]",
    ),
    "yaml syntax": (
        lambda t: edit(t, KNEE, "summary: Kort om kneprotese.", "summary: Kort: om kneprotese."),
        f"{KNEE}:4: error: this line cannot be read: a ': ' inside a value starts a new field; put the whole value in quotes [yaml-syntax]",
    ),
    "duplicate key": (
        lambda t: edit(t, KNEE, "reviewed: {on: 2026-03-01, by: Kari Berg}\n", "reviewed: {on: 2026-03-01, by: Kari Berg}\ntitle: Igjen\n"),
        f"{KNEE}:14: error: 'title' is written twice; keep one [yaml-duplicate-key]",
    ),
    "python tag refused": (
        lambda t: edit(
            t, KNEE, "tags" if False else "type: treatment\n", "type: treatment\ntags: !!python/object/apply:os.system ['true']\n"
        ),
        f"{KNEE}:4: error: the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed in content [yaml-tag]",
    ),
    "front matter never closed": (
        lambda t: t.__setitem__(KNEE, t[KNEE].replace("---\nKneprotese kan", "Kneprotese kan")),
        f"{KNEE}:1: error: the front matter that starts here is never closed: add a line with only --- after it [front-matter-unclosed]",
    ),
    "provider id differs from folder": (
        lambda t: edit(t, BETA, "id: beta-hf\n", "id: beta\n"),
        f"{BETA}:1: error: the id 'beta' must be the folder name 'beta-hf' [provider-id]",
    ),
    "owner is not a provider": (
        lambda t: edit(t, KNEE, "owner: alfa-hf", "owner: gamma-hf"),
        f"{KNEE}:5: error: the owner 'gamma-hf' is not a provider in content/providers/ [unknown-provider]",
    ),
    "national approver is not an expert of the owner": (
        lambda t: edit(t, KNEE, "  by: Kari Berg", "  by: Ola Nord"),
        f"{KNEE}:10: error: 'Ola Nord' is not an expert of Helse Alfa HF, so cannot approve this text (its experts: Kari Berg, Per Dahl) [approver-not-expert]",
    ),
    "overlay approver is not an expert of the provider": (
        lambda t: edit(t, BETA_KNEE, "  by: Ola Nord", "  by: Kari Berg"),
        f"{BETA_KNEE}:5: error: 'Kari Berg' is not an expert of Helse Beta HF, so cannot approve this page (its experts: Ola Nord) [approver-not-expert]",
    ),
    "approval date in the future": (
        lambda t: edit(t, BETA_KNEE, "  on: 2026-05-01", "  on: 2027-01-01"),
        f"{BETA_KNEE}:6: error: the approval date 2027-01-01 is in the future (today is {TODAY}) [date-in-future]",
    ),
    "review date in the future": (
        lambda t: edit(t, KNEE, "reviewed: {on: 2026-03-01", "reviewed: {on: 2026-12-24"),
        f"{KNEE}:13: error: the review date 2026-12-24 is in the future (today is {TODAY}) [date-in-future]",
    ),
    "heading without id": (
        lambda t: edit(t, CATARACT, "## Operasjon {#treatment}", "## Operasjon"),
        f"{CATARACT}:18: error: the heading 'Operasjon' needs an id so providers can include it: write '## Operasjon {{#an-id}}' [section-id]",
    ),
    "duplicate section id": (
        lambda t: edit(t, CATARACT, "{#treatment}", "{#about}"),
        f"{CATARACT}:18: error: the section id 'about' is already used on line 15; ids must be unique in a text [section-id]",
    ),
    "uses an unknown national text": (
        lambda t: edit(t, ALFA_CATARACT, "uses: treatments/cataract-surgery", "uses: treatments/cataract-surgry"),
        f"{ALFA_CATARACT}:2: error: there is no national text 'treatments/cataract-surgry'; did you mean 'treatments/cataract-surgery'? [unknown-text]",
    ),
    "included section does not exist": (
        lambda t: edit(t, BETA_KNEE, "knee-replacement#referral", "knee-replacement#henvisning"),
        f"{BETA_KNEE}:17: error: 'treatments/knee-replacement' has no section 'henvisning' (its sections: about, referral, follow-up) [include-section]",
    ),
    "include leaves the allowed roots": (
        lambda t: edit(t, BETA_KNEE, '"snippets/parkering"', '"../../../hcweb.yml"'),
        f'{BETA_KNEE}:15: error: "../../../hcweb.yml" cannot be included: an include names a national text (collection/slug, optionally #section) or one of this provider\'s snippets (snippets/name) [include-target]',
    ),
    "malformed include": (
        lambda t: edit(t, BETA_KNEE, '{% include "snippets/parkering" %}', "{% include 'snippets/parkering' %}"),
        f'{BETA_KNEE}:15: error: an include is written {{% include "collection/slug#section" %}}, with double quotes, alone on its line [include-syntax]',
    ),
    "include cycle": (
        lambda t: t.update(
            {
                "content/providers/beta-hf/snippets/parkering.md": 'Parkering.\n{% include "snippets/tolk" %}\n',
                "content/providers/beta-hf/snippets/tolk.md": 'Tolk.\n{% include "snippets/parkering" %}\n',
            }
        ),
        "content/providers/beta-hf/snippets/tolk.md:2: error: the includes form a cycle: "
        f"{BETA_KNEE} → content/providers/beta-hf/snippets/parkering.md → content/providers/beta-hf/snippets/tolk.md → "
        "content/providers/beta-hf/snippets/parkering.md [include-cycle]",
    ),
    "unknown location": (
        lambda t: edit(t, BETA_KNEE, "locations: [nord]", "locations: [nord, vest]"),
        f"{BETA_KNEE}:3: error: 'vest' is not a location of Helse Beta HF (its locations: nord, sor) [unknown-location]",
    ),
    "unknown department": (
        lambda t: edit(t, BETA_KNEE, "locations: [nord]\n", "locations: [nord]\ndepartment: kirurgi\n"),
        f"{BETA_KNEE}:4: error: 'kirurgi' is not a department of Helse Beta HF in provider.yml [unknown-department]",
    ),
    "approval missing for an included text": (
        lambda t: edit(t, BETA_KNEE, "## Slik kommer du", '{% include "treatments/cataract-surgery#about" %}\n\n## Slik kommer du'),
        f"{BETA_KNEE}:7: error: no local approval is recorded for 'treatments/cataract-surgery' (included on line 12); "
        f"an expert of Helse Beta HF approves it again: see 'hcweb diff {BETA_KNEE}', then approve the pull request on GitHub "
        f"or run 'hcweb approve {BETA_KNEE} --by NAME' [approval-missing]",
    ),
    "draft cannot be adopted": (
        lambda t: edit(
            t, CATARACT, "reviewed: {on: 2026-03-01, by: Per Dahl}\n", "reviewed: {on: 2026-03-01, by: Per Dahl}\nstatus: draft\n"
        ),
        f"{ALFA_CATARACT}:2: error: 'treatments/cataract-surgery' is a draft; it cannot be adopted until its owner publishes it [uses-draft]",
    ),
    "duplicate url with an overlay": (
        lambda t: t.update(
            {
                "content/providers/beta-hf/pages/behandlinger/kneprotese.md": "---\ntitle: Kne\nresponsible: {name: Ola Nord, title: Lege}\n---\nTekst\n"
            }
        ),
        "content/providers/beta-hf/pages/behandlinger/kneprotese.md:1: error: this page would be served at "
        f"/behandlinger/kneprotese/, like {BETA_KNEE}; give one of them another address (a slug: in an overlay's front matter, or another file name) [duplicate-url]",
    ),
    "url reserved for a generated page": (
        lambda t: t.update(
            {"content/providers/beta-hf/pages/kontakt.md": "---\ntitle: Kontakt\nresponsible: {name: Ola Nord, title: Lege}\n---\nTekst\n"}
        ),
        "content/providers/beta-hf/pages/kontakt.md:1: error: this page would be served at /kontakt/, which is reserved for the contact page; give it another address (a slug: in an overlay's front matter, or another file name) [duplicate-url]",
    ),
    "duplicate anchor on a page": (
        lambda t: edit(t, BETA_KNEE, "{#getting-here}", "{#about}"),
        f"{BETA_KNEE}:12: error: the section id 'about' appears twice on this page (first at line 10); give one of them another id [duplicate-anchor]",
    ),
    "unknown folder in a provider": (
        lambda t: t.update({"content/providers/beta-hf/treatment/hip.md": "---\nuses: treatments/hip\n---\n"}),
        "content/providers/beta-hf/treatment/hip.md:1: error: 'treatment/' is not a known folder in a provider "
        "(known: treatments, examinations, patient-pathways, conditions, articles, pages, snippets, events) [layout]",
    ),
    "event at an unknown location": (
        lambda t: edit(t, "content/providers/beta-hf/events/kneskole.md", "location: nord", "location: sentrum"),
        "content/providers/beta-hf/events/kneskole.md:5: error: 'sentrum' is not a location of Helse Beta HF [unknown-location]",
    ),
    "policy with an unknown setting": (
        lambda t: t.update(
            {"hcweb.yml": "review_interval_months: 24\nreview_intervall_months: 12\ncollections:\n  treatments: Behandlinger\n"}
        ),
        "hcweb.yml:2: error: unknown field 'review_intervall_months'; did you mean 'review_interval_months'? [schema]",
    ),
    "image without a rights file": (
        lambda t: t.update({"content/media/kne.jpg": "JPEG"}),
        "content/media/kne.jpg:1: error: the image has no rights file; add content/media/kne.jpg.yml with credit, licence, owner and reuse [media-rights]",
    ),
    "rights file with a bad reuse value": (
        lambda t: t.update(
            {
                "content/media/kne.jpg": "JPEG",
                "content/media/kne.jpg.yml": "credit: Foto\nlicence: CC BY 4.0\nowner: beta-hf\nreuse: sometimes\n",
            }
        ),
        "content/media/kne.jpg.yml:4: error: 'reuse' must be one of: open, restricted; found \"sometimes\" [schema]",
    ),
    "rights file naming an unknown owner": (
        lambda t: t.update(
            {"content/media/kne.jpg": "JPEG", "content/media/kne.jpg.yml": "credit: Foto\nlicence: CC BY 4.0\nowner: gamma\nreuse: open\n"}
        ),
        "content/media/kne.jpg.yml:3: error: the owner 'gamma' is not a provider in content/providers/ [unknown-provider]",
    ),
    "event ends before it starts": (
        lambda t: edit(t, "content/providers/beta-hf/events/kneskole.md", "end: 2027-01-10T14:00", "end: 2027-01-10T10:00"),
        "content/providers/beta-hf/events/kneskole.md:4: error: the event ends before it starts [event-dates]",
    ),
    "restricted image on another provider's site": (
        lambda t: t.update(
            {
                "content/media/foto.svg": "<svg/>",
                "content/media/foto.svg.yml": "credit: Foto\nlicence: Alle rettigheter\nowner: alfa-hf\nreuse: restricted\n",
                "content/providers/beta-hf/snippets/parkering.md": "Parkering.\n\n![Inngangen](/media/foto.svg)\n",
            }
        ),
        "content/providers/beta-hf/snippets/parkering.md:3: error: the image foto.svg may only be shown on the site of Helse Alfa HF "
        "(reuse: restricted), but Helse Beta HF shows it on its page /behandlinger/kneprotese/ [media-restricted]",
    ),
    "logo that belongs to another provider": (
        lambda t: (
            t.update(
                {
                    "content/media/alfa-logo.svg": "<svg/>",
                    "content/media/alfa-logo.svg.yml": "credit: Alfa\nlicence: Alle rettigheter\nowner: alfa-hf\nreuse: restricted\n",
                }
            ),
            edit(t, BETA, "  language: nb\n", "  language: nb\n  logo: alfa-logo.svg\n"),
        ),
        f"{BETA}:8: error: the image alfa-logo.svg may only be shown on the site of Helse Alfa HF (reuse: restricted), "
        "but Helse Beta HF shows it as the logo on every page [media-restricted]",
    ),
    "image without a description": (
        lambda t: t.update(
            {
                "content/media/foto.svg": "<svg/>",
                "content/media/foto.svg.yml": "credit: Foto\nlicence: CC BY 4.0\nowner: beta-hf\nreuse: open\n",
                "content/providers/beta-hf/pages/om-oss.md": t["content/providers/beta-hf/pages/om-oss.md"] + "![](/media/foto.svg)\n",
            }
        ),
        "content/providers/beta-hf/pages/om-oss.md:10: error: describe the image for those who cannot see it: write the description between [ and ] [image-alt]",
    ),
    "image that does not exist": (
        lambda t: edit(t, BETA_KNEE, "Oppmøte i resepsjonen", "![Kart](/media/kart.png)\nOppmøte i resepsjonen"),
        f"{BETA_KNEE}:13: error: there is no image content/media/kart.png with a rights file (content/media/kart.png.yml) [media-missing]",
    ),
    "link to a text the provider has not adopted": (
        lambda t: edit(t, BETA_KNEE, "Oppmøte i resepsjonen i 2. etasje.", "Se også [grå stær](/behandlinger/gra-staer/)."),
        f"{BETA_KNEE}:13: error: Helse Beta HF has not adopted 'treatments/cataract-surgery', so /behandlinger/gra-staer/ is not on its site: "
        "adopt it (hcweb adopt treatments/cataract-surgery --provider beta-hf), or link to a provider that has it (https://www.alfa-hf.example/) [link-not-adopted]",
    ),
    "link that leads nowhere": (
        lambda t: edit(t, BETA_KNEE, "Oppmøte i resepsjonen i 2. etasje.", "Se [prisene](../../priser/)."),
        f"{BETA_KNEE}:13: error: the link ../../priser/ leads nowhere: there is no page /priser/ on the site of Helse Beta HF [link-broken]",
    ),
    "link to a section that does not exist": (
        lambda t: edit(t, BETA_KNEE, "Oppmøte i resepsjonen i 2. etasje.", "Se [henvisning](#referral) og [oppfølging](#follow-up)."),
        f"{BETA_KNEE}:13: error: the page /behandlinger/kneprotese/ has no section 'follow-up' (its sections: about, getting-here, referral) [link-anchor]",
    ),
    "link to a section of another page": (
        lambda t: edit(
            t,
            "content/providers/beta-hf/pages/om-oss.md",
            "Et lite helseforetak.",
            "Les om [henvisning](/behandlinger/kneprotese/#henvisning).",
        ),
        "content/providers/beta-hf/pages/om-oss.md:9: error: the page /behandlinger/kneprotese/ has no section 'henvisning' (its sections: about, getting-here, referral) [link-anchor]",
    ),
    "overlay that includes nothing from the text it uses": (
        lambda t: t.__setitem__(
            BETA_KNEE, t[BETA_KNEE].split("---\n")[0] + "---\n" + t[BETA_KNEE].split("---\n")[1] + "---\n## Bare lokalt {#local}\nTekst.\n"
        ),
        f"{BETA_KNEE}:2: error: the page includes nothing from 'treatments/knee-replacement'; include its sections, or leave the body empty to show all of it [uses-not-included]",
    ),
    "provider id reserved for the catalogue": (
        lambda t: t.update({"content/providers/catalogue/provider.yml": t[BETA].replace("id: beta-hf", "id: catalogue")}),
        "content/providers/catalogue/provider.yml:1: error: 'catalogue' is reserved for the catalogue of national texts; choose another id [provider-id]",
    ),
    "snippet with front matter": (
        lambda t: t.update({"content/providers/beta-hf/snippets/parkering.md": "---\ntitle: P\n---\nParkering.\n"}),
        "content/providers/beta-hf/snippets/parkering.md:1: error: a snippet has no front matter; remove the lines between --- [front-matter]",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_rule(tmp_path: Path, name: str) -> None:
    mutate, expected = CASES[name]
    tree = base_tree()
    mutate(tree)
    result = validate(tmp_path, tree)
    assert result.exit_code == 1, result.output
    assert expected in result.output.splitlines(), result.output
    assert "Traceback" not in result.output


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    tree = base_tree()
    for name in ("unknown field", "unknown location", "heading without id", "owner is not a provider"):
        CASES[name][0](tree)
    result = validate(tmp_path, tree, "--format", "json")
    assert result.exit_code == 1
    reported = json.loads(result.stdout)
    assert {(d["path"], d["line"], d["code"]) for d in reported} >= {
        (KNEE, 4, "schema"),
        (KNEE, 6, "unknown-provider"),  # one line lower: a field was added above
        (BETA_KNEE, 3, "unknown-location"),
        (CATARACT, 18, "section-id"),
    }
    assert all(set(d) == {"severity", "code", "path", "line", "message"} for d in reported)


def test_review_overdue_is_a_warning_and_strict_makes_it_an_error(tmp_path: Path) -> None:
    tree = base_tree()
    edit(tree, KNEE, "reviewed: {on: 2026-03-01", "reviewed: {on: 2024-10-01")
    root = make_repo(tmp_path / "repo", tree)
    relaxed = run(root, "validate", "--today", TODAY)
    line = f"{KNEE}:13: warning: the professional review was due on 2026-10-01 (60 days ago; last reviewed 2024-10-01, every 24 months) [review-overdue]"
    assert relaxed.exit_code == 0
    assert line in relaxed.output.splitlines()
    strict = run(root, "validate", "--today", TODAY, "--strict")
    assert strict.exit_code == 1
    assert line.replace("warning:", "error:") in strict.output.splitlines()


def test_review_due_soon_warns_within_the_window(tmp_path: Path) -> None:
    tree = base_tree()
    edit(tree, KNEE, "reviewed: {on: 2026-03-01", "reviewed: {on: 2025-01-15")
    result = validate(tmp_path, tree)
    assert result.exit_code == 0
    assert f"{KNEE}:13: warning: the professional review is due on 2027-01-15, in 46 days [review-due-soon]" in result.output.splitlines()


def test_include_through_a_symlink_out_of_the_content_shows_nothing_of_the_target(tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("TOP SECRET PASSWORD\n", encoding="utf-8")
    root = make_repo(tmp_path / "repo", base_tree())
    link = root / "content/providers/beta-hf/snippets/parkering.md"
    link.unlink()
    os.symlink(secret, link)
    commit(root)
    result = run(root, "validate", "--today", TODAY)
    assert result.exit_code == 1
    assert (
        "content/providers/beta-hf/snippets/parkering.md:1: error: this file is a link that leads outside content/; it was not read [outside-root]"
        in result.output.splitlines()
    )
    assert (
        f"{BETA_KNEE}:15: error: Helse Beta HF has no snippet 'snippets/parkering' (its snippets: none) [include-missing]" in result.output
    )
    assert "SECRET" not in result.output


def test_github_format_writes_annotations(tmp_path: Path) -> None:
    tree = base_tree()
    CASES["unknown location"][0](tree)
    result = validate(tmp_path, tree, "--format", "github")
    assert result.exit_code == 1
    assert (
        f"::error file={BETA_KNEE},line=3,title=unknown-location::'vest' is not a location of Helse Beta HF (its locations: nord, sor)"
        in result.output.splitlines()
    )


def test_provider_filter_keeps_other_providers_problems_out(tmp_path: Path) -> None:
    tree = base_tree()
    CASES["unknown location"][0](tree)  # a problem of beta-hf only
    root = make_repo(tmp_path / "repo", tree)
    assert run(root, "validate", "--today", TODAY, "--provider", "alfa-hf").exit_code == 0
    assert run(root, "validate", "--today", TODAY, "--provider", "beta-hf").exit_code == 1


def test_national_text_problem_stops_the_providers_that_use_it(tmp_path: Path) -> None:
    tree = base_tree()
    CASES["national approver is not an expert of the owner"][0](tree)
    root = make_repo(tmp_path / "repo", tree)
    result = run(root, "validate", "--today", TODAY, "--provider", "beta-hf")
    assert result.exit_code == 1
    assert f"{KNEE}:10:" in result.output
