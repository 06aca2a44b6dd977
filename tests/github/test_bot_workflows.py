"""The bot's workflows call `sme-migrate pr` only with options it has, and grant what it needs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.main import get_command

from migrate.cli import app

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = [ROOT / ".github" / "examples" / "sme-migrate-pr.yml",
             ROOT / ".github" / "workflows" / "sme-migrate-fleet.yml"]


def _pr_options() -> set[str]:
    command: Any = get_command(app)
    return {name for param in command.commands["pr"].params for name in param.opts}


def _run_scripts(workflow: dict[str, Any]) -> list[str]:
    return [step["run"] for job in workflow["jobs"].values() for step in job["steps"]
            if "run" in step]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_option_the_workflow_passes_exists(path: Path) -> None:
    scripts = " ".join(_run_scripts(yaml.safe_load(path.read_text())))
    calls = re.findall(r"sme-migrate pr (.*?)(?:>>|\)|$)", scripts.replace("\\\n", " "), re.M)
    assert calls
    used = {flag for call in calls for flag in re.findall(r"(?<!\S)(--[a-z-]+)", call)}
    assert used and used <= _pr_options()


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_the_token_reaches_the_bot_only_through_its_environment(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text())
    for script in _run_scripts(workflow):
        assert "secrets." not in script and "TOKEN" not in script.replace("$GITHUB_STEP", "")
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]
             if "sme-migrate pr" in s.get("run", "")]
    assert steps and all("GITHUB_TOKEN" in s["env"] for s in steps)


def test_the_scheduled_workflow_may_push_and_open_pull_requests() -> None:
    workflow = yaml.safe_load(WORKFLOWS[0].read_text())
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert True in workflow and "schedule" in workflow[True]  # YAML 1.1 reads `on` as True
