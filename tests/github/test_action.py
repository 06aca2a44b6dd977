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
import sys
import sysconfig
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from migrate import REPOSITORY_URL
from tests.support.cli import sme_migrate

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
    return [step for step in steps() if "run" in step]


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


def steps() -> list[dict[str, Any]]:
    return list(action()["runs"]["steps"])


def step_named(step_id: str) -> dict[str, Any]:
    return next(step for step in steps() if step.get("id") == step_id)


def test_the_gate_runs_before_the_upload_and_decides_the_job_last() -> None:
    order = [step.get("id") or step.get("uses", step.get("name")) for step in steps()]
    assert order.index("install") < order.index("scan") < order.index("sarif")
    upload = next(i for i, s in enumerate(steps()) if "upload-sarif" in s.get("uses", ""))
    assert order.index("sarif") < upload < len(order) - 1
    last = steps()[-1]
    assert last["env"]["EXIT_CODE"] == "${{ steps.scan.outputs.exit-code }}"
    assert 'exit "$EXIT_CODE"' in last["run"] and "if" not in last


def test_the_scan_flags_are_the_cli_vocabulary() -> None:
    assert '-o "$FORMAT" --fail-on "$FAIL_ON"' in step_named("scan")["run"]
    sarif_run = step_named("sarif")["run"]
    assert '-o sarif --output-file "$SARIF_FILE" --fail-on never' in sarif_run
    for step_id in ("scan", "sarif"):
        assert step_named(step_id)["working-directory"] == "${{ inputs.working-directory }}"
        assert step_named(step_id)["env"]["SME_CHECK_MODULES"] == "${{ inputs.check-modules }}"


def test_a_failed_upload_or_sarif_write_does_not_decide_the_job() -> None:
    upload = next(s for s in steps() if "upload-sarif" in s.get("uses", ""))
    assert upload["continue-on-error"] is True and step_named("sarif")["continue-on-error"] is True
    assert upload["if"] == "inputs.upload-sarif == 'true' && steps.sarif.outcome == 'success'"
    assert upload["with"]["sarif_file"] == "${{ steps.sarif.outputs.sarif-file }}"
    assert "continue-on-error" not in step_named("scan")


def test_pip_downloads_are_cached_under_a_key_of_what_is_installed() -> None:
    cache = next(s for s in steps() if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"] == {
        "path": "${{ steps.plan.outputs.cache-dir }}",
        "key": "${{ steps.plan.outputs.cache-key }}",
    }
    assert {"version", "working-directory", "fail-on", "check-modules"} <= set(action()["inputs"])


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


def test_pre_commit_hooks_scan_the_whole_repository() -> None:
    hooks = {
        hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    }
    assert hooks["sme-migrate-scan"]["entry"] == "sme-migrate scan ."
    assert hooks["sme-migrate-rewrite-check"]["entry"] == "sme-migrate rewrite --check ."
    for hook in hooks.values():
        # one extension's order depends on every other one of its mesh, and deleting a file
        # (which pre-commit never passes) can change the verdict: never scan only the commit
        assert hook["pass_filenames"] is False and hook["always_run"] is True
        assert hook["language"] == "python"


# --- running the action ---------------------------------------------------------------------


@dataclass
class Runner:
    """The parts of a GitHub runner the action's steps see: expressions, env, step outputs."""

    workspace: Path
    python: Path
    inputs: dict[str, str]
    action_path: Path = ACTION_DIR
    upload_outcome: str = "failure"  # a fork: code scanning refuses the upload
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    ran: dict[str, subprocess.CompletedProcess[str]] = field(default_factory=dict)
    uploaded: list[str] = field(default_factory=list)

    def value(self, expression: str) -> str:
        scope, _, rest = expression.partition(".")
        if scope == "inputs":
            return self.inputs[rest]
        if scope == "github":
            return {"action_path": str(self.action_path), "workspace": str(self.workspace)}[rest]
        if scope == "steps":
            step_id, _, what = rest.partition(".")
            if what == "outcome":
                return self.outcomes.get(step_id, "")
            return self.outputs.get(step_id, {}).get(what.removeprefix("outputs."), "")
        raise AssertionError(f"the test cannot evaluate {expression}")

    def resolve(self, text: object) -> str:
        return EXPRESSION.sub(lambda match: self.value(match.group(1)), str(text))

    def condition(self, text: str) -> bool:
        """`if:` as the action writes it: clauses `A == 'B'` joined by `&&`; none: success()."""
        for clause in filter(None, text.split("&&")):
            left, equals, right = clause.partition("==")
            if not equals:
                raise AssertionError(f"the test cannot evaluate `if: {text}`")
            if self.value(left.strip()) != right.strip().strip("'"):
                return False
        return True


