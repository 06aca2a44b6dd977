"""What the chain simulation of one mesh reads: its extensions, their plugins, its workloads.

One function builds these inputs; the equivalence findings and the chain view both use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from migrate.model import Inventory, Location, PluginPhase, ResourceRef, Workload
from migrate.semantics import trafficchecks
from migrate.semantics.chain import SimExtension, SimPlugin, SimPolicies, SimWorkload
from migrate.semantics.meshes import Mesh
from migrate.semantics.outcome import Conversion, Reordered
from migrate.semantics.targets import mesh_workloads
from migrate.semantics.verify import simulated_workloads


@dataclass(frozen=True)
class MeshInputs:
    mesh: Mesh
    migrated: tuple[Conversion, ...]  # this run's converted extensions in the mesh
    again: tuple[Reordered, ...]  # earlier plugins ordered again with them
    extensions: tuple[SimExtension, ...]
    plugins: tuple[SimPlugin, ...]
    policies: SimPolicies
    known: tuple[Workload, ...]  # the workloads of the input (and the control plane's gateways)
    workloads: tuple[SimWorkload, ...]  # every workload the selectors imply, policies placed

    @property
    def root(self) -> str:
        return self.mesh.root

    def refs(self) -> dict[str, tuple[ResourceRef, Location | None]]:
        """Where each simulated id came from."""
        refs = {sim_id(c): (c.extension.resource.ref, c.extension.resource.location)
                for c in self.migrated}
        for again in self.again:
            resource = again.plugin.resource
            refs[_sim_earlier(again)[0].id] = (resource.ref, resource.location)
        return refs


def _in_mesh(conversion: Conversion, mesh: Mesh) -> bool:
    return conversion.plugin is not None and conversion.mesh_root == mesh.root


def sim_id(conversion: Conversion) -> str:
    ext = conversion.extension
    location = ext.resource.location
    where = f"@{location.path}:{location.line}" if location else ""
    return f"{ext.namespace or ''}/{ext.name}{where}"


def _sim_extension(conversion: Conversion) -> SimExtension:
    ext = conversion.extension
    assert conversion.phase is not None and conversion.priority is not None
    return SimExtension(sim_id(conversion), ext.namespace or "", ext.name, ext.image,
                        conversion.phase, conversion.priority, ext.selector)


def _sim_plugin(conversion: Conversion) -> SimPlugin:
    assert conversion.plugin is not None
    spec, ext = conversion.plugin["spec"], conversion.extension
    modes = tuple(str(m.get("mode", "UNDEFINED")) for m in spec.get("match", []))
    return SimPlugin(sim_id(conversion), ext.namespace or "", ext.name,
                     PluginPhase(spec["phase"]), spec.get("priority"), ext.selector, modes)


def _sim_earlier(reordered: Reordered) -> tuple[SimExtension, SimPlugin]:
    plugin = reordered.plugin
    assert plugin.origin is not None
    phase, priority = plugin.origin
    location = plugin.resource.location
    ident = f"{plugin.namespace or ''}/{plugin.name}@" + (
        f"{location.path}:{location.line}" if location else "earlier")
    namespace, image = plugin.namespace or "", plugin.url.removeprefix("oci://")
    modes = tuple(str(m.get("mode", "UNDEFINED")) for m in plugin.resource.spec.get("match", [])
                  if isinstance(m, dict))
    return (SimExtension(ident, namespace, plugin.name, image, phase, priority, plugin.selector),
            SimPlugin(ident, namespace, plugin.name, plugin.phase, reordered.priority,
                      plugin.selector, modes))


def sim_workload(workload: Workload) -> SimWorkload:
    return SimWorkload(workload.namespace or "", workload.labels, workload.kind)


def mesh_inputs(inventory: Inventory, mesh: Mesh, conversions: Sequence[Conversion],
                reordered: Sequence[Reordered] = ()) -> MeshInputs | None:
    """The mesh's simulation inputs; None when none of its extensions was converted."""
    migrated = tuple(c for c in conversions if _in_mesh(c, mesh))
    if not migrated:
        return None
    again = tuple(r for r in reordered if r.mesh_root == mesh.root)
    earlier = [_sim_earlier(r) for r in again]
    extensions = (*(_sim_extension(c) for c in migrated), *(e for e, _ in earlier))
    plugins = (*(_sim_plugin(c) for c in migrated), *(p for _, p in earlier))
    policies = trafficchecks.policies_of(inventory, mesh)
    known = tuple(mesh_workloads(mesh, inventory.workloads))
    workloads = simulated_workloads(mesh.root, extensions, [sim_workload(w) for w in known],
                                    mesh.members or (), policies)
    return MeshInputs(mesh, migrated, again, extensions, plugins, policies, known,
                      tuple(workloads))
