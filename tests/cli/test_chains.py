"""`sme-migrate chains` on the command line: formats, --workload, stdin, files, exit codes."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import pytest

from migrate.cli.output import step_summary
from migrate.model import ScanReport
from migrate.pipeline import chains as pipeline_chains
from migrate.report.chains.markdown import STEP_SUMMARY_LIMIT
from tests.support.chains import GITOPS, MIXED, many_groups
from tests.support.cli import sme_migrate


def test_the_example_repository_exits_0_with_every_workload_identical() -> None:
    outcome = sme_migrate("chains", str(GITOPS))
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.count(": identical") == 3
    assert "Deployment bookinfo/productpage" in outcome.stdout


def test_json_lists_the_workloads_on_stdout_only() -> None:
    outcome = sme_migrate("chains", str(MIXED), "-o", "json")
    assert outcome.exit_code == 0  # known differences are no order change
    names = [w for g in outcome.json()["meshes"][0]["groups"] for w in g["workloads"]]
    assert "Deployment shop/cart" in names and len(names) == 7
    assert outcome.stderr == ""


def test_workload_narrows_to_one_workload_or_a_namespace() -> None:
    one = sme_migrate("chains", str(MIXED), "--workload", "shop/web", "-o", "json").json()
    assert [g["workloads"] for g in one["meshes"][0]["groups"]] == [["Deployment shop/web"]]
    namespace = sme_migrate("chains", str(MIXED), "--workload", "bookinfo", "-o", "json").json()
    assert namespace["meshes"][0]["workloads"] == 3


def test_an_unknown_workload_is_a_usage_error() -> None:
    outcome = sme_migrate("chains", str(MIXED), "--workload", "shop/nope")
    assert outcome.exit_code == 2
    assert "shop/nope" in outcome.stderr and outcome.stdout == ""


def test_stdin_and_output_file(tmp_path: Path) -> None:
    target = tmp_path / "chains.md"
    stdin = (MIXED / "mesh.yaml").read_text()
    outcome = sme_migrate("chains", "-", "-o", "markdown", "--output-file", str(target),
                          stdin=stdin)
    assert outcome.exit_code == 0 and outcome.stdout == ""
    assert "| # | Maistra (ServiceMeshExtension) | Istio (WasmPlugin) |" in target.read_text()


def test_no_extension_says_so_and_exits_0(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    outcome = sme_migrate("chains", str(tmp_path))
    assert outcome.exit_code == 0
    assert "no filter chain to show" in outcome.stdout


def test_scan_github_puts_the_chains_in_the_step_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    outcome = sme_migrate("scan", str(GITOPS), "-o", "github", "--fail-on", "never")
    assert outcome.exit_code == 0, outcome.stderr
    text = summary.read_text()
    assert text.index("### sme-migrate scan") < text.index("### Filter chains")
    assert "**✅ Deployment bookinfo/productpage**: identical" in text
    assert "### Filter chains" not in outcome.stdout  # stdout keeps the annotations only


def test_scan_json_never_builds_the_chain_view(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> NoReturn:
        raise AssertionError("the chain view was built for -o json")

    monkeypatch.setattr(pipeline_chains, "chain_view", refuse)
    outcome = sme_migrate("scan", str(GITOPS), "-o", "json", "--fail-on", "never")
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.json()["summary"]


def test_the_step_summary_stays_within_github_s_limit() -> None:
    text = step_summary(ScanReport(findings=()), many_groups(20_000))
    assert len(text.encode()) <= STEP_SUMMARY_LIMIT
    assert "more workload group(s) left out" in text
