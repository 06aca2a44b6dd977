"""OpenShift Templates: every extension in `objects` is reported; values with unrendered
parameters never become plain WasmPlugins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import sme_migrate

SPEC: dict[str, object] = {"image": "quay.io/example/headers:1.0", "phase": "PostAuthZ",
                           "priority": 5}
SME: dict[str, object] = {"apiVersion": "maistra.io/v1", "kind": "ServiceMeshExtension",
                          "metadata": {"name": "headers", "namespace": "tenants"}, "spec": SPEC}


def _template(*objects: object, api_version: str = "template.openshift.io/v1") -> str:
    return json.dumps({"apiVersion": api_version, "kind": "Template",
                       "metadata": {"name": "tenant"}, "objects": list(objects)}, indent=2)


def _with(spec: dict[str, object], name: str = "headers") -> dict[str, object]:
    return SME | {"metadata": {"name": name, "namespace": "tenants"}, "spec": SPEC | spec}


def _rules(outcome_json: dict[str, list[dict[str, str]]]) -> list[str]:
    return sorted(f["rule"] for f in outcome_json["findings"])


@pytest.mark.parametrize("api_version", ["template.openshift.io/v1", "v1"])
def test_an_extension_in_a_template_blocks_even_without_parameters(
        tmp_path: Path, api_version: str) -> None:
    (tmp_path / "t.json").write_text(_template({"kind": "ConfigMap"}, SME,
                                               api_version=api_version))
    outcome = sme_migrate("scan", str(tmp_path), "--format", "json")
    assert outcome.exit_code == 1
    (finding,) = outcome.json()["findings"]
    assert finding["rule"] == "SME080" and "Template tenant at objects[1]" in finding["message"]
    assert finding["location"]["line"] == 12  # the object's first key


def test_the_template_finding_names_the_parameters_it_uses(tmp_path: Path) -> None:
    (tmp_path / "t.json").write_text(_template(_with({"image": "${IMAGE}"}, "${NAME}-x")))
    outcome = sme_migrate("scan", str(tmp_path), "--format", "json")
    (finding,) = outcome.json()["findings"]
    assert "its parameters (${NAME}, ${IMAGE})" in finding["message"]
    assert finding["resource"]["name"] == "${NAME}-x"


@pytest.mark.parametrize(("spec", "reported"), [
    ({"image": "${IMAGE}"}, "spec.image ${IMAGE}"),
    ({"priority": "${{PRIORITY}}"}, "spec.priority ${{PRIORITY}}"),
    ({"workloadSelector": {"labels": {"app": "${APP}"}}},
     "spec.workloadSelector.labels.app ${APP}"),
], ids=["image", "non-string-parameter", "selector"])
def test_an_unrendered_parameter_is_never_converted(tmp_path: Path, spec: dict[str, object],
                                                    reported: str) -> None:
    (tmp_path / "list.json").write_text(json.dumps({"kind": "List", "apiVersion": "v1",
                                                    "items": [_with(spec)]}))
    outcome = sme_migrate("convert", str(tmp_path))
    assert outcome.exit_code == 1 and "WasmPlugin" not in outcome.stdout
    assert "SME081" in outcome.stderr and reported in outcome.stderr


def test_a_dollar_brace_in_the_configuration_is_the_plugin_s_own(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text(json.dumps(_with({"config": {"log": "${REQUEST_ID}"}})))
    outcome = sme_migrate("convert", str(tmp_path))
    assert "SME081" not in outcome.stderr and "${REQUEST_ID}" in outcome.stdout
