"""`sme-migrate scan`: report every finding; exit 1 at or above --fail-on."""

from __future__ import annotations

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
    parse_fail_on,
    run,
)
from migrate.cli.output import emit_report
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
from migrate.model import Resource, ResourceRef, ScanReport
from migrate.report import FORMATS
from migrate.settings import suppress


def _annotations(resources: tuple[Resource, ...]) -> dict[ResourceRef, dict[str, str]]:
    found: dict[ResourceRef, dict[str, str]] = {}
    for resource in resources:
        annotations = resource.metadata.get("annotations")
        if isinstance(annotations, dict) and annotations:
            found[resource.ref] = {str(k): str(v) for k, v in annotations.items()}
    return found


@app.command("scan")
def scan_command(
    paths: PathsArg,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")
    ] = "text",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")
    ] = None,
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="error, warning, info or never.")
    ] = "error",
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="RULE or RULE=namespace/name (globs); repeatable."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Settings file (default .sme-migrate.yaml).")
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
    """Find ServiceMeshExtensions and obsolete settings; report what the migration changes."""
    if output_format not in FORMATS:
        fail_usage(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}")
    threshold = parse_fail_on(fail_on)
    options = build_options(control_plane_namespace, target_version, convert_inactive)
    try:
        rules_off = suppress.load_suppressions(ignore or [], config, paths)
    except ValueError as error:
        fail_usage(str(error))
    flags = RegistryFlags(registry_config, insecure_registry or (), ca_file, timeout, cache_dir,
                          no_cache)
    loaded, migration = run(paths, options, module_request(check_modules, pin, flags))
    kept, suppressed = suppress.apply(
        migration.findings, rules_off, _annotations(loaded.resources))
    report = ScanReport(
        findings=kept,
        suppressed=suppressed,
        files_scanned=loaded.files_scanned,
        extensions=len(migration.conversions),
        converted=len(migration.plugins),
    )
    raise typer.Exit(emit_report(report, output_format, output, threshold))
