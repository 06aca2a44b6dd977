"""A Markdown table of findings, fit for a PR comment or a GitHub job summary."""

from __future__ import annotations

import re

from migrate.model import Finding, ScanReport
from migrate.report.common import RenderOptions, ordered, resource_text, summary_line, where
from migrate.rules.catalogue import catalogue

HEADING = "### sme-migrate scan"
# GitHub refuses comments longer than 65,536 characters: stay well below, whatever the count.
MAX_CHARS = 60_000
_HEADER = ("| Severity | Rule | Resource | Location | Message |", "|---|---|---|---|---|")
_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def cell(text: str) -> str:
    """Text that stays literal inside one table cell: no markup, no HTML, no column break."""
    text = "".join(_ENTITIES.get(char, char) for char in text)
    text = _SPECIAL.sub(r"\\\1", text)
    return "<br>".join(line.strip() for line in text.replace("\r\n", "\n").split("\n"))


def _rule_link(rule_id: str) -> str:
    rule = catalogue().get(rule_id)
    return f"[{cell(rule_id)}]({rule.help_uri})" if rule else cell(rule_id)


def row(finding: Finding, options: RenderOptions) -> str:
    cells = (
        finding.severity.label,
        _rule_link(finding.rule),
        cell(resource_text(finding)),
        cell(where(finding, options.root)),
        cell(finding.message),
    )
    return "| " + " | ".join(cells) + " |"


def _rows_within_limit(findings: tuple[Finding, ...], options: RenderOptions) -> list[str]:
    rows: list[str] = []
    used = 0
    for shown, finding in enumerate(findings):
        line = row(finding, options)
        if used + len(line) > MAX_CHARS:
            rows.append(f"\n… and {len(findings) - shown} more not shown: see the full report.")
            break
        rows.append(line)
        used += len(line) + 1
    return rows


def render(report: ScanReport, options: RenderOptions) -> str:
    lines = [HEADING, "", f"**{summary_line(report)}**", ""]
    findings = ordered(report.findings)
    if findings:
        lines.extend((*_HEADER, *_rows_within_limit(findings, options)))
    else:
        lines.append("No findings.")
    return "\n".join(lines) + "\n"
