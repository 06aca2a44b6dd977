"""Cluster objects as `Resource`s: the whole object, status included (what ran), without the
bookkeeping no rule reads; pods only when a proxy runs in them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from migrate.model import Resource
from migrate.sources.cluster.client import Json
from migrate.sources.cluster.kinds import PODS, Served

PROXY_CONTAINER = "istio-proxy"
DROPPED_METADATA = ("managedFields",)


def resources_of(objects: Iterable[tuple[Served, Json]], context: str) -> tuple[Resource, ...]:
    return tuple(Resource(_trimmed(body), None, cluster_context=context)
                 for served, body in objects
                 if served.kind is not PODS or runs_proxy(body))


def _trimmed(body: Json) -> dict[str, Any]:
    metadata = body.get("metadata")
    if not isinstance(metadata, Mapping):
        return dict(body)
    kept = {k: v for k, v in metadata.items() if k not in DROPPED_METADATA}
    return {**body, "metadata": kept}


def runs_proxy(pod: Json) -> bool:
    """A pod of the mesh: an injected sidecar, or a gateway running the proxy image."""
    spec = pod.get("spec")
    containers = spec.get("containers") if isinstance(spec, Mapping) else None
    for container in containers if isinstance(containers, list) else []:
        if not isinstance(container, Mapping):
            continue
        if container.get("name") == PROXY_CONTAINER or "proxyv2" in str(container.get("image")):
            return True
    return False
