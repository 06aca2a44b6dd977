from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from migrate.model import Finding, Location, ResourceRef, ScanReport, Severity
from migrate.report import render
from migrate.report.sarif import FINGERPRINT_KEY
from migrate.rules.catalogue import catalogue

from .conftest import REPO, REPORT_DATA

# The OASIS schema, vendored so the project's own CI has it; kept equal to ../shared's copy.
SCHEMA_PATH = REPORT_DATA / "sarif-schema-2.1.0.json"
SHARED_SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
SME = ResourceRef("maistra.io/v1", "ServiceMeshExtension", "bookinfo", "ratings-auth")


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def sarif(report: ScanReport, **options: Any) -> dict[str, Any]:
    return dict(json.loads(render(report, "sarif", **options)))


def results(report: ScanReport, **options: Any) -> list[dict[str, Any]]:
    return list(sarif(report, **options)["runs"][0]["results"])


@pytest.mark.skipif(not SHARED_SCHEMA.exists(), reason="no ../shared beside the checkout")
def test_vendored_schema_is_the_official_one() -> None:
    assert SCHEMA_PATH.read_bytes() == SHARED_SCHEMA.read_bytes()


def test_golden(report: ScanReport, golden: Callable[[str, str], None]) -> None:
    golden("report.sarif", render(report, "sarif"))


def test_valid_against_the_sarif_schema(
    report: ScanReport, validator: jsonschema.Draft4Validator
) -> None:
    errors = [error.message for error in validator.iter_errors(sarif(report, root=REPO))]
    assert errors == []


def test_valid_with_no_results_and_results_is_an_empty_list(
    empty_report: ScanReport, validator: jsonschema.Draft4Validator
) -> None:
    document = sarif(empty_report)
    assert [error.message for error in validator.iter_errors(document)] == []
    assert document["runs"][0]["results"] == []


def test_one_rule_per_catalogue_entry_with_docs_and_default_level(report: ScanReport) -> None:
    rules = sarif(report)["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == sorted(catalogue())
    sme001 = next(rule for rule in rules if rule["id"] == "SME001")
    assert sme001["name"] == "servicemeshextension-found"
    assert sme001["helpUri"] == catalogue()["SME001"].help_uri
    assert sme001["defaultConfiguration"] == {"level": "error"}
    assert "How to fix" in sme001["help"]["text"] and sme001["help"]["markdown"]
    assert {rule["defaultConfiguration"]["level"] for rule in rules} == {"error", "warning", "note"}


def test_results_point_at_their_rule_and_line(report: ScanReport) -> None:
    document = sarif(report)
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    found = document["runs"][0]["results"]
    assert len(found) == len(report.findings)
    for result in found:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    sme002 = next(r for r in found if r["ruleId"] == "SME002")
    physical = sme002["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {
        "uri": "apps/bookinfo/ratings-sme.yaml",
        "uriBaseId": "SRCROOT",
    }
    assert physical["region"] == {"startLine": 11}
    assert sme002["level"] == "error"


def test_severities_map_to_sarif_levels(report: ScanReport) -> None:
    levels = {r["ruleId"]: r["level"] for r in results(report)}
    assert (levels["SME001"], levels["SME006"], levels["SME017"]) == ("error", "warning", "note")


def test_no_region_when_the_line_is_unknown(report: ScanReport) -> None:
    sme017 = next(r for r in results(report) if r["ruleId"] == "SME017")
    assert "region" not in sme017["locations"][0]["physicalLocation"]


def test_every_result_has_an_artifact_uri_because_github_rejects_the_upload_otherwise(
    report: ScanReport,
) -> None:
    for result in results(report):
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def test_paths_are_uri_encoded(report: ScanReport) -> None:
    sme015 = next(r for r in results(report) if r["ruleId"] == "SME015")
    uri = sme015["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "apps/team%20a/router%20hints.yaml"


def test_absolute_paths_under_the_root_become_relative(tmp_path: Path) -> None:
    inside = Finding("SME001", Severity.ERROR, "m", SME, Location(str(tmp_path / "apps/a.yaml"), 2))
    outside = Finding("SME001", Severity.ERROR, "m", SME, Location("/elsewhere/b.yaml", 2))
    document = sarif(ScanReport(findings=(inside, outside)), root=tmp_path)
    run = document["runs"][0]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert uris == [
        {"uri": "file:///elsewhere/b.yaml"},
        {"uri": "apps/a.yaml", "uriBaseId": "SRCROOT"},
    ]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == tmp_path.as_uri() + "/"


def fingerprints(report: ScanReport) -> list[str]:
    return [r["partialFingerprints"][FINGERPRINT_KEY] for r in results(report)]


def test_fingerprints_are_unique_within_a_run(report: ScanReport) -> None:
    prints = fingerprints(report)
    assert len(set(prints)) == len(prints)


def test_fingerprints_survive_an_edit_above_the_finding(report: ScanReport) -> None:
    shifted = tuple(
        dataclasses.replace(f, location=dataclasses.replace(f.location, line=f.location.line + 5))
        if f.location and f.location.line
        else f
        for f in report.findings
    )
    assert fingerprints(dataclasses.replace(report, findings=shifted)) == fingerprints(report)


def test_fingerprints_change_with_the_resource_or_the_file() -> None:
    base = Finding("SME001", Severity.ERROR, "m", SME, Location("a.yaml", 1))
    renamed = dataclasses.replace(base, resource=dataclasses.replace(SME, name="other"))
    moved = dataclasses.replace(base, location=Location("b.yaml", 1))
    prints = {fingerprints(ScanReport(findings=(f,)))[0] for f in (base, renamed, moved)}
    assert len(prints) == 3


def test_suppressed_findings_are_not_results_but_are_counted(report: ScanReport) -> None:
    run = sarif(report)["runs"][0]
    assert {r["ruleId"] for r in run["results"]}.isdisjoint({"SME005", "SME007"})
    assert run["properties"]["summary"]["suppressed"] == 2


def test_a_finding_of_a_rule_outside_the_catalogue_still_renders(
    validator: jsonschema.Draft4Validator,
) -> None:
    stray = Finding("X999", Severity.WARNING, "from a plugin", None, Location("a.yaml", 1))
    document = sarif(ScanReport(findings=(stray,)))
    assert "ruleIndex" not in document["runs"][0]["results"][0]
    assert list(validator.iter_errors(document)) == []
