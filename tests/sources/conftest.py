"""Fixtures for the file-source tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from source_trees import Tree, write_tree


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    """Writes files (relative path -> text or bytes) under a fresh directory and returns it."""
    return lambda files: write_tree(tmp_path / "tree", files)
