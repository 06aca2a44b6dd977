"""Prove the conversion keeps the filter order: simulate every workload the selectors imply.

Workloads: every namespace involved (root, the extensions' and the workloads' namespaces, the
members, and one namespace with no extension of its own), each with the empty label set, each
selector's labels, the union of every two compatible selectors (up to MAX_PAIRWISE_SELECTORS
distinct selectors in scope; beyond that the pairs are left out to keep the check linear), and
the labels of the workloads found. Istio is simulated with two opposite creation orders, so a
result that depends on creation time (a priority tie) shows up as a difference.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from migrate.model import Labels, WorkloadKind
from migrate.semantics.chain import (
    AUTHN_FILTERS,
    CORS_FILTER,
    EXT_AUTHZ_FILTER,
    KNOWN_DIFFERENCE_FILTERS,
    RBAC_FILTER,
    SimExtension,
    SimPlugin,
    SimPolicies,
    SimWorkload,
    istio_chain,
    maistra_chain,
    with_policies,
)
from migrate.semantics.selectors import SelectorIndex
from migrate.semantics.versions import MeshVersion

PROBE_NAMESPACE = "sme-migrate-probe"
_Scoped = TypeVar("_Scoped", SimExtension, SimPlugin)
MAX_PAIRWISE_SELECTORS = 60
NO_POLICIES = SimPolicies()
EXT_AUTHZ_ANCHORED = frozenset({AUTHN_FILTERS, RBAC_FILTER})
TIE_MARKER = "<tie>"


def _union(a: Labels, b: Labels) -> Labels | None:
    merged = dict(a)
    for key, value in b:
        if merged.setdefault(key, value) != value:
            return None  # the two selectors can never match the same pod
    return tuple(sorted(merged.items()))


def label_sets(selectors: Iterable[Labels]) -> set[Labels]:
    distinct = sorted(set(selectors))
    found: set[Labels] = {(), *distinct}
    if len(distinct) <= MAX_PAIRWISE_SELECTORS:
        for a, b in itertools.combinations(distinct, 2):
            if (merged := _union(a, b)) is not None:
                found.add(merged)
    return found


def simulated_workloads(
    root: str,
    extensions: Sequence[SimExtension],
    known: Sequence[SimWorkload],
    namespaces: Iterable[str] = (),
    policies: SimPolicies = NO_POLICIES,
) -> list[SimWorkload]:
    spaces = {root, PROBE_NAMESPACE, *namespaces, *(e.namespace for e in extensions),
              *(w.namespace for w in known), *(ns for ns, _ in policies.custom_authz)}
    found = set(known)
    for namespace in spaces:
        in_scope = [e.selector for e in extensions if e.namespace in (root, namespace)]
        found.update(SimWorkload(namespace, labels, WorkloadKind.SIDECAR)
                     for labels in label_sets([*in_scope, *policies.selectors]))
    placed = {with_policies(w, policies, root) for w in found}
    return sorted(placed, key=lambda w: (w.namespace, w.labels, w.kind.value))


def _visible(items: Sequence[_Scoped], namespace: str, root: str) -> list[_Scoped]:
    return [item for item in items if item.namespace in (root, namespace)]


def chains(
    workloads: Sequence[SimWorkload],
    extensions: Sequence[SimExtension],
    plugins: Sequence[SimPlugin],
    root: str,
    version: MeshVersion,
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The chain per workload under Maistra, and under Istio (both creation orders)."""
    by_creation = sorted(plugins, key=lambda p: p.id)
    by_namespace: dict[str, list[SimWorkload]] = {}
    for workload in workloads:
        by_namespace.setdefault(workload.namespace, []).append(workload)
    maistra, istio = {}, {}
    for namespace, members in by_namespace.items():
        # Only what the root and this namespace hold can apply: filter once per namespace.
        scoped_extensions = SelectorIndex(_visible(extensions, namespace, root))
        scoped_plugins = SelectorIndex(_visible(by_creation, namespace, root))
        simulated: dict[tuple[object, ...], tuple[list[str], list[str]]] = {}
        for workload in members:
            matched = (scoped_extensions.matching(workload.labels),
                       scoped_plugins.matching(workload.labels))
            # Workloads alike in what shapes a chain and in what they match share one.
            key = (workload.kind, workload.anchored, workload.ext_authz, workload.cors_fault,
                   *map(id, matched[0]), None, *map(id, matched[1]))
            if key not in simulated:
                simulated[key] = chain_pair(workload, *matched, root, version)
            maistra[workload.display], istio[workload.display] = simulated[key]
    return maistra, istio


