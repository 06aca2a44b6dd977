"""What every report format shares: render options, the finding order, and display helpers."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from migrate import REPOSITORY_URL
from migrate.model import Finding, ScanReport, Severity
from migrate.sources.sniff import STDIN

TOOL_NAME = "sme-migrate"
INFORMATION_URI = REPOSITORY_URL


@dataclass(frozen=True)
class RenderOptions:
    fail_on: Severity | None = Severity.ERROR  # None: nothing fails
    color: bool = False
    root: Path | None = None  # absolute paths under it are shown relative to it
    # the repository root SARIF URIs (%SRCROOT%) and GitHub annotations name files from;
    # None: `root`
    source_root: Path | None = None
    min_severity: Severity = Severity.INFO  # the text output hides findings below it


def order_key(finding: Finding) -> tuple[object, ...]:
    """Path, line, rule; findings without a file come last, without a line first in their file."""
    location = finding.location
    resource = finding.resource.display if finding.resource else ""
    if location is None:
        return (1, "", 0, finding.rule, resource, finding.message)
    return (0, location.path, location.line or 0, finding.rule, resource, finding.message)


def ordered(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=order_key))


def fails(finding: Finding, fail_on: Severity | None) -> bool:
    return fail_on is not None and finding.severity >= fail_on


def display_path(path: str, root: Path | None) -> str:
    """A path as a user (and GitHub) expects it: relative to the root when inside it, with `/`."""
    if root is None or not Path(path).is_absolute():
        return path
    try:
        return PurePosixPath(Path(path).relative_to(root)).as_posix()
    except ValueError:
        return path


def repository_path(path: str, root: Path | None) -> str | None:
    """The path relative to the repository root, with `/`; None when it lies outside it.
    Relative paths are the working directory's, wherever in the repository the scan ran;
    without a root they stay as they are (and an absolute one is outside)."""
    if path == STDIN or (root is None and not os.path.isabs(path)):
        return PurePosixPath(path).as_posix()
    if root is None:
        return None
    try:
        return PurePosixPath(Path(os.path.abspath(path)).relative_to(root)).as_posix()
    except ValueError:
        return None


def where(finding: Finding, root: Path | None = None) -> str:
    """`path:line`, `path`, or an empty string for a finding without a location."""
    if finding.location is None:
        return ""
    path = display_path(finding.location.path, root)
    return f"{path}:{finding.location.line}" if finding.location.line else path


def resource_text(finding: Finding) -> str:
    return finding.resource.display if finding.resource else ""


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def summary_line(report: ScanReport) -> str:
    """One line with the counts, e.g. `2 errors, 1 warning, 0 info (1 suppressed) in 3 files`."""
    counts = ", ".join(
        (
            plural(report.count(Severity.ERROR), "error"),
            plural(report.count(Severity.WARNING), "warning"),
            f"{report.count(Severity.INFO)} info",
        )
    )
    suppressed = f" ({len(report.suppressed)} suppressed)" if report.suppressed else ""
    if report.cluster_context is not None:
        return f"{counts}{suppressed} in cluster context {report.cluster_context}"
    return f"{counts}{suppressed} in {plural(report.files_scanned, 'file')}"


def group_by_path(findings: Sequence[Finding]) -> list[tuple[str | None, list[Finding]]]:
    """Consecutive findings of one file together; `findings` must already be ordered."""
    groups: list[tuple[str | None, list[Finding]]] = []
    for finding in findings:
        path = finding.location.path if finding.location else None
        if groups and groups[-1][0] == path:
            groups[-1][1].append(finding)
        else:
            groups.append((path, [finding]))
    return groups
