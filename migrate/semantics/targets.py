"""Does a selector target sidecars, gateways, or both? Decides `match: [{mode: SERVER}]`.

Extensions ran on sidecar inbound traffic and on gateways. WasmPlugins (Istio >= 1.14) also run
on sidecar outbound traffic unless `match` says SERVER, but a gateway is CLIENT mode, so SERVER on
a gateway silently never runs the plugin.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from migrate.inventory.workloads import looks_like_gateway_labels
from migrate.model import Labels, Scoped, Workload, WorkloadKind
from migrate.semantics.meshes import Mesh
from migrate.semantics.selectors import SelectorIndex


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


def _served(workloads: Sequence[Workload], services: Sequence[Scoped]) -> frozenset[Workload]:
    """The workloads a Service (of their namespace, with a selector) selects."""
    by_namespace: dict[str | None, list[Scoped]] = {}
    for service in services:
        if service.selector:
            by_namespace.setdefault(service.namespace, []).append(service)
    indexes = {ns: SelectorIndex(found) for ns, found in by_namespace.items()}
    return frozenset(w for w in workloads
                     if (index := indexes.get(w.namespace)) and index.matching(w.labels))


@dataclass(frozen=True)
class WorkloadIndex:
    """A mesh's workloads with their label sets, built once and asked once per extension.

    Each label pair names the workloads that hold it, so a selector only tests the workloads
    holding its rarest pair."""

    mesh: Mesh
    entries: tuple[tuple[Workload, frozenset[tuple[str, str]]], ...]
    holding: Mapping[tuple[str, str], tuple[int, ...]] = field(default_factory=dict)
    served: frozenset[Workload] = frozenset()

    @classmethod
    def build(cls, mesh: Mesh, workloads: Sequence[Workload], services: Sequence[Scoped] = ()
              ) -> WorkloadIndex:
        found = mesh_workloads(mesh, workloads)
        holding: dict[tuple[str, str], list[int]] = {}
        for position, workload in enumerate(found):
            for pair in set(workload.labels):
                holding.setdefault(pair, []).append(position)
        return cls(mesh, tuple((w, frozenset(w.labels)) for w in found),
                   {pair: tuple(positions) for pair, positions in holding.items()},
                   _served(found, services))

    def has_service(self, workload: Workload) -> bool:
        """Whether a Service selects the workload (of the services given to `build`)."""
        return workload in self.served

    def _candidates(self, selector: Labels) -> Iterable[int]:
        if not selector:
            return range(len(self.entries))
        return min((self.holding.get(pair, ()) for pair in selector), key=len)

    def matching(self, namespace: str | None, selector: Labels) -> tuple[Workload, ...]:
        wanted = frozenset(selector)
        chosen = (self.entries[position] for position in self._candidates(selector))
        return tuple(w for w, labels in chosen
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
