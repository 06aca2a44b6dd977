"""Two cores for long lists: the same result as one, and no child left behind. Each scenario
runs in a fresh interpreter (tests/support/halves_probe.py): a test runner's worker runs
threads, and no fork is made then."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from migrate.sources.halves import DISABLE_VARIABLE
from tests.sources.source_trees import deployment_yaml, extension_yaml, write_tree

ROOT = Path(__file__).resolve().parents[2]


def _probe(scenario: str, **environment: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "tests.support.halves_probe", scenario],
                          capture_output=True, text=True, cwd=ROOT, check=True,
                          env={**os.environ, **environment})
    seen: dict[str, Any] = json.loads(done.stdout)
    assert seen.pop("children_left") is False
    return seen


def _one_core() -> dict[str, str]:
    return {DISABLE_VARIABLE: "1"}


def test_a_long_list_is_shared_with_a_second_process_in_order() -> None:
    assert _probe("long") == {"in_order": True, "processes": 2}


@pytest.mark.parametrize("scenario", ["short", "empty", "thread", "no_descriptor"])
def test_short_lists_threaded_processes_and_a_failed_fork_stay_in_one_process(
        scenario: str) -> None:
    assert _probe(scenario) == {"in_order": True, "processes": 1}


def test_the_variable_keeps_it_on_one_core() -> None:
    assert _probe("long", **_one_core()) == {"in_order": True, "processes": 1}


def test_an_error_in_the_childs_half_is_raised_here() -> None:
    assert _probe("child_fails") == {"raised": "ValueError: item 2500 is bad"}


def test_a_child_that_dies_costs_time_not_results() -> None:
    assert _probe("child_dies") == {"result_in_order": True}


def test_an_error_in_this_half_stops_the_child() -> None:
    assert _probe("parent_fails") == {"raised": "KeyError: 'here'"}


def _scan(root: Path, **environment: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "migrate", "scan", str(root), "-o", "json", "--fail-on", "never"],
        capture_output=True, text=True, cwd=ROOT, check=True, env={**os.environ, **environment})
    return done.stdout


def test_a_scan_on_two_cores_reports_what_one_core_does(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {}
    for index in range(1_200):
        team = f"team{index % 40}"
        files[f"{team}/app{index}/deployment.yaml"] = deployment_yaml(f"app{index}", f"app{index}")
        files[f"{team}/app{index}/config.yaml"] = f"kind: ConfigMap\ndata: {{n: '{index}'}}\n"
    for index in range(0, 1_200, 97):
        files[f"team{index % 40}/app{index}/sme.yaml"] = extension_yaml(f"ext{index}").replace(
            "spec:\n", f"spec:\n  workloadSelector:\n    labels:\n      app: app{index}\n")
    for number in range(40):  # kustomizations (the namespaces) and links cross from the child too
        listed = "".join(f"- app{index}/deployment.yaml\n- app{index}/sme.yaml\n"
                         for index in range(number, 1_200, 40))
        files[f"team{number}/kustomization.yaml"] = f"namespace: ns{number}\nresources:\n{listed}"
    files["team3/broken.yaml"] = "kind: ServiceMeshExtension\nspec: [unclosed\n"
    files["team4/binary.yaml"] = b"kind: ServiceMeshExtension\x00\xff"
    root = write_tree(tmp_path, files)
    (root / "team5" / "again.yaml").symlink_to(root / "team5" / "app5" / "deployment.yaml")
    two, one = _scan(root), _scan(root, **_one_core())
    assert two == one
    summary = json.loads(one)["summary"]
    assert summary["files"] == len(files) and summary["extensions"] == 13
