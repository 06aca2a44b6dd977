from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from migrate.model import Finding, Location, ScanReport, Severity
from migrate.report import render

ANSI_ESCAPE = "\033["


def test_golden(report: ScanReport, golden: Callable[[str, str], None]) -> None:
    golden("report.txt", render(report, "text"))


def test_each_file_heads_one_group_with_its_findings_in_line_order(report: ScanReport) -> None:
    lines = render(report, "text").splitlines()
    headers = [line for line in lines if line and not line.startswith(" ")]
    groups = headers[:-1]  # the last unindented line is the summary
    assert len(groups) == len(set(groups))
    smcp = lines[lines.index("apps/mesh/smcp.yaml") + 1 : lines.index("apps/mesh/smcp.yaml") + 3]
    assert [line.split()[0] for line in smcp] == ["6", "14"]


def test_findings_without_a_file_come_last_under_their_own_heading(report: ScanReport) -> None:
    lines = render(report, "text").splitlines()
    heading = lines.index("(no file)")
    assert all(not line.startswith(("apps/", "charts/")) for line in lines[heading:])


def test_summary_line_counts_severities_and_suppressed(report: ScanReport) -> None:
    last = render(report, "text").splitlines()[-1]
    assert last == "7 errors, 4 warnings, 1 info (2 suppressed) in 9 files"


def test_a_clean_scan_says_so(empty_report: ScanReport) -> None:
    assert render(empty_report, "text") == "No findings: 0 errors, 0 warnings, 0 info in 3 files\n"


def test_multi_line_messages_stay_under_their_finding(report: ScanReport) -> None:
    lines = render(report, "text").splitlines()
    first = next(i for i, line in enumerate(lines) if "while parsing a block mapping" in line)
    assert lines[first + 1].strip() == 'in "<unicode string>", line 7, column 1'
    assert lines[first + 1].startswith(" " * 20)


def test_colours_only_when_asked(report: ScanReport) -> None:
    assert ANSI_ESCAPE not in render(report, "text")
    coloured = render(report, "text", color=True)
    assert "\033[1;31merror  \033[0m" in coloured
    assert "\033[33mwarning\033[0m" in coloured


def test_control_characters_in_messages_cannot_drive_the_terminal() -> None:
    sneaky = Finding(
        "SME013", Severity.ERROR, "bad \033[2J file\rname", None, Location("a.yaml", 1)
    )
    output = render(ScanReport(findings=(sneaky,)), "text")
    assert "\033" not in output and "\r" not in output
    assert "bad \\x1b[2J file\\x0dname" in output


def test_absolute_paths_under_the_root_are_shown_relative() -> None:
    finding = Finding("SME001", Severity.ERROR, "m", None, Location("/work/repo/apps/a.yaml", 3))
    report = ScanReport(findings=(finding,))
    assert render(report, "text", root=Path("/work/repo")).startswith("apps/a.yaml\n")
    assert render(report, "text", root=Path("/elsewhere")).startswith("/work/repo/apps/a.yaml\n")


def test_line_unknown_is_shown_as_a_dash(report: ScanReport) -> None:
    only = dataclasses.replace(report, findings=(report.findings[0],))
    assert render(only, "text").splitlines()[1].split()[:3] == ["-", "info", "SME017"]
