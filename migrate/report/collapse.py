"""Shorten the text report: findings below the wanted severity go, repeated info findings
(same rule, same message once names and numbers are set aside) are shown once with a count."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from migrate.model import Finding, Severity

# Names are quoted or back-ticked in messages; numbers are priorities, lines and counts.
_VARIABLE = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\d+")


def shape(finding: Finding) -> tuple[str, str]:
    return finding.rule, _VARIABLE.sub("…", finding.message)


def visible(findings: Sequence[Finding], min_severity: Severity) -> list[Finding]:
    """The findings at or above `min_severity`, each repeated info finding once."""
    kept = [(f, shape(f)) for f in findings if f.severity >= min_severity]
    counts: dict[tuple[str, str], int] = {}
    for finding, key in kept:
        if finding.severity is Severity.INFO:
            counts[key] = counts.get(key, 0) + 1
    shown, seen = [], set[tuple[str, str]]()
    for finding, key in kept:
        if finding.severity is not Severity.INFO or counts[key] == 1:
            shown.append(finding)
        elif key not in seen:
            seen.add(key)
            shown.append(_counted(finding, counts[key]))
    return shown


def _counted(finding: Finding, count: int) -> Finding:
    others = count - 1
    noun = "other" if others == 1 else "others"
    return replace(finding, message=f"{finding.message} (and {others} {noun} like it)")
