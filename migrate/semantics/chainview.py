"""The filter chains each workload sees, under Maistra and under Istio, side by side.

Pure: from a migration and its inventory to a view model the renderers of `sme-migrate chains`
draw. Workloads whose two chains are the same are grouped, so a large mesh stays readable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from migrate.model import Inventory, Workload
from migrate.rules import RuleId
from migrate.semantics.chain import (
    CORS_FILTER,
    EXT_AUTHZ_FILTER,
    FAULT_FILTER,
    SimWorkload,
    with_policies,
)
from migrate.semantics.outcome import ClusterMigration, Migration
from migrate.semantics.siminputs import MeshInputs, mesh_inputs, sim_workload
from migrate.semantics.verify import TIE_MARKER, Moved, chain_pair, moves, without_known
from migrate.semantics.versions import MeshVersion

EXT_AUTHZ_RULE, CORS_FAULT_RULE = RuleId.EXT_AUTHZ_ORDER_CHANGED, RuleId.CORS_FAULT_ORDER_CHANGED
ROUTER = "router"
BUILTIN_NAMES = {
    "<authn>": "jwt/authn", "<rbac>": "RBAC", "<stats>": "stats", EXT_AUTHZ_FILTER: "ext_authz",
    CORS_FILTER: "cors", FAULT_FILTER: "fault", TIE_MARKER: "tie: order set by creation time",
}


class Mark(StrEnum):
    SAME = "same"
    MOVED = "moved"  # its order among the other filters changed (SME020)
    KNOWN = "known"  # moved across ext_authz or cors/fault: a known difference


class Verdict(StrEnum):
    IDENTICAL = "identical"
    KNOWN = "known difference"
    MOVED = "order changed"


@dataclass(frozen=True)
class Entry:
    name: str  # namespace/name of a plugin, or a built-in filter's readable name
    builtin: bool
    detail: str = ""  # phase and priority
    mark: Mark = Mark.SAME


@dataclass(frozen=True)
class WorkloadGroup:
    workloads: tuple[str, ...]
    maistra: tuple[Entry, ...]
    istio: tuple[Entry, ...]
    verdict: Verdict
    rules: tuple[str, ...]  # the findings the differences are reported under


@dataclass(frozen=True)
class MeshChains:
    root: str
    simulated: bool  # no workload in the input: one per label set the selectors imply
    groups: tuple[WorkloadGroup, ...]
    scope: str = ""  # the cluster folder, when the input keeps several

    @property
    def label(self) -> str:
        return f"{self.root} in {self.scope}" if self.scope else self.root

    @property
    def workloads(self) -> int:
        return sum(len(g.workloads) for g in self.groups)


@dataclass(frozen=True)
class ChainView:
    meshes: tuple[MeshChains, ...]

    @property
    def groups(self) -> tuple[WorkloadGroup, ...]:
        return tuple(g for mesh in self.meshes for g in mesh.groups)

    @property
    def order_changed(self) -> bool:
        return any(g.verdict is Verdict.MOVED for g in self.groups)


def display_name(sim_id: str) -> str:
    """A simulated id without its `@file:line` suffix; a built-in marker's readable name."""
    return BUILTIN_NAMES.get(sim_id, sim_id.partition("@")[0])


def matches(wanted: str, name: str, namespace: str) -> bool:
    """`--workload NS/NAME` (or NS): the workload's namespace, or the end of its source."""
    return wanted in (namespace, name) or name.endswith((f" {wanted}", f"/{wanted}"))


def chain_view(inventory: Inventory, migration: Migration, version: MeshVersion,
               workload: str | None = None) -> ChainView:
    meshes = []
    for read, cluster in _clusters(inventory, migration):
        for mesh in cluster.meshes:
            inputs = mesh_inputs(read, mesh, cluster.conversions, cluster.reordered)
            if inputs is not None:
                meshes.append(_mesh_chains(inputs, version, workload))
    return ChainView(tuple(m for m in meshes if m.groups))


def _clusters(inventory: Inventory, migration: Migration
              ) -> list[tuple[Inventory, ClusterMigration]]:
    """What each cluster scope reads, and its migration (one: the whole input and run)."""
    if len(migration.clusters) > 1:
        return [(inventory.within(c.scope), c) for c in migration.clusters]
    return [(inventory, ClusterMigration("", migration.conversions, migration.meshes,
                                         migration.reordered))]


