"""What the apply and rollback tests read off the test API server and the backup folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.sources.cluster.conftest import Cluster
from tests.support.cli import Outcome, sme_migrate
from tests.support.kube_api import SMCP, SME, WASMPLUGINS, KubeApi, names


def run_apply(cluster: Cluster, backups: Path, *args: str) -> Outcome:
    return cluster.run("apply", "--backup-dir", str(backups), "--skip-module-check", *args)


def run_rollback(cluster: Cluster, backups: Path, *args: str) -> Outcome:
    return sme_migrate("rollback", "--backup-dir", str(backups), "--kubeconfig",
                       str(cluster.kubeconfig), *args)


def extensions(api: KubeApi) -> list[str]:
    return names(api.stored(SME))


def plugins(api: KubeApi) -> list[str]:
    return names(api.stored(WASMPLUGINS))


def control_plane(api: KubeApi) -> dict[str, Any]:
    [found] = api.stored(SMCP)
    return found


def backup_runs(backups: Path) -> list[Path]:
    return sorted(p for p in backups.iterdir() if p.is_dir()) if backups.exists() else []


def backed_up(run: Path) -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text()) for p in sorted(run.glob("[0-9]*.yaml"))]
