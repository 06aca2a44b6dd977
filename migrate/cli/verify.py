"""`sme-migrate verify`: prove a migration between two git refs keeps every workload's order."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from migrate.cli.command import shared_options
from migrate.cli.options import ReportOutput, Repository, Targets
from migrate.cli.output import emit_report
from migrate.cli.requests import conversion_options
from migrate.cli.root import app
from migrate.model import Severity
from migrate.pipeline.status import ExitCode


@app.command("verify")
@shared_options
def verify_command(
    targets: Targets,
    output: ReportOutput,
    before: Annotated[str, typer.Option(
        "--before", metavar="REF", help="git ref that holds the ServiceMeshExtensions.")],
    after: Annotated[str, typer.Option(
        "--after", metavar="REF", help="git ref that holds the WasmPlugins.")],
    paths: Annotated[list[str] | None, typer.Argument(
        help="Directories or files of the repository to compare (default: all of it).")] = None,
    repository: Repository = Path("."),
) -> None:
    """Prove that every workload sees the same plugins in the same order at both refs."""
    from migrate.pipeline.verify import VerifyRequest, verify

    request = VerifyRequest(repository, before, after, tuple(paths or ["."]),
                            conversion_options(targets), tuple(targets.mesh_root or ()))
    result = verify(request)
    delivered = emit_report(result.report, output.output, output.output_file, Severity.ERROR)
    if delivered is not ExitCode.ERROR and result.exit_code is ExitCode.CLEAN:
        typer.echo(f"sme-migrate: {before} → {after}: every workload keeps its filter order "
                   f"({result.report.extensions} extension(s) compared)", err=True)
    raise typer.Exit(delivered if delivered is ExitCode.ERROR else result.exit_code)
