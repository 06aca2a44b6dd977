"""The repository a scan reads: SARIF names its files relative to the repository's top level."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

STDIN_ARGUMENT = "-"


def _top_level(directory: str) -> str | None:
    """The nearest directory at or above `directory` holding `.git` (a directory, or the file
    of a worktree or submodule): what `git rev-parse --show-toplevel` prints, without running
    git (which refuses a checkout another user owns, as in many CI containers)."""
    while True:
        if os.path.lexists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _directory_of(path: str) -> str:
    absolute = os.path.abspath(path)
    return absolute if os.path.isdir(absolute) else os.path.dirname(absolute)


def repository_root(paths: Sequence[str], cwd: str | None = None) -> Path:
    """The git top level of the scanned paths (their common directory; the working directory
    for stdin alone), or the working directory when they are not in a git repository."""
    here = cwd or os.getcwd()
    files = [os.path.join(here, p) for p in paths if p != STDIN_ARGUMENT]
    common = os.path.commonpath([_directory_of(p) for p in files]) if files else here
    return Path(_top_level(common) or here)
