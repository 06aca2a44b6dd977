"""Exit statuses, as kubectl, black and istioctl users read them."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

from migrate.model import Finding, Severity


class ExitCode(IntEnum):
    CLEAN = 0
    FINDINGS = 1  # findings at or above --fail-on, or --check would change something
    ERROR = 2  # usage or tool error; never a finding


def failing(findings: Iterable[Finding], fail_on: Severity | None) -> bool:
    """Whether a finding is at or above `fail_on`; `None` (`--fail-on never`) never fails."""
    return fail_on is not None and any(f.severity >= fail_on for f in findings)


def gate(findings: Iterable[Finding], fail_on: Severity | None) -> ExitCode:
    return ExitCode.FINDINGS if failing(findings, fail_on) else ExitCode.CLEAN
