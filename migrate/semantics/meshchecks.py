"""Findings about a whole mesh: control planes, existing plugins, and the equivalence proof."""

from __future__ import annotations

from collections.abc import Sequence

from migrate import rules
from migrate.model import (
    ControlPlane,
    ExistingPlugin,
    Finding,
    Inventory,
    Location,
    PluginPhase,
    ResourceRef,
)
from migrate.rules.ids import RuleId
from migrate.semantics import trafficchecks
from migrate.semantics.chain import SimExtension, SimPlugin, SimWorkload
from migrate.semantics.meshes import Mesh
from migrate.semantics.outcome import Conversion, Options, Reordered
from migrate.semantics.targets import mesh_workloads
from migrate.semantics.verify import compare, simulated_workloads
from migrate.semantics.versions import MeshVersion

MAX_DIFFERENCES_REPORTED = 20


def _plane_finding(plane: ControlPlane, rule: RuleId, message: str, key: str) -> Finding:
    return rules.finding(rule, message, plane.resource.ref, plane.resource.location_of(key))


def _version_finding(plane: ControlPlane) -> Finding | None:
    try:
        version = MeshVersion.parse(plane.version) if plane.version else None
    except ValueError:
        return None
    if version is None or version.supports_wasm_plugin:
        return None
    return _plane_finding(plane, RuleId.SMCP_VERSION_TOO_OLD, f"version {plane.version}: "
                          "WasmPlugin needs v2.2 or later (the version is not changed for you)",
                          "spec.version")


def control_plane_findings(inventory: Inventory) -> list[Finding]:
    found = []
    for plane in inventory.control_planes:
        if plane.wasm_extensions is not None:
            found.append(_plane_finding(
                plane, RuleId.TECHPREVIEW_WASMEXTENSIONS_OBSOLETE,
                       "spec.techPreview.wasmExtensions "
                "has no WasmPlugin equivalent; remove it once no ServiceMeshExtension of this "
                "mesh remains", "spec.techPreview.wasmExtensions"))
        if finding := _version_finding(plane):
            found.append(finding)
    return found


def _in_mesh(conversion: Conversion, mesh: Mesh) -> bool:
    return conversion.plugin is not None and conversion.mesh_root == mesh.root


def _conflict(plugin: ExistingPlugin, mesh: Mesh, migrated: Sequence[Conversion]) -> str | None:
    same_name = [c for c in migrated if c.extension.name == plugin.name
                 and c.extension.namespace == plugin.namespace]
    if same_name:
        return ("has the same name as a converted plugin: both would run, or one "
                "overwrites the other")
    if plugin.origin is not None:
        return None  # migrated earlier: it was ordered again together with these (SME028)
    values = [c.plugin["spec"]["priority"] for c in migrated
              if c.plugin and PluginPhase(c.plugin["spec"]["phase"]) is plugin.phase]
    if not values or plugin.priority is None:
        return None
    low, high = min(values), max(values)
    if low <= plugin.priority <= high:
        return (f"priority {plugin.priority} in phase {plugin.phase.value} ties with or falls "
                f"between the migrated plugins' priorities ({low}..{high})")
    return None


def plugin_conflicts(
    inventory: Inventory, meshes: Sequence[Mesh], conversions: Sequence[Conversion],
    options: Options,
) -> list[Finding]:
    found = []
    for mesh in meshes:
        migrated = [c for c in conversions if _in_mesh(c, mesh)]
        for plugin in inventory.plugins:
            if mesh.contains(plugin.namespace) is False or not migrated:
                continue
            if why := _conflict(plugin, mesh, migrated):
                found.append(rules.finding(
                    RuleId.EXISTING_WASMPLUGIN_PRIORITY_CONFLICT, why,
                    plugin.resource.ref, plugin.resource.location))
    return found


def _sim_extension(conversion: Conversion) -> SimExtension:
    ext = conversion.extension
    assert conversion.phase is not None and conversion.priority is not None
    return SimExtension(_sim_id(conversion), ext.namespace or "", ext.name, ext.image,
                        conversion.phase, conversion.priority, ext.selector)


def _sim_id(conversion: Conversion) -> str:
    ext = conversion.extension
    location = ext.resource.location
    where = f"@{location.path}:{location.line}" if location else ""
    return f"{ext.namespace or ''}/{ext.name}{where}"


def _sim_plugin(conversion: Conversion) -> SimPlugin:
    assert conversion.plugin is not None
    spec, ext = conversion.plugin["spec"], conversion.extension
    modes = tuple(str(m.get("mode", "UNDEFINED")) for m in spec.get("match", []))
    return SimPlugin(_sim_id(conversion), ext.namespace or "", ext.name,
                     PluginPhase(spec["phase"]), spec.get("priority"), ext.selector, modes)


def _sim_earlier(reordered: Reordered) -> tuple[SimExtension, SimPlugin]:
    plugin = reordered.plugin
    assert plugin.origin is not None
    phase, priority = plugin.origin
    location = plugin.resource.location
    sim_id = f"{plugin.namespace or ''}/{plugin.name}@" + (
        f"{location.path}:{location.line}" if location else "earlier")
    namespace, image = plugin.namespace or "", plugin.url.removeprefix("oci://")
    modes = tuple(str(m.get("mode", "UNDEFINED")) for m in plugin.resource.spec.get("match", [])
                  if isinstance(m, dict))
    return (SimExtension(sim_id, namespace, plugin.name, image, phase, priority, plugin.selector),
            SimPlugin(sim_id, namespace, plugin.name, plugin.phase, reordered.priority,
                      plugin.selector, modes))


def _known_workloads(mesh: Mesh, inventory: Inventory) -> list[SimWorkload]:
    return [SimWorkload(w.namespace or "", w.labels, w.kind)
            for w in mesh_workloads(mesh, inventory.workloads)]


def _refs(migrated: Sequence[Conversion], reordered: Sequence[Reordered]
          ) -> dict[str, tuple[ResourceRef, Location | None]]:
    refs = {_sim_id(c): (c.extension.resource.ref, c.extension.resource.location)
            for c in migrated}
    for again in reordered:
        resource = again.plugin.resource
        refs[_sim_earlier(again)[0].id] = (resource.ref, resource.location)
    return refs


def equivalence_findings(
    inventory: Inventory, meshes: Sequence[Mesh], conversions: Sequence[Conversion],
    options: Options, reordered: Sequence[Reordered] = (),
) -> list[Finding]:
    found: list[Finding] = []
    for mesh in meshes:
        migrated = [c for c in conversions if _in_mesh(c, mesh)]
        if not migrated:
            continue
        again = [r for r in reordered if r.mesh_root == mesh.root]
        earlier = [_sim_earlier(r) for r in again]
        extensions = [_sim_extension(c) for c in migrated] + [e for e, _ in earlier]
        plugins = [_sim_plugin(c) for c in migrated] + [p for _, p in earlier]
        policies = trafficchecks.policies_of(inventory, mesh)
        workloads = simulated_workloads(mesh.root, extensions, _known_workloads(mesh, inventory),
                                        mesh.members or (), policies)
        result = compare(workloads, extensions, plugins, mesh.root, options.target)
        found.extend(rules.finding(RuleId.EQUIVALENCE_VIOLATION, f"mesh {mesh.root}: {line}")
                     for line in result.broken[:MAX_DIFFERENCES_REPORTED])
        found.extend(trafficchecks.moved_findings(result.moved, _refs(migrated, again),
                                                  inventory, mesh))
        found.extend(trafficchecks.unchecked_gateway_findings(inventory, mesh, migrated))
    return found
