"""`sme-migrate convert`: WasmPlugin manifests on stdout (or in a directory), findings on stderr."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from migrate.cli.app import app
from migrate.cli.common import (
    DEFAULT_TARGET,
    ControlPlaneOpt,
    ConvertInactiveOpt,
    PathsArg,
    RegistryFlags,
    TargetOpt,
    build_options,
    fail_usage,
    module_request,
    run,
)
from migrate.cli.registry_options import (
    CacheDir,
    CaFile,
    CheckModules,
    InsecureRegistry,
    NoCache,
    Pin,
    RegistryConfig,
    Timeout,
)
from migrate.emit import manifests as emit
from migrate.model import ScanReport
from migrate.report import render


@app.command("convert")
def convert_command(
    paths: PathsArg,
    output_dir: Annotated[
        Path | None,
        typer.Option("--output-dir", "-d", help="Write one file per WasmPlugin into DIR."),
    ] = None,
    control_plane_namespace: ControlPlaneOpt = "istio-system",
    target_version: TargetOpt = DEFAULT_TARGET,
    convert_inactive: ConvertInactiveOpt = False,
    check_modules: CheckModules = False,
    pin: Pin = False,
    registry_config: RegistryConfig = None,
    insecure_registry: InsecureRegistry = None,
    ca_file: CaFile = None,
    timeout: Timeout = 10.0,
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
) -> None:
    """Print the WasmPlugins that replace the ServiceMeshExtensions found."""
    options = build_options(control_plane_namespace, target_version, convert_inactive)
    flags = RegistryFlags(registry_config, insecure_registry or (), ca_file, timeout, cache_dir,
                          no_cache)
    loaded, migration = run(paths, options, module_request(check_modules, pin, flags))
    if output_dir is not None:
        try:
            written = emit.write_directory(output_dir, migration.output_plugins)
        except OSError as error:
            fail_usage(f"cannot write to {output_dir}: {error.strerror or error}")
        for path in written:
            typer.echo(f"wrote {path}", err=True)
    else:
        sys.stdout.write(emit.yaml_stream([plugin for _, plugin in migration.output_plugins]))
    report = ScanReport(migration.findings, files_scanned=loaded.files_scanned,
                        extensions=len(migration.conversions),
                        converted=len(migration.plugins))
    if migration.findings:
        sys.stderr.write(render(report, "text", color=sys.stderr.isatty()))
    unconverted = len(migration.conversions) - len(migration.plugins)
    raise typer.Exit(1 if unconverted else 0)
