"""The words users know from kubectl and istioctl: -o FORMAT, --output-file, --version, -h."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml
from typer.main import get_command

from migrate.cli import app
from tests.support.cli import sme_migrate

ROOT = Path(__file__).resolve().parents[2]
GITOPS = ROOT / "testdata" / "gitops"
MODULE = ROOT / "testdata" / "modules" / "add_header.wasm"


def _command_paths() -> list[list[str]]:
    root = get_command(app)
    paths: list[list[str]] = [[]]
    for name, command in getattr(root, "commands", {}).items():
        paths.append([name])
        paths.extend([name, sub] for sub in getattr(command, "commands", {}))
    return paths


@pytest.mark.parametrize("words", _command_paths(), ids=lambda w: " ".join(w) or "sme-migrate")
def test_dash_h_is_help_everywhere(words: list[str]) -> None:
    outcome = sme_migrate(*words, "-h")
    assert outcome.exit_code == 0 and "Usage: sme-migrate" in outcome.stdout


def test_version_is_the_installed_package_version() -> None:
    outcome = sme_migrate("--version")
    assert outcome.exit_code == 0
    assert outcome.stdout.strip() == f"sme-migrate {version('sme-migrate')}"


def test_scan_o_json_is_the_same_as_format_json_in_any_case() -> None:
    short = sme_migrate("scan", str(GITOPS), "-o", "json", "--fail-on", "never")
    long = sme_migrate("scan", str(GITOPS), "--format", "JSON", "--fail-on", "never")
    assert short.exit_code == long.exit_code == 0
    assert short.json() == long.json() and short.json()["findings"]


def test_help_lists_the_format_choices() -> None:
    said = sme_migrate("scan", "-h").stdout
    assert "text|json|yaml|sarif" in said.replace("\n", "").replace(" ", "").replace("│", "")


def test_output_file_takes_the_report_and_stdout_stays_empty(tmp_path: Path) -> None:
    target = tmp_path / "report.sarif"
    outcome = sme_migrate("scan", str(GITOPS), "-o", "sarif", "--output-file", str(target))
    assert outcome.exit_code == 1 and outcome.stdout == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"


def test_convert_o_json_is_a_kubectl_list_of_the_yaml_plugins() -> None:
    as_json = sme_migrate("convert", str(GITOPS), "-o", "json", "--ignore", "SME013")
    as_yaml = sme_migrate("convert", str(GITOPS), "--ignore", "SME013")
    assert as_json.exit_code == as_yaml.exit_code == 0, as_json.stderr
    document = as_json.json()
    assert document["kind"] == "List" and document["apiVersion"] == "v1"
    assert document["items"] == [d for d in yaml.safe_load_all(as_yaml.stdout) if d]
    assert {item["kind"] for item in document["items"]} == {"WasmPlugin"}


def test_convert_output_file_and_output_dir_exclude_each_other(tmp_path: Path) -> None:
    outcome = sme_migrate("convert", str(GITOPS), "--output-file", str(tmp_path / "a.yaml"),
                          "--output-dir", str(tmp_path / "out"))
    assert outcome.exit_code == 2 and "exclude each other" in outcome.stderr
    assert not (tmp_path / "a.yaml").exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_rules_o_structured_lists_the_whole_catalogue(fmt: str) -> None:
    outcome = sme_migrate("rules", "-o", fmt)
    assert outcome.exit_code == 0
    rules = yaml.safe_load(outcome.stdout)  # JSON is YAML too
    ids = [rule["id"] for rule in rules]
    assert "SME001" in ids and "MOD001" in ids and ids == sorted(ids)
    assert all(rule["severity"] in ("error", "warning", "info") for rule in rules)


def test_rules_o_json_for_one_rule() -> None:
    outcome = sme_migrate("rules", "SME013", "-o", "json")
    assert [rule["id"] for rule in outcome.json()] == ["SME013"]


def test_modules_check_o_json_reports_the_module() -> None:
    outcome = sme_migrate("modules", "check", str(MODULE), "-o", "json")
    assert outcome.exit_code == 0, outcome.stdout
    [module] = outcome.json()["modules"]
    assert module["reference"] == str(MODULE) and module["abi"]


def test_modules_check_honours_ignore() -> None:
    broken = ROOT / "README.md"  # not a Wasm binary: MOD010
    failing = sme_migrate("modules", "check", str(broken), "-o", "json")
    ignored = sme_migrate("modules", "check", str(broken), "-o", "json", "--ignore", "MOD010")
    assert failing.exit_code == 1 and [f["rule"] for f in failing.json()["findings"]] == ["MOD010"]
    assert ignored.exit_code == 0 and ignored.json()["summary"]["suppressed"] == 1
