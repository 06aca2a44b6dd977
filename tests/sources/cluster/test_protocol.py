"""The test server speaks the real protocol: kubectl (an independent client) reads it, and the
product reads it over TLS as well as over plain http."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sources.cluster.conftest import Cluster
from tests.sources.cluster.mesh import extension, mesh_objects
from tests.support.cli import sme_migrate
from tests.support.kube_api import TOKEN, KubeApi, serve

KUBECTL = shutil.which("kubectl")


@pytest.fixture
def tls_cluster(tmp_path: Path) -> Iterator[Cluster]:
    api = KubeApi()
    api.add(*mesh_objects())
    with serve(api, tmp_path / "tls") as running:
        yield Cluster(api, running, running.kubeconfig(tmp_path / "kubeconfig"))


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
def test_kubectl_lists_the_same_extensions_page_by_page(tls_cluster: Cluster,
                                                        tmp_path: Path) -> None:
    tls_cluster.api.add(*(extension("istio-system", f"more-{i}") for i in range(3)))
    result = subprocess.run(
        [str(KUBECTL), "--kubeconfig", str(tls_cluster.kubeconfig), "--cache-dir",
         str(tmp_path / "cache"), "get", "servicemeshextensions", "-A", "-o", "json",
         "--chunk-size", "2"],
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    names = sorted(f"{i['metadata']['namespace']}/{i['metadata']['name']}"
                   for i in listed["items"])
    assert len(names) == 8 and "shop/typo" in names and "istio-system/more-2" in names
    assert all(i["status"]["deployment"]["ready"] in (True, False) for i in listed["items"])
    pages = tls_cluster.api.lists("servicemeshextensions")
    assert len(pages) == 4 and all(r.authorization == f"Bearer {TOKEN}" for r in pages)


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
def test_kubectl_sees_the_real_errors(tls_cluster: Cluster, tmp_path: Path) -> None:
    tls_cluster.api.deny("servicemeshextensions", "shop")
    base = [str(KUBECTL), "--kubeconfig", str(tls_cluster.kubeconfig), "--cache-dir",
            str(tmp_path / "cache")]
    denied = subprocess.run([*base, "get", "servicemeshextensions", "-n", "shop"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert denied.returncode == 1
    assert "Forbidden" in denied.stderr and 'cannot list resource "servicemeshextensions"' in (
        denied.stderr)
    unknown = subprocess.run([*base, "get", "servicemeshextensions", "nope", "-n", "bookinfo"],
                             capture_output=True, text=True, timeout=60, check=False)
    assert unknown.returncode == 1 and "NotFound" in unknown.stderr


def test_the_product_reads_over_tls_with_the_kubeconfig_ca(tls_cluster: Cluster) -> None:
    assert tls_cluster.running.url.startswith("https://")
    document = tls_cluster.scan().json()
    assert document["summary"]["extensions"] == 5


def test_tls_without_the_ca_is_one_line(tls_cluster: Cluster, tmp_path: Path) -> None:
    config = tls_cluster.kubeconfig.read_text().replace("certificate-authority:",
                                                        "x-unused:")
    (tmp_path / "no-ca").write_text(config)
    outcome = sme_migrate("scan", "--cluster", "--kubeconfig", str(tmp_path / "no-ca"))
    assert outcome.exit_code == 2
    assert "TLS failed" in outcome.stderr and "certificate verify failed" in outcome.stderr
    assert len(outcome.stderr.strip().splitlines()) == 1