def _named(inputs: MeshInputs) -> list[tuple[str, SimWorkload]]:
    """The input's workloads by their source (with their labels when two share one), else
    every label set the selectors imply."""
    if not inputs.known:
        return [(w.display, w) for w in inputs.workloads]
    sources = Counter(w.source for w in inputs.known)
    return [(_name(w, sources[w.source] > 1),
             with_policies(sim_workload(w), inputs.policies, inputs.root)) for w in inputs.known]


def _name(workload: Workload, ambiguous: bool) -> str:
    if not workload.source:
        return sim_workload(workload).display
    if not ambiguous:
        return workload.source
    return f"{workload.source} [{','.join(f'{k}={v}' for k, v in workload.labels)}]"


def _mesh_chains(inputs: MeshInputs, version: MeshVersion, wanted: str | None) -> MeshChains:
    by_creation = sorted(inputs.plugins, key=lambda p: p.id)
    pairs: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = {}
    for name, workload in _named(inputs):
        if wanted is not None and not matches(wanted, name, workload.namespace):
            continue
        maistra, istio = chain_pair(workload, inputs.extensions, by_creation, inputs.root,
                                    version)
        pairs.setdefault((tuple(maistra), tuple(istio)), []).append(name)
    groups = [_group(inputs, sorted(names), list(m), list(i)) for (m, i), names in pairs.items()]
    groups.sort(key=lambda g: (list(Verdict).index(g.verdict) * -1, g.workloads))
    return MeshChains(inputs.root, not inputs.known, tuple(groups), inputs.mesh.scope)


def _group(inputs: MeshInputs, names: list[str], maistra: list[str], istio: list[str]
           ) -> WorkloadGroup:
    broken = without_known(maistra) != without_known(istio)
    known = moves(names[0], maistra, istio)
    moved = _reordered(without_known(maistra), without_known(istio)) if broken else set()
    marks = _marks(moved, known)
    details = _details(inputs)
    return WorkloadGroup(
        tuple(names),
        _entries(maistra, marks, details[0]),
        _entries(istio, marks, details[1]),
        _verdict(broken, known),
        _rules(broken, known),
    )


def _reordered(maistra: Sequence[str], istio: Sequence[str]) -> set[str]:
    """Plugins whose filters before them are not the same on both sides (or only on one)."""
    found = {TIE_MARKER} if TIE_MARKER in istio else set()
    for plugin in {*maistra, *istio} - {TIE_MARKER}:
        if plugin.startswith("<"):
            continue
        if plugin not in maistra or plugin not in istio or _before(maistra, plugin) != _before(
                istio, plugin):
            found.add(plugin)
    return found


def _before(chain: Sequence[str], entry: str) -> frozenset[str]:
    return frozenset(chain[:chain.index(entry)])


def _marks(moved: set[str], known: Sequence[Moved]) -> dict[str, Mark]:
    marks = {move.plugin: Mark.KNOWN for move in known}
    for move in known:
        filters = (EXT_AUTHZ_FILTER,) if move.filter == EXT_AUTHZ_FILTER else (
            CORS_FILTER, FAULT_FILTER)
        marks.update(dict.fromkeys(filters, Mark.KNOWN))
    marks.update(dict.fromkeys(moved, Mark.MOVED))
    return marks


def _details(inputs: MeshInputs) -> tuple[dict[str, str], dict[str, str]]:
    maistra = {e.id: f"{e.phase.name} {e.priority}" for e in inputs.extensions}
    istio = {p.id: f"{p.phase.value} {'unset' if p.priority is None else p.priority}"
             for p in inputs.plugins}
    return maistra, istio


def _entries(chain: Sequence[str], marks: dict[str, Mark], details: dict[str, str]
             ) -> tuple[Entry, ...]:
    entries = [Entry(display_name(item), item.startswith("<"), details.get(item, ""),
                     marks.get(item, Mark.SAME)) for item in chain]
    return (*entries, Entry(ROUTER, True))


def _verdict(broken: bool, known: Sequence[Moved]) -> Verdict:
    if broken:
        return Verdict.MOVED
    return Verdict.KNOWN if known else Verdict.IDENTICAL


def _rules(broken: bool, known: Sequence[Moved]) -> tuple[str, ...]:
    found = {EXT_AUTHZ_RULE if m.filter == EXT_AUTHZ_FILTER else CORS_FAULT_RULE for m in known}
    if broken:
        found.add(RuleId.EQUIVALENCE_VIOLATION)
    return tuple(sorted(found))
