"""Does a selector target sidecars, gateways, or both? Decides `match: [{mode: SERVER}]`.

Extensions ran on sidecar inbound traffic and on gateways. WasmPlugins (Istio >= 1.14) also run
on sidecar outbound traffic unless `match` says SERVER, but a gateway is CLIENT mode, so SERVER on
a gateway silently never runs the plugin.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from migrate.inventory.workloads import looks_like_gateway_labels
from migrate.model import Labels, Workload, WorkloadKind
from migrate.semantics.meshes import Mesh


class Target(enum.Enum):
    SIDECARS = "sidecars"
    GATEWAYS = "gateways"
    BOTH = "both"
    UNKNOWN = "unknown"


def mesh_workloads(mesh: Mesh, workloads: Sequence[Workload]) -> list[Workload]:
    """The workloads of the input, plus the gateways the mesh's control plane deploys."""
    plane = mesh.control_plane
    gateways = plane.gateway_labels if plane else ()
    source = f"a gateway of {plane.resource.ref.display}" if plane else ""
    found = [Workload(mesh.root, labels, WorkloadKind.GATEWAY, source) for labels in gateways]
    return found + [w for w in workloads if mesh.contains(w.namespace) is not False]


def in_scope(namespace: str | None, mesh: Mesh, workload: Workload) -> bool:
    return namespace == mesh.root or workload.namespace == namespace


@dataclass(frozen=True)
class WorkloadIndex:
    """A mesh's workloads with their label sets, built once and asked once per extension."""

    mesh: Mesh
    entries: tuple[tuple[Workload, frozenset[tuple[str, str]]], ...]

    @classmethod
    def build(cls, mesh: Mesh, workloads: Sequence[Workload]) -> WorkloadIndex:
        found = mesh_workloads(mesh, workloads)
        return cls(mesh, tuple((w, frozenset(w.labels)) for w in found))

    def matching(self, namespace: str | None, selector: Labels) -> tuple[Workload, ...]:
        wanted = frozenset(selector)
        return tuple(w for w, labels in self.entries
                     if wanted <= labels and in_scope(namespace, self.mesh, w))

    def infer(self, namespace: str | None, selector: Labels) -> tuple[Target, tuple[Workload, ...]]:
        """The kind of workloads the selector reaches, and the workloads that decided it."""
        matched = self.matching(namespace, selector)
        kinds = {w.kind for w in matched}
        if not selector and WorkloadKind.GATEWAY in kinds:
            kinds.add(WorkloadKind.SIDECAR)  # an empty selector reaches every sidecar too
        if kinds == {WorkloadKind.SIDECAR}:
            return Target.SIDECARS, matched
        if kinds == {WorkloadKind.GATEWAY}:
            return Target.GATEWAYS, matched
        if kinds:
            return Target.BOTH, matched
        if selector and looks_like_gateway_labels(selector):
            return Target.GATEWAYS, ()
        return Target.UNKNOWN, ()
