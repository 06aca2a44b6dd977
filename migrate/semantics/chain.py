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
Two groups move in ways no phase can undo (contract section 3): `<ext_authz>` (a CUSTOM
AuthorizationPolicy), which Maistra's auth phases preceded and every WasmPlugin follows, and
`<fault>`/`<cors>`, which Maistra's unanchored phases followed and every WasmPlugin precedes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from migrate.model import Labels, PluginPhase, SmePhase, WorkloadKind
from migrate.semantics.versions import MeshVersion

ISTIO_PHASE_ORDER = (
    PluginPhase.AUTHN,
    PluginPhase.AUTHZ,
    PluginPhase.STATS,
    PluginPhase.UNSPECIFIED,
)
AUTHN_FILTERS, RBAC_FILTER, STATS_FILTER = "<authn>", "<rbac>", "<stats>"
EXT_AUTHZ_FILTER, FAULT_FILTER, CORS_FILTER = "<ext_authz>", "<fault>", "<cors>"
KNOWN_DIFFERENCE_FILTERS = frozenset({EXT_AUTHZ_FILTER, FAULT_FILTER, CORS_FILTER})
Layout = tuple[SmePhase | PluginPhase | str, ...]
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
    ext_authz: bool = False  # a CUSTOM AuthorizationPolicy selects it
    cors_fault: bool = False  # a gateway serving VirtualServices with corsPolicy or fault

    @property
    def anchored(self) -> bool:
        """Has jwt/authn/rbac filters. A gateway has none unless policies add them: assumed
        for every workload but a gateway with cors/fault routes and no CUSTOM policy."""
        return self.kind is WorkloadKind.SIDECAR or self.ext_authz or not self.cors_fault

    @property
    def display(self) -> str:
        labels = ",".join(f"{k}={v}" for k, v in self.labels) or "<no labels>"
        return f"{self.kind.value} in {self.namespace or '<unset>'} [{labels}]"


@dataclass(frozen=True)
class SimPolicies:
    """What puts ext_authz or fault/cors filters on a workload."""

    custom_authz: tuple[tuple[str, Labels], ...] = ()  # (namespace, selector) of CUSTOM policies
    cors_gateways: tuple[Labels, ...] = ()  # selectors of gateways serving cors/fault routes

    @property
    def selectors(self) -> tuple[Labels, ...]:
        return (*(sel for _, sel in self.custom_authz), *self.cors_gateways)


def with_policies(workload: SimWorkload, policies: SimPolicies, root: str) -> SimWorkload:
    labels = frozenset(workload.labels)
    ext_authz = any(ns in (root, workload.namespace) and labels.issuperset(sel)
                    for ns, sel in policies.custom_authz)
    cors = workload.kind is WorkloadKind.GATEWAY and any(
        labels.issuperset(sel) for sel in policies.cors_gateways)
    return replace(workload, ext_authz=ext_authz, cors_fault=cors)


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


def _route_filters(workload: SimWorkload) -> Layout:
    return (FAULT_FILTER, CORS_FILTER) if workload.cors_fault else ()


def maistra_layout(workload: SimWorkload) -> Layout:
    """Where pilot's walk put each phase among the built-in filters (domain notes 1.7, 11).

    With CUSTOM, the first RBAC filter is the shadow one before ext_authz: every auth phase is
    emitted before it. Phases with no anchor went just before the router, after fault and cors.
    """
    p, cors = SmePhase, _route_filters(workload)
    if not workload.anchored:
        return (*cors, *SmePhase, STATS_FILTER)
    if workload.ext_authz:
        return (p.PreAuthN, p.PostAuthN, p.PreAuthZ, p.PostAuthZ, EXT_AUTHZ_FILTER,
                AUTHN_FILTERS, RBAC_FILTER, *cors, p.PreStats, p.PostStats, STATS_FILTER)
    return (p.PreAuthN, AUTHN_FILTERS, p.PostAuthN, p.PreAuthZ, RBAC_FILTER, p.PostAuthZ,
            *cors, p.PreStats, p.PostStats, STATS_FILTER)


def istio_layout(workload: SimWorkload) -> Layout:
    """Istio: ext_authz before every phase, fault and cors after every phase."""
    p = PluginPhase
    ext = (EXT_AUTHZ_FILTER,) if workload.ext_authz else ()
    anchors = workload.anchored
    return (*ext, p.AUTHN, *((AUTHN_FILTERS,) if anchors else ()), p.AUTHZ,
            *((RBAC_FILTER,) if anchors else ()), p.STATS, p.UNSPECIFIED,
            *_route_filters(workload), STATS_FILTER)


def maistra_chain(
    workload: SimWorkload, extensions: Sequence[SimExtension], root: str
) -> list[str]:
    matched = _scoped(extensions, workload, root)
    chain: list[str] = []
    for slot in maistra_layout(workload):
        if isinstance(slot, str):
            chain.append(slot)
            continue
        bucket = sorted((e for e in matched if e.phase is slot),
                        key=lambda e: _maistra_key(e, root))
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
    labels = frozenset(workload.labels)
    matched = [p for p in ordered if labels.issuperset(p.selector) and _mode_matches(p, workload)]
    unset = version.unset_priority
    chain: list[str] = []
    for slot in istio_layout(workload):
        if isinstance(slot, str):
            chain.append(slot)
            continue
        bucket = [p for p in matched if p.phase is slot]
        bucket.sort(key=lambda p: -(unset if p.priority is None else p.priority))
        chain.extend(p.id for p in bucket)
    return chain
