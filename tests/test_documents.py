"""Reading front matter and YAML: safe, YAML 1.2 scalars, and lines counted from the top of the file."""

from __future__ import annotations

from hcweb.documents import load_yaml, split_front_matter
from hcweb.sections import content_hash, directives, split_sections


def test_on_no_and_yes_stay_words_and_dates_stay_text() -> None:
    document = load_yaml("approved:\n  on: 2026-05-01\nlanguage: no\nanswer: yes\nflag: true\n", "x.yml")
    assert document.problems == []
    assert document.data == {"approved": {"on": "2026-05-01"}, "language": "no", "answer": "yes", "flag": True}


def test_python_objects_are_refused() -> None:
    document = load_yaml("x: !!python/object/apply:os.system ['echo hacked']\n", "x.yml")
    assert document.data == {"x": None}
    assert [p.code for p in document.problems] == ["yaml-tag"]


def test_alias_bomb_is_refused_without_expanding() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    document = load_yaml(bomb, "bomb.yml")
    assert {p.code for p in document.problems} == {"yaml-alias"}


def test_front_matter_lines_are_file_lines() -> None:
    source = split_front_matter("---\ntitle: A\napproved:\n  by: B\n---\nBody\n", "a.md")
    assert source.lines("approved", "by") == 4
    assert source.body == "Body\n"
    assert source.body_line == 6


def test_yaml_error_line_is_a_file_line() -> None:
    source = split_front_matter("---\ntitle: A\nsummary: one: two\n---\n", "a.md")
    assert [(p.line, p.code) for p in source.problems] == [(3, "yaml-syntax")]


def test_file_without_front_matter_is_all_body() -> None:
    source = split_front_matter("## Heading {#h}\n", "a.md")
    assert not source.has_front_matter
    assert source.body == "## Heading {#h}\n"


def test_sections_split_at_level_two_headings_outside_fences() -> None:
    intro, sections = split_sections("Intro\n## A {#a}\nx\n```\n## not\n```\n### sub\n## B {#b .wide}\ny\n", 10)
    assert intro == "Intro\n"
    assert [(s.id, s.title, s.line) for s in sections] == [("a", "A", 11), ("b", "B", 17)]
    assert sections[0].markdown == "## A {#a}\nx\n```\n## not\n```\n### sub\n"


def test_directives_must_stand_alone_with_double_quotes() -> None:
    found = directives('{% include "a/b#c" %}\ntext {% include "a/b" %}\n{% include \'a/b\' %}\n', 1)
    assert [(d.line, d.target, d.malformed) for d in found] == [(1, "a/b#c", False), (2, "", True), (3, "", True)]


def test_content_hash_ignores_line_endings_and_is_sha256_prefix() -> None:
    # printf 'a\nb\n' | sha256sum  ->  911169ddaaf1...
    assert content_hash("a\r\nb\n") == content_hash("a\nb\n") == "911169ddaaf1"


def test_approve_reads_front_matter_exactly_as_the_loader_does() -> None:
    """One reader: a byte-order mark, '----', '...' and an unclosed block mean the same to approve as to validate."""
    from hcweb.approve import record_in_text
    from hcweb.documents import split_front_matter
    from hcweb.errors import HcwebError

    cases = {
        "bom": "\ufeff---\ntitle: A\n---\nTekst.\n",
        "dots": "---\ntitle: A\n...\nTekst.\n",
        "crlf": "---\r\ntitle: A\r\n---\r\nTekst.\r\n",
        "four-dashes": "----\ntitle: A\n---\nTekst.\n",
        "unclosed": "---\ntitle: A\nTekst.\n",
        "none": "Tekst.\n",
    }
    for name, text in cases.items():
        source = split_front_matter(text, name)
        try:
            written = record_in_text(text, name, "approved", {"by": "Ola Nord"})
        except HcwebError:
            assert source.data is None, name  # approve refuses only what the loader reads as no front matter
            continue
        after = split_front_matter(written, name)
        assert after.data == {**source.data, "approved": {"by": "Ola Nord"}}, name
        assert after.body == source.body, name
