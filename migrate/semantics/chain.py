"""Simulate the Wasm filters, in order, that one workload sees under Maistra and under Istio.

Maistra (pilot `Extensions(proxy)` + `apply_extension.go`): root-namespace extensions, then the
proxy namespace's; bucketed by phase; each bucket stably sorted by priority descending, ties by
`name + image` ascending; buckets emitted PreAuthN < PostAuthN < PreAuthZ < PostAuthZ < PreStats <
PostStats.

Istio (`WasmPluginsByListenerInfo` + listener builder): namespace groups in lookup order, each in
creation order; bucketed by phase; stably sorted by priority descending with an unset priority
sorting last; buckets emitted AUTHN < AUTHZ < STATS < UNSPECIFIED. Gateways are CLIENT mode,
sidecar inbound listeners SERVER mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from migrate.model import Labels, PluginPhase, SmePhase, WorkloadKind
from migrate.semantics.targets import selects
from migrate.semantics.versions import MeshVersion

ISTIO_PHASE_ORDER = (
    PluginPhase.AUTHN,
    PluginPhase.AUTHZ,
    PluginPhase.STATS,
    PluginPhase.UNSPECIFIED,
)
MODES_OF = {WorkloadKind.SIDECAR: "SERVER", WorkloadKind.GATEWAY: "CLIENT"}
MATCH_ALL_MODES = frozenset({"UNDEFINED", "CLIENT_AND_SERVER"})


@dataclass(frozen=True)
class SimExtension:
    id: str
    namespace: str
    name: str
    image: str
    phase: SmePhase
    priority: int
    selector: Labels


@dataclass(frozen=True)
class SimPlugin:
    id: str
    namespace: str
    name: str
    phase: PluginPhase
    priority: int | None
    selector: Labels
    match_modes: tuple[str, ...] = ()  # empty: every listener


@dataclass(frozen=True)
class SimWorkload:
    namespace: str
    labels: Labels
    kind: WorkloadKind

    @property
    def display(self) -> str:
        labels = ",".join(f"{k}={v}" for k, v in self.labels) or "<no labels>"
        return f"{self.kind.value} in {self.namespace or '<unset>'} [{labels}]"


def _scoped(items: Sequence[SimExtension], workload: SimWorkload, root: str) -> list[SimExtension]:
    found = [e for e in items if e.namespace == root]
    if workload.namespace != root:
        found += [e for e in items if e.namespace == workload.namespace]
    return [e for e in found if selects(e.selector, workload.labels)]


def maistra_chain(
    workload: SimWorkload, extensions: Sequence[SimExtension], root: str
) -> list[str]:
    matched = _scoped(extensions, workload, root)
    chain: list[str] = []
    for phase in SmePhase:
        bucket = [e for e in matched if e.phase is phase]
        bucket.sort(key=lambda e: (-e.priority, e.name + e.image))
        chain.extend(e.id for e in bucket)
    return chain


def _mode_matches(plugin: SimPlugin, workload: SimWorkload) -> bool:
    modes = set(plugin.match_modes)
    return not modes or bool(modes & MATCH_ALL_MODES) or MODES_OF[workload.kind] in modes


def _lookup_order(workload: SimWorkload, root: str, version: MeshVersion) -> list[str]:
    if workload.namespace == root:
        return [root]
    pair = [workload.namespace, root]
    return pair if version.proxy_namespace_first else pair[::-1]


def istio_chain(
    workload: SimWorkload,
    plugins: Sequence[SimPlugin],
    root: str,
    version: MeshVersion,
) -> list[str]:
    """`plugins` must be given in creation order (the order Istio keeps ties in)."""
    ordered = [p for ns in _lookup_order(workload, root, version) for p in plugins
               if p.namespace == ns]
    matched = [p for p in ordered
               if selects(p.selector, workload.labels) and _mode_matches(p, workload)]
    unset = version.unset_priority
    chain: list[str] = []
    for phase in ISTIO_PHASE_ORDER:
        bucket = [p for p in matched if p.phase is phase]
        bucket.sort(key=lambda p: -(unset if p.priority is None else p.priority))
        chain.extend(p.id for p in bucket)
    return chain
