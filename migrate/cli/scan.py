"""`sme-migrate scan`: report every finding; exit 1 at or above --fail-on."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from migrate.cli.arguments import ScanPaths
from migrate.cli.command import shared_options
from migrate.cli.options import (
    Cluster,
    Display,
    Gating,
    ModuleChecks,
    Registry,
    ReportOutput,
    Stdin,
    Targets,
)
from migrate.cli.output import emit_report
from migrate.cli.progress import file_progress
from migrate.cli.requests import input_request, severity
from migrate.cli.root import app
from migrate.pipeline.status import ExitCode
from migrate.sources.repository import repository_root

if TYPE_CHECKING:
    from migrate.pipeline.scan import ScanResult
    from migrate.semantics.chainview import ChainView


@app.command("scan")
@shared_options
def scan_command(output: ReportOutput, display: Display, gating: Gating, targets: Targets,
                 stdin: Stdin, checks: ModuleChecks, registry: Registry, cluster: Cluster,
                 paths: ScanPaths = None) -> None:
    """Find ServiceMeshExtensions and obsolete settings; report what the migration changes."""
    from migrate.pipeline.scan import scan

    with file_progress() as progress:
        request = input_request(paths, targets, gating, checks, registry, stdin, progress,
                                cluster)
        result = scan(request)
    delivered = emit_report(result.report, output.output, output.output_file,
                            severity(gating.fail_on), display.threshold,
                            repository_root(request.paths), _chains(result))
    raise typer.Exit(delivered if delivered is ExitCode.ERROR else result.exit_code)


def _chains(result: ScanResult) -> Callable[[], ChainView] | None:
    """The chain view for the job summary: computed only when `-o github` writes one."""
    run = result.run
    if run is None:
        return None

    def view() -> ChainView:
        from migrate.pipeline.chains import view_of

        return view_of(run)

    return view