def uses_step(runner: Runner, step: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """What the `uses:` steps do, as far as the rest of the action sees it."""
    uses = step["uses"]
    if uses.startswith("actions/setup-python@"):
        return "success", {"python-path": str(runner.python)}
    if uses.startswith("actions/cache@"):
        return "success", {}
    if uses.startswith("github/codeql-action/upload-sarif@"):
        runner.uploaded.append(runner.resolve(step["with"]["sarif_file"]))
        return runner.upload_outcome, {}
    raise AssertionError(f"the test does not know {uses}")


def run_step(
    runner: Runner, step: dict[str, Any], base_env: dict[str, str]
) -> tuple[str, dict[str, str]]:
    output_file = runner.workspace.parent / f"output-{len(runner.outcomes)}"
    output_file.write_text("")
    env = {key: runner.resolve(value) for key, value in step.get("env", {}).items()}
    cwd = runner.workspace / runner.resolve(step.get("working-directory", "."))
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd, env=base_env | env | {"GITHUB_OUTPUT": str(output_file)},
        capture_output=True, text=True, check=False,
    )
    runner.ran[step.get("id") or step["name"]] = done
    lines = output_file.read_text(encoding="utf-8").splitlines()
    outputs = dict(line.split("=", 1) for line in lines if "=" in line)
    return ("success" if done.returncode == 0 else "failure"), outputs


def run_action(runner: Runner, base_env: dict[str, str]) -> str:
    """Run every step as GitHub would; the job's conclusion ("success" or "failure")."""
    failed = False
    for index, step in enumerate(steps()):
        step_id = step.get("id") or f"step{index}"
        if failed or not runner.condition(step.get("if", "")):
            runner.outcomes[step_id] = "skipped"
            continue
        run = run_step if "run" in step else lambda r, s, _: uses_step(r, s)
        outcome, outputs = run(runner, step, base_env)
        runner.outcomes[step_id], runner.outputs[step_id] = outcome, outputs
        failed = outcome == "failure" and step.get("continue-on-error") is not True
    return "failure" if failed else "success"


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


def runner_env(tmp_path: Path) -> dict[str, str]:
    """The job's environment. The action's venv borrows the test venv's packages through
    PYTHONPATH, so pip finds every dependency installed and downloads nothing."""
    return {
        **{k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")},
        "RUNNER_TEMP": str(tmp_path / "runner-temp"),
        "RUNNER_OS": "Linux",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "step_summary.md"),
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # pip's inverted spelling: build with what is installed
    }


def new_runner(tmp_path: Path, action_path: Path = ACTION_DIR, **inputs: str) -> Runner:
    workspace = tmp_path / "workspace"
    if not workspace.exists():  # what actions/checkout leaves: a git repository
        shutil.copytree(GITOPS, workspace / "testdata" / "gitops")
        subprocess.run(["git", "init", "-q", str(workspace)], check=True)
    (tmp_path / "runner-temp").mkdir(exist_ok=True)
    defaults = {name: str(spec["default"]) for name, spec in action()["inputs"].items()}
    return Runner(workspace, setup_python(tmp_path), defaults | inputs, action_path)


def setup_python(tmp_path: Path) -> Path:
    """What setup-python gives: a `python` of the version the tests run on, first on PATH."""
    python = tmp_path / "setup-python" / "bin" / "python"
    if not python.exists():
        python.parent.mkdir(parents=True)
        python.symlink_to(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))
    return python


def the_cli_speaks_the_new_vocabulary() -> bool:
    return "--output-file" in sme_migrate("scan", "--help").stdout


