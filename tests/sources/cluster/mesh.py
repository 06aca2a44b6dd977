"""A small OSSM 2.1 mesh as a cluster holds it (objects with status), for the cluster tests."""

from __future__ import annotations

from typing import Any

CONTROL_PLANE = "istio-system"
MEMBERS = ("bookinfo", "shop")
NAMESPACES = (CONTROL_PLANE, *MEMBERS, "outside", "secret")


def meta(namespace: str | None, name: str, **extra: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"name": name, "uid": f"uid-{namespace}-{name}",
                             "resourceVersion": "7", "managedFields": [{"manager": "kubectl"}],
                             **extra}
    if namespace:
        found["namespace"] = namespace
    return found


def extension(namespace: str, name: str, phase: str = "PostAuthN", priority: int | None = 10,
              ready: bool = True, spec_priority: int | None = None,
              labels: dict[str, str] | None = None) -> dict[str, Any]:
    """An SME as the cacher left it: status.phase/priority filled (from spec or manifest)."""
    spec: dict[str, Any] = {"image": f"quay.io/acme/{name}:1.0", "phase": phase,
                            "config": {"name": name}}
    if spec_priority is not None:
        spec["priority"] = spec_priority
    if labels:
        spec["workloadSelector"] = {"labels": labels}
    status: dict[str, Any] = {"phase": phase, "observedGeneration": 1,
                              "deployment": {"ready": ready, "containerSha256": "ab" * 32}}
    if priority:
        status["priority"] = priority
    return {"apiVersion": "maistra.io/v1", "kind": "ServiceMeshExtension",
            "metadata": meta(namespace, name), "spec": spec, "status": status}


def control_plane() -> dict[str, Any]:
    return {"apiVersion": "maistra.io/v2", "kind": "ServiceMeshControlPlane",
            "metadata": meta(CONTROL_PLANE, "basic"),
            "spec": {"version": "v2.1", "techPreview": {"wasmExtensions": {"enabled": True}}},
            "status": {"chartVersion": "2.1.0"}}


def member_roll() -> dict[str, Any]:
    return {"apiVersion": "maistra.io/v1", "kind": "ServiceMeshMemberRoll",
            "metadata": meta(CONTROL_PLANE, "default"), "spec": {"members": list(MEMBERS)},
            "status": {"configuredMembers": list(MEMBERS)}}


def namespace(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta(None, name),
            "status": {"phase": "Active"}}


def pod(ns: str, name: str, labels: dict[str, str], gateway: bool = False) -> dict[str, Any]:
    proxy = {"name": "istio-proxy", "image": "registry.redhat.io/openshift-service-mesh/"
             "proxyv2-rhel8:2.1", "args": ["proxy", "router" if gateway else "sidecar"]}
    containers = [proxy] if gateway else [{"name": "app", "image": "acme/app:1"}, proxy]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta(ns, name, labels=labels),
            "spec": {"containers": containers}, "status": {"phase": "Running"}}


def service(ns: str, name: str, selector: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(ns, name),
            "spec": {"selector": selector, "ports": [{"port": 9080, "name": "http"}]}}


def mesh_objects() -> list[dict[str, Any]]:
    """SMEs in the control plane and member namespaces; one not ready, one with a phase typo,
    one in a namespace outside the mesh; sidecar and gateway pods with their Services."""
    return [
        *(namespace(n) for n in NAMESPACES),
        control_plane(),
        member_roll(),
        extension(CONTROL_PLANE, "mesh-auth", "PreAuthN", 100),
        extension("bookinfo", "headers", "PostAuthZ", 20, labels={"app": "productpage"}),
        extension("bookinfo", "broken", "PreStats", 5, ready=False),
        extension("shop", "typo", "PostAuthz", 5),
        extension("outside", "stray", "PreAuthN", 1),
        pod("bookinfo", "productpage-v1-5d8f-abcde", {"app": "productpage", "version": "v1"}),
        pod("bookinfo", "productpage-v1-5d8f-fghij", {"app": "productpage", "version": "v1"}),
        pod("shop", "cart-7c9-xyz12", {"app": "cart"}),
        pod(CONTROL_PLANE, "istio-ingressgateway-6f9-q1w2e",
            {"app": "istio-ingressgateway", "istio": "ingressgateway"}, gateway=True),
        {**pod("outside", "plain-1", {"app": "plain"}),
         "spec": {"containers": [{"name": "app", "image": "acme/app:1"}]}},
        service("bookinfo", "productpage", {"app": "productpage"}),
        service("shop", "cart", {"app": "cart"}),
    ]
