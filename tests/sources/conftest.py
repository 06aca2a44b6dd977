"""Fixtures for the file-source tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sources.source_trees import Tree, write_tree


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    """Writes files (relative path -> text or bytes) under a fresh directory and returns it."""
    return lambda files: write_tree(tmp_path / "tree", files)


@pytest.fixture
def shared_tree() -> Iterator[Tree]:
    """Like `tree`, but under a world-readable directory so that user `nobody` can walk it."""
    root = Path(tempfile.mkdtemp(prefix="sme-migrate-sources-"))
    root.chmod(0o755)
    yield lambda files: write_tree(root, files)
    shutil.rmtree(root)
