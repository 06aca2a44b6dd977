"""`sme-migrate modules check|repackage`: wiring only; the work is in migrate.modules."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from migrate.cli.common import RegistryFlags, fail_usage, module_options, parse_fail_on
from migrate.cli.output import exit_code
from migrate.cli.registry_options import (
    CacheDir,
    CaFile,
    InsecureRegistry,
    NoCache,
    RegistryConfig,
    Timeout,
)
from migrate.model import ScanReport, Severity
from migrate.report import FORMATS, render
from migrate.report.json_format import document

if TYPE_CHECKING:  # httpx and wasmtime load only when a modules command runs
    from migrate.modules.api import ModuleOptions, ModuleReport

modules_app = typer.Typer(
    name="modules",
    help="Check the Wasm modules (OCI images or .wasm files) and repackage them for Istio.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_FINDINGS = 1

@modules_app.command("check")
def check_command(
    targets: Annotated[list[str], typer.Argument(metavar="IMAGE|FILE.wasm...")],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")
    ] = "text",
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="error, warning, info or never.")
    ] = "error",
    plugin_config: Annotated[
        str | None,
        typer.Option(
            "--plugin-config",
            metavar="JSON|@FILE",
            help="pluginConfig object to smoke-test every module with.",
        ),
    ] = None,
    root_id: Annotated[
        str, typer.Option("--root-id", help="Plugin name (root id) for the smoke test.")
    ] = "",
    no_smoke_test: Annotated[
        bool, typer.Option("--no-smoke-test", help="Do not start the plugins.")
    ] = False,
    registry_config: RegistryConfig = None,
    insecure_registry: InsecureRegistry = None,
    ca_file: CaFile = None,
    timeout: Timeout = 10.0,
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
) -> None:
    """Fetch each image (or read each file) and check what a proxy would do with it."""
    if output_format not in FORMATS:
        fail_usage(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}")
    threshold = parse_fail_on(fail_on)
    config = _plugin_config(plugin_config)
    flags = RegistryFlags(registry_config, insecure_registry or (), ca_file, timeout, cache_dir,
                          no_cache)
    options = module_options(flags, smoke_test=not no_smoke_test)
    reports = _check(targets, options, config, root_id)
    report = ScanReport(findings=tuple(f for r in reports for f in r.findings))
    sys.stdout.write(_render(reports, report, output_format, threshold))
    raise typer.Exit(exit_code(report, threshold))


@modules_app.command("repackage")
def repackage_command(
    source: Annotated[str, typer.Argument(metavar="SRC", help="Image or .wasm file.")],
    to: Annotated[str, typer.Option("--to", metavar="DST", help="Image reference to push.")],
    registry_config: RegistryConfig = None,
    insecure_registry: InsecureRegistry = None,
    ca_file: CaFile = None,
    timeout: Timeout = 10.0,
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
) -> None:
    """Build an Istio-compatible image (one gzip layer with /plugin.wasm) and push it."""
    from migrate.modules.errors import ModuleError
    from migrate.modules.publish import repackage

    flags = RegistryFlags(registry_config, insecure_registry or (), ca_file, timeout, cache_dir,
                          no_cache)
    options = module_options(flags)
    try:
        result = repackage(source, to, options)
    except ModuleError as exc:  # a broken registry configuration: nothing can be pushed
        fail_usage(exc.message)
    for finding in result.findings:
        _log(f"{finding.severity.label} {finding.rule} {finding.message}")
    if not result.pushed:
        raise typer.Exit(EXIT_FINDINGS)
    _log(f"pushed {source} as {result.destination}")
    typer.echo(result.destination)


def _check(
    targets: Sequence[str], options: ModuleOptions, config: dict[str, Any] | None, root_id: str
) -> list[ModuleReport]:
    from migrate.modules.api import check_file, check_references
    from migrate.modules.errors import ModuleError

    files = [t for t in targets if _is_file_target(t)]
    images = [t for t in targets if not _is_file_target(t)]
    try:
        configs = {r: config for r in images} if config is not None else None
        by_image = check_references(images, options, configs, {r: root_id for r in images})
    except ModuleError as exc:  # a broken registry configuration: nothing can be fetched
        fail_usage(exc.message)
    by_file = {t: check_file(Path(t), options, config, root_id, config is not None) for t in files}
    return [by_file[t] if t in by_file else by_image[t] for t in dict.fromkeys(targets)]


def _is_file_target(target: str) -> bool:
    return target.endswith(".wasm") or Path(target).is_file()


def _plugin_config(text: str | None) -> dict[str, Any] | None:
    from migrate.modules.errors import ModuleError
    from migrate.modules.inputs import json_object_option

    try:
        return None if text is None else json_object_option(text, "--plugin-config")
    except ModuleError as exc:
        fail_usage(exc.message)


def _render(
    reports: Sequence[ModuleReport], report: ScanReport, fmt: str, threshold: Severity | None
) -> str:
    """The scan report formats, plus the modules: a `modules` list in JSON, lines in text."""
    if fmt == "json":
        body = {**document(report), "modules": [r.to_json() for r in reports]}
        body["summary"] = {**body["summary"], "modules": len(reports)}
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    rendered = render(report, fmt, fail_on=threshold, root=Path.cwd())
    if fmt != "text":
        return rendered
    return "".join(f"{_module_line(r)}\n" for r in reports) + "\n" + rendered


def _module_line(report: ModuleReport) -> str:
    return (
        f"{report.reference}: format={report.format or '-'} abi={report.abi or '-'} "
        f"digest={report.digest or '-'}"
    )


def _log(message: str) -> None:
    print(f"sme-migrate: {message}", file=sys.stderr)
