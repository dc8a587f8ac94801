"""Golden cases for the merge: each folder holds an overlay body, optional snippets and the expected Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcweb.repo import Repository
from hcweb.resolve import expand_overlay
from helpers import base_tree, make_repo

GOLDEN = Path(__file__).parent / "golden"
OVERLAY = "content/providers/beta-hf/treatments/knee-replacement.md"


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir() if (p / "overlay.md").is_file()))  # other folders: other tests
def test_golden_merge(tmp_path: Path, case: str) -> None:
    folder = GOLDEN / case
    tree = base_tree()
    front, _ = tree[OVERLAY].split("---\n", 2)[1:]
    tree[OVERLAY] = f"---\n{front}---\n" + (folder / "overlay.md").read_text(encoding="utf-8")
    for snippet in (folder / "snippets").glob("*.md") if (folder / "snippets").is_dir() else []:
        tree[f"content/providers/beta-hf/snippets/{snippet.name}"] = snippet.read_text(encoding="utf-8")
    root = make_repo(tmp_path / "repo", tree)
    content = Repository(root).load()
    provider = content.providers["beta-hf"]
    overlay = next(o for o in provider.overlays if o.rel == OVERLAY)
    expansion = expand_overlay(content, provider, overlay)
    assert expansion.problems == []
    assert expansion.markdown == (folder / "expected.md").read_text(encoding="utf-8")
