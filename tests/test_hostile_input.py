"""Bad and hostile input files: each gives a clear `path:line: error: ... [code]`, never an internal error,
and one bad file never stops the check of the others.

Lines in the base tree (tests/helpers.py) that these tests point at:
national text: 12 approved.revision, 13 reviewed, body from 15; overlay: 6 approved.on, body from 10;
page om-oss: 2 title, 4 responsible.name, 6 approved, body from 8; event kneskole: 2 title, 3 start, 5 location.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import fastjsonschema
import pytest
import yaml

from hcweb.checks import html
from hcweb.documents import LineMap
from hcweb.schema import Schemas
from hcweb.sections import content_hash
from helpers import KNEE_BODY, PROJECT, TODAY, base_tree, commit, make_repo, national_text, overlay, run

KNEE = "content/common/treatments/knee-replacement.md"
BETA = "content/providers/beta-hf/provider.yml"
BETA_KNEE = "content/providers/beta-hf/treatments/knee-replacement.md"
PAGE = "content/providers/beta-hf/pages/om-oss.md"
EVENT = "content/providers/beta-hf/events/kneskole.md"
SNIPPET = "content/providers/beta-hf/snippets/parkering.md"
SIDECAR = "credit: Foto Ola Nord\nlicence: CC BY 4.0\nowner: beta-hf\nreuse: open\n"
INCLUDE_HINT = 'an include is written {% include "collection/slug#section" %}, with double quotes, alone on its line'


# -- helpers ---------------------------------------------------------------------


def edit(tree: dict[str, str], path: str, old: str, new: str) -> None:
    assert old in tree[path], f"{old!r} not in {path}"
    tree[path] = tree[path].replace(old, new, 1)


def errors_of(output: str) -> list[str]:
    """The error lines of ``output``, but those of the HTML policy (tested with the rendering it checks)."""
    return [line for line in output.splitlines() if ": error: " in line and "[html-" not in line]


def validate(root: Path, *args: str):
    result = run(root, "validate", "--today", TODAY, *args)
    assert "Traceback" not in result.output and "internal error" not in result.output
    return result


def write_bytes(root: Path, rel: str, data: bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def sealed(root: Path, rel: str) -> str:
    """The file ``rel`` as make_repo committed it: its approvals completed (tree[rel] still says ``unsealed``)."""
    return (root / rel).read_bytes().decode("utf-8")


def headings_body(count: int) -> str:
    """A body of ``count`` headings, level 2 and 3 in turn (about 16 bytes a heading)."""
    return "".join(f"## Del {i} {{#d{i}}}\n" if i % 2 == 0 else f"### Mer {i}\n" for i in range(count))


# -- 1. numbers and dates that overflow ------------------------------------------


@pytest.mark.parametrize(
    ("path", "old", "new", "line", "length"),
    [
        (KNEE, "type: treatment\n", "type: treatment\nspecialty: " + "9" * 5000 + "\n", 4, 5000),
        (EVENT, "location: nord", "location: " + "9" * 5000, 5, 5000),
        (PAGE, "title: Om oss", "title: -" + "1" * 5000, 2, 5001),
        (BETA, "  language: nb", "  language: 0x" + "f" * 5000, 7, 5002),
    ],
    ids=["national-text", "event", "page", "provider.yml"],
)
def test_a_5000_digit_number_is_reported_at_its_line(tmp_path: Path, path: str, old: str, new: str, line: int, length: int) -> None:
    tree = base_tree()
    edit(tree, path, old, new)
    result = validate(make_repo(tmp_path / "repo", tree))
    assert result.exit_code == 1
    assert errors_of(result.output) == [
        f"{path}:{line}: error: this number is {length} characters long, too long to be a number; "
        "if it is meant as text, put it in quotes [yaml-value]"
    ]


def test_a_value_that_does_not_fit_its_explicit_tag_is_reported(tmp_path: Path) -> None:
    tree = base_tree()
    edit(tree, PAGE, "title: Om oss", "title: !!bool kanskje")
    result = validate(make_repo(tmp_path / "repo", tree))
    assert errors_of(result.output) == [
        f"{PAGE}:2: error: 'kanskje' cannot be read as true or false; if it is meant as text, put it in quotes [yaml-value]"
    ]


@pytest.mark.parametrize(
    ("path", "old", "new", "line", "shown"),
    [
        (KNEE, "reviewed: {on: 2026-03-01", "reviewed: {on: 9999-12-31", 13, "9999-12-31"),
        (KNEE, "reviewed: {on: 2026-03-01", "reviewed: {on: 0001-01-01", 13, "0001-01-01"),
        (BETA_KNEE, "on: 2026-05-01", "on: 2999-05-01", 6, "2999-05-01"),
        (EVENT, "start: 2027-01-10T12:00", "start: 9999-12-31T23:59", 3, "9999-12-31"),
    ],
    ids=["review-far-future", "review-far-past", "overlay-approval", "event-start"],
)
def test_an_implausible_date_is_reported_not_added_to(tmp_path: Path, path: str, old: str, new: str, line: int, shown: str) -> None:
    tree = base_tree()
    edit(tree, path, old, new)
    root = make_repo(tmp_path / "repo", tree)
    result = validate(root)
    assert result.exit_code == 1
    assert f"{path}:{line}: error: the date {shown} is not plausible; write a date between 1900 and 2099 [schema]" in errors_of(
        result.output
    )
    report = run(root, "report", "reviews", "--format", "json", "--today", TODAY)
    assert report.exit_code == 0, report.output


def test_a_huge_review_interval_in_the_policy_is_reported_and_not_used(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", base_tree())
    policy = root / "hcweb.yml"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace("review_interval_months: 24", "review_interval_months: 99999999999"), encoding="utf-8"
    )
    result = validate(root)
    assert errors_of(result.output) == ["hcweb.yml:4: error: 'review_interval_months' must be at most 120; found 99999999999 [schema]"]


def test_front_matter_nested_too_deeply_is_reported(tmp_path: Path) -> None:
    tree = base_tree()
    edit(tree, PAGE, "title: Om oss", "title: " + "[" * 990 + "]" * 990)
    result = validate(make_repo(tmp_path / "repo", tree))
    assert errors_of(result.output) == [
        f"{PAGE}:2: error: the value here is nested more than 20 levels deep; content never needs that [yaml-depth]"
    ]


# -- 2. line endings -----------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r", "\r\n"], ids=["cr-only", "crlf"])
def test_old_mac_and_windows_line_endings_are_read_with_the_editors_line_numbers(tmp_path: Path, newline: str) -> None:
    tree = base_tree()
    edit(tree, KNEE, "## Etter behandlingen {#follow-up}", "## Etter behandlingen")
    edit(tree, BETA_KNEE, content_hash(KNEE_BODY), content_hash(KNEE_BODY.replace(" {#follow-up}", "")))
    edit(tree, BETA_KNEE, '{% include "snippets/parkering" %}', '{% include "snippets/mangler" %}')
    root = make_repo(tmp_path / "repo", tree)
    for rel in (KNEE, BETA_KNEE, PAGE):  # the files as sealed (approved), with other line endings: the same words, the same hashes
        write_bytes(root, rel, sealed(root, rel).replace("\n", newline).encode("utf-8"))
    result = validate(root)
    found = errors_of(result.output)
    assert found == [
        f"{KNEE}:23: error: the heading 'Etter behandlingen' needs an id so providers can include it: "
        "write '## Etter behandlingen {#an-id}' [section-id]",
        f"{BETA_KNEE}:15: error: Helse Beta HF has no snippet 'snippets/mangler' (its snippets: snippets/parkering) [include-missing]",
    ]


def test_an_invisible_line_break_is_reported_and_later_lines_keep_the_editors_numbers(tmp_path: Path) -> None:
    tree = base_tree()
    edit(tree, PAGE, "Et lite helseforetak.", 'Et lite\u2028helseforetak.\nMer tekst.\f\n{ % include "snippets/parkering" %}')
    result = validate(make_repo(tmp_path / "repo", tree))
    assert errors_of(result.output) == [
        f"{PAGE}:9: error: this line contains an invisible character (U+2028 LINE SEPARATOR) that some programs read as a line break; "
        "delete it and type an ordinary line break if one is meant [invisible-character]",
        f"{PAGE}:10: error: this line contains an invisible character (U+000C) that some programs read as a line break; "
        "delete it and type an ordinary line break if one is meant [invisible-character]",
        f"{PAGE}:11: error: includes work in overlays and snippets only; on this page the line would be shown as it is [include-in-page]",
    ]


# -- 3. approve and diff -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "newline"),
    [("\ufeff", "\n"), ("\ufeff", "\r\n"), ("", "\r"), ("\ufeff", "\r")],
    ids=["bom", "bom-crlf", "cr-only", "bom-cr-only"],
)
def test_approve_keeps_the_bom_and_line_endings_and_changes_only_its_own_lines(tmp_path: Path, prefix: str, newline: str) -> None:
    root = make_repo(tmp_path / "repo", base_tree())
    text = sealed(root, BETA_KNEE)
    write_bytes(root, BETA_KNEE, (prefix + text.replace("\n", newline)).encode("utf-8"))
    commit(root, "the overlay as saved by another editor")  # 2026-06-01: an approval on 2026-11-20 may cover it
    result = run(root, "approve", str(root / BETA_KNEE), "--by", "Ola Nord", "--on", "2026-11-20", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert f"{BETA_KNEE}: approval by Ola Nord on 2026-11-20 recorded" in result.output
    # its own lines: the date, and the tool-owned revisions, always written as a block (approve.py)
    revisions = re.search(r"  revisions: \{(\S+): ([0-9a-f]{12})\}\n", text)
    assert revisions is not None, text
    own = text.replace("on: 2026-05-01", "on: 2026-11-20").replace(
        revisions.group(0), f"  revisions:\n    {revisions.group(1)}: {revisions.group(2)}\n"
    )
    expected = prefix + own.replace("\n", newline)
    assert (root / BETA_KNEE).read_bytes().decode("utf-8") == expected
    assert errors_of(validate(root).output) == []


def test_approve_of_a_national_text_with_a_bom_keeps_it(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", base_tree())
    text = sealed(root, KNEE)
    write_bytes(root, KNEE, ("\ufeff" + text).encode("utf-8"))
    commit(root, "the text as saved by another editor")  # 2026-06-01: an approval on 2026-11-01 may cover it
    result = run(root, "approve", str(root / KNEE), "--by", "Per Dahl", "--on", "2026-11-01", "--today", TODAY)
    assert result.exit_code == 0, result.output
    expected = "\ufeff" + text.replace("  by: Kari Berg\n  on: 2026-03-01", "  by: Per Dahl\n  on: 2026-11-01")
    assert (root / KNEE).read_bytes().decode("utf-8") == expected


@pytest.mark.parametrize("command", [["approve", "--by", "Ola Nord"], ["diff"]], ids=["approve", "diff"])
def test_a_path_outside_the_repository_is_a_one_line_usage_error(tmp_path: Path, command: list[str]) -> None:
    root = make_repo(tmp_path / "repo", base_tree())
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text(base_tree()[BETA_KNEE], encoding="utf-8")
    result = run(root, command[0], str(elsewhere), *command[1:])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"Error: {elsewhere} is not in the repository {root.resolve()}; give a file under its content/ folder"
    ]


def test_approve_of_a_file_that_is_no_text_is_a_usage_error(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", base_tree())
    result = run(root, "approve", str(root / "hcweb.yml"), "--by", "Ola Nord")
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "Error: hcweb.yml is not a national text, a translation of one, a local overlay or a provider's page"
    ]


def test_approve_of_a_link_says_why_and_writes_nothing(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", base_tree())
    target = tmp_path / "elsewhere.md"
    target.write_text(base_tree()[BETA_KNEE], encoding="utf-8")
    link = root / "content/providers/beta-hf/treatments/cataract-surgery.md"
    os.symlink(target, link)
    before = target.read_bytes()
    result = run(root, "approve", str(link), "--by", "Ola Nord", "--today", TODAY)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: content/providers/beta-hf/treatments/cataract-surgery.md:1: this file is a link that leads outside content/; it was not read"
    ]
    assert target.read_bytes() == before and link.is_symlink()


# -- 4. include directives written another way --------------------------------------------------

MISWRITTEN_INCLUDES = [
    '{% INCLUDE "treatments/knee-replacement#follow-up" %}',
    '{ % include "treatments/knee-replacement#follow-up" %}',
    '{%include "treatments/knee-replacement#follow-up"%}',
    '{%  include  "treatments/knee-replacement#follow-up"  %}',
    '{\uff05 include "treatments/knee-replacement#follow-up" \uff05}',
    "{% include 'treatments/knee-replacement#follow-up' %}",
    "{% include \u201ctreatments/knee-replacement#follow-up\u201d %}",
    '{%- include "treatments/knee-replacement#follow-up" -%}',
    "{% include treatments/knee-replacement#follow-up %}",
    '{{ include "treatments/knee-replacement#follow-up" }}',
    '{% inkluder "treatments/knee-replacement#follow-up" %}',
    'Se {% include "treatments/knee-replacement#follow-up" %}',
]


@pytest.mark.parametrize("line", MISWRITTEN_INCLUDES)
def test_an_include_written_another_way_is_reported_with_the_exact_form(tmp_path: Path, line: str) -> None:
    tree = base_tree()
    tree[BETA_KNEE] += f"\n{line}\n"
    result = validate(make_repo(tmp_path / "repo", tree))
    assert result.exit_code == 1
    assert errors_of(result.output) == [f"{BETA_KNEE}:19: error: {INCLUDE_HINT} [include-syntax]"]


def test_a_miswritten_include_is_reported_in_snippets_pages_and_national_texts(tmp_path: Path) -> None:
    tree = base_tree()
    tree[SNIPPET] += '{ % include "treatments/knee-replacement#follow-up" %}\n'
    tree[PAGE] += '{% INCLUDE "snippets/parkering" %}\n'
    tree["content/common/treatments/ny.md"] = national_text(
        "Ny", "alfa-hf", "Kari Berg", 'Tekst.\n{\uff05 include "treatments/cataract-surgery" \uff05}\n'
    )
    result = validate(make_repo(tmp_path / "repo", tree))
    assert errors_of(result.output) == [
        "content/common/treatments/ny.md:16: error: a national text cannot include other files; only overlays and snippets can [include-in-national]",
        f"{PAGE}:10: error: includes work in overlays and snippets only; on this page the line would be shown as it is [include-in-page]",
        f"{SNIPPET}:2: error: {INCLUDE_HINT} [include-syntax]",
    ]


def test_the_exact_form_and_text_that_only_mentions_braces_are_left_alone(tmp_path: Path) -> None:
    tree = base_tree()
    tree[BETA_KNEE] += '\n  {% include "treatments/knee-replacement#follow-up" %}  \n\nTelefontid {08.00–15.30} og {#ikke-en-id}.\n'
    result = validate(make_repo(tmp_path / "repo", tree))
    assert errors_of(result.output) == []


# -- 5. links and other files that are not ordinary files ---------------------------------------------


def test_links_in_content_are_refused_unread_and_nothing_behind_them_is_copied(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "provider.yml").write_text("id: lekk\nname: HEMMELIG-PROVIDER\n", encoding="utf-8")
    (secret / "passwords.md").write_text("---\ntitle: HEMMELIG\n---\nPASSORD=hunter2\n", encoding="utf-8")
    tree = base_tree()
    tree["content/media/env.png.yml"] = SIDECAR
    tree["content/media/git.png.yml"] = SIDECAR
    tree["content/media/inside.png.yml"] = SIDECAR
    tree["content/media/logo.png"] = "not really a png"
    tree["content/media/logo.png.yml"] = SIDECAR
    edit(tree, PAGE, "Et lite helseforetak.", "Et lite helseforetak.\n\n![Miljø](/media/env.png)\n\n![Git](/media/git.png)")
    root = make_repo(tmp_path / "repo", tree)
    environ = Path("/proc/self/environ") if Path("/proc/self/environ").exists() else secret / "passwords.md"
    links = {
        "content/media/env.png": str(environ),
        "content/media/git.png": "../../.git/config",
        "content/media/inside.png": "logo.png",
        "content/providers/lekk": str(secret),
        "content/providers/beta-hf/snippets/lenke.md": str(secret / "passwords.md"),
        "content/providers/beta-hf/events/kopi.md": "kneskole.md",
        "content/providers/beta-hf/pages/hemmelig.md": str(secret / "passwords.md"),
        "content/providers/beta-hf/pages/arkiv": str(secret),
        "content/common/treatments/kopi.md": "knee-replacement.md",
    }
    for rel, target in links.items():
        os.symlink(target, root / rel)
    outside = "this file is a link that leads outside content/; it was not read [outside-root]"
    result = validate(root)
    assert result.exit_code == 1
    assert errors_of(result.output) == [
        f"content/common/treatments/kopi.md:1: error: this file is a link (to {KNEE}); links are not followed in content/, "
        "so it was not read: put the file itself here [link]",
        f"content/media/env.png:1: error: {outside}",
        f"content/media/git.png:1: error: {outside}",
        "content/media/inside.png:1: error: this file is a link (to content/media/logo.png); links are not followed in content/, "
        "so it was not read: put the file itself here [link]",
        "content/providers/beta-hf/events/kopi.md:1: error: this file is a link (to content/providers/beta-hf/events/kneskole.md); "
        "links are not followed in content/, so it was not read: put the file itself here [link]",
        "content/providers/beta-hf/pages/arkiv:1: error: this folder is a link that leads outside content/; nothing in it was read [outside-root]",
        f"content/providers/beta-hf/pages/hemmelig.md:1: error: {outside}",
        f"{PAGE}:11: error: there is no image content/media/env.png with a rights file (content/media/env.png.yml) [media-missing]",
        f"{PAGE}:13: error: there is no image content/media/git.png with a rights file (content/media/git.png.yml) [media-missing]",
        f"content/providers/beta-hf/snippets/lenke.md:1: error: {outside}",
        "content/providers/lekk:1: error: this folder is a link that leads outside content/; nothing in it was read [outside-root]",
    ]
    build = run(root, "build", "--all", "--today", TODAY)
    assert build.exit_code == 1
    for output in (result.output, build.output):
        assert "hunter2" not in output and "HEMMELIG" not in output and "Traceback" not in output
    published = [p for p in (root / "site").rglob("*") if p.is_file()] if (root / "site").exists() else []
    assert not [p for p in published if p.suffix == ".png"]
    assert not any(b"hunter2" in p.read_bytes() or b"[core]" in p.read_bytes() for p in published)


def test_a_linked_content_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "treatments").mkdir(parents=True)
    root = make_repo(tmp_path / "repo", base_tree())
    os.symlink(elsewhere, root / "content/common/examinations")
    result = validate(root)
    assert errors_of(result.output) == [
        "content/common/examinations:1: error: this folder is a link that leads outside content/; nothing in it was read [outside-root]"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_named_pipe_is_refused_without_waiting_on_it(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", base_tree())
    os.mkfifo(root / "content/providers/beta-hf/pages/ror.md")
    started = time.monotonic()
    result = validate(root)
    assert time.monotonic() - started < 60
    assert errors_of(result.output) == [
        "content/providers/beta-hf/pages/ror.md:1: error: this is not an ordinary file (a pipe or a device, say); it was not read [unreadable]"
    ]


# -- 6. many headings ---------------------------------------------------------------------------------


def test_a_page_of_10000_headings_is_checked_quickly_by_hcwebs_own_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The HTML policy renders every page with Python-Markdown; its cost is measured with the rendering.
    # Here: loading, sections, includes, anchors and links, over a page and a national text of 10,000 headings.
    monkeypatch.setattr(html, "check", lambda context: [])
    body = headings_body(10_000)
    assert 150_000 < len(body.encode("utf-8")) < 200_000
    tree = base_tree()
    tree["content/common/treatments/lang.md"] = national_text("Lang", "alfa-hf", "Kari Berg", body)
    tree["content/providers/beta-hf/treatments/lang.md"] = overlay(
        "treatments/lang", "Ola Nord", {"treatments/lang": content_hash(body)}, '{% include "treatments/lang#d9998" %}\n'
    )
    tree["content/providers/beta-hf/pages/lang.md"] = f"---\ntitle: Lang\nresponsible:\n  name: Ola Nord\n  title: Overlege\n---\n{body}"
    root = make_repo(tmp_path / "repo", tree)
    policy = root / "hcweb.yml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("max_file_bytes: 200000", "max_file_bytes: 400000"), encoding="utf-8")
    started = time.perf_counter()
    result = validate(root)
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 10  # about 0.1 s; a loop over headings inside a loop over headings takes minutes


# -- 7. bounds on names, titles and summaries --------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "old", "new", "message"),
    [
        (
            PAGE,
            "title: Om oss",
            "title: " + "x" * 100_000,
            f"{PAGE}:2: error: the title is 100000 characters long; a title may be at most 120 [schema]",
        ),
        (
            KNEE,
            "title: Kneprotese",
            'title: "Om <script>alert(1)</script>"',
            f"{KNEE}:2: error: the title contains '<'; a title may not contain < or > (write the words instead, e.g. 'under' or 'over') [schema]",
        ),
        (
            KNEE,
            "summary: Kort om kneprotese.",
            "summary: " + "s" * 401,
            f"{KNEE}:4: error: the summary is 401 characters long; a summary may be at most 400 [schema]",
        ),
        (
            PAGE,
            "  name: Ola Nord",
            '  name: "Ola\\u0007 Nord"',
            f"{PAGE}:4: error: 'responsible.name' contains an invisible character (U+0007); delete it [schema]",
        ),
        (
            EVENT,
            "title: Kneskole",
            'title: "Kneskole\\u202e"',
            f"{EVENT}:2: error: the title contains an invisible character (U+202E RIGHT-TO-LEFT OVERRIDE); delete it [schema]",
        ),
        (
            EVENT,
            "title: Kneskole",
            'title: "Kne\\nskole"',
            f"{EVENT}:2: error: the title runs over more than one line; write a title on one line [schema]",
        ),
        (
            BETA,
            "  - name: Ola Nord",
            "  - name: " + "O" * 101,
            f"{BETA}:13: error: 'experts[1].name' is 101 characters long; a name may be at most 100 [schema]",
        ),
        (
            BETA,
            "    name: Nord sykehus",
            "    name: Nord sykehus > Sor",
            f"{BETA}:18: error: 'locations[1].name' contains '>'; a name may not contain < or > (write the words instead, e.g. 'under' or 'over') [schema]",
        ),
    ],
    ids=[
        "long-title",
        "markup-in-title",
        "long-summary",
        "control-in-name",
        "bidi-in-title",
        "newline-in-title",
        "long-expert-name",
        "markup-in-place-name",
    ],
)
def test_names_titles_and_summaries_are_bounded_with_a_plain_message(tmp_path: Path, path: str, old: str, new: str, message: str) -> None:
    tree = base_tree()
    edit(tree, path, old, new)
    root = make_repo(tmp_path / "repo", tree)
    result = validate(root)
    assert result.exit_code == 1
    assert message in errors_of(result.output)


HOSTILE_VALUES = [
    "x" * 121,
    "x" * 401,
    "x" * 2001,
    "a<b",
    "a>b",
    "a\u0000b",
    "a\u0085b",
    "a\u2028b",
    "a\u2066b",
    "a\tb",
    "a\nb",
    "ok",
    "Åse Ødegård-Ås",
    "x" * 100,
    12,
]


def valid_document(schema: str) -> dict:
    """A valid document of ``schema``, from the base tree."""
    tree = base_tree()
    text = {"page": tree[PAGE].split("---\n")[1], "provider": tree[BETA], "media": SIDECAR}[schema]
    return yaml.safe_load(text)


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=range(len(HOSTILE_VALUES)))
@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ("page", ("title",)),
        ("page", ("summary",)),
        ("media", ("credit",)),
        ("provider", ("experts", 0, "name")),
        ("provider", ("locations", 0, "transport")),
    ],
    ids=["title", "summary", "credit", "expert-name", "transport"],
)
def test_both_schema_validators_agree_on_every_bound(schema: str, path: tuple, value) -> None:
    """The compiled validator decides; the one that explains must find a problem exactly when it refuses."""
    schemas = Schemas(PROJECT / "schemas")
    document = valid_document(schema)
    place = document
    for key in path[:-1]:
        place = place[key]
    place[path[-1]] = value
    try:
        schemas._fast[schema](document)
        refused = False
    except fastjsonschema.JsonSchemaException:
        refused = True
    problems = schemas.validate(schema, document, "x.md", LineMap())
    assert refused == bool(problems), problems


# -- everything at once ---------------------------------------------------------------------------------


def test_every_bad_file_is_reported_in_one_run(tmp_path: Path) -> None:
    tree = base_tree()
    edit(tree, EVENT, "location: nord", "location: " + "9" * 5000)
    edit(tree, KNEE, "reviewed: {on: 2026-03-01", "reviewed: {on: 9999-12-31")
    edit(tree, BETA_KNEE, '{% include "treatments/knee-replacement#referral" %}', '{ % include "treatments/knee-replacement#referral" %}')
    edit(tree, PAGE, "title: Om oss", "title: " + "x" * 100_000)
    tree["content/providers/beta-hf/pages/mac.md"] = (
        "---\rtitle: Mac\rresponsible:\r  name: Ola Nord\r  title: Overlege\rapproved: {by: Ola Nord, on: 2026-02-01, local: unsealed}\r"
        '---\rTekst.\r{% INCLUDE "snippets/parkering" %}\r'
    )
    tree["content/providers/alfa-hf/pages/bom.md"] = (
        "\ufeff---\ntitle: Med BOM\nresponsible:\n  name: Kari Berg\n  title: Overlege\n---\nTekst.\n"
    )
    tree["content/common/treatments/stor.md"] = national_text(
        "Stor", "alfa-hf", "Kari Berg", "Tekst.\n", extra="specialty: " + "7" * 5000 + "\n"
    )
    tree["content/media/env.png.yml"] = SIDECAR
    root = make_repo(tmp_path / "repo", tree)
    os.symlink("/etc/hostname", root / "content/media/env.png")
    result = validate(root)
    assert result.exit_code == 1
    found = errors_of(result.output)
    expected = [
        f"{KNEE}:13: error: the date 9999-12-31 is not plausible; write a date between 1900 and 2099 [schema]",
        "content/common/treatments/stor.md:14: error: this number is 5000 characters long, too long to be a number; if it is meant as text, put it in quotes [yaml-value]",
        "content/media/env.png:1: error: this file is a link that leads outside content/; it was not read [outside-root]",
        f"{EVENT}:5: error: this number is 5000 characters long, too long to be a number; if it is meant as text, put it in quotes [yaml-value]",
        "content/providers/beta-hf/pages/mac.md:9: error: includes work in overlays and snippets only; on this page the line would be shown as it is [include-in-page]",
        f"{PAGE}:2: error: the title is 100000 characters long; a title may be at most 120 [schema]",
        f"{BETA_KNEE}:17: error: {INCLUDE_HINT} [include-syntax]",
    ]
    assert found == expected
