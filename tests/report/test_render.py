"""The format registry: every format renders the same report, in a stable order."""

from __future__ import annotations

import dataclasses
import re

import pytest

from migrate.model import ScanReport
from migrate.report import FORMATS, render


def test_formats_are_the_ones_the_scan_command_offers() -> None:
    assert FORMATS == ("text", "json", "yaml", "sarif", "github", "junit", "markdown")


def test_an_unknown_format_is_refused_with_the_valid_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown report format 'xml': choose one of text, json"):
        render(ScanReport(findings=()), "xml")


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_does_not_depend_on_the_order_findings_arrive_in(
    fmt: str, report: ScanReport
) -> None:
    reversed_report = dataclasses.replace(
        report, findings=report.findings[::-1], suppressed=report.suppressed[::-1]
    )
    assert render(reversed_report, fmt) == render(report, fmt)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "sarif"])  # sarif lists every rule
def test_a_clean_scan_reports_no_rule(fmt: str, empty_report: ScanReport) -> None:
    output = render(empty_report, fmt)
    assert output.endswith("\n")
    assert not re.search(r"SME\d{3}", output)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_names_every_rule_that_fired(fmt: str, report: ScanReport) -> None:
    output = render(report, fmt)
    for finding in report.findings:
        assert finding.rule in output
