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
from typing import TypeVar

from migrate.model import Labels, WorkloadKind
from migrate.semantics.chain import (
    SimExtension,
    SimPlugin,
    SimWorkload,
    istio_chain,
    maistra_chain,
)
from migrate.semantics.versions import MeshVersion

PROBE_NAMESPACE = "sme-migrate-probe"
_Scoped = TypeVar("_Scoped", SimExtension, SimPlugin)
MAX_PAIRWISE_SELECTORS = 60


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
) -> list[SimWorkload]:
    spaces = {root, PROBE_NAMESPACE, *namespaces, *(e.namespace for e in extensions),
              *(w.namespace for w in known)}
    found = set(known)
    for namespace in spaces:
        in_scope = [e.selector for e in extensions if e.namespace in (root, namespace)]
        found.update(SimWorkload(namespace, labels, WorkloadKind.SIDECAR)
                     for labels in label_sets(in_scope))
    return sorted(found, key=lambda w: (w.namespace, w.labels, w.kind.value))


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
    maistra, istio = {}, {}
    for namespace in {w.namespace for w in workloads}:
        # Only what the root and this namespace hold can apply: filter once per namespace.
        scoped_extensions = _visible(extensions, namespace, root)
        scoped_plugins = _visible(by_creation, namespace, root)
        for workload in (w for w in workloads if w.namespace == namespace):
            maistra[workload.display] = maistra_chain(workload, scoped_extensions, root)
            forward = istio_chain(workload, scoped_plugins, root, version)
            backward = istio_chain(workload, scoped_plugins[::-1], root, version)
            istio[workload.display] = forward if forward == backward else [*forward, "<tie>"]
    return maistra, istio


def differences(
    workloads: Sequence[SimWorkload],
    extensions: Sequence[SimExtension],
    plugins: Sequence[SimPlugin],
    root: str,
    version: MeshVersion,
) -> list[str]:
    """One line per workload whose chain differs; empty when the conversion is equivalent."""
    maistra, istio = chains(workloads, extensions, plugins, root, version)
    if maistra == istio:
        return []
    from deepdiff import DeepDiff  # 0.17 s to import: only when there is a difference to name

    diff = DeepDiff(maistra, istio, ignore_order=False)
    changed = sorted(str(key) for key in diff.affected_root_keys)
    return [f"{name}: Maistra runs {maistra[name]}, Istio would run {istio[name]}"
            for name in changed]