needs_example_repo = pytest.mark.skipif(
    not GITOPS.exists(), reason="the example repo testdata/gitops has not landed"
)
needs_offline_build = pytest.mark.skipif(
    not can_build_offline(), reason="installing the action offline needs setuptools>=70.1 or wheel"
)
needs_new_cli = pytest.mark.skipif(
    not the_cli_speaks_the_new_vocabulary(),
    reason="the action speaks `-o FORMAT --output-file FILE`, which the CLI does not have yet",
)


@pytest.mark.parametrize(
    ("version", "spec"),
    [
        ("0.2.0", "sme-migrate==0.2.0"),
        ("sme-migrate>=0.2,<1", "sme-migrate>=0.2,<1"),
        (" v0.2.0 ", f"sme-migrate @ git+{REPOSITORY_URL}@v0.2.0"),
        ("main", f"sme-migrate @ git+{REPOSITORY_URL}@main"),
    ],
)
def test_the_version_input_picks_what_pip_installs(tmp_path: Path, version: str, spec: str) -> None:
    runner = new_runner(tmp_path, version=version)
    outcome, outputs = run_step(runner, step_named("plan"), runner_env(tmp_path))
    assert outcome == "success", runner.ran["plan"].stderr
    assert outputs["pip-spec"] == spec
    assert set(outputs) == {"pip-spec", "venv", "cache-dir", "cache-key"}


def test_the_cache_key_follows_the_version(tmp_path: Path) -> None:
    keys = set()
    for version in ("0.2.0", "0.3.0", "0.3.0"):
        _, outputs = run_step(new_runner(tmp_path, version=version), step_named("plan"),
                              runner_env(tmp_path))
        keys.add(outputs["cache-key"])
    assert len(keys) == 2


@needs_example_repo
@needs_offline_build
def test_the_action_installs_into_a_virtualenv_of_its_own(tmp_path: Path) -> None:
    runner = new_runner(tmp_path, action_checkout(tmp_path))
    env = runner_env(tmp_path)
    for step_id in ("plan", "install"):
        outcome, runner.outputs[step_id] = run_step(runner, step_named(step_id), env)
        assert outcome == "success", runner.ran[step_id].stderr
    executable = Path(runner.outputs["install"]["executable"])
    assert executable.parent.parent == tmp_path / "runner-temp" / "sme-migrate-venv"
    listed = subprocess.run([executable.parent / "python", "-m", "pip", "list"],
                            env=env, capture_output=True, text=True, check=True).stdout
    assert "sme-migrate" in listed
    rules = subprocess.run([executable, "rules"], env=env, capture_output=True, text=True)
    assert rules.returncode == 0 and "SME001" in rules.stdout


@needs_example_repo
@needs_offline_build
@needs_new_cli
def test_the_gate_fails_the_job_after_a_refused_upload(tmp_path: Path) -> None:
    runner = new_runner(tmp_path, action_checkout(tmp_path), paths="gitops", **{
        "working-directory": "testdata", "upload-sarif": "true", "fail-on": "error"})
    conclusion = run_action(runner, runner_env(tmp_path))
    assert conclusion == "failure"
    assert runner.outputs["scan"]["exit-code"] == "1"
    assert re.search(r"^::error file=testdata/gitops/[^,]+,line=\d+,title=SME001",
                     runner.ran["scan"].stdout, re.M)
    sarif_file = runner.workspace / "testdata" / "sme-migrate.sarif"
    assert runner.uploaded == [str(sarif_file)]  # it was tried, and refused
    sarif = json.loads(sarif_file.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"]}
    assert any(uri.startswith("testdata/gitops/") for uri in uris)
    assert runner.ran[steps()[-1]["name"]].returncode == 1  # the last step gave the verdict


@needs_example_repo
@needs_offline_build
@needs_new_cli
def test_the_action_passes_with_fail_on_never_and_honours_suppressions(tmp_path: Path) -> None:
    runner = new_runner(tmp_path, action_checkout(tmp_path), paths="testdata/gitops",
                        ignore="SME001\n", format="json", **{"fail-on": "never"})
    conclusion = run_action(runner, runner_env(tmp_path))
    assert conclusion == "success", runner.ran["scan"].stderr
    assert runner.outcomes["sarif"] == "skipped" and runner.uploaded == []
    document = json.loads(runner.ran["scan"].stdout)
    assert all(finding["rule"] != "SME001" for finding in document["findings"])
    assert document["summary"]["suppressed"] >= 1
