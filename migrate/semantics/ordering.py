"""One total order over a mesh's extensions, and distinct WasmPlugin priorities that keep it.

Maistra ordered extensions by phase, then priority descending, then `name + image` ascending.
Several Maistra phases collapse into one WasmPlugin phase and Istio breaks priority ties by
creation time, so every migrated plugin gets a distinct priority, strictly descending along the
global order inside its WasmPlugin phase. Any subset a workload sees then keeps the order.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from migrate.model import PluginPhase, SmePhase

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
RENUMBER_STEP = 10

PLUGIN_PHASE_OF = {
    SmePhase.PreAuthN: PluginPhase.AUTHN,
    SmePhase.PostAuthN: PluginPhase.AUTHZ,
    SmePhase.PreAuthZ: PluginPhase.AUTHZ,
    SmePhase.PostAuthZ: PluginPhase.STATS,
    SmePhase.PreStats: PluginPhase.STATS,
    SmePhase.PostStats: PluginPhase.STATS,
}


@dataclass(frozen=True)
class Ranked:
    """An extension reduced to what orders it."""

    key: str  # unique inside the mesh, e.g. "namespace/name"
    namespace: str | None
    name: str
    image: str
    phase: SmePhase
    priority: int
    in_root: bool  # lives in the control-plane namespace


@dataclass(frozen=True)
class Assignment:
    priorities: Mapping[str, int]  # Ranked.key -> WasmPlugin priority
    renumbered: frozenset[PluginPhase]


def order_key(item: Ranked) -> tuple[int, int, str, bool, str, str]:
    return (
        item.phase,
        -item.priority,
        item.name + item.image,  # Maistra's tie-break: plain string compare, namespace ignored
        not item.in_root,  # same name+image in both: pilot appended the root one first
        item.namespace or "",
        item.name,
    )


def global_order(items: Sequence[Ranked]) -> list[Ranked]:
    return sorted(items, key=order_key)


def _keeps_originals(ordered: Sequence[Ranked]) -> bool:
    values = [item.priority for item in ordered]
    in_range = all(INT32_MIN < value <= INT32_MAX for value in values)  # MIN means "unset"
    return in_range and all(a > b for a, b in itertools.pairwise(values))


def _renumbered(ordered: Sequence[Ranked]) -> dict[str, int]:
    count = len(ordered)
    return {item.key: (count - index) * RENUMBER_STEP for index, item in enumerate(ordered)}


def assign_priorities(items: Sequence[Ranked]) -> Assignment:
    """Distinct int32 priorities per WasmPlugin phase; original values kept when they work."""
    by_phase: dict[PluginPhase, list[Ranked]] = {}
    for item in global_order(items):
        by_phase.setdefault(PLUGIN_PHASE_OF[item.phase], []).append(item)
    priorities: dict[str, int] = {}
    renumbered: set[PluginPhase] = set()
    for phase, ordered in by_phase.items():
        if _keeps_originals(ordered):
            priorities.update({item.key: item.priority for item in ordered})
        else:
            priorities.update(_renumbered(ordered))
            renumbered.add(phase)
    return Assignment(priorities, frozenset(renumbered))
