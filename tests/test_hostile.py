"""Hostile content: each case in tests/hostile/ gives exactly its expected errors, and never a traceback or a leak.

A case <name>.md is the body of a provider page (its body starts on line 7); a
case overlay--<name>.md is the body of an overlay (line 10). <name>.expected
lists the diagnostics, with {page} for the file's path.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import TODAY, base_tree, make_repo, run

HOSTILE = Path(__file__).parent / "hostile"
PAGE = "content/providers/beta-hf/pages/hostile.md"
OVERLAY = "content/providers/beta-hf/treatments/knee-replacement.md"


@pytest.mark.parametrize("case", sorted(p.stem for p in HOSTILE.glob("*.md")))
def test_hostile_case(tmp_path: Path, case: str) -> None:
    body = (HOSTILE / f"{case}.md").read_text(encoding="utf-8")
    tree = base_tree()
    if case.startswith("overlay--"):
        front = tree[OVERLAY].split("---\n")[1]
        tree[OVERLAY] = f"---\n{front}---\n{body}"
        target = OVERLAY
    else:
        tree[PAGE] = f"---\ntitle: Side\nresponsible:\n  name: Ola Nord\n  title: Overlege\n---\n{body}"
        target = PAGE
    root = make_repo(tmp_path / "repo", tree)
    result = run(root, "validate", "--today", TODAY)
    expected = [line.format(page=target) for line in (HOSTILE / f"{case}.expected").read_text(encoding="utf-8").splitlines()]
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
    assert "content/common/treatments/secret.md:1: error: this file is a link that leads outside content/; it was not read [outside-root]" in validate.output
    for output in (validate.output, build.output):
        assert "hunter2" not in output and "Hemmelig" not in output and "Traceback" not in output
    assert build.exit_code == 1
    assert not (root / "site").exists() or "hunter2" not in "".join(p.read_text(errors="ignore") for p in (root / "site").rglob("*") if p.is_file())


def test_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    tree = base_tree()
    tree["content/providers/beta-hf/snippets/parkering.md"] = "Parkering.\n" + "x" * 250_000 + "\n"
    result = run(make_repo(tmp_path / "repo", tree), "validate", "--today", TODAY)
    assert "content/providers/beta-hf/snippets/parkering.md:1: error: the file is 250 KB; a content file may be at most 200 KB (hcweb.yml limits) [file-too-large]" in result.output


def test_include_bomb_is_bounded(tmp_path: Path) -> None:
    tree = base_tree()
    # Each snippet includes the next one twice: 2^12 expansions if nothing stopped it.
    for level in range(12):
        tree[f"content/providers/beta-hf/snippets/s{level}.md"] = f'{{% include "snippets/s{level + 1}" %}}\n{{% include "snippets/s{level + 1}" %}}\n'
    tree["content/providers/beta-hf/snippets/s12.md"] = "Bunn.\n"
    tree[OVERLAY] = tree[OVERLAY] + '\n{% include "snippets/s0" %}\n'
    result = run(make_repo(tmp_path / "repo", tree), "validate", "--today", TODAY)
    assert result.exit_code == 1
    assert "[include-depth]" in result.output and "[include-count]" in result.output
