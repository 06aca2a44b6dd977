"""`verify --before REF --after REF`: real git repositories, our migration and a tampered one."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.cli import sme_migrate

GITOPS = Path(__file__).resolve().parents[2] / "testdata" / "gitops"


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True)
    return done.stdout.strip()


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    """The example repository with two commits: `before` (extensions) and `after` (rewritten)."""
    repo = tmp_path / "repo"
    shutil.copytree(GITOPS, repo)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "before")
    _git(repo, "tag", "before")
    assert sme_migrate("rewrite", str(repo), "--ignore", "SME013").exit_code == 0
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "after")
    return repo


def _verify(repo: Path, *args: str) -> tuple[int, str, str]:
    outcome = sme_migrate("verify", "--repository", str(repo), "--before", "before",
                          "--after", "main", *args)
    return outcome.exit_code, outcome.stdout, outcome.stderr


def test_our_migration_verifies(migrated: Path) -> None:
    status_before = _git(migrated, "status", "--porcelain")
    code, stdout, stderr = _verify(migrated)
    assert code == 0, stdout
    assert "every workload keeps its filter order (5 extension(s) compared)" in stderr
    assert _git(migrated, "status", "--porcelain") == status_before


def _commit_change(repo: Path, relative: str, old: str, new: str) -> None:
    path = repo / relative
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "tamper")


def test_a_plugin_moved_above_another_is_named_per_workload(migrated: Path) -> None:
    # rate-limit ran after the mesh-wide jwt-enricher (both AUTHZ): 30 puts it first
    _commit_change(migrated, "apps/bookinfo/extensions.yaml", "priority: 10", "priority: 30")
    code, stdout, _ = _verify(migrated, "-o", "json")
    assert code == 1
    findings = json.loads(stdout)["findings"]
    assert findings and {f["rule"] for f in findings} == {"SME020"}
    assert all(f["message"].startswith("before → main: mesh istio-system:") for f in findings)
    assert any("bookinfo/rate-limit" in f["message"] and "jwt-enricher" in f["message"]
               for f in findings)


def test_an_extension_left_out_of_the_migration_is_a_difference(migrated: Path) -> None:
    extensions = migrated / "apps" / "bookinfo" / "extensions.yaml"
    first, _, _ = extensions.read_text().partition("\n---\n")
    extensions.write_text(first + "\n")  # the stats-tagger plugin is gone
    _git(migrated, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "drop")
    code, stdout, _ = _verify(migrated, "-o", "json")
    assert code == 1 and "bookinfo/stats-tagger" in stdout


def test_an_unknown_ref_is_a_usage_error(migrated: Path) -> None:
    outcome = sme_migrate("verify", "--repository", str(migrated), "--before", "nope",
                          "--after", "main")
    assert outcome.exit_code == 2 and "no commit 'nope'" in outcome.stderr
