"""SARIF and GitHub annotations from a real scan of a real git repository: files are named
from its top level, which is what code scanning and annotations resolve them against."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from migrate.report import render
from migrate.sources.repository import repository_root
from tests.sources.source_trees import extension_yaml

from .conftest import REPORT_DATA, real_scan


def sme(name: str) -> str:
    return extension_yaml(name, "bookinfo")


def git_repository(path: Path, files: dict[bytes, str]) -> Path:
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    for name, text in files.items():
        target = os.path.join(os.fsencode(path), name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as stream:
            stream.write(text)
    return path


def scan_sarif(paths: list[str]) -> dict[str, Any]:
    """What `sme-migrate scan -o sarif PATHS` renders, run from the current directory."""
    text = render(real_scan(paths), "sarif", root=Path.cwd(), source_root=repository_root(paths))
    document = dict(json.loads(text))
    schema = json.loads((REPORT_DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(document)
    return document


def uris(document: dict[str, Any]) -> set[str]:
    """The files results point at ("." anchors a finding about the whole run at the root)."""
    return {
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in document["runs"][0]["results"]
    } - {"."}


def test_a_scan_from_a_subdirectory_names_files_from_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = git_repository(tmp_path / "repo", {
        b"deploy/mesh/auth.yaml": sme("auth"),
        b"deploy/mesh/team a/stats.yaml": sme("stats"),
    })
    monkeypatch.chdir(repo / "deploy")

    document = scan_sarif(["mesh"])

    assert uris(document) == {"deploy/mesh/auth.yaml", "deploy/mesh/team%20a/stats.yaml"}
    base = document["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base == repo.as_uri() + "/"


def test_the_same_findings_keep_their_fingerprints_wherever_the_scan_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = git_repository(tmp_path / "repo", {b"deploy/auth.yaml": sme("auth")})

    def fingerprints() -> list[dict[str, str]]:
        return [r["partialFingerprints"] for r in scan_sarif(["."])["runs"][0]["results"]]

    monkeypatch.chdir(repo)
    from_the_top = fingerprints()
    monkeypatch.chdir(repo / "deploy")
    assert fingerprints() == from_the_top


def test_a_worktree_is_a_repository_root_too(tmp_path: Path) -> None:
    # a worktree or submodule has a `.git` file, not a directory
    (tmp_path / "wt" / "deploy").mkdir(parents=True)
    (tmp_path / "wt" / ".git").write_text("gitdir: /elsewhere/.git/worktrees/wt\n")

    assert repository_root(["deploy"], cwd=str(tmp_path / "wt" / "deploy")) == tmp_path / "wt"


def test_outside_git_files_are_named_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "plain" / "mesh").mkdir(parents=True)
    (tmp_path / "plain" / "mesh" / "auth.yaml").write_text(sme("auth"))
    monkeypatch.chdir(tmp_path / "plain")

    document = scan_sarif(["mesh"])

    assert uris(document) == {"mesh/auth.yaml"}
    base = document["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base == (tmp_path / "plain").as_uri() + "/"


def test_a_file_name_that_is_not_utf8_is_percent_encoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = git_repository(tmp_path / "repo", {b"deploy/caf\xe9.yaml": sme("x")})
    monkeypatch.chdir(repo)

    document = scan_sarif(["deploy"])

    assert uris(document) == {"deploy/caf%E9.yaml"}


def test_annotations_name_files_from_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = git_repository(tmp_path / "repo", {b"deploy/auth.yaml": sme("auth")})
    monkeypatch.chdir(repo / "deploy")
    text = render(real_scan(["."]), "github", root=Path.cwd(), source_root=repository_root(["."]))

    files = re.findall(r"^::\w+ file=([^,]+),", text, re.M)
    assert files and set(files) == {"deploy/auth.yaml"}
