"""What the semantics take and give: the run's options and the outcome of a migration.

Kept apart from the functions that compute them, so that no two semantics modules import
each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from migrate.model import ExistingPlugin, Extension, Finding, SmePhase
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
class Migration:
    conversions: tuple[Conversion, ...]
    findings: tuple[Finding, ...]  # every finding of the run, in a stable order
    meshes: tuple[Mesh, ...]
    reordered: tuple[Reordered, ...] = ()

    @property
    def priority_updates(self) -> tuple[Reordered, ...]:
        return tuple(r for r in self.reordered if r.changed)

    @property
    def placed_plugins(self) -> list[tuple[str | None, Mapping[str, Any]]]:
        """(effective namespace, WasmPlugin), sorted by namespace and name.

        The effective namespace includes one kustomize gives; the plugin body keeps the
        extension's own `metadata.namespace` (or none), so kustomize still places it.
        """
        placed = [(c.plugin["metadata"].get("namespace") or c.extension.namespace, c.plugin)
                  for c in self.conversions if c.plugin is not None]
        return sorted(placed, key=lambda p: (p[0] or "", str(p[1]["metadata"]["name"])))

    @property
    def plugins(self) -> list[Mapping[str, Any]]:
        return [plugin for _, plugin in self.placed_plugins]

    @property
    def output_plugins(self) -> list[tuple[str | None, Mapping[str, Any]]]:
        """What to apply: the converted plugins and the earlier ones whose priority changed."""
        updated = [(r.plugin.namespace, r.updated_body()) for r in self.priority_updates]
        placed = [*self.placed_plugins, *updated]
        return sorted(placed, key=lambda p: (p[0] or "", str(p[1]["metadata"]["name"])))
