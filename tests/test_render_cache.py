"""The render cache never serves stale output: a build through it is byte for byte a build without it.

Every test compares the sites built through the cache with sites built from scratch with
--no-cache from the same content, after a change to each kind of input.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hcweb import commands
from hcweb.repo import Repository
from helpers import (
    CATARACT_BODY,
    KNEE_BODY,
    TODAY,
    base_tree,
    commit,
    content_hash,
    dedent,
    edit_file,
    make_repo,
    national_text,
    overlay,
    run,
)

# Markdown that tests where a page may be cut into parts: the same sub-heading in two sections
# (rendered whole, the second gets another id), a reference-style link (global to a page), a
# fenced block with a heading-like line, a table, an admonition and links to other pages and anchors.
TRICKY_BODY = dedent(
    """
    Skulderprotese er en operasjon der leddet byttes ut.

    ## Om behandlingen {#about}

    Les også om [kneprotese](../kneprotese/#referral) og [grå stær][star].

    ### Råd

    | Uke | Trening |
    | --- | --- |
    | 1 | Lett |

    ## Etter operasjonen {#after}

    ### Råd

    !!! note "Husk"
        Ta med medisinlisten.

    ```
    ## ikke en overskrift
    ```

    [star]: ../gra-staer/
    """
)

PLAIN_BODY = dedent(
    """
    ## Om behandlingen {#about}

    Skulderen opereres i narkose.

    ## Etter operasjonen {#after}

    ### Råd

    Du får trening fra første dag.
    """
)


def snapshot(site: Path) -> dict[str, bytes]:
    """Every file of every site (not the build's own records and cache)."""
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and not p.relative_to(site).parts[0].startswith(".")
    }


def build(repo: Path, out: Path, *options: str) -> str:
    result = run(repo, "build", "--all", "--out", str(out), "--today", TODAY, *options)
    assert result.exit_code == 0, result.output
    return result.output


def from_scratch(repo: Path, out: Path) -> dict[str, bytes]:
    build(repo, out, "--force", "--no-cache")
    return snapshot(out)


def shoulder_tree(body: str) -> dict[str, str]:
    """The base tree, both providers showing every text, and a shoulder text with ``body``."""
    tree = base_tree()
    tree["content/providers/alfa-hf/treatments/knee-replacement.md"] = overlay(
        "treatments/knee-replacement", "Kari Berg", {"treatments/knee-replacement": content_hash(KNEE_BODY)}, "", locations="[sentrum]"
    )
    tree["content/providers/beta-hf/treatments/cataract-surgery.md"] = overlay(
        "treatments/cataract-surgery", "Ola Nord", {"treatments/cataract-surgery": content_hash(CATARACT_BODY)}, ""
    )
    tree["content/common/treatments/shoulder.md"] = national_text("Skulderprotese", "alfa-hf", "Kari Berg", body)
    for provider, expert, location in (("alfa-hf", "Kari Berg", "[sentrum]"), ("beta-hf", "Ola Nord", "[nord]")):
        tree[f"content/providers/{provider}/treatments/shoulder.md"] = overlay(
            "treatments/shoulder",
            expert,
            {"treatments/shoulder": content_hash(body)},
            '{% include "treatments/shoulder#about" %}\n\n## Hos oss {#local}\n\nRing oss.\n\n{% include "treatments/shoulder#after" %}\n',
            locations=location,
        )
    return tree


@pytest.mark.parametrize("body", [TRICKY_BODY, PLAIN_BODY], ids=["tricky-markdown", "plain-markdown"])
def test_cached_builds_are_byte_identical_to_builds_without_the_cache(tmp_path: Path, body: str) -> None:
    repo = make_repo(tmp_path / "repo", shoulder_tree(body))
    expected = from_scratch(repo, tmp_path / "fresh")
    build(repo, tmp_path / "site")  # cold cache
    assert snapshot(tmp_path / "site") == expected
    output = build(repo, tmp_path / "site", "--force")  # every page from the cache
    assert "pages from the cache" in output
    assert snapshot(tmp_path / "site") == expected
    page = (tmp_path / "site/beta-hf/behandlinger/skulderprotese/index.html").read_text(encoding="utf-8")
    assert page.count('id="rad"') == 1  # the second "Råd" heading kept an id of its own


def test_a_national_section_is_rendered_once_for_every_provider_that_shows_it(tmp_path: Path) -> None:
    repo = Repository(make_repo(tmp_path / "repo", shoulder_tree(PLAIN_BODY)))
    _, results = commands.build(repo, None, tmp_path / "site", dt.date.fromisoformat(TODAY), jobs=1)
    first, second = results  # alfa-hf, then beta-hf, in one process
    assert first.cache["parts_cached"] == 0 and first.cache["parts_rendered"] > 0
    # beta-hf shows the same two national sections of the shoulder text and the knee text's sections alfa-hf does not
    assert second.cache["parts_cached"] >= 2


SHOULDER = "content/common/treatments/shoulder.md"
PARKING = "content/providers/beta-hf/snippets/parkering.md"
OM_OSS = "content/providers/beta-hf/pages/om-oss.md"

# Each change: the file, the words replaced, a visible trace on beta-hf's site, and the approvals the change needs
# to be published (in order: a national text's owner first, then the providers that show it).
CHANGES = {
    "national text": (
        SHOULDER,
        "Skulderen opereres i narkose.",
        "Skulderen opereres i full narkose.",
        "full narkose",
        [
            (SHOULDER, "Kari Berg"),
            ("content/providers/alfa-hf/treatments/shoulder.md", "Kari Berg"),
            ("content/providers/beta-hf/treatments/shoulder.md", "Ola Nord"),
        ],
    ),
    "snippet": (
        PARKING,
        "P-huset",
        "parkeringshuset",
        "parkeringshuset",
        [("content/providers/beta-hf/treatments/knee-replacement.md", "Ola Nord")],
    ),
    "location": ("content/providers/beta-hf/provider.yml", "street: Sykehusveien 1", "street: Sykehusgata 9", "Sykehusgata 9", []),
    "design": ("overrides/main.html", "{% extends", "{#- a comment -#}<!-- design changed -->{% extends", "design changed", []),
    "menu title": (OM_OSS, "title: Om oss", "title: Om foretaket", "Om foretaket", [(OM_OSS, "Ola Nord")]),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_after_a_change_the_cached_build_equals_a_build_from_scratch(tmp_path: Path, change: str) -> None:
    repo = make_repo(tmp_path / "repo", shoulder_tree(PLAIN_BODY))
    build(repo, tmp_path / "site")
    rel, old, new, visible, approvals = CHANGES[change]
    edit_file(repo, rel, old, new)
    for approved_rel, by in approvals:
        approved = run(repo, "approve", str(repo / approved_rel), "--by", by, "--today", TODAY)
        assert approved.exit_code == 0, approved.output
    commit(repo, change)
    build(repo, tmp_path / "site")
    cached = snapshot(tmp_path / "site")
    assert cached == from_scratch(repo, tmp_path / "fresh")
    assert any(visible.encode() in data for path, data in cached.items() if path.startswith("beta-hf/") and path.endswith(".html"))


def test_a_damaged_or_unwritable_cache_costs_time_not_the_build(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", shoulder_tree(TRICKY_BODY))
    expected = from_scratch(repo, tmp_path / "fresh")
    build(repo, tmp_path / "site")
    entries = [p for p in (tmp_path / "site/.hcweb-cache").rglob("*") if p.is_file()]
    assert entries
    for path in entries:
        path.write_bytes(path.read_bytes()[:7])  # cut short, as by a full disk
    build(repo, tmp_path / "site", "--force")
    assert snapshot(tmp_path / "site") == expected
    # a cache folder that cannot be made
    other = tmp_path / "other"
    other.mkdir()
    (other / ".hcweb-cache").write_text("not a folder", encoding="utf-8")
    build(repo, other)
    assert snapshot(other) == expected


BLOCKS = st.sampled_from(
    [
        "## Om {#om}",
        "## Om",
        "##",
        "### Råd",
        "Tekst med [lenke](https://example.no) og *kursiv*.",
        "- punkt\n- punkt",
        "- punkt\n\n    [doc]: https://example.no/doc",
        "Se [doc].",
        "> sitat\n> [doc]: https://example.no/doc",
        '!!! note "Husk"\n    Ta med [doc].',
        "```\n## ikke en overskrift\n```",
        "```\n\n## heller ikke en overskrift\n\n```",
        "  ```\n  kode\n  ```",
        "~~~~\n## heller ikke\n~~~",
        "[TOC]",
        "    kodeblokk",
        "| a | b |\n| - | - |\n| 1 | 2 |",
        "<div markdown>\n\n## Inne i HTML\n\n</div>",
        "Linje\x0c## B",
        "Linje\u2028## C",
        "Tekst med to mellomrom  ",
        '???+ note "Mer"\n    Skjult tekst.',
        "Overskrift\n---",
        "[en side](../a.md#x) og [et bilde](../media/x.svg)",
        "Tekst {: #egen }",
    ]
)


@pytest.fixture(scope="module")
def mkdocs_page(tmp_path_factory: pytest.TempPathFactory):
    """A page of a small MkDocs project configured as hcweb's sites are, with a render cache."""
    import yaml
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files
    from mkdocs.structure.pages import Page

    from hcweb.site import render_cache
    from hcweb.site.mkdocs_config import MARKDOWN_EXTENSIONS

    root = tmp_path_factory.mktemp("mkdocs")
    for rel in ("docs/index.md", "docs/a.md", "docs/treatments/t.md", "docs/media/x.svg"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("# x\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        yaml.safe_dump(  # as the build writes it: the headings' slugify is named by a YAML tag (markup.slugify)
            {
                "site_name": "T",
                "markdown_extensions": MARKDOWN_EXTENSIONS,
                "extra": {"hcweb_cache": str(root / "cache"), "hcweb_parts": True},
            }
        ),
        encoding="utf-8",
    )
    config = load_config(str(root / "mkdocs.yml"))
    files = get_files(config)
    render_cache.install()
    render_cache.start_build()
    page = Page(None, files.get_file_from_path("treatments/t.md"), config)
    return page, config, files


def rendered(page) -> tuple:
    def toc(items) -> list:
        return [(item.title, item.id, item.level, toc(item.children)) for item in items]

    return page.content, toc(page.toc), page._title_from_render, sorted(page.present_anchor_ids)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Cases that once rendered differently in parts: a reference defined in a list item, a quote or a
# note (definitions are global to a page), a fence with a blank line and a heading inside, [TOC].
@example(["- punkt\n\n    [doc]: https://example.no/doc"], ["Se [doc]."], "\n\n")
@example(["> sitat\n> [doc]: https://example.no/doc"], ["Se [doc]."], "\n\n")
@example(['!!! note "Husk"\n    Ta med [doc].'], ["- punkt\n\n    [doc]: https://example.no/doc"], "\n\n")
@example(["```"], ["```"], "\n\n")
@example(["[TOC]"], ["## Om"], "\n\n")
@given(st.lists(BLOCKS, max_size=4), st.lists(BLOCKS, max_size=4), st.sampled_from(["\n\n", "\n"]))
def test_a_page_rendered_in_parts_is_the_page_rendered_whole(mkdocs_page, before: list[str], after: list[str], separator: str) -> None:
    from hcweb.site import render_cache

    page, config, files = mkdocs_page
    page.markdown = separator.join([*before, "## Midt {#midt}", *after]) + "\n"  # a place to cut, with anything either side
    render_cache.ORIGINAL["render"](page, config, files)
    whole = rendered(page)
    assert render_cache.render_page(page, config, files)
    assert rendered(page) == whole
