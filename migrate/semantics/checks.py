"""The findings of a migration: what blocks a conversion, what changes, what cannot be checked."""

from __future__ import annotations

from collections.abc import Sequence

from migrate import rules
from migrate.model import Extension, Finding, Inventory, Workload
from migrate.semantics import meshchecks
from migrate.semantics.effective import ConfigOutcome, Effective, status_ran
from migrate.semantics.meshes import Mesh
from migrate.semantics.outcome import Conversion, Options, Reordered
from migrate.semantics.targets import Target
from migrate.semantics.versions import MeshVersion

MAX_LISTED = 3


def _finding(extension: Extension, rule: str, message: str, key: str = "") -> Finding:
    resource = extension.resource
    location = resource.location_of(key) if key else resource.location
    return rules.finding(rule, message, resource.ref, location)


def inactivity_reasons(extension: Extension, mesh: Mesh | None) -> list[str]:
    reasons = []
    if extension.ready is False:
        deployment = extension.resource.status.get("deployment")
        message = deployment.get("message") if isinstance(deployment, dict) else None
        reasons.append("it is not ready" + (f" ({message})" if message else ""))
    if mesh is None:
        reasons.append(f"namespace {extension.namespace} is not a member of any mesh in the input")
    elif mesh.extensions_enabled is False:
        reasons.append(f"{mesh.disabled_reason} (mesh {mesh.root})")
    if not extension.image:
        reasons.append("it has no spec.image, so its module was never pulled")
    return reasons


def _phase_problems(extension: Extension, effective: Effective) -> list[Finding]:
    if effective.raw_phase is None:
        return [_finding(extension, "SME003", "no phase in spec, status or the "
                         "image's manifest.yaml; its place in the filter chain is unknown")]
    if effective.phase is None:
        return [_finding(extension, "SME004", f"phase {effective.raw_phase!r} is not "
                         "one of PreAuthN, PostAuthN, PreAuthZ, PostAuthZ, PreStats, PostStats; "
                         "pilot never applied it", "spec.phase")]
    if effective.priority is None:
        return [_finding(extension, "SME003", f"priority {effective.raw_priority!r} "
                         "is not an integer", "spec.priority")]
    return []


def config_finding(extension: Extension, config: ConfigOutcome) -> Finding:
    return _finding(extension, "SME002", f"the configuration cannot "
                    f"become a pluginConfig object: {config.note}; not converted", "spec.config")


def blocking_problems(
    extension: Extension,
    effective: Effective,
    config: ConfigOutcome,
    mesh: Mesh | None,
    options: Options,
) -> list[Finding]:
    """Findings that stop this extension from being converted."""
    found = _phase_problems(extension, effective)
    if not config.representable:
        found.append(config_finding(extension, config))
    reasons = inactivity_reasons(extension, mesh)
    if reasons and not (options.convert_inactive and extension.image):
        found.append(_finding(extension, "SME016", "not active: "
                              + "; ".join(reasons) + ". Not converted (see --convert-inactive)"))
    return found


def _unknowns(extension: Extension, mesh: Mesh | None) -> list[str]:
    unknown = []
    if extension.ready is None:
        unknown.append("its readiness (no status in the input)")
    if mesh is not None and mesh.contains(extension.namespace) is None:
        unknown.append(f"whether its namespace is a member of mesh {mesh.root} "
                       "(no ServiceMeshMemberRoll in the input)")
    if mesh is not None and mesh.extensions_enabled is None:
        unknown.append("whether Wasm extensions were enabled (no ServiceMeshControlPlane "
                       "version or techPreview.wasmExtensions in the input)")
    return unknown


def activity_notes(
    extension: Extension, mesh: Mesh | None, convert_inactive: bool
) -> list[Finding]:
    """Findings about activity that do not block the conversion."""
    found = []
    reasons = inactivity_reasons(extension, mesh)
    if reasons and extension.image and convert_inactive:
        found.append(_finding(extension, "SME016", "not active ("
                              + "; ".join(reasons) + "); converting it switches it on"))
    if unknown := _unknowns(extension, mesh):
        found.append(_finding(extension, "SME017", "could not check "
                              + "; ".join(unknown) + ". Taken as active"))
    found.extend(unapplied_spec(extension))
    if extension.namespace is None:
        found.append(_finding(extension, "SME023", "no namespace set; "
                              "treated as an application namespace, not the control plane's"))
    return found


