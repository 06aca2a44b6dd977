"""The findings of a migration: what blocks a conversion, what changes, what cannot be checked."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from migrate import rules
from migrate.model import Extension, Finding, Inventory, Workload, WorkloadKind
from migrate.rules.ids import RuleId
from migrate.semantics import meshchecks, trafficchecks
from migrate.semantics.effective import (
    WRONG_TYPE_NOTE,
    ConfigOutcome,
    Effective,
    status_disagreements,
)
from migrate.semantics.meshes import Mesh, mesh_of
from migrate.semantics.outcome import Conversion, Options, Reordered
from migrate.semantics.targets import Target
from migrate.semantics.versions import MeshVersion

MAX_LISTED = 3


def _finding(extension: Extension, rule: RuleId, message: str, key: str = "") -> Finding:
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
        reasons.append(f"{mesh.disabled_reason} (mesh {mesh.label})")
    elif mesh.inert_reason and extension.namespace not in mesh.filter_namespaces:
        reasons.append(mesh.inert_reason)
    if not extension.image:
        reasons.append("it has no spec.image, so its module was never pulled")
    return reasons


def _phase_problems(extension: Extension, effective: Effective) -> list[Finding]:
    if effective.raw_phase is None:
        return [_finding(extension, RuleId.PHASE_UNRESOLVED, "no phase in spec, status or the "
                         "image's manifest.yaml; its place in the filter chain is unknown")]
    if effective.phase is None:
        return [_finding(extension, RuleId.UNKNOWN_PHASE, f"phase {effective.raw_phase!r} is not "
                         "one of PreAuthN, PostAuthN, PreAuthZ, PostAuthZ, PreStats, PostStats; "
                         "pilot never applied it", "spec.phase")]
    if effective.priority is None:
        return [_finding(extension, RuleId.PHASE_UNRESOLVED, f"priority {effective.raw_priority!r} "
                         "is not an integer", "spec.priority")]
    return []


def config_finding(extension: Extension, config: ConfigOutcome) -> Finding:
    if config.note == WRONG_TYPE_NOTE:
        return _wrong_type_finding(extension)
    return _finding(extension, RuleId.CONFIG_NOT_REPRESENTABLE, f"the configuration cannot "
                    f"become a pluginConfig object: {config.note}; not converted", "spec.config")


def module_failure_finding(extension: Extension, failure: str) -> Finding:
    return _finding(extension, RuleId.MODULE_CHECK_FAILED,
                               f"not converted: {failure}. A WasmPlugin is written "
                    "only for a module that passes its check: under FAIL_CLOSE a module that "
                    "fails to load or to start breaks the workload's traffic",
                    "spec.image")


def _kind_of_value(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    return "a list" if isinstance(value, list) else f"the scalar {value!r}"


def _wrong_type_finding(extension: Extension) -> Finding:
    api = extension.resource.api_version
    expected = "a string" if api.endswith("v1alpha1") else "an object"
    return _finding(extension, RuleId.CONFIG_WRONG_TYPE, f"spec.config is "
                    f"{_kind_of_value(extension.config.value)}, but {api} "
                    f"types it as {expected}: the API server refused this object, so it never "
                    "ran; not converted", "spec.config")


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
    if failure := options.module_failures.get(extension.image):
        found.append(module_failure_finding(extension, failure))
    reasons = inactivity_reasons(extension, mesh)
    if reasons and not (options.convert_inactive and extension.image):
        found.append(_finding(extension, RuleId.EXTENSION_INACTIVE, "not active: "
                              + "; ".join(reasons) + ". Not converted (see --convert-inactive)"))
    return found


def effective_notes(extension: Extension, effective: Effective, module_checked: bool,
                    blocked: bool) -> list[Finding]:
    """A spec the cacher had not applied yet, and (when converted) a priority nothing set."""
    found = []
    if disagreements := status_disagreements(extension, effective):
        found.append(_finding(extension, RuleId.SPEC_STATUS_MISMATCH,
                                         "; ".join(disagreements) + ": the status "
                              "is what ran, so the conversion keeps it (an edit the wasm-cacher "
                              "had not applied yet)", "spec"))
    if effective.priority_source == "default" and not (module_checked or blocked):
        found.append(_finding(extension, RuleId.PRIORITY_DEFAULTED,
                                         "no priority in spec or status: taken as 0, "
                              "the default when the image's manifest.yaml sets none (run with "
                              "--check-modules to read it)"))
    return found


def _unknowns(extension: Extension, mesh: Mesh | None) -> list[str]:
    unknown = []
    if extension.ready is None:
        unknown.append("its readiness (no status in the input)")
    if mesh is not None and mesh.contains(extension.namespace) is None:
        unknown.append(f"whether its namespace is a member of mesh {mesh.label} "
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
        found.append(_finding(extension, RuleId.EXTENSION_INACTIVE, "not active ("
                              + "; ".join(reasons) + "); converting it switches it on"))
    if unknown := _unknowns(extension, mesh):
        found.append(_finding(extension, RuleId.ACTIVITY_UNCHECKED, "could not check "
                              + "; ".join(unknown) + ". Taken as active"))
    if extension.namespace is None:
        found.append(_finding(extension, RuleId.NAMESPACE_UNKNOWN, "no namespace set; "
                              "treated as an application namespace, not the control plane's"))
    return found


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
    return _finding(extension, RuleId.TRAFFIC_DIRECTION_UNDECIDABLE, why, "spec.workloadSelector")


def scope_findings(extension: Extension, matched: Sequence[Workload],
                   has_service: Callable[[Workload], bool]) -> list[Finding]:
    """`match: SERVER` runs on every inbound HTTP chain; Maistra only on the Services' ones."""
    found = [_finding(extension, RuleId.INBOUND_SCOPE_WIDENED,
                                 "SERVER mode runs the plugin on every inbound HTTP "
                      "chain; Maistra ran it only on the chains of the pod's Services (not for "
                      "a pod without a Service, not on passthrough ports, in OSSM 2.1/2.2 "
                      "possibly only on the first service port)")]
    bare = [w for w in matched if w.kind is WorkloadKind.SIDECAR and not has_service(w)]
    if bare:
        found.append(_finding(extension, RuleId.WORKLOAD_WITHOUT_SERVICE,
                                         f"no Service in the input selects "
                              f"{_listed(bare)}: Maistra never ran the extension there, the "
                              "WasmPlugin will", "spec.workloadSelector"))
    return found


