"""Hostile content: each case in tests/hostile/ gives exactly its expected errors, and never a traceback or a leak.

A case <name>.md is the body of a provider page (its body starts on line 7);
overlay--<name>.md, snippet--<name>.md and event--<name>.md are the body of an
overlay, a snippet or an event (see helpers.hostile_tree). <name>.expected lists
the diagnostics, with {page} for the file's path. test_hostile_browser.py builds
every case and opens what is built in Chromium.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import HOSTILE_TARGETS, TODAY, base_tree, hostile_cases, hostile_tree, make_repo, run

OVERLAY = HOSTILE_TARGETS["overlay"]


@pytest.mark.parametrize("case", hostile_cases())
def test_hostile_case(tmp_path: Path, case: str) -> None:
    tree, _, expected = hostile_tree(case)
    root = make_repo(tmp_path / "repo", tree)
    result = run(root, "validate", "--today", TODAY)
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert errors == expected
    assert result.exit_code == (1 if expected else 0)
    assert "Traceback" not in result.output


def test_symlinked_national_text_leaks_nothing(tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text("---\ntitle: Hemmelig\n---\nPASSORD=hunter2\n", encoding="utf-8")
    root = make_repo(tmp_path / "repo", base_tree())
    os.symlink(outside, root / "content/common/treatments/secret.md")
    overlay = root / OVERLAY
    overlay.write_text(overlay.read_text(encoding="utf-8") + '\n{% include "treatments/secret" %}\n', encoding="utf-8")
    validate = run(root, "validate", "--today", TODAY)
    build = run(root, "build", "--all", "--today", TODAY)
    assert (
        "content/common/treatments/secret.md:1: error: this file is a link that leads outside content/; it was not read [outside-root]"
        in validate.output
    )
    for output in (validate.output, build.output):
        assert "hunter2" not in output and "Hemmelig" not in output and "Traceback" not in output
    assert build.exit_code == 1
    assert not (root / "site").exists() or "hunter2" not in "".join(
        p.read_text(errors="ignore") for p in (root / "site").rglob("*") if p.is_file()
    )


def test_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    tree = base_tree()
    tree["content/providers/beta-hf/snippets/parkering.md"] = "Parkering.\n" + "x" * 250_000 + "\n"
    result = run(make_repo(tmp_path / "repo", tree), "validate", "--today", TODAY)
    assert (
        "content/providers/beta-hf/snippets/parkering.md:1: error: the file is 250 KB; a content file may be at most 200 KB (hcweb.yml limits) [file-too-large]"
        in result.output
    )


def test_include_bomb_is_bounded(tmp_path: Path) -> None:
    tree = base_tree()
    # Each snippet includes the next one twice: 2^12 expansions if nothing stopped it.
    for level in range(12):
        tree[f"content/providers/beta-hf/snippets/s{level}.md"] = (
            f'{{% include "snippets/s{level + 1}" %}}\n{{% include "snippets/s{level + 1}" %}}\n'
        )
    tree["content/providers/beta-hf/snippets/s12.md"] = "Bunn.\n"
    tree[OVERLAY] = tree[OVERLAY] + '\n{% include "snippets/s0" %}\n'
    result = run(make_repo(tmp_path / "repo", tree), "validate", "--today", TODAY)
    assert result.exit_code == 1
    assert "[include-depth]" in result.output and "[include-count]" in result.output


def test_a_page_of_ten_thousand_headings_is_refused_unrendered(tmp_path: Path) -> None:
    tree = base_tree()
    page = "content/providers/beta-hf/pages/om-oss.md"
    tree[page] += "".join(f"## Del {i} {{#del-{i}}}\nTekst {i}.\n" for i in range(10_000))
    root = make_repo(tmp_path / "repo", tree)
    policy = root / "hcweb.yml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("max_file_bytes: 200000", "max_file_bytes: 2000000"), encoding="utf-8")
    line = tree[page].splitlines().index("## Del 299 {#del-299}") + 1
    for command in (("validate",), ("build", "--provider", "beta-hf")):
        result = run(root, *command, "--today", TODAY)
        assert result.exit_code == 1
        assert f"{page}:{line}: error: the text has 10001 headings; a text may have at most 300 (hcweb.yml limits)" in result.output
