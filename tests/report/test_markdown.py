from __future__ import annotations

import re
from collections.abc import Callable

from migrate.model import Finding, Location, ScanReport, Severity
from migrate.report import render
from migrate.report.markdown import MAX_CHARS, cell

UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def table_rows(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("| ")][1:]


def test_golden(report: ScanReport, golden: Callable[[str, str], None]) -> None:
    golden("report.md", render(report, "markdown"))


def test_one_row_per_finding_with_exactly_five_columns(report: ScanReport) -> None:
    rows = table_rows(render(report, "markdown"))
    assert len(rows) == len(report.findings)
    assert all(len(UNESCAPED_PIPE.findall(row)) == 6 for row in rows)


def test_summary_counts_suppressed(report: ScanReport) -> None:
    assert "**7 errors, 4 warnings, 1 info (2 suppressed) in 9 files**" in render(
        report, "markdown"
    )


def test_rule_links_to_its_documentation(report: ScanReport) -> None:
    assert (
        "[SME001](https://github.com/sme-migrate/sme-migrate/blob/main/docs/rules.md#sme001-"
        in (render(report, "markdown"))
    )


def test_cell_keeps_text_literal() -> None:
    assert cell("a|b") == "a\\|b"
    assert cell("<script>") == "&lt;script&gt;"
    assert cell("line 1\nline 2") == "line 1<br>line 2"
    assert cell("*not bold* `x`") == "\\*not bold\\* \\`x\\`"


def test_a_clean_scan_says_so(empty_report: ScanReport) -> None:
    output = render(empty_report, "markdown")
    assert "No findings." in output and "|" not in output


def test_a_huge_report_stays_below_githubs_comment_limit() -> None:
    findings = tuple(
        Finding("SME001", Severity.ERROR, "x" * 200, None, Location(f"apps/{n:05}.yaml", 1))
        for n in range(2000)
    )
    output = render(ScanReport(findings=findings), "markdown")
    assert len(output) < 65_536
    assert len(output) > MAX_CHARS * 0.9
    shown = len(table_rows(output))
    assert f"… and {2000 - shown} more not shown" in output