def root_namespace_finding(extension: Extension, root: str) -> Finding:
    return _finding(extension, RuleId.MESH_WIDE_NAMESPACE,
                               f"mesh-wide: written to {root}, the old control-plane "
                    "namespace; an OSSM 3.x control plane may use another root namespace "
                    "(see --root-namespace)")


def renumbered_finding(extension: Extension, old: int, new: int) -> Finding:
    return _finding(extension, RuleId.PRIORITIES_RENUMBERED, f"priority {old} becomes {new} "
                    "so that the order inside its WasmPlugin phase stays the same", "spec.priority")


def sme_found(conversion: Conversion, meshes: Sequence[Mesh], options: Options) -> Finding:
    """The operator's upgrade gate: an SME in a mesh namespace blocks it, one elsewhere not."""
    ext = conversion.extension
    if conversion.plugin is not None:
        outcome = f"convert it to WasmPlugin {ext.namespace or '-'}/{ext.name}"
    else:
        outcome = "it cannot be converted automatically (see the other findings)"
    if mesh_of(ext.namespace, tuple(meshes), options.control_plane_namespace) is None:
        return _finding(ext, RuleId.EXTENSION_OUTSIDE_MESH,
                             f"namespace {ext.namespace} is neither a control-plane "
                        "namespace nor a configured member of a mesh, so it does not block the "
                        "upgrade to OSSM 2.3 and goes away with the CRD; delete it")
    return _finding(ext, RuleId.SERVICEMESHEXTENSION_FOUND,
                         f"blocks the upgrade to OSSM 2.3: {outcome}")


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
            found.append(_finding(extension, RuleId.DUPLICATE_EXTENSION,
                                             f"also defined at {others}; if these are "
                                  "separate clusters, name each one's folder with --mesh-root "
                                  "(or scan each on its own)"))
    return found


def reprioritised_finding(reordered: Reordered) -> Finding:
    plugin = reordered.plugin
    return rules.finding(
        RuleId.EARLIER_PLUGIN_REPRIORITISED,
        f"priority {plugin.priority} becomes {reordered.priority} so that it keeps its "
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
        found.append(sme_found(conversion, meshes, options))
        found.extend(conversion.findings)
    found.extend(duplicate_findings(inventory.extensions))
    found.extend(meshchecks.control_plane_findings(inventory))
    found.extend(reprioritised_finding(r) for r in reordered if r.changed)
    found.extend(meshchecks.plugin_conflicts(inventory, meshes, conversions, options))
    found.extend(meshchecks.equivalence_findings(inventory, meshes, conversions, options,
                                                 reordered))
    found.extend(trafficchecks.not_seen_finding(conversions, options))
    return found
