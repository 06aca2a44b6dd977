"""`sme-migrate rollback --backup-dir DIR`: undo an apply from its backup."""

from __future__ import annotations

import typer

from migrate.cli.command import shared_options
from migrate.cli.options import BackupDir, Kubeconfig, KubeContext
from migrate.cli.root import app
from migrate.sources.cluster.request import ClusterRequest


@app.command("rollback")
@shared_options
def rollback_command(backup_dir: BackupDir, kubeconfig: Kubeconfig = None,
                     context: KubeContext = None) -> None:
    """Restore the ServiceMeshExtensions an apply deleted and remove the WasmPlugins it made."""
    from migrate.pipeline.rollback import RollbackRequest, rollback

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
