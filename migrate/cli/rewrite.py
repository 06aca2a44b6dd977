"""`sme-migrate rewrite`: replace ServiceMeshExtensions with WasmPlugins in the files themselves."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from migrate.cli.arguments import FilePaths
from migrate.cli.command import fail, shared_options
from migrate.cli.options import Display, Gating, ModuleChecks, Registry, Targets
from migrate.cli.output import log_findings
from migrate.cli.progress import file_progress
from migrate.cli.requests import input_request
from migrate.cli.root import app

if TYPE_CHECKING:
    from migrate.pipeline.rewrite import RewriteResult

PAUSE_VARIABLE = "SME_MIGRATE_TEST_PAUSE_AFTER_WRITE"  # for the interruption test only

Check = Annotated[bool, typer.Option(
    "--check", help="Write nothing; exit 1 if a file would change or a finding at or above "
    "--fail-on remains.")]
Diff = Annotated[bool, typer.Option(
    "--diff", help="Print a unified diff on stdout; write nothing.")]


@app.command("rewrite")
@shared_options
def rewrite_command(paths: FilePaths, display: Display, gating: Gating, targets: Targets,
                    checks: ModuleChecks, registry: Registry, check: Check = False,
                    diff: Diff = False) -> None:
    """Replace each convertible ServiceMeshExtension with its WasmPlugin, in place."""
    from migrate.pipeline.rewrite import RewriteRequest, rewrite

    if "-" in paths:
        raise fail("rewrite edits files in place, so it cannot read standard input")
    with file_progress() as progress:
        inputs = input_request(paths, targets, gating, checks, registry, progress=progress)
        pause = float(os.environ.get(PAUSE_VARIABLE) or 0)
        result = rewrite(RewriteRequest(inputs, check, diff, pause))
    sys.stdout.write(result.diff)
    log_findings(result.report, display.threshold)
    _log_files(result)
    raise typer.Exit(result.exit_code)


def _log_files(result: RewriteResult) -> None:
    from migrate.rewrite.apply import display_path

    verb = "rewrote" if result.written else "would rewrite"
    for path in result.changed_paths:
        typer.echo(f"{verb} {display_path(path)}", err=True)
    for failure in result.failures:
        typer.echo(f"sme-migrate: {display_path(failure.path)}: {failure.reason}", err=True)
    typer.echo(_summary(result, verb), err=True)


def _summary(result: RewriteResult, verb: str) -> str:
    plan = result.plan
    parts = [f"{len(plan.replaced)} ServiceMeshExtension(s) → WasmPlugin"]
    if plan.stripped:
        parts.append(f"{len(plan.stripped)} control plane(s) without techPreview.wasmExtensions")
    if plan.retargeted:
        parts.append(f"{plan.retargeted} kustomize patch(es) retargeted")
    if plan.reprioritised:
        parts.append(f"{len(plan.reprioritised)} earlier WasmPlugin priority(ies) updated")
    left = f"; {len(plan.remaining)} ServiceMeshExtension(s) left as they are" if (
        plan.remaining) else ""
    files = len(result.changed_paths)
    return f"sme-migrate: {verb} {files} file(s): {', '.join(parts)}{left}"
