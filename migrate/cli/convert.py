"""`sme-migrate convert`: WasmPlugin manifests on stdout (or in a directory), findings on stderr."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from migrate.cli.arguments import ScanPaths
from migrate.cli.command import fail, shared_options
from migrate.cli.options import (
    OUTPUT,
    Cluster,
    Display,
    Gating,
    ModuleChecks,
    OutputFile,
    Registry,
    Stdin,
    Targets,
    output_format,
)
from migrate.cli.output import deliver, log_findings
from migrate.cli.progress import file_progress
from migrate.cli.requests import input_request
from migrate.cli.root import app
from migrate.emit.manifests import ManifestFormat, render_manifests

ManifestOutput = Annotated[ManifestFormat, output_format(
    "Manifest format: a YAML stream, or a JSON List (as kubectl prints).")]
OutputDir = Annotated[Path | None, typer.Option(
    "--output-dir", "-d", metavar="DIR", rich_help_panel=OUTPUT,
    help="Write one file per WasmPlugin into DIR (YAML); one subfolder per cluster when the "
    "input keeps several.",
)]


@app.command("convert")
@shared_options
def convert_command(display: Display, gating: Gating, targets: Targets, stdin: Stdin,
                    checks: ModuleChecks, registry: Registry, cluster: Cluster,
                    paths: ScanPaths = None, output: ManifestOutput = ManifestFormat.YAML,
                    output_file: OutputFile = None, output_dir: OutputDir = None) -> None:
    """Print the WasmPlugins that replace the ServiceMeshExtensions found."""
    from migrate.pipeline.convert import ConvertRequest, convert

    if output_dir is not None and output_file is not None:
        raise fail("--output-dir and --output-file exclude each other")
    with file_progress() as progress:
        inputs = input_request(paths, targets, gating, checks, registry, stdin, progress,
                               cluster)
        result = convert(ConvertRequest(inputs, output_dir, output is ManifestFormat.YAML))
    for path in result.written:
        typer.echo(f"wrote {path}", err=True)
    if output_dir is None and not deliver(render_manifests(result.plugins, output,
                                                           result.clusters), output_file):
        raise typer.Exit(2)
    log_findings(result.report, display.threshold)
    if not result.report.extensions:
        typer.echo("sme-migrate: the input holds no ServiceMeshExtension; nothing to convert",
                   err=True)
    raise typer.Exit(result.exit_code)
