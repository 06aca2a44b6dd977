"""`sme-migrate chains`: each workload's filter chain under Maistra and under Istio."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from migrate.cli.arguments import ScanPaths
from migrate.cli.command import shared_options
from migrate.cli.options import (
    Gating,
    ModuleChecks,
    OutputFile,
    Registry,
    Stdin,
    Targets,
    output_format,
)
from migrate.cli.output import color_wanted, deliver
from migrate.cli.requests import input_request
from migrate.cli.root import app
from migrate.pipeline.status import ExitCode
from migrate.report.chains import ChainsFormat, render_chains


@app.command("chains")
@shared_options
def chains_command(
    paths: ScanPaths, targets: Targets, stdin: Stdin, checks: ModuleChecks, registry: Registry,
    output: Annotated[ChainsFormat, output_format("Chains format.")] = ChainsFormat.TEXT,
    output_file: OutputFile = None,
    workload: Annotated[str | None, typer.Option(
        "--workload", metavar="NS/NAME", help="Only this workload (or every one of namespace NS).",
    )] = None,
) -> None:
    """Show the filter chain every workload sees under Maistra and under Istio, side by side."""
    from migrate.pipeline.chains import ChainsRequest, chains

    inputs = input_request(paths, targets, Gating(), checks, registry, stdin)
    result = chains(ChainsRequest(inputs, workload))
    to_file = output_file is not None and str(output_file) != "-"
    color = not to_file and output is ChainsFormat.TEXT and color_wanted(sys.stdout, os.environ)
    text = render_chains(result.view, output, color)
    if not deliver(text, output_file if to_file else None):
        raise typer.Exit(ExitCode.ERROR)
    raise typer.Exit(result.exit_code)

