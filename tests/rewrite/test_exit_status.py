"""rewrite exits like black: 0 once it wrote what it could and nothing at --fail-on remains;
--check is 1 while a file would change or such a finding remains. Suppressions count."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.support.cli import sme_migrate

ROOT = Path(__file__).resolve().parents[2]
GITOPS = ROOT / "testdata" / "gitops"
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def _example(tmp_path: Path) -> Path:
    work = tmp_path / "repo"
    shutil.copytree(GITOPS, work)
    return work


def test_a_successful_rewrite_exits_0_when_the_rest_is_suppressed(tmp_path: Path) -> None:
    work = _example(tmp_path)
    outcome = sme_migrate("rewrite", str(work), "--ignore", "SME013")
    assert outcome.exit_code == 0, outcome.stderr
    assert "rewrote" in outcome.stderr


def test_the_helm_template_left_behind_keeps_it_red_until_ignored(tmp_path: Path) -> None:
    work = _example(tmp_path)
    assert sme_migrate("rewrite", str(work)).exit_code == 1  # SME013 (an error) remains
    assert sme_migrate("rewrite", "--check", str(work)).exit_code == 1
    after = sme_migrate("rewrite", "--check", "--ignore", "SME013", str(work))
    assert after.exit_code == 0, after.stderr
    assert "would rewrite 0 file(s)" in after.stderr


def test_check_is_1_while_a_file_would_change_even_with_every_rule_ignored(
        tmp_path: Path) -> None:
    work = _example(tmp_path)
    outcome = sme_migrate("rewrite", "--check", "--fail-on", "never", str(work))
    assert outcome.exit_code == 1 and "would rewrite" in outcome.stderr


def test_the_config_file_suppresses_for_rewrite_as_for_scan(tmp_path: Path) -> None:
    work = _example(tmp_path)
    (work / ".sme-migrate.yaml").write_text("ignore:\n  - rule: SME013\n    reason: a chart\n")
    assert sme_migrate("rewrite", str(work)).exit_code == 0
    assert sme_migrate("rewrite", "--check", str(work)).exit_code == 0


def _hook_command(hook_id: str) -> list[str]:
    hooks = {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text())}
    entry = str(hooks[hook_id]["entry"]).split()
    assert entry[0] == "sme-migrate"
    return [sys.executable, "-m", "migrate", *entry[1:], *hooks[hook_id].get("args", [])]


def test_the_rewrite_check_hook_passes_in_a_migrated_repository(tmp_path: Path) -> None:
    work = _example(tmp_path)
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    (work / ".sme-migrate.yaml").write_text("ignore: [SME013]\n")
    command = _hook_command("sme-migrate-rewrite-check")
    before = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)
    assert before.returncode == 1, before.stderr
    assert sme_migrate("rewrite", str(work)).exit_code == 0
    after = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)
    assert after.returncode == 0, after.stderr
