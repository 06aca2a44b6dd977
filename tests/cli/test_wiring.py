"""Options that reach below the CLI: the stdin name, the repository root, the scanned
resources (JUnit) and the OSSM 3 root namespace, each through the real command."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from tests.support.cli import sme_migrate

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "testdata" / "rules"
EXTENSION = (RULES / "SME001" / "extension.yaml").read_text()


def test_stdin_filename_names_what_stdin_held() -> None:
    outcome = sme_migrate("scan", "-", "--stdin-filename", "deploy/x.yaml", "-o", "json",
                          "--fail-on", "never", stdin=EXTENSION)
    paths = {f["location"]["path"] for f in outcome.json()["findings"] if f["location"]}
    assert paths == {"deploy/x.yaml"}


def test_sarif_names_files_from_the_repository_root_when_run_in_a_subdirectory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "deploy" / "mesh").mkdir(parents=True)
    (tmp_path / "deploy" / "mesh" / "ext.yaml").write_text(EXTENSION)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path / "deploy")
    outcome = sme_migrate("scan", "mesh", "-o", "sarif", "--fail-on", "never")
    run = json.loads(outcome.stdout)["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"]}
    assert "deploy/mesh/ext.yaml" in uris
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == tmp_path.as_uri() + "/"


def test_junit_has_a_passing_case_per_resource_of_a_clean_tree(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n")
    outcome = sme_migrate("scan", str(tmp_path), "-o", "junit")
    assert outcome.exit_code == 0
    cases = ET.fromstring(outcome.stdout).iter("testcase")
    assert all(case.find("failure") is None for case in cases)


def test_root_namespace_moves_mesh_wide_plugins_on_ossm_3() -> None:
    fixture = str(RULES / "SME041")
    kept = sme_migrate("convert", fixture, "--target-version", "3.0")
    moved = sme_migrate("convert", fixture, "--target-version", "3.0",
                        "--root-namespace", "istio-cp")
    assert "  SME041  " in kept.stderr and "  SME041  " not in moved.stderr
    namespaces = {d["metadata"]["namespace"] for d in yaml.safe_load_all(moved.stdout) if d}
    assert namespaces == {"istio-cp"}
