"""An independent reader: kubectl sees the WasmPlugins apply created, with our field manager."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cluster.mesh import apply_mesh
from tests.support.cli import sme_migrate
from tests.support.kube_api import KubeApi, serve

KUBECTL = shutil.which("kubectl") or "/usr/bin/kubectl"


def _kubectl_runs() -> bool:
    try:
        return subprocess.run([KUBECTL, "version", "--client"], capture_output=True,
                              timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.mark.skipif(not _kubectl_runs(), reason="no working kubectl on this machine")
def test_kubectl_reads_the_plugins_apply_created(tmp_path: Path) -> None:
    api = KubeApi(token=None)  # kubectl sends no bearer token over plain http
    api.add(*apply_mesh(with_argo=False))
    with serve(api) as running:
        config = str(running.kubeconfig(tmp_path / "kubeconfig", token=None))
        outcome = sme_migrate("apply", "--cluster", "--kubeconfig", config, "--backup-dir",
                              str(tmp_path / "b"), "--skip-module-check")
        assert outcome.exit_code == 0, outcome.stderr
        listed = subprocess.run([KUBECTL, "--kubeconfig", config, "get",
                                 "wasmplugins.extensions.istio.io", "-A", "-o", "json",
                                 "--show-managed-fields"],
                                capture_output=True, text=True, timeout=60, check=True)
    items = json.loads(listed.stdout)["items"]
    assert sorted(f"{i['metadata']['namespace']}/{i['metadata']['name']}" for i in items) == [
        "bookinfo/headers", "istio-system/mesh-auth"]
    assert all([m["manager"] for m in i["metadata"]["managedFields"]] == ["sme-migrate"]
               for i in items)
    [headers] = [i for i in items if i["metadata"]["name"] == "headers"]
    assert headers["spec"]["url"] == "oci://quay.io/acme/headers:1.0"
