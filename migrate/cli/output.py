"""Where a report goes: stdout (and nothing else there) or a file, plus the CI step summary."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from migrate.emit.atomic import write_atomically
from migrate.model import ScanReport, Severity
from migrate.pipeline.status import ExitCode, gate
from migrate.report import render

if TYPE_CHECKING:
    from migrate.semantics.chainview import ChainView

STEP_SUMMARY_VARIABLE = "GITHUB_STEP_SUMMARY"
CHAINS_HEADING = "\n### Filter chains\n\n"


def exit_code(report: ScanReport, fail_on: Severity | None) -> ExitCode:
    """1 when a kept finding is at or above `fail_on`; `None` never fails."""
    return gate(report.findings, fail_on)


def color_wanted(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org)."""
    return stream.isatty() and not environ.get("NO_COLOR")


def step_summary(report: ScanReport, chains: ChainView | None = None) -> str:
    """The findings in Markdown, then the filter chains in what GitHub's limit leaves."""
    from migrate.report.chains.markdown import STEP_SUMMARY_LIMIT
    from migrate.report.chains.markdown import render as chains_markdown

    text = render(report, "markdown", root=Path.cwd()) + "\n"
    if chains is None or not chains.meshes:
        return text
    room = STEP_SUMMARY_LIMIT - len(text.encode()) - len(CHAINS_HEADING.encode())
    return text + CHAINS_HEADING + chains_markdown(chains, room) if room > 0 else text


def _append_step_summary(report: ScanReport, environ: Mapping[str, str],
                         chains: ChainView | None = None) -> None:
    summary_file = environ.get(STEP_SUMMARY_VARIABLE)
    if not summary_file:
        return
    try:
        with open(summary_file, "a", encoding="utf-8", newline="") as stream:
            stream.write(step_summary(report, chains))
    except OSError as error:
        print(f"sme-migrate: cannot write the job summary {summary_file}: {error}", file=sys.stderr)


def deliver(text: str, output: Path | None) -> bool:
    """Write the rendered report; False (with the reason on stderr) when it cannot be written."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return True
    try:
        write_atomically(output, text)
    except OSError as error:
        print(f"sme-migrate: cannot write the report to {output}: {error.strerror or error}",
              file=sys.stderr)
        return False
    return True


def emit_report(report: ScanReport, fmt: str, output: Path | None, fail_on: Severity | None,
                min_severity: Severity = Severity.INFO, source_root: Path | None = None,
                chains: Callable[[], ChainView] | None = None) -> ExitCode:
    """Write the report to stdout or `output`; return the exit code (2 if it cannot be written)."""
    if output is not None and str(output) == "-":
        output = None
    color = output is None and fmt == "text" and color_wanted(sys.stdout, os.environ)
    text = render(report, fmt, fail_on=fail_on, color=color, root=Path.cwd(),
                  min_severity=min_severity, source_root=source_root)
    if not deliver(text, output):
        return ExitCode.ERROR
    if fmt == "github":
        _append_step_summary(report, os.environ, chains() if chains else None)
    return exit_code(report, fail_on)


def log_findings(report: ScanReport, min_severity: Severity) -> None:
    """The findings as text on stderr (for commands whose stdout carries manifests or diffs)."""
    if report.findings:
        sys.stderr.write(render(report, "text", color=color_wanted(sys.stderr, os.environ),
                                min_severity=min_severity))
