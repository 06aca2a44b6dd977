"""The composite action, the example workflow, our CI workflow and the pre-commit hooks.

The action test runs the action's own `run:` steps as GitHub would (bash -eo pipefail, the
inputs resolved into each step's env), with a fresh virtualenv standing in for setup-python.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sysconfig
import venv
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ACTION_DIR = REPO / ".github" / "actions" / "sme-migrate"
ACTION = ACTION_DIR / "action.yml"
GITOPS = REPO / "testdata" / "gitops"
SARIF_SCHEMA = REPO / "testdata" / "report" / "sarif-schema-2.1.0.json"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def load(path: Path) -> dict[str, Any]:
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def action() -> dict[str, Any]:
    return load(ACTION)


def run_steps() -> list[dict[str, Any]]:
    return [step for step in action()["runs"]["steps"] if "run" in step]


def test_every_input_has_a_description_and_a_default() -> None:
    for name, spec in action()["inputs"].items():
        assert spec.get("description") and "default" in spec, name


def test_inputs_never_reach_a_script_except_through_env() -> None:
    for step in run_steps():
        assert "${{" not in step["run"], step.get("name")
        assert step["shell"] == "bash"


def test_run_steps_and_the_scan_script_are_valid_bash() -> None:
    for step in run_steps():
        subprocess.run(["bash", "-n"], input=step["run"], text=True, check=True)
    subprocess.run(["bash", "-n", str(ACTION_DIR / "scan.sh")], check=True)


def test_sarif_upload_is_wired_to_the_toggle_and_the_file() -> None:
    upload = next(s for s in action()["runs"]["steps"] if "upload-sarif" in s.get("uses", ""))
    assert upload["if"] == "inputs.upload-sarif == 'true'"
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"


def test_example_workflow_uses_this_action_with_existing_inputs() -> None:
    workflow = load(REPO / ".github" / "examples" / "sme-migrate.yml")
    (step,) = [s for s in workflow["jobs"]["scan"]["steps"] if "sme-migrate" in s.get("uses", "")]
    assert step["uses"].split("@")[0].endswith("/.github/actions/sme-migrate")
    assert set(step["with"]) <= set(action()["inputs"])
    assert workflow["permissions"]["security-events"] == "write"


def test_ci_workflow_runs_the_test_command_and_dogfoods_the_action() -> None:
    workflow = load(REPO / ".github" / "workflows" / "ci.yml")
    commands = [s.get("run", "") for job in workflow["jobs"].values() for s in job["steps"]]
    ci_run = (REPO / ".ci" / "run").read_text().splitlines()
    test_command = [line for line in ci_run if line and not line.startswith(("#", "set ", "cd "))]
    assert test_command == ["scripts/test"]
    assert "scripts/test" in commands
    uses = [s.get("uses", "") for job in workflow["jobs"].values() for s in job["steps"]]
    assert "./.github/actions/sme-migrate" in uses


def test_pre_commit_hooks_expose_scan_and_rewrite_check() -> None:
    hooks = {
        hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    }
    assert hooks["sme-migrate-scan"]["entry"] == "sme-migrate scan"
    assert hooks["sme-migrate-rewrite-check"]["entry"].startswith("sme-migrate rewrite --check")
    assert all(hook["language"] == "python" for hook in hooks.values())


# --- running the action ---------------------------------------------------------------------


def resolve(value: str, inputs: Mapping[str, str], github: Mapping[str, str]) -> str:
    """Evaluate the `${{ inputs.x }}` / `${{ github.x }}` expressions the action's env uses."""

    def evaluate(match: re.Match[str]) -> str:
        scope, _, name = match.group(1).partition(".")
        table = {"inputs": inputs, "github": github}.get(scope)
        if table is None or name not in table:
            raise AssertionError(f"the test cannot evaluate ${{{{ {match.group(1)} }}}}")
        return table[name]

    return EXPRESSION.sub(evaluate, str(value))


def can_build_offline() -> bool:
    """pip can build this package without an index: setuptools 70.1+ (or `wheel`) is installed."""
    try:
        setuptools = tuple(int(part) for part in metadata.version("setuptools").split(".")[:2])
    except metadata.PackageNotFoundError:
        return False
    try:
        metadata.version("wheel")
    except metadata.PackageNotFoundError:
        return setuptools >= (70, 1)
    return setuptools >= (68, 0)


