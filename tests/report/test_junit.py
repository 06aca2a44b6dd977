from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from migrate.model import Finding, Location, ResourceRef, ScanReport, Severity
from migrate.report import render
from migrate.sources.files import read_paths

from .conftest import REPO, real_scan

GITOPS = REPO / "testdata" / "gitops"


def suite(report: ScanReport, fail_on: Severity | None = Severity.ERROR) -> ET.Element:
    root = ET.fromstring(render(report, "junit", fail_on=fail_on))
    assert root.tag == "testsuites"
    (testsuite,) = root.findall("testsuite")
    return testsuite


def cases(report: ScanReport, fail_on: Severity | None = Severity.ERROR) -> dict[str, ET.Element]:
    return {case.get("name", ""): case for case in suite(report, fail_on).findall("testcase")}


def test_golden(report: ScanReport, golden: Callable[[str, str], None]) -> None:
    golden("report.junit.xml", render(report, "junit"))


def test_one_testcase_per_resource_and_per_file_for_the_rest(report: ScanReport) -> None:
    assert sorted(cases(report)) == [
        "(no file)",
        "ServiceMeshControlPlane istio-system/basic",
        "ServiceMeshExtension bookinfo/ratings-auth",
        "ServiceMeshExtension bookinfo/reviews-lua",
        "ServiceMeshExtension istio-system/header-append",
        "ServiceMeshExtension legacy/old-filter",
        "ServiceMeshExtension team a/router-hints",
        "apps/private",
        "charts/mesh/templates/sme.yaml",
    ]


@pytest.mark.parametrize(
    ("fail_on", "failures"),
    [(Severity.ERROR, 6), (Severity.WARNING, 8), (Severity.INFO, 8), (None, 0)],
)
def test_failures_follow_the_threshold(
    report: ScanReport, fail_on: Severity | None, failures: int
) -> None:
    testsuite = suite(report, fail_on)
    failed = [case for case in testsuite.findall("testcase") if case.find("failure") is not None]
    assert len(failed) == failures
    assert testsuite.get("failures") == str(failures)
    assert testsuite.get("tests") == str(len(testsuite.findall("testcase")))


def test_a_failure_lists_every_failing_finding_of_the_resource(report: ScanReport) -> None:
    failure = cases(report)["ServiceMeshExtension bookinfo/ratings-auth"].find("failure")
    assert failure is not None
    assert failure.get("type") == "SME002"
    assert failure.get("message", "").startswith("SME002: spec.config is the bare word")
    assert "apps/bookinfo/ratings-sme.yaml:11" in (failure.text or "")


def test_findings_below_the_threshold_are_in_system_out(report: ScanReport) -> None:
    case = cases(report)["ServiceMeshExtension bookinfo/ratings-auth"]
    assert "info SME017" in (case.findtext("system-out") or "")


def test_a_resource_with_only_suppressed_findings_is_skipped(report: ScanReport) -> None:
    case = cases(report)["ServiceMeshExtension bookinfo/reviews-lua"]
    assert case.find("skipped") is not None and case.find("failure") is None
    assert "suppressed: warning SME007" in (case.findtext("system-out") or "")


def test_special_characters_round_trip(report: ScanReport) -> None:
    failure = cases(report)["charts/mesh/templates/sme.yaml"].find("failure")
    assert failure is not None
    assert 'in "<unicode string>", line 7' in (failure.text or "")
    assert "found character '%'" in (failure.text or "")


def test_characters_xml_cannot_carry_are_made_visible_not_fatal() -> None:
    finding = Finding(
        "SME013", Severity.ERROR, "NUL \x00 and BEL \x07", None, Location("a.yaml", 1)
    )
    failure = cases(ScanReport(findings=(finding,)))["a.yaml"].find("failure")
    assert failure is not None
    assert "NUL \\x00 and BEL \\x07" in (failure.text or "")


SCANNED_SME = ResourceRef("maistra.io/v1", "ServiceMeshExtension", "bookinfo", "ratings-auth")
CLEAN_PLUGIN = ResourceRef("extensions.istio.io/v1alpha1", "WasmPlugin", "bookinfo", "stats")


def test_every_scanned_resource_is_a_case_and_the_clean_ones_pass(report: ScanReport) -> None:
    scanned = (
        (SCANNED_SME, Location("apps/bookinfo/ratings-sme.yaml", 1)),
        (CLEAN_PLUGIN, Location("apps/bookinfo/plugins.yaml", 5)),
    )
    found = cases(dataclasses.replace(report, scanned=scanned))

    assert len(found) == len(cases(report)) + 1  # the SME already had a case: its findings
    clean = found["WasmPlugin bookinfo/stats"]
    assert clean.get("classname") == "apps/bookinfo/plugins.yaml"
    assert list(clean) == []  # a passing case: no failure, skipped or output
    assert found["ServiceMeshExtension bookinfo/ratings-auth"].find("failure") is not None


def test_a_clean_repository_yields_passing_cases(empty_report: ScanReport) -> None:
    report = dataclasses.replace(empty_report, scanned=((CLEAN_PLUGIN, Location("a.yaml", 1)),))
    testsuite = suite(report)
    assert (testsuite.get("tests"), testsuite.get("failures"), testsuite.get("skipped")) == (
        "1", "0", "0"
    )
    assert testsuite.find("testcase/failure") is None


def test_a_scan_that_read_no_resource_still_has_a_passing_case(empty_report: ScanReport) -> None:
    # Jenkins' junit step rejects a report without test cases
    testsuite = suite(empty_report)
    assert (testsuite.get("tests"), testsuite.get("failures")) == ("1", "0")
    (case,) = testsuite.findall("testcase")
    assert list(case) == []


def test_structure_is_the_one_junit_consumers_read(report: ScanReport) -> None:
    testsuite = suite(report, Severity.WARNING)
    for case in testsuite.findall("testcase"):
        assert case.get("name") and case.get("classname")
        assert {child.tag for child in case} <= {"failure", "skipped", "system-out"}
        assert len(case.findall("failure")) <= 1
    skipped = len(testsuite.findall("testcase/skipped"))
    assert testsuite.get("skipped") == str(skipped)


def test_a_real_scan_has_a_case_for_each_document_it_read() -> None:
    testsuite = suite(real_scan([str(GITOPS)]))

    names = [case.get("name") for case in testsuite.findall("testcase")]
    assert set(names) >= {resource.ref.display for resource in read_paths([str(GITOPS)]).resources}
    passing = [case for case in testsuite.findall("testcase") if not list(case)]
    failing = testsuite.findall("testcase/failure")
    assert passing and failing, "the example repo has clean resources and broken ones"