def unapplied_spec(extension: Extension) -> list[Finding]:
    """A cluster object whose spec says another phase or priority than its status (what ran)."""
    if not status_ran(extension):
        return []
    ran = {"phase": extension.phase_status, "priority": extension.priority_status or 0}
    asked = {"phase": extension.phase_spec, "priority": extension.priority_spec}
    differ = [key for key, value in asked.items() if value is not None and value != ran[key]]
    if not differ:
        return []
    said = ", ".join(f"{key} {asked[key]!r} (status: {ran[key]!r})" for key in differ)
    return [_finding(extension, "SME074", f"spec sets {said}; the status is what ran (the "
                     "edit was never applied), so the WasmPlugin keeps the status")]


def _listed(workloads: Sequence[Workload]) -> str:
    names = sorted({w.source for w in workloads})
    more = f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else ""
    return ", ".join(names[:MAX_LISTED]) + more


def direction_finding(
    extension: Extension, target: Target, matched: Sequence[Workload], version: MeshVersion
) -> Finding:
    if not version.supports_match:
        why = (f"OSSM {version} has no `match` field, so on sidecars the plugin also runs on "
               "outbound traffic; set APPLY_WASM_PLUGINS_TO_INBOUND_ONLY=true on istiod")
    elif target is Target.BOTH:
        why = (f"its selector reaches sidecars and gateways ({_listed(matched)}); one WasmPlugin "
               "cannot say SERVER for the sidecars only, so no `match` was emitted and the "
               "plugin also runs on sidecar outbound traffic")
    elif not extension.selector:
        why = ("it has no selector, so it reaches every workload in its scope, and the input "
               "does not show whether gateways are among them; no `match` was emitted, so on "
               "sidecars the plugin also runs on outbound traffic")
    else:
        why = ("its selector matches no workload in the input, so sidecars and gateways cannot "
               "be told apart; no `match` was emitted, so on sidecars the plugin also runs on "
               "outbound traffic")
    return _finding(extension, "SME010", why, "spec.workloadSelector")


def renumbered_finding(extension: Extension, old: int, new: int) -> Finding:
    return _finding(extension, "SME005", f"priority {old} becomes {new} "
                    "so that the order inside its WasmPlugin phase stays the same", "spec.priority")


def sme_found(conversion: Conversion) -> Finding:
    ext = conversion.extension
    if conversion.plugin is not None:
        outcome = f"convert it to WasmPlugin {ext.namespace or '-'}/{ext.name}"
    else:
        outcome = "it cannot be converted automatically (see the other findings)"
    return _finding(ext, "SME001", f"blocks the upgrade to OSSM 2.3: {outcome}")


def _where(extension: Extension) -> str:
    location = extension.resource.location
    return f"{location.path}:{location.line}" if location and location.line else (
        location.path if location else "the input")


def duplicate_findings(extensions: Sequence[Extension]) -> list[Finding]:
    by_identity: dict[tuple[str | None, str], list[Extension]] = {}
    for extension in extensions:
        by_identity.setdefault((extension.namespace, extension.name), []).append(extension)
    found = []
    for copies in (c for c in by_identity.values() if len(c) > 1):
        for extension in copies:
            others = ", ".join(_where(o) for o in copies if o is not extension)
            found.append(_finding(extension, "SME027", f"also defined at {others}; scan each "
                                  "cluster's folder on its own"))
    return found


def reprioritised_finding(reordered: Reordered) -> Finding:
    plugin = reordered.plugin
    return rules.finding(
        "SME028", f"priority {plugin.priority} becomes {reordered.priority} so that it keeps its "
        "place among the extensions migrated now", plugin.resource.ref,
        plugin.resource.location_of("spec.priority"))


def run_level_findings(
    inventory: Inventory,
    meshes: Sequence[Mesh],
    conversions: Sequence[Conversion],
    reordered: Sequence[Reordered],
    options: Options,
) -> list[Finding]:
    found = list(inventory.findings)
    for conversion in conversions:
        found.append(sme_found(conversion))
        found.extend(conversion.findings)
    found.extend(duplicate_findings(inventory.extensions))
    found.extend(meshchecks.control_plane_findings(inventory))
    found.extend(reprioritised_finding(r) for r in reordered if r.changed)
    found.extend(meshchecks.plugin_conflicts(inventory, meshes, conversions, options))
    found.extend(meshchecks.equivalence_findings(inventory, meshes, conversions, options,
                                                 reordered))
    return found
