"""`scan`: every finding of a migration, after suppressions, and the exit status they give."""

from __future__ import annotations

from dataclasses import dataclass

from migrate.model import ScanReport
from migrate.pipeline.request import InputRequest
from migrate.pipeline.stages import MigrationRun, run_migration, scan_report, suppressed
from migrate.pipeline.status import ExitCode, gate


@dataclass(frozen=True)
class ScanResult:
    report: ScanReport
    exit_code: ExitCode
    run: MigrationRun | None = None  # what the report came from (the chain view reads it)


def scan(request: InputRequest) -> ScanResult:
    run = run_migration(request)
    kept, hidden = suppressed(request, run.loaded, run.migration.findings)
    report = scan_report(run, kept, hidden, converted=len(run.migration.plugins))
    return ScanResult(report, gate(report.findings, request.fail_on), run)
