"""`sme-migrate rollback --backup-dir DIR`: undo an apply from its backup."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from migrate.cli.app import app
from migrate.cli.command import shared_options
from migrate.pipeline.rollback import RollbackRequest, rollback
from migrate.sources.cluster.request import ClusterRequest

BackupDir = Annotated[Path, typer.Option(
    "--backup-dir", metavar="DIR",
    help="The backup directory apply wrote (its newest run is restored), or one run folder.")]
Kubeconfig = Annotated[Path | None, typer.Option(
    "--kubeconfig", metavar="FILE", help="kubeconfig to use (default: $KUBECONFIG, "
    "~/.kube/config, else the pod's service account).")]
Context = Annotated[str | None, typer.Option(
    "--context", metavar="NAME", help="kubeconfig context to use (default: its current one).")]


@app.command("rollback")
@shared_options
def rollback_command(backup_dir: BackupDir, kubeconfig: Kubeconfig = None,
                     context: Context = None) -> None:
    """Restore the ServiceMeshExtensions an apply deleted and remove the WasmPlugins it made."""
    request = ClusterRequest(kubeconfig=str(kubeconfig) if kubeconfig else None, context=context)
    result = rollback(RollbackRequest(backup_dir, request))
    outcome = result.outcome
    typer.echo(f"backup: {result.folder}")
    for line in outcome.done:
        typer.echo(line)
    for line in outcome.notes:
        typer.echo(f"note: {line}", err=True)
    for line in outcome.refused:
        typer.echo(f"refused: {line}", err=True)
    if outcome.failed:
        typer.echo(f"sme-migrate: stopped: {outcome.failed}. Done before it: "
                   f"{'; '.join(outcome.done) or 'nothing'}. Run rollback again to finish.",
                   err=True)
    if not outcome.done and not outcome.failed:
        typer.echo("nothing to do: the cluster already matches the backup")
    raise typer.Exit(result.exit_code)
