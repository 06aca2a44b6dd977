"""Simulate the Wasm filters, in order, that one workload sees under Maistra and under Istio.

Maistra (pilot `Extensions(proxy)` + `apply_extension.go`): root-namespace extensions, then the
proxy namespace's; bucketed by phase; each bucket stably sorted by priority descending, ties by
`name + image` ascending; buckets emitted PreAuthN <authn> PostAuthN PreAuthZ <rbac> PostAuthZ
PreStats PostStats <stats> (istio.stats came from an EnvoyFilter patched in after the extensions,
right before the router, so PostStats in fact ran before it in OSSM 2.0-2.2).

Istio (`WasmPluginsByListenerInfo` + listener builder): namespace groups in lookup order, each in
creation order; bucketed by phase; stably sorted by priority descending with an unset priority
sorting last; buckets emitted AUTHN <authn> AUTHZ <rbac> STATS UNSPECIFIED <stats>. Gateways are
CLIENT mode, sidecar inbound listeners SERVER mode.

The built-in filters are part of both chains, so a plugin moved across one of them shows up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from migrate.model import Labels, PluginPhase, SmePhase, WorkloadKind
from migrate.semantics.versions import MeshVersion

ISTIO_PHASE_ORDER = (
    PluginPhase.AUTHN,
    PluginPhase.AUTHZ,
    PluginPhase.STATS,
    PluginPhase.UNSPECIFIED,
)
AUTHN_FILTERS, RBAC_FILTER, STATS_FILTER = "<authn>", "<rbac>", "<stats>"
MAISTRA_BUILTINS_AFTER = {
    SmePhase.PreAuthN: AUTHN_FILTERS,
    SmePhase.PreAuthZ: RBAC_FILTER,
    SmePhase.PostStats: STATS_FILTER,
}
ISTIO_BUILTINS_AFTER = {
    PluginPhase.AUTHN: AUTHN_FILTERS,
    PluginPhase.AUTHZ: RBAC_FILTER,
    PluginPhase.UNSPECIFIED: STATS_FILTER,
}
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
    labels = frozenset(workload.labels)
    return [e for e in found if labels.issuperset(e.selector)]


def _maistra_key(extension: SimExtension, root: str) -> tuple[int, str, bool, str]:
    # Pilot's key is (-priority, name + image); its sort is stable over root-namespace
    # extensions first. Two extensions of ONE namespace whose name + image strings are equal
    # came from the informer cache in no defined order: the name decides here, as it does in
    # the conversion.
    return (-extension.priority, extension.name + extension.image, extension.namespace != root,
            extension.name)


def maistra_chain(
    workload: SimWorkload, extensions: Sequence[SimExtension], root: str
) -> list[str]:
    matched = _scoped(extensions, workload, root)
    chain: list[str] = []
    for phase in SmePhase:
        bucket = sorted((e for e in matched if e.phase is phase),
                        key=lambda e: _maistra_key(e, root))
        chain.extend(e.id for e in bucket)
        if builtin := MAISTRA_BUILTINS_AFTER.get(phase):
            chain.append(builtin)
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
    labels = frozenset(workload.labels)
    matched = [p for p in ordered if labels.issuperset(p.selector) and _mode_matches(p, workload)]
    unset = version.unset_priority
    chain: list[str] = []
    for phase in ISTIO_PHASE_ORDER:
        bucket = [p for p in matched if p.phase is phase]
        bucket.sort(key=lambda p: -(unset if p.priority is None else p.priority))
        chain.extend(p.id for p in bucket)
        if builtin := ISTIO_BUILTINS_AFTER.get(phase):
            chain.append(builtin)
    return chain
