"""`rewrite --diff` and `--check`: what CI and reviewers see, and that they never write."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from migrate.cli import app
from tests.rewrite.conftest import expected_exit, tree
from tests.support.cli import sme_migrate


def test_diff_applies_with_git_to_give_the_expected_tree(
    case: Path, work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree(work)
    monkeypatch.chdir(work)
    # the raw bytes: Click's `Result.stdout` turns CRLF into LF
    outcome = CliRunner().invoke(app, ["rewrite", "--diff", "."], catch_exceptions=False)
    assert tree(work) == before  # --diff writes nothing
    assert outcome.exit_code == expected_exit(case)
    copy = tmp_path / "applied"
    shutil.copytree(case / "input", copy)
    subprocess.run(["git", "apply", "--whitespace=nowarn", "-"], input=outcome.stdout_bytes,
                   cwd=copy, check=True, capture_output=True)
    assert tree(copy) == tree(case / "expected")


def test_check_fails_when_a_rewrite_is_due_and_writes_nothing(case: Path, work: Path) -> None:
    before = tree(work)
    outcome = sme_migrate("rewrite", "--check", str(work))
    assert outcome.exit_code == 1
    assert tree(work) == before
    assert "would rewrite" in outcome.stderr and outcome.stdout == ""


def test_check_passes_on_a_migrated_tree(case: Path, tmp_path: Path) -> None:
    shutil.copytree(case / "expected", tmp_path / "done")
    outcome = sme_migrate("rewrite", "--check", str(tmp_path / "done"))
    assert outcome.exit_code == expected_exit(case), outcome.stderr


def test_standard_input_cannot_be_rewritten() -> None:
    outcome = sme_migrate("rewrite", "-", stdin="kind: ServiceMeshExtension\n")
    assert outcome.exit_code == 2
    assert "cannot read standard input" in outcome.stderr


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    outcome = sme_migrate("rewrite", str(tmp_path / "nowhere"))
    assert outcome.exit_code == 2
    assert "no such file or directory" in outcome.stderr
