"""Golden rewrite cases (testdata/rewrite/<case>/{input,expected}) copied into temporary trees."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CASES_DIR = REPO / "testdata" / "rewrite"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "input").is_dir())


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` by relative path, with its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def expected_exit(case: Path) -> int:
    exit_file = case / "exit-code"
    return int(exit_file.read_text()) if exit_file.exists() else 0


@pytest.fixture(params=CASES, ids=lambda p: p.name)
def case(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


@pytest.fixture
def work(case: Path, tmp_path: Path) -> Path:
    """A fresh copy of the case's input tree."""
    target = tmp_path / "repo"
    shutil.copytree(case / "input", target)
    return target
