"""Chain views of the example repository and of the mixed mesh, tampered or not."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from migrate.inventory.load import load
from migrate.semantics.chainview import (
    ChainView,
    Entry,
    MeshChains,
    Verdict,
    WorkloadGroup,
    chain_view,
)
from migrate.semantics.migration import migrate
from migrate.semantics.outcome import Conversion, Migration, Options

REPO = Path(__file__).resolve().parents[2]
CHAINS_DATA = REPO / "testdata" / "chains"
GITOPS = REPO / "testdata" / "gitops"
MIXED = CHAINS_DATA / "mixed" / "input"
SWAPPED = ("after-authn", "before-authz")  # the pair whose priorities the tampering swaps


def view_of(path: Path, tampered: bool = False, workload: str | None = None) -> ChainView:
    inventory = load([str(path)]).inventory
    options = Options()
    migration = migrate(inventory, options)
    if tampered:
        migration = _tampered(migration)
    return chain_view(inventory, migration, options.target, workload)


def _tampered(migration: Migration) -> Migration:
    """The conversion with the priorities of SWAPPED exchanged: a plugin now runs elsewhere."""
    by_name = {c.extension.name: c for c in migration.conversions}
    first, second = (by_name[name] for name in SWAPPED)
    swapped = {first.extension.name: _with_priority(first, second),
               second.extension.name: _with_priority(second, first)}
    conversions = tuple(swapped.get(c.extension.name, c) for c in migration.conversions)
    return dataclasses.replace(migration, conversions=conversions)


def _with_priority(conversion: Conversion, other: Conversion) -> Conversion:
    assert conversion.plugin is not None and other.plugin is not None
    plugin = dict(conversion.plugin)
    plugin["spec"] = {**plugin["spec"], "priority": other.plugin["spec"]["priority"]}
    return dataclasses.replace(conversion, plugin=plugin)


def many_groups(count: int) -> ChainView:
    """`count` workloads, each with a chain of its own (so none are grouped)."""
    groups = tuple(WorkloadGroup(
        (f"Deployment shop/app-{i}",), (Entry(f"shop/plugin-{i}", False, "PostAuthZ 1"),),
        (Entry(f"shop/plugin-{i}", False, "STATS 1"),), Verdict.IDENTICAL, ())
        for i in range(count))
    return ChainView((MeshChains("istio-system", False, groups),))
