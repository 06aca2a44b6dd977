"""A running Kubernetes API test server holding the mesh of `mesh.py`, and its kubeconfig."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.sources.cluster.mesh import mesh_objects
from tests.support.cli import Outcome, sme_migrate
from tests.support.kube_api import KubeApi, RunningApi, serve


@dataclass(frozen=True)
class Cluster:
    api: KubeApi
    running: RunningApi
    kubeconfig: Path

    def run(self, command: str, *args: str) -> Outcome:
        return sme_migrate(command, "--cluster", "--kubeconfig", str(self.kubeconfig), *args)

    def scan(self, *args: str) -> Outcome:
        return self.run("scan", "-o", "json", "--fail-on", "never", *args)


@pytest.fixture
def api() -> KubeApi:
    """The cluster's state; change it before the command runs."""
    state = KubeApi()
    state.add(*mesh_objects())
    return state


@pytest.fixture
def cluster(api: KubeApi, tmp_path: Path) -> Iterator[Cluster]:
    with serve(api) as running:
        yield Cluster(api, running, running.kubeconfig(tmp_path / "kubeconfig"))


@pytest.fixture(autouse=True)
def _no_ambient_cluster(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the machine's kubeconfig or believes it runs in a pod."""
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