def python_for_the_action(tmp_path: Path) -> Path:
    """A fresh venv (what setup-python gives) that borrows the test venv's installed deps."""
    env_dir = tmp_path / "runner-python"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    site = Path(
        sysconfig.get_paths(vars={"base": str(env_dir), "platbase": str(env_dir)})["purelib"]
    )
    (site / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return env_dir / "bin"


def action_checkout(tmp_path: Path) -> Path:
    """The action's own checkout: what `pip install` of this repository reads."""
    checkout = tmp_path / "action-checkout"
    checkout.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "migrate", "rules", ".github"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, checkout / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, checkout / name)
    return checkout / ".github" / "actions" / "sme-migrate"


def run_action(tmp_path: Path, bin_dir: Path, action_path: Path, **inputs: str) -> dict[str, Any]:
    workspace = tmp_path / "workspace"
    if not workspace.exists():
        shutil.copytree(GITOPS, workspace / "testdata" / "gitops")
    outputs, summary = tmp_path / "github_output", tmp_path / "step_summary.md"
    defaults = {name: str(spec["default"]) for name, spec in action()["inputs"].items()}
    github = {"action_path": str(action_path), "workspace": str(workspace)}
    base_env = {
        **{k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")},
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "PIP_NO_INDEX": "1",  # offline: the deps are borrowed, nothing is downloaded
        "PIP_NO_BUILD_ISOLATION": "0",  # pip's inverted spelling: build with what is installed
    }
    steps = []
    for step in run_steps():
        env = {k: resolve(v, defaults | inputs, github) for k, v in step.get("env", {}).items()}
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace,
            env=base_env | env,
            capture_output=True,
            text=True,
            check=False,
        )
        steps.append(done)
        if done.returncode != 0:
            break
    return {"steps": steps, "workspace": workspace, "outputs": outputs, "summary": summary}


needs_example_repo = pytest.mark.skipif(
    not GITOPS.exists(), reason="the example repo testdata/gitops has not landed"
)
needs_offline_build = pytest.mark.skipif(
    not can_build_offline(), reason="installing the action offline needs setuptools>=70.1 or wheel"
)


@needs_example_repo
@needs_offline_build
def test_the_action_fails_the_job_annotates_and_uploads_sarif(tmp_path: Path) -> None:
    bin_dir = python_for_the_action(tmp_path)
    ran = run_action(
        tmp_path,
        bin_dir,
        action_checkout(tmp_path),
        paths="testdata/gitops",
        **{"upload-sarif": "true", "fail-on": "error"},
    )
    install, sarif_step, scan = ran["steps"]
    assert install.returncode == 0, install.stderr
    assert sarif_step.returncode == 0, sarif_step.stderr
    sarif = json.loads((ran["workspace"] / "sme-migrate.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    assert sarif["runs"][0]["results"], "the example repo holds ServiceMeshExtensions"
    assert scan.returncode == 1, scan.stderr
    assert re.search(
        r"^::error file=testdata/gitops/[^,]+,line=\d+,title=SME001", scan.stdout, re.M
    )
    outputs = ran["outputs"].read_text(encoding="utf-8")
    assert "exit-code=1" in outputs and "sarif-file=sme-migrate.sarif" in outputs
    assert "| Severity | Rule |" in ran["summary"].read_text(encoding="utf-8")


@needs_example_repo
@needs_offline_build
def test_the_action_passes_with_fail_on_never_and_honours_suppressions(tmp_path: Path) -> None:
    bin_dir = python_for_the_action(tmp_path)
    action_path = action_checkout(tmp_path)
    ran = run_action(
        tmp_path, bin_dir, action_path, paths="testdata/gitops", **{"fail-on": "never"}
    )
    assert [step.returncode for step in ran["steps"]] == [0, 0, 0], ran["steps"][-1].stderr
    assert "SME001" in ran["steps"][-1].stdout
    assert not (ran["workspace"] / "sme-migrate.sarif").exists()
    ignored = run_action(
        tmp_path,
        bin_dir,
        action_path,
        paths="testdata/gitops",
        ignore="SME001\n",
        format="json",
        **{"fail-on": "never"},
    )
    document = json.loads(ignored["steps"][-1].stdout)
    assert all(finding["rule"] != "SME001" for finding in document["findings"])
    assert document["summary"]["suppressed"] >= 1