def chain_pair(
    workload: SimWorkload,
    extensions: Sequence[SimExtension],
    by_creation: Sequence[SimPlugin],
    root: str,
    version: MeshVersion,
) -> tuple[list[str], list[str]]:
    """One workload's chain under Maistra and under Istio; the Istio chain ends in TIE_MARKER
    when the two opposite creation orders give different chains."""
    forward = istio_chain(workload, by_creation, root, version)
    backward = istio_chain(workload, by_creation[::-1], root, version)
    istio = forward if forward == backward else [*forward, TIE_MARKER]
    return maistra_chain(workload, extensions, root), istio


@dataclass(frozen=True)
class Moved:
    """A plugin that changed sides of a filter no phase can keep it on (contract section 3)."""

    filter: str  # EXT_AUTHZ_FILTER or CORS_FILTER (fault sits next to cors)
    plugin: str  # the simulated id
    workload: str  # the workload's display
    before: bool  # Maistra ran it before the filter (so Istio runs it after)


@dataclass(frozen=True)
class Comparison:
    broken: list[str]  # one line per workload whose plugin order itself differs
    moved: list[Moved]  # known differences, each one a finding


def without_known(chain: Sequence[str]) -> list[str]:
    """The chain without the filters no phase can keep the plugins' place around. With
    ext_authz, Maistra's auth phases all ran before authn and rbac too (the shadow RBAC filter
    was their anchor): those moves belong to the same known difference."""
    known = KNOWN_DIFFERENCE_FILTERS | (EXT_AUTHZ_ANCHORED if EXT_AUTHZ_FILTER in chain
                                        else frozenset())
    return [entry for entry in chain if entry not in known]


def _before(chain: Sequence[str], marker: str) -> set[str]:
    return set(chain[:chain.index(marker)]) if marker in chain else set()


def moves(workload: str, maistra: list[str], istio: list[str]) -> list[Moved]:
    found = []
    in_both = set(maistra) & set(istio)  # a plugin missing on one side is SME020's business
    for marker in (EXT_AUTHZ_FILTER, CORS_FILTER):
        was, now = _before(maistra, marker), _before(istio, marker)
        found += [Moved(marker, plugin, workload, plugin in was)
                  for plugin in sorted((was ^ now) & in_both) if not plugin.startswith("<")]
    return found


def compare(
    workloads: Sequence[SimWorkload],
    extensions: Sequence[SimExtension],
    plugins: Sequence[SimPlugin],
    root: str,
    version: MeshVersion,
) -> Comparison:
    maistra, istio = chains(workloads, extensions, plugins, root, version)
    broken, moved = [], []
    for name in sorted(k for k in maistra if maistra[k] != istio[k]):
        moved += moves(name, maistra[name], istio[name])
        if without_known(maistra[name]) != without_known(istio[name]):
            broken.append(f"{name}: Maistra runs {maistra[name]}, Istio would run {istio[name]}")
    return Comparison(broken, moved)


def differences(
    workloads: Sequence[SimWorkload],
    extensions: Sequence[SimExtension],
    plugins: Sequence[SimPlugin],
    root: str,
    version: MeshVersion,
) -> list[str]:
    """One line per workload whose plugin order differs; empty when the conversion keeps it.

    Moves across ext_authz or fault/cors are not in here: `compare` reports them apart."""
    return compare(workloads, extensions, plugins, root, version).broken
