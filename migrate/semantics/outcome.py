"""What the semantics take and give: the run's options and the outcome of a migration.

Kept apart from the functions that compute them, so that no two semantics modules import
each other.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from migrate.model import ExistingPlugin, Extension, Finding, Scopes, SmePhase
from migrate.semantics.effective import ModuleDefaults
from migrate.semantics.meshes import Mesh
from migrate.semantics.versions import DEFAULT_TARGET, MeshVersion


@dataclass(frozen=True)
class Options:
    control_plane_namespace: str = "istio-system"
    target: MeshVersion = field(default_factory=lambda: MeshVersion.parse(DEFAULT_TARGET))
    convert_inactive: bool = False
    module_defaults: Mapping[str, ModuleDefaults] = field(default_factory=dict)  # by image
    module_digests: Mapping[str, str] = field(default_factory=dict)  # by image: --pin only
    # by image: why its module check failed; its extensions are not converted
    module_failures: Mapping[str, str] = field(default_factory=dict)
    # by image: the Istio-format copy (`host/repo@sha256:…`) spec.url names (--repackage-to)
    image_replacements: Mapping[str, str] = field(default_factory=dict)
    # The input holds every AuthorizationPolicy and VirtualService (a cluster read): no SME034.
    policies_complete: bool = False
    # OSSM 3.x: the new control plane's root namespace, where mesh-wide plugins go (None: the
    # old SMCP namespace, said in SME041).
    root_namespace: str | None = None


@dataclass(frozen=True)
class Conversion:
    extension: Extension
    plugin: Mapping[str, Any] | None  # None: not converted (see the findings)
    findings: tuple[Finding, ...]
    mesh_root: str | None = None  # set when converted, with the effective values below
    phase: SmePhase | None = None
    priority: int | None = None


@dataclass(frozen=True)
class Reordered:
    """A WasmPlugin migrated by an earlier run, ordered again among this run's extensions."""

    plugin: ExistingPlugin
    mesh_root: str
    priority: int  # what it must say now (often what it already says)

    @property
    def changed(self) -> bool:
        return self.priority != self.plugin.priority

    def updated_body(self) -> dict[str, Any]:
        body = {k: v for k, v in self.plugin.resource.body.items() if k != "status"}
        return {**body, "spec": {**self.plugin.resource.spec, "priority": self.priority}}


@dataclass(frozen=True)
class ClusterMigration:
    """What one cluster scope's migration gave: its conversions (of the extensions it reads,
    with what the other scopes decided folded in), meshes and earlier plugins ordered again."""

    scope: str
    conversions: tuple[Conversion, ...]
    meshes: tuple[Mesh, ...]
    reordered: tuple[Reordered, ...] = ()


Placed = tuple[str | None, Mapping[str, Any]]  # (effective namespace, WasmPlugin)
ScopedPlaced = tuple[Scopes, str | None, Mapping[str, Any]]  # with its cluster scopes


@dataclass(frozen=True)
class Migration:
    conversions: tuple[Conversion, ...]
    findings: tuple[Finding, ...]  # every finding of the run, in a stable order
    meshes: tuple[Mesh, ...]  # of every cluster scope
    reordered: tuple[Reordered, ...] = ()
    clusters: tuple[ClusterMigration, ...] = ()  # one per cluster scope (one: the whole input)

    @property
    def priority_updates(self) -> tuple[Reordered, ...]:
        return tuple(r for r in self.reordered if r.changed)

    @property
    def placed_plugins(self) -> list[Placed]:
        """(effective namespace, WasmPlugin), sorted by namespace and name.

        The effective namespace includes one kustomize gives; the plugin body keeps the
        extension's own `metadata.namespace` (or none), so kustomize still places it.
        """
        return [(namespace, plugin) for _, namespace, plugin in _sorted(self._converted())]

    def _converted(self) -> list[ScopedPlaced]:
        return [(c.extension.resource.scopes,
                 c.plugin["metadata"].get("namespace") or c.extension.namespace, c.plugin)
                for c in self.conversions if c.plugin is not None]

    @property
    def plugins(self) -> list[Mapping[str, Any]]:
        return [plugin for _, plugin in self.placed_plugins]

    @property
    def output_plugins(self) -> list[Placed]:
        """What to apply: the converted plugins and the earlier ones whose priority changed."""
        return [(namespace, plugin) for _, namespace, plugin in self.scoped_output_plugins]

    @functools.cached_property
    def scoped_output_plugins(self) -> tuple[ScopedPlaced, ...]:
        """`output_plugins` with the cluster scopes each is for, sorted by namespace and name
        (and by scope first when the input keeps several clusters)."""
        updated = [(r.plugin.resource.scopes, r.plugin.namespace, r.updated_body())
                   for r in self.priority_updates]
        return tuple(_sorted([*self._converted(), *updated], by_scope=len(self.clusters) > 1))


def _sorted(placed: list[ScopedPlaced], by_scope: bool = False) -> list[ScopedPlaced]:
    if by_scope:
        return sorted(placed, key=lambda p: (p[0], p[1] or "", str(p[2]["metadata"]["name"])))
    return sorted(placed, key=lambda p: (p[1] or "", str(p[2]["metadata"]["name"])))
