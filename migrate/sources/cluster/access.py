"""Read every served kind, cluster-wide where RBAC allows it, else namespace by namespace.

RBAC can only grant: an identity that may not list a kind cluster-wide may still list it in
some namespaces. Those come from the Namespace list, or (when that is denied too) from the mesh
objects already read, the control-plane namespace and `--namespace`. What stayed unreadable
becomes a finding; the scan goes on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from migrate.sources.cluster.client import Json, KubeClient
from migrate.sources.cluster.errors import ApiStatus
from migrate.sources.cluster.kinds import CORE_SERVED, NAMESPACES, Served
from migrate.sources.cluster.listing import list_all
from migrate.sources.cluster.request import ClusterRequest

Denied = tuple[Served, str | None]  # a kind and the namespace (None: cluster-wide)


@dataclass
class Reading:
    """What the reads found so far (mutable while gathering; frozen into `Gathered`)."""

    objects: list[tuple[Served, Json]] = field(default_factory=list)
    denied: list[Denied] = field(default_factory=list)
    failed: list[tuple[Served, str | None, ApiStatus]] = field(default_factory=list)
    recovered: list[tuple[Served, int]] = field(default_factory=list)  # kind, namespaces
    namespace_source: str = ""  # where the fallback namespaces came from


@dataclass(frozen=True)
class Gathered:
    objects: tuple[tuple[Served, Json], ...]
    denied: tuple[Denied, ...]
    failed: tuple[tuple[Served, str | None, ApiStatus], ...]
    recovered: tuple[tuple[Served, int], ...]
    namespace_source: str


def gather(client: KubeClient, served: Sequence[Served], request: ClusterRequest) -> Gathered:
    reading = Reading()
    if request.all_namespaces:
        refused = [s for s in served if not _read(client, reading, s, None, request)]
        if refused:
            _fall_back(client, reading, refused, request)
    else:
        for kind in served:
            for namespace in request.namespaces:
                _read(client, reading, kind, namespace, request)
    return Gathered(tuple(reading.objects), tuple(reading.denied), tuple(reading.failed),
                    tuple(reading.recovered), reading.namespace_source)


def _read(client: KubeClient, reading: Reading, served: Served, namespace: str | None,
          request: ClusterRequest) -> bool:
    """List one kind; False when RBAC refused it (recorded for a namespace; cluster-wide, the
    caller falls back)."""
    try:
        items = list_all(client, served, namespace, request.chunk_size)
    except ApiStatus as status:
        if status.forbidden:
            if namespace is not None:
                reading.denied.append((served, namespace))
            return False
        if not status.missing:  # 404: the namespace or the CRD went away meanwhile
            reading.failed.append((served, namespace, status))
        return True
    reading.objects.extend((served, item) for item in items)
    return True


def _fall_back(client: KubeClient, reading: Reading, refused: Sequence[Served],
               request: ClusterRequest) -> None:
    namespaces = _namespaces(client, reading, request)
    for served in refused:
        if not namespaces:
            reading.denied.append((served, None))
        readable = [ns for ns in namespaces if _read(client, reading, served, ns, request)]
        if readable:
            reading.recovered.append((served, len(readable)))


def _namespaces(client: KubeClient, reading: Reading, request: ClusterRequest) -> list[str]:
    try:
        listed = list_all(client, CORE_SERVED[NAMESPACES], None, request.chunk_size)
    except ApiStatus:
        reading.namespace_source = "mesh"
        return sorted(mesh_namespaces(reading.objects) | {request.control_plane_namespace})
    reading.namespace_source = "list"
    return sorted(str(_metadata(n).get("name")) for n in listed if _metadata(n).get("name"))


def mesh_namespaces(objects: Iterable[tuple[Served, Json]]) -> set[str]:
    """The control planes' namespaces and their members (spec, status and member objects)."""
    found: set[str] = set()
    for served, body in objects:
        kind = served.kind.kind
        if kind in ("ServiceMeshControlPlane", "ServiceMeshMemberRoll", "ServiceMeshMember"):
            found.add(str(_metadata(body).get("namespace") or ""))
        if kind == "ServiceMeshMemberRoll":
            found.update(_strings(_mapping(body.get("spec")).get("members")))
            found.update(_strings(_mapping(body.get("status")).get("configuredMembers")))
    return {ns for ns in found if ns and ns != "*"}


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _metadata(body: Json) -> Mapping[str, Any]:
    return _mapping(body.get("metadata"))


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
