"""`rollback`: restore what the latest (or the named) apply backup holds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from migrate.cluster import backup
from migrate.cluster.rollback import RolledBack, roll_back
from migrate.pipeline.errors import UsageError
from migrate.pipeline.status import ExitCode
from migrate.sources.cluster.request import ClusterRequest


@dataclass(frozen=True)
class RollbackRequest:
    backup_dir: Path
    cluster: ClusterRequest


@dataclass(frozen=True)
class RollbackResult:
    folder: Path
    outcome: RolledBack
    exit_code: ExitCode


def rollback(request: RollbackRequest) -> RollbackResult:
    from migrate.cluster.writer import KubeWriter
    from migrate.sources.cluster import ClusterError
    from migrate.sources.cluster.connection import connect

    try:
        folder = backup.latest(request.backup_dir)
        saved = backup.read(folder)
    except (OSError, ValueError) as error:
        raise UsageError(str(error)) from error
    try:
        connection = connect(request.cluster)
    except ClusterError as error:
        raise UsageError(error.message) from error
    try:
        outcome = roll_back(saved, KubeWriter(connection, request.cluster.request_timeout))
    finally:
        connection.close()
    code = (ExitCode.ERROR if outcome.failed else
            ExitCode.FINDINGS if outcome.refused else ExitCode.CLEAN)
    return RollbackResult(folder, outcome, code)
