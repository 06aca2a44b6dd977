"""`sme-migrate modules check|repackage`: wiring only; the work is in migrate.modules."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from migrate.cli.command import shared_options
from migrate.cli.options import Display, Gating, Registry, ReportOutput
from migrate.cli.output import deliver, emit_report
from migrate.cli.requests import module_options, severity, suppressions
from migrate.cli.root import app, command_group
from migrate.model import ScanReport, Severity
from migrate.pipeline.errors import UsageError
from migrate.pipeline.status import ExitCode, gate
from migrate.report import ReportFormat, render
from migrate.report.json_format import document
from migrate.settings import suppress

if TYPE_CHECKING:  # httpx and wasmtime load only when a modules command runs
    from migrate.modules.api import ModuleOptions, ModuleReport

modules_app = command_group(
    "modules", "Check the Wasm modules (OCI images or .wasm files) and repackage them for Istio.")
app.add_typer(modules_app, name="modules")

EXIT_FINDINGS = 1

@modules_app.command("check")
@shared_options
def check_command(
    targets: Annotated[list[str], typer.Argument(metavar="IMAGE|FILE.wasm...")],
    output: ReportOutput,
    display: Display,
    gating: Gating,
    registry: Registry,
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
) -> None:
    """Fetch each image (or read each file) and check what a proxy would do with it."""
    threshold = severity(gating.fail_on)
    rules_off = suppressions(gating, [])
    config = _plugin_config(plugin_config)
    options = module_options(registry, smoke_test=not no_smoke_test)
    reports = _check(targets, options, config, root_id)
    found = tuple(f for r in reports for f in r.findings)
    kept, hidden = suppress.apply(found, rules_off, {})
    report = ScanReport(findings=kept, suppressed=hidden)
    if output.output is ReportFormat.JSON or output.output is ReportFormat.TEXT:
        raise typer.Exit(_emit_with_modules(reports, report, output, display, threshold))
    raise typer.Exit(emit_report(report, output.output, output.output_file, threshold,
                                 display.threshold))


@modules_app.command("repackage")
@shared_options
def repackage_command(
    source: Annotated[str, typer.Argument(metavar="SRC", help="Image or .wasm file.")],
    registry: Registry,
    to: Annotated[str, typer.Option("--to", metavar="DST", help="Image reference to push.")],
) -> None:
    """Build an Istio-compatible image (one gzip layer with /plugin.wasm) and push it."""
    from migrate.modules.copies import Delivery
    from migrate.modules.errors import ModuleError
    from migrate.modules.publish import repackage

    try:
        result = repackage(source, to, module_options(registry))
    except ModuleError as exc:  # a broken registry configuration: nothing can be pushed
        raise UsageError(exc.message) from exc
    for finding in result.findings:
        _log(f"{finding.severity.label} {finding.rule} {finding.message}")
    if not result.pushed:
        raise typer.Exit(EXIT_FINDINGS)
    verb = "pushed" if result.delivery is Delivery.PUSHED else "found (nothing pushed)"
    _log(f"{verb} {source} as {result.destination}")
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
        raise UsageError(exc.message) from exc
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
        raise UsageError(exc.message) from exc


def _emit_with_modules(reports: Sequence[ModuleReport], report: ScanReport,
                       output: ReportOutput, display: Display, threshold: Severity | None) -> int:
    """JSON gets a `modules` list and text a line per module; both then go where the report
    goes."""
    if output.output is ReportFormat.JSON:
        body = {**document(report), "modules": [r.to_json() for r in reports]}
        body["summary"] = {**body["summary"], "modules": len(reports)}
        text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    else:
        rendered = render(report, "text", fail_on=threshold, root=Path.cwd(),
                          min_severity=display.threshold)
        text = "".join(f"{_module_line(r)}\n" for r in reports) + "\n" + rendered
    if not deliver(text, output.output_file):
        return ExitCode.ERROR
    return gate(report.findings, threshold)


def _module_line(report: ModuleReport) -> str:
    return (
        f"{report.reference}: format={report.format or '-'} abi={report.abi or '-'} "
        f"digest={report.digest or '-'}"
    )


def _log(message: str) -> None:
    print(f"sme-migrate: {message}", file=sys.stderr)
