"""What the cluster source hands the pipeline: the same `Loaded` as files, built by the same
inventory builder, with each object's status and kube context and no file location."""

from __future__ import annotations

from migrate.inventory.cluster import load_cluster
from migrate.model import WorkloadKind
from migrate.sources.cluster import ClusterRequest
from tests.sources.cluster.conftest import Cluster
from tests.sources.cluster.mesh import meta


def test_objects_keep_status_and_context_but_no_location(cluster: Cluster) -> None:
    loaded = load_cluster(ClusterRequest(kubeconfig=str(cluster.kubeconfig)))
    assert loaded.cluster_context == "test-cluster" and loaded.files_scanned == 0
    assert loaded.resources and all(r.location is None and r.cluster_context == "test-cluster"
                                    for r in loaded.resources)
    broken = next(e for e in loaded.inventory.extensions if e.name == "broken")
    assert broken.ready is False and broken.priority_status == 5
    assert broken.container_sha256 == "ab" * 32
    assert all("managedFields" not in r.metadata for r in loaded.resources)


def test_pods_become_workloads_once_per_label_set(cluster: Cluster) -> None:
    workloads = load_cluster(ClusterRequest(kubeconfig=str(cluster.kubeconfig))
                             ).inventory.workloads
    kinds = {(w.namespace, dict(w.labels).get("app")): w.kind for w in workloads}
    assert kinds == {("bookinfo", "productpage"): WorkloadKind.SIDECAR,
                     ("shop", "cart"): WorkloadKind.SIDECAR,
                     ("istio-system", "istio-ingressgateway"): WorkloadKind.GATEWAY}
    assert all(w.source.startswith("Pod ") for w in workloads)  # outside/plain has no proxy


def test_policies_and_routes_are_read_for_the_checks(cluster: Cluster) -> None:
    cluster.api.add(
        {"apiVersion": "security.istio.io/v1beta1", "kind": "AuthorizationPolicy",
         "metadata": meta("bookinfo", "ext-authz"),
         "spec": {"action": "CUSTOM", "provider": {"name": "opa"}}},
        {"apiVersion": "networking.istio.io/v1beta1", "kind": "VirtualService",
         "metadata": meta("bookinfo", "cors"),
         "spec": {"http": [{"corsPolicy": {"allowOrigins": [{"exact": "*"}]}}]}},
        {"apiVersion": "extensions.istio.io/v1alpha1", "kind": "WasmPlugin",
         "metadata": meta("bookinfo", "earlier"),
         "spec": {"url": "oci://quay.io/acme/earlier:1", "phase": "AUTHN", "priority": 5}})
    loaded = load_cluster(ClusterRequest(kubeconfig=str(cluster.kubeconfig)))
    kinds = {(r.api_version, r.kind, r.name) for r in loaded.resources}
    assert {("security.istio.io/v1beta1", "AuthorizationPolicy", "ext-authz"),
            ("networking.istio.io/v1beta1", "VirtualService", "cors"),
            ("v1", "Service", "productpage")} <= kinds
    assert [p.name for p in loaded.inventory.plugins] == ["earlier"]
