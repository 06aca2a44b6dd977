import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import sme_migrate

ROOT = Path(__file__).resolve().parents[2]
GITOPS = ROOT / "testdata" / "gitops"
RULES = ROOT / "testdata" / "rules"


def test_example_repository_summary() -> None:
    report = sme_migrate("scan", str(GITOPS), "--format", "json").json()
    assert report["summary"] | {"files": 0} == {
        "errors": 6, "warnings": 7, "info": 25, "suppressed": 0, "files": 0,
        "extensions": 5, "converted": 5}
    assert report["summary"]["files"] >= 8
    helm = [f for f in report["findings"] if f["rule"] == "SME013"]
    assert helm[0]["location"]["path"].endswith("templates/extension.yaml")
    assert helm[0]["location"]["line"] == 4


def test_json_finding_shape() -> None:
    report = sme_migrate("scan", str(RULES / "SME001"), "--format", "json").json()
    finding = next(f for f in report["findings"] if f["rule"] == "SME001")
    assert finding == {
        "rule": "SME001",
        "severity": "error",
        "message": "blocks the upgrade to OSSM 2.3: convert it to WasmPlugin "
                   "istio-system/header-append",
        "resource": {"apiVersion": "maistra.io/v1", "kind": "ServiceMeshExtension",
                     "namespace": "istio-system", "name": "header-append"},
        "location": {"path": str(RULES / "SME001" / "extension.yaml"), "line": 1},
    }


@pytest.mark.parametrize(
    ("fixture", "fail_on", "code"),
    [
        ("SME001", "error", 1), ("SME001", "never", 0),
        ("SME011", "error", 0), ("SME011", "warning", 1),  # SMCP only: a warning
        ("SME017", "warning", 1), ("SME017", "error", 1),
        ("SME012", "info", 1),
    ],
)
def test_exit_code_follows_fail_on(fixture: str, fail_on: str, code: int) -> None:
    assert sme_migrate("scan", str(RULES / fixture), "--fail-on", fail_on).exit_code == code


def test_clean_input_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    outcome = sme_migrate("scan", str(tmp_path), "--format", "json")
    assert outcome.exit_code == 0 and outcome.json()["findings"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fail-on", "sometimes"], "'sometimes' is not one of 'error', 'warning', 'info'"),
        (["--format", "pdf"], "'pdf' is not one of 'text', 'json'"),
        (["-o", "report.json"], "'report.json' is not one of"),
        (["--target-version", "banana"], "not an OSSM version"),
        (["--target-version", "2.1"], "WasmPlugin exists from OSSM 2.2 on"),
    ],
)
def test_usage_errors_exit_2_with_a_message(args: list[str], message: str) -> None:
    outcome = sme_migrate("scan", str(GITOPS), *args)
    said = " ".join(re.sub("[│╭╮╰╯─]", " ", outcome.stderr).split())  # rich boxes wrap lines
    assert outcome.exit_code == 2 and message in said and outcome.stdout == ""


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    outcome = sme_migrate("scan", str(tmp_path / "nope"))
    assert outcome.exit_code == 2 and "no such file or directory" in outcome.stderr


def test_stdin_is_scanned() -> None:
    text = (RULES / "SME002" / "extension.yaml").read_text()
    report = sme_migrate("scan", "-", "--format", "json", stdin=text).json()
    (finding,) = [f for f in report["findings"] if f["rule"] == "SME002"]
    assert finding["location"]["path"] == "<stdin>"


def test_convert_reads_stdin_too() -> None:
    text = (RULES / "SME001" / "extension.yaml").read_text()
    outcome = sme_migrate("convert", "-", stdin=text)
    assert outcome.exit_code == 0 and "url: oci://quay.io/maistra-dev/" in outcome.stdout


def test_scan_output_is_deterministic() -> None:
    first = sme_migrate("scan", str(GITOPS), "--format", "json").stdout
    assert sme_migrate("scan", str(GITOPS), "--format", "json").stdout == first


def test_real_process_keeps_stdout_for_the_report_only() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "migrate", "scan", str(GITOPS), "--format", "json"],
        capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 1
    assert result.stdout.lstrip().startswith("{") and result.stdout.rstrip().endswith("}")


def test_control_plane_namespace_option_decides_what_is_mesh_wide() -> None:
    text = (RULES / "SME017" / "extension.yaml").read_text()  # namespace: shop
    default = sme_migrate("convert", "-", stdin=text).stdout
    as_root = sme_migrate("convert", "-", "--control-plane-namespace", "shop", stdin=text).stdout
    assert "match" not in default and default == as_root  # same body; root-ness shows in order
    scan = sme_migrate("scan", "-", "--control-plane-namespace", "shop", "--format", "json",
                       stdin=text).json()
    messages = " ".join(f["message"] for f in scan["findings"] if f["rule"] == "SME017")
    assert "member of mesh" not in messages  # the control-plane namespace is always in its mesh
