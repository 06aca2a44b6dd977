"""The mesh apply migrates: SMEs in the control plane and in member namespaces, one never
ready, one Argo CD manages; workloads with Services."""

from __future__ import annotations

from typing import Any

from tests.sources.cluster.mesh import (
    CONTROL_PLANE,
    control_plane,
    extension,
    member_roll,
    namespace,
    pod,
    service,
)

ARGO = {"app.kubernetes.io/instance": "shop-prod"}


def argo_owned(ns: str, name: str) -> dict[str, Any]:
    body = extension(ns, name, "PostAuthN", 30)
    body["metadata"]["labels"] = dict(ARGO)
    return body


def apply_mesh(with_argo: bool = True) -> list[dict[str, Any]]:
    objects = [
        *(namespace(n) for n in (CONTROL_PLANE, "bookinfo", "shop")),
        control_plane(),
        member_roll(),
        extension(CONTROL_PLANE, "mesh-auth", "PreAuthN", 100),
        extension("bookinfo", "headers", "PostAuthZ", 20, labels={"app": "productpage"}),
        extension("bookinfo", "broken", "PreStats", 5, ready=False),
        pod("bookinfo", "productpage-v1-5d8f-abcde", {"app": "productpage", "version": "v1"}),
        pod("shop", "cart-7c9-xyz12", {"app": "cart"}),
        service("bookinfo", "productpage", {"app": "productpage"}),
        service("shop", "cart", {"app": "cart"}),
    ]
    return [*objects, argo_owned("shop", "cart-auth")] if with_argo else objects
