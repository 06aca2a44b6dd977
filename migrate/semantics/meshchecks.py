"""Findings about a whole mesh: control planes, existing plugins, and the equivalence proof."""

from __future__ import annotations

from collections.abc import Sequence

from migrate import rules
from migrate.model import (
    ControlPlane,
    ExistingPlugin,
    Finding,
    Inventory,
    PluginPhase,
)
from migrate.rules.ids import RuleId
from migrate.semantics import trafficchecks
from migrate.semantics.meshes import Mesh
from migrate.semantics.outcome import Conversion, Options, Reordered
from migrate.semantics.siminputs import mesh_inputs
from migrate.semantics.verify import compare
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


def _where(plane: ControlPlane) -> str:
    location = plane.resource.location
    if location is None:
        return "the input"
    return f"{location.path}:{location.line}" if location.line else location.path


def duplicate_plane_findings(planes: Sequence[ControlPlane]) -> list[Finding]:
    """More than one control plane of a namespace in one cluster scope: only the first counts."""
    by_namespace: dict[str, list[ControlPlane]] = {}
    for plane in planes:
        by_namespace.setdefault(plane.namespace, []).append(plane)
    return [_plane_finding(plane, RuleId.DUPLICATE_CONTROL_PLANE, f"namespace {plane.namespace} "
                           f"already has ServiceMeshControlPlane {copies[0].name} "
                           f"({_where(copies[0])}), which decides the mesh: one cluster holds "
                           "one control plane per namespace; if they belong to separate "
                           "clusters, name each cluster's folder with --mesh-root",
                           "metadata.name")
            for copies in by_namespace.values() for plane in copies[1:]]


def control_plane_findings(inventory: Inventory) -> list[Finding]:
    found = duplicate_plane_findings(inventory.control_planes)
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


def equivalence_findings(
    inventory: Inventory, meshes: Sequence[Mesh], conversions: Sequence[Conversion],
    options: Options, reordered: Sequence[Reordered] = (),
) -> list[Finding]:
    found: list[Finding] = []
    for mesh in meshes:
        inputs = mesh_inputs(inventory, mesh, conversions, reordered)
        if inputs is None:
            continue
        result = compare(inputs.workloads, inputs.extensions, inputs.plugins, mesh.root,
                         options.target)
        found.extend(rules.finding(RuleId.EQUIVALENCE_VIOLATION, f"mesh {mesh.label}: {line}")
                     for line in result.broken[:MAX_DIFFERENCES_REPORTED])
        found.extend(trafficchecks.moved_findings(result.moved, inputs.refs(), inventory, mesh))
        found.extend(trafficchecks.unchecked_gateway_findings(inventory, mesh, inputs.migrated))
    return found
