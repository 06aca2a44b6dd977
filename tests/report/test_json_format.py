from __future__ import annotations

import json
from collections.abc import Callable

from migrate.model import ScanReport
from migrate.report import render


def test_golden(report: ScanReport, golden: Callable[[str, str], None]) -> None:
    golden("report.json", render(report, "json"))


def test_one_document_with_findings_and_summary(report: ScanReport) -> None:
    document = json.loads(render(report, "json"))
    assert list(document) == ["findings", "summary"]
    assert document["summary"] == report.summary()
    assert document["summary"]["suppressed"] == 2
    assert sorted(map(json.dumps, document["findings"])) == sorted(
        json.dumps(finding.to_json()) for finding in report.findings
    )


def test_findings_are_ordered_by_path_line_and_rule(report: ScanReport) -> None:
    findings = json.loads(render(report, "json"))["findings"]
    located = [
        (f["location"]["path"], f["location"]["line"] or 0, f["rule"])
        for f in findings
        if f["location"]
    ]
    assert located == sorted(located)
    assert all(f["location"] is None for f in findings[len(located) :])


def test_a_clean_scan_is_still_one_document(empty_report: ScanReport) -> None:
    assert json.loads(render(empty_report, "json")) == {
        "findings": [],
        "summary": empty_report.summary(),
    }
