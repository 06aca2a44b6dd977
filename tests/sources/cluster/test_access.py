"""RBAC can only grant: what a scan does when it may not list everything."""

from __future__ import annotations

from tests.sources.cluster.conftest import Cluster
from tests.sources.cluster.test_scan import by_rule, subjects


def test_a_forbidden_namespace_is_reported_and_the_rest_is_read(cluster: Cluster) -> None:
    cluster.api.deny("servicemeshextensions")  # not cluster-wide...
    cluster.api.deny("servicemeshextensions", "shop")  # ...and not in shop
    outcome = cluster.scan()
    assert outcome.exit_code == 0
    document = outcome.json()
    assert subjects(by_rule(document, "SME001")) >= {
        "istio-system/mesh-auth", "bookinfo/headers", "bookinfo/broken"}
    assert subjects(by_rule(document, "SME030")) == {"outside/stray"}  # outside the mesh
    assert "shop/typo" not in subjects(by_rule(document, "SME001"))
    [denied] = by_rule(document, "SME070")
    assert denied["resource"] == {"apiVersion": "v1", "kind": "Namespace", "namespace": None,
                                  "name": "shop"}
    assert "servicemeshextensions.maistra.io" in denied["message"]
    assert denied["severity"] == "warning" and denied["location"] is None
    [fallback] = by_rule(document, "SME072")
    assert "4 namespace(s)" in fallback["message"]  # 5 namespaces, shop denied
    per_namespace = [r.path for r in cluster.api.lists("servicemeshextensions")
                     if "/namespaces/" in r.path]
    assert len(per_namespace) == 5


def test_without_the_namespace_list_the_mesh_namespaces_are_read(cluster: Cluster) -> None:
    cluster.api.deny("servicemeshextensions")
    cluster.api.deny("namespaces")
    document = cluster.scan().json()
    # the member roll names bookinfo and shop; outside is not known, so stray is not seen
    assert subjects(by_rule(document, "SME001")) == {
        "istio-system/mesh-auth", "bookinfo/headers", "bookinfo/broken", "shop/typo"}
    [fallback] = by_rule(document, "SME072")
    assert "mesh's namespaces only" in fallback["message"]
    assert "3 namespace(s)" in fallback["message"]


def test_an_identity_that_may_read_nothing_of_maistra(cluster: Cluster) -> None:
    for plural in ("servicemeshextensions", "servicemeshcontrolplanes",
                   "servicemeshmemberrolls", "servicemeshmembers", "namespaces"):
        cluster.api.deny(plural)
        for namespace in ("istio-system",):
            cluster.api.deny(plural, namespace)
    outcome = cluster.scan()
    assert outcome.exit_code == 0
    document = outcome.json()
    assert by_rule(document, "SME001") == []
    [denied] = by_rule(document, "SME070")
    assert denied["resource"]["name"] == "istio-system"
    assert "servicemeshextensions.maistra.io" in denied["message"]


def test_forbidden_namespaces_named_with_n(cluster: Cluster) -> None:
    cluster.api.deny("servicemeshextensions", "shop")
    cluster.api.deny("pods", "shop")
    document = cluster.scan("-n", "bookinfo", "-n", "shop").json()
    [denied] = by_rule(document, "SME070")
    assert denied["resource"]["name"] == "shop"
    assert "pods" in denied["message"] and "servicemeshextensions" in denied["message"]
    assert subjects(by_rule(document, "SME001")) == {"bookinfo/headers", "bookinfo/broken"}


def test_fallback_never_writes(cluster: Cluster) -> None:
    cluster.api.deny("servicemeshextensions")
    cluster.api.deny("pods")
    cluster.scan()
    assert cluster.api.writes() == []
