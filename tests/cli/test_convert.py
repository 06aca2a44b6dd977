"""Golden conversions: testdata/convert/<case>/input.* -> expected.yaml (+ findings, exit code).

Each case runs in its own directory with the input named relatively (`input.tree`), as a user
runs it in a repository: what the output says about folders (the cluster comments) stays the
same wherever the checkout is, and `args` name folders the same way
(`--mesh-root input.tree/clusters/prod`).
"""

from pathlib import Path

import pytest
import yaml

from tests.support.cli import sme_migrate
from tests.support.crd import wasmplugin_validator

CASES = Path(__file__).resolve().parents[2] / "testdata" / "convert"


def case_input(case: Path) -> str:
    (found,) = case.glob("input.*")
    return str(found)


def case_args(case: Path) -> list[str]:
    args = case / "args"
    return args.read_text().split() if args.exists() else []


def in_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Work in the case's directory; the input's name relative to it."""
    monkeypatch.chdir(case)
    return Path(case_input(case)).name


@pytest.mark.parametrize("case", sorted(CASES.iterdir()), ids=lambda p: p.name)
def test_golden_conversion(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outcome = sme_migrate("convert", in_case(case, monkeypatch), *case_args(case))
    assert outcome.stdout == (case / "expected.yaml").read_text()
    exit_file = case / "exit-code"
    assert outcome.exit_code == (int(exit_file.read_text()) if exit_file.exists() else 0)


@pytest.mark.parametrize("case", sorted(CASES.iterdir()), ids=lambda p: p.name)
def test_golden_findings(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outcome = sme_migrate("scan", in_case(case, monkeypatch), *case_args(case), "--format",
                          "json", "--fail-on", "never")
    found = set()
    for finding in outcome.json()["findings"]:
        resource = finding["resource"]
        where = f"{resource['namespace'] or '-'}/{resource['name']}" if resource else "-"
        found.add(f"{finding['rule']} {where}")
    assert found == set((case / "expected-findings.txt").read_text().splitlines())


@pytest.mark.parametrize("case", sorted(CASES.iterdir()), ids=lambda p: p.name)
def test_every_emitted_plugin_is_valid_against_the_istio_crd(case: Path) -> None:
    validator = wasmplugin_validator()
    plugins = list(yaml.safe_load_all((case / "expected.yaml").read_text()))
    assert plugins
    assert {p["metadata"]["name"]: validator.errors(p) for p in plugins} == {
        p["metadata"]["name"]: [] for p in plugins}


def test_output_dir_writes_one_valid_file_per_plugin(tmp_path: Path) -> None:
    outcome = sme_migrate("convert", case_input(CASES / "sidecars-and-gateways"),
                          "--output-dir", str(tmp_path / "out"))
    assert outcome.exit_code == 0 and outcome.stdout == ""
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["istio-system.edge-waf.wasmplugin.yaml", "shop.cart-audit.wasmplugin.yaml"]
    for path in (tmp_path / "out").iterdir():
        assert wasmplugin_validator().errors(yaml.safe_load(path.read_text())) == []


def test_findings_go_to_stderr_and_stdout_stays_parseable() -> None:
    outcome = sme_migrate("convert", case_input(CASES / "v1alpha1-configs"))
    assert "SME002" in outcome.stderr and "SME002" not in outcome.stdout
    assert [d["metadata"]["name"] for d in yaml.safe_load_all(outcome.stdout)] == [
        "json-config", "yaml-config"]


def test_output_dir_never_lets_one_plugin_overwrite_another(tmp_path: Path) -> None:
    extension = (CASES / "redhat-header-append" / "input.yaml").read_text().replace(
        "  namespace: istio-system\n", "")
    for team in ("shop", "blog"):
        (tmp_path / team).mkdir()
        (tmp_path / team / "kustomization.yaml").write_text(
            f"namespace: {team}\nresources:\n  - extension.yaml\n")
        (tmp_path / team / "extension.yaml").write_text(extension)
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "extension.yaml").write_text(
        (CASES / "redhat-header-append" / "input.yaml").read_text())
    (tmp_path / "copy" / "again.yaml").write_text(
        (CASES / "redhat-header-append" / "input.yaml").read_text())
    sme_migrate("convert", str(tmp_path), "--output-dir", str(tmp_path / "out"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "blog.header-append.wasmplugin.yaml",
        "istio-system.header-append.2.wasmplugin.yaml",
        "istio-system.header-append.wasmplugin.yaml",
        "shop.header-append.wasmplugin.yaml",
    ]
    written = yaml.safe_load((tmp_path / "out" / "shop.header-append.wasmplugin.yaml").read_text())
    assert written["metadata"]["namespace"] == "shop"  # where kustomize puts it; so does kubectl


def test_an_unwritable_output_dir_is_a_tool_error_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    outcome = sme_migrate("convert", case_input(CASES / "redhat-header-append"),
                          "--output-dir", str(blocker / "out"))
    assert outcome.exit_code == 2
    assert "cannot write to" in outcome.stderr and "Traceback" not in outcome.stderr
