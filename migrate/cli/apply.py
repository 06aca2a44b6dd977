"""`sme-migrate apply --cluster`: back up, create the WasmPlugins (server-side apply), delete the
extensions they replace. What it did goes to stdout, findings and warnings to stderr."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated

import typer

from migrate.cli.command import shared_options
from migrate.cli.options import (
    BackupDir,
    Cluster,
    Display,
    Gating,
    ModuleChecks,
    Registry,
    Targets,
    dry_run_option,
)
from migrate.cli.output import log_findings
from migrate.cli.requests import input_request, module_options
from migrate.cli.root import app
from migrate.pipeline.request import ModuleRequest

if TYPE_CHECKING:
    from migrate.pipeline.apply import ApplyResult

APPLY = "Apply"
DryRun = Annotated[bool, dry_run_option(
    "Print what would be done; the server validates each write (dryRun=All), nothing "
    "changes.")]
KeepExtensions = Annotated[bool, typer.Option(
    "--keep-extensions", rich_help_panel=APPLY,
    help="Create the WasmPlugins but leave the ServiceMeshExtensions (both then run).")]
UpdateControlPlane = Annotated[bool, typer.Option(
    "--update-control-plane", rich_help_panel=APPLY,
    help="Remove techPreview.wasmExtensions from a ServiceMeshControlPlane once no extension of "
    "its mesh remains.")]
DeleteInactive = Annotated[bool, typer.Option(
    "--delete-inactive", rich_help_panel=APPLY,
    help="Also delete (after the backup) extensions that never ran: they still block the "
    "upgrade.")]
Force = Annotated[bool, typer.Option(
    "--force", rich_help_panel=APPLY,
    help="Change objects that Argo CD, Flux or Helm manage (they may put them back).")]
SkipModuleCheck = Annotated[bool, typer.Option(
    "--skip-module-check", rich_help_panel=APPLY,
    help="Do not pull and check the modules first (a module Istio cannot load breaks the "
    "traffic of its workloads).")]

BOTH_RUN = ("note: each ServiceMeshExtension is deleted after its WasmPlugin is created: for "
            "a moment both run (safer than a moment with no filter)")
TWICE = ("warning: --keep-extensions: the ServiceMeshExtensions stay, so every request runs "
         "each migrated filter twice (the extension and its WasmPlugin) until they are deleted")
UNCHECKED = ("warning: --skip-module-check: the modules were not checked; a module Istio "
             "cannot load fails the traffic of its workloads (FAIL_CLOSE)")


@app.command("apply")
@shared_options
def apply_command(targets: Targets, checks: ModuleChecks, registry: Registry, cluster: Cluster,
                  backup_dir: BackupDir, dry_run: DryRun = False,
                  keep_extensions: KeepExtensions = False,
                  update_control_plane: UpdateControlPlane = False,
                  delete_inactive: DeleteInactive = False, force: Force = False,
                  skip_module_check: SkipModuleCheck = False) -> None:
    """Migrate a live cluster: create the WasmPlugins, then delete the extensions they replace."""
    from migrate.cluster.plan import Flags
    from migrate.pipeline.apply import ApplyRequest, apply

    inputs = input_request(None, targets, Gating(), checks, registry, cluster=cluster)
    modules = None if skip_module_check else ModuleRequest(module_options(registry), checks.pin)
    inputs = dataclasses.replace(inputs, modules=modules, fail_on=None)
    flags = Flags(keep_extensions, update_control_plane, delete_inactive, force)
    if skip_module_check:
        typer.echo(UNCHECKED, err=True)
    result = apply(ApplyRequest(inputs, backup_dir, flags, dry_run))
    log_findings(result.report, Display().threshold)
    _print(result, dry_run, keep_extensions)
    raise typer.Exit(result.exit_code)


def _print(result: ApplyResult, dry_run: bool, keep_extensions: bool) -> None:
    from migrate.cluster.plan import Verb

    for refusal in result.plan.refusals:
        typer.echo(f"refused: {refusal.ref}: {refusal.reason}", err=True)
    for note in result.plan.notes:
        typer.echo(f"note: {note}", err=True)
    if not result.plan.steps:
        typer.echo("nothing changed: refused what is listed above" if result.plan.refusals else
                   "nothing to do: the cluster already holds every WasmPlugin this migration "
                   "makes")
        return
    if keep_extensions:
        typer.echo(TWICE, err=True)
    elif any(s.verb is Verb.DELETE and s.why.startswith("replaced") for s in result.plan.steps):
        typer.echo(BOTH_RUN, err=True)
    if dry_run:
        _print_dry(result)
    else:
        _print_done(result)


def _print_dry(result: ApplyResult) -> None:
    for step in result.plan.steps:
        typer.echo(f"would {step.verb} {step.ref}" + (f" ({step.why})" if step.why else ""))
    if result.executed.failed:
        typer.echo(f"sme-migrate: the server refused a dry-run write: {result.executed.failed}",
                   err=True)
    typer.echo("dry run: nothing was changed (the server validated each write with dryRun=All)")


def _print_done(result: ApplyResult) -> None:
    executed = result.executed
    if executed.backup is not None:
        typer.echo(f"backup: {executed.backup}")
    for line in executed.done:
        typer.echo(line)
    if executed.failed:
        done = "; ".join(executed.done) or "nothing"
        typer.echo(f"sme-migrate: stopped: {executed.failed}. Done before it: {done}. Run "
                   "apply again to finish, or rollback --backup-dir to undo.", err=True)
