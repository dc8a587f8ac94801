from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import base_tree, make_repo

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small valid content repository, committed."""
    return make_repo(tmp_path / "repo", base_tree())
