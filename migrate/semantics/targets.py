"""Does a selector target sidecars, gateways, or both? Decides `match: [{mode: SERVER}]`.

Extensions ran on sidecar inbound traffic and on gateways. WasmPlugins (Istio >= 1.14) also run
on sidecar outbound traffic unless `match` says SERVER, but a gateway is CLIENT mode, so SERVER on
a gateway silently never runs the plugin.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from migrate.model import Labels, Workload, WorkloadKind
from migrate.semantics.meshes import Mesh
from migrate.workloads import looks_like_gateway_labels


class Target(enum.Enum):
    SIDECARS = "sidecars"
    GATEWAYS = "gateways"
    BOTH = "both"
    UNKNOWN = "unknown"


def selects(selector: Labels, labels: Labels) -> bool:
    """Pod labels must be a superset of the selector; an empty selector selects everything."""
    return set(selector) <= set(labels)


def mesh_workloads(mesh: Mesh, workloads: Sequence[Workload]) -> list[Workload]:
    """The workloads of the input, plus the gateways the mesh's control plane deploys."""
    plane = mesh.control_plane
    gateways = plane.gateway_labels if plane else ()
    source = f"a gateway of {plane.resource.ref.display}" if plane else ""
    found = [Workload(mesh.root, labels, WorkloadKind.GATEWAY, source) for labels in gateways]
    return found + [w for w in workloads if mesh.contains(w.namespace) is not False]


def in_scope(namespace: str | None, mesh: Mesh, workload: Workload) -> bool:
    return namespace == mesh.root or workload.namespace == namespace


def infer_target(
    namespace: str | None, selector: Labels, mesh: Mesh, workloads: Sequence[Workload]
) -> tuple[Target, tuple[Workload, ...]]:
    """The kind of workloads the selector reaches, and the workloads that decided it."""
    matched = tuple(
        w for w in mesh_workloads(mesh, workloads)
        if in_scope(namespace, mesh, w) and selects(selector, w.labels)
    )
    kinds = {w.kind for w in matched}
    if not selector and WorkloadKind.GATEWAY in kinds:
        kinds.add(WorkloadKind.SIDECAR)  # an empty selector reaches every sidecar in scope too
    if kinds == {WorkloadKind.SIDECAR}:
        return Target.SIDECARS, matched
    if kinds == {WorkloadKind.GATEWAY}:
        return Target.GATEWAYS, matched
    if kinds:
        return Target.BOTH, matched
    if selector and looks_like_gateway_labels(selector):
        return Target.GATEWAYS, ()
    return Target.UNKNOWN, ()
