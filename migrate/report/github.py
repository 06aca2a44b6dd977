"""GitHub Actions workflow commands: annotations, then a summary line.

GitHub shows at most 10 annotations of each type per step and drops the rest from view, so
the first 10 of each severity are annotations and the others follow as plain log lines.
"""

from __future__ import annotations

from migrate.model import Finding, ScanReport, Severity
from migrate.report.common import (
    RenderOptions,
    display_path,
    ordered,
    repository_path,
    summary_line,
)
from migrate.rules.catalogue import catalogue

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
ANNOTATIONS_PER_TYPE = 10


def escape_data(text: str) -> str:
    """Escape a command's message the way the Actions runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as data, plus the `:` and `,` that delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _title(finding: Finding) -> str:
    rule = catalogue().get(finding.rule)
    return f"{finding.rule} {rule.title}" if rule else finding.rule


def _properties(finding: Finding, options: RenderOptions) -> str:
    properties: list[tuple[str, str]] = []
    if finding.location is not None:
        # GitHub places an annotation by its path from the repository's top level
        path = finding.location.path
        root = options.source_root or options.root
        properties.append(("file", repository_path(path, root) or display_path(path, root)))
        if finding.location.line:
            properties.append(("line", str(finding.location.line)))
    properties.append(("title", _title(finding)))
    return ",".join(f"{key}={escape_property(value)}" for key, value in properties)


def annotation(finding: Finding, options: RenderOptions) -> str:
    subject = f"{finding.resource.display}: " if finding.resource else ""
    message = escape_data(subject + finding.message)
    return f"::{_COMMANDS[finding.severity]} {_properties(finding, options)}::{message}"


def log_line(finding: Finding, options: RenderOptions) -> str:
    location = finding.location
    where = display_path(location.path, options.root) if location else "-"
    if location is not None and location.line:
        where += f":{location.line}"
    subject = f"{finding.resource.display}: " if finding.resource else ""
    return f"{finding.severity.label} {finding.rule} {where} {subject}{finding.message}"


def render(report: ScanReport, options: RenderOptions) -> str:
    lines, rest, shown = [], [], dict.fromkeys(Severity, 0)
    for finding in ordered(report.findings):
        if shown[finding.severity] < ANNOTATIONS_PER_TYPE:
            shown[finding.severity] += 1
            lines.append(annotation(finding, options))
        else:
            rest.append(log_line(finding, options))
    if rest:
        lines.append(f"::notice title=sme-migrate::{len(rest)} more finding(s) follow as log "
                     f"lines: GitHub shows {ANNOTATIONS_PER_TYPE} annotations of each type")
        lines += rest
    lines.append(f"sme-migrate: {summary_line(report)}")
    return "\n".join(lines) + "\n"
