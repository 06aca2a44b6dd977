"""Human output: findings grouped by file, one line each, and a summary line."""

from __future__ import annotations

import re

from migrate.model import Finding, ScanReport, Severity
from migrate.report.collapse import visible
from migrate.report.common import (
    RenderOptions,
    display_path,
    group_by_path,
    ordered,
    summary_line,
)

_RESET = "\033[0m"
_BOLD = "\033[1m"
_SEVERITY_COLORS = {
    Severity.ERROR: "\033[1;31m",
    Severity.WARNING: "\033[33m",
    Severity.INFO: "\033[36m",
}
# Messages quote resource names and file contents: never let them drive the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_INDENT = " " * 2
_NO_FILE = "(no file)"


def _printable(text: str) -> str:
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def _message_lines(finding: Finding) -> list[str]:
    subject = f"{finding.resource.display}: " if finding.resource else ""
    return _printable(subject + finding.message).split("\n")


def _finding_lines(finding: Finding, color: bool) -> list[str]:
    line = finding.location.line if finding.location and finding.location.line else None
    severity = _paint(f"{finding.severity.label:<7}", _SEVERITY_COLORS[finding.severity], color)
    prefix = f"{_INDENT}{line or '-':>5}  {severity}"
    head, *rest = _message_lines(finding)
    continuation = " " * (len(_INDENT) + 5 + 2 + 7 + 2 + len(finding.rule) + 2)
    return [f"{prefix}  {finding.rule}  {head}", *(continuation + more for more in rest)]


def _no_file(report: ScanReport) -> str:
    context = report.cluster_context
    return _NO_FILE if context is None else _printable(f"(cluster context {context})")


def render(report: ScanReport, options: RenderOptions) -> str:
    lines: list[str] = []
    shown = visible(ordered(report.findings), options.min_severity)
    for path, findings in group_by_path(shown):
        header = _printable(display_path(path, options.root)) if path else _no_file(report)
        lines.append(_paint(header, _BOLD, options.color))
        for finding in findings:
            lines.extend(_finding_lines(finding, options.color))
        lines.append("")
    summary = summary_line(report)
    hidden = len(report.findings) - len(shown)
    if hidden:
        summary += f"; {hidden} not shown (--min-severity, repeats)"
    lines.append(summary if report.findings else f"No findings: {summary}")
    return "\n".join(lines) + "\n"
