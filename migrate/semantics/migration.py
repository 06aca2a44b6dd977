"""The whole conversion of an inventory, as a pure function: plugins plus findings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from migrate.model import ExistingPlugin, Extension, Finding, Inventory, SmePhase
from migrate.semantics import checks, shared
from migrate.semantics.convert import PluginPlan, field_findings, wasm_plugin
from migrate.semantics.effective import ConfigOutcome, resolve, resolve_config
from migrate.semantics.meshes import Mesh, build_meshes, mesh_of
from migrate.semantics.ordering import PLUGIN_PHASE_OF, Ranked, assign_priorities
from migrate.semantics.outcome import (
    ClusterMigration,
    Conversion,
    Migration,
    Options,
    Reordered,
)
from migrate.semantics.targets import Target, WorkloadIndex
from migrate.semantics.unrendered import unrendered_finding


@dataclass(frozen=True)
class Candidate:
    """An extension that will be converted, with what it needs for ordering."""

    index: int  # position in the inventory: unique even when two files hold the same name
    extension: Extension
    mesh: Mesh
    phase: SmePhase
    priority: int
    config: ConfigOutcome


def _candidate(
    index: int, extension: Extension, meshes: tuple[Mesh, ...], options: Options
) -> tuple[Candidate | None, list[Finding]]:
    unrendered = unrendered_finding(extension)
    if unrendered is not None:
        return None, [unrendered]
    mesh = mesh_of(extension.namespace, meshes, options.control_plane_namespace)
    defaults = options.module_defaults.get(extension.image)
    effective = resolve(extension, defaults)
    config = resolve_config(extension)
    problems = [*extension.invalid_fields,
                *checks.blocking_problems(extension, effective, config, mesh, options)]
    notes = checks.activity_notes(extension, mesh, options.convert_inactive)
    notes += checks.effective_notes(extension, effective, defaults is not None, bool(problems))
    if mesh is None and options.convert_inactive:
        mesh = _fallback_mesh(meshes, options)  # outside every mesh, yet asked for
    if problems or mesh is None or effective.phase is None or effective.priority is None:
        return None, problems + notes
    candidate = Candidate(index, extension, mesh, effective.phase, effective.priority, config)
    return candidate, notes


def _fallback_mesh(meshes: tuple[Mesh, ...], options: Options) -> Mesh:
    preferred = [m for m in meshes if m.root == options.control_plane_namespace]
    return (preferred or list(meshes))[0]


def _ranked(candidate: Candidate) -> Ranked:
    ext = candidate.extension
    return Ranked(
        key=str(candidate.index),
        namespace=ext.namespace,
        name=ext.name,
        image=ext.image,
        phase=candidate.phase,
        priority=candidate.priority,
        in_root=ext.namespace == candidate.mesh.root,
    )


def _match_server(
    candidate: Candidate, workloads: WorkloadIndex, options: Options
) -> tuple[bool, list[Finding]]:
    ext = candidate.extension
    target, matched = workloads.infer(ext.namespace, ext.selector)
    if not options.target.applies_to_outbound or target is Target.GATEWAYS:
        return False, []
    if target is Target.SIDECARS and options.target.supports_match:
        return True, []
    return False, [checks.direction_finding(ext, target, matched, options.target)]


def _placement(candidate: Candidate, options: Options) -> tuple[str | None, list[Finding]]:
    """OSSM 3.x: a mesh-wide plugin goes to the new control plane's root namespace."""
    ext = candidate.extension
    if options.target.major < 3 or ext.namespace != candidate.mesh.root:
        return None, []
    if options.root_namespace:
        return options.root_namespace, []
    return None, [checks.root_namespace_finding(ext, candidate.mesh.root)]


def _scope(candidate: Candidate, match_server: bool, workloads: WorkloadIndex,
           inventory: Inventory) -> list[Finding]:
    if not match_server:
        return []
    ext = candidate.extension
    _, matched = workloads.infer(ext.namespace, ext.selector)
    return checks.scope_findings(ext, matched, workloads.has_service)


def _plan(
    candidate: Candidate, priority: int, workloads: WorkloadIndex, options: Options,
    inventory: Inventory,
) -> tuple[PluginPlan, list[Finding]]:
    ext = candidate.extension
    match_server, notes = _match_server(candidate, workloads, options)
    namespace, placed = _placement(candidate, options)
    notes += placed + _scope(candidate, match_server, workloads, inventory)
    plan = PluginPlan(
        sme_phase=candidate.phase,
        sme_priority=candidate.priority,
        phase=PLUGIN_PHASE_OF[candidate.phase],
        priority=priority,
        match_server=match_server,
        sha256=options.module_digests.get(ext.image),  # never status: see the contract
        config=candidate.config,
        namespace=namespace,
        image=options.image_replacements.get(ext.image),
    )
    return plan, notes


def _earlier(inventory: Inventory, mesh: Mesh, meshes: tuple[Mesh, ...],
             options: Options) -> list[tuple[int, ExistingPlugin]]:
    """Plugins an earlier run migrated (they carry their Maistra order) that live in `mesh`."""
    return [(index, plugin) for index, plugin in enumerate(inventory.plugins)
            if plugin.origin is not None
            and (found := mesh_of(plugin.namespace, meshes, options.control_plane_namespace))
            is not None and found.root == mesh.root]


def _ranked_earlier(index: int, plugin: ExistingPlugin, mesh: Mesh) -> Ranked:
    assert plugin.origin is not None
    phase, priority = plugin.origin
    return Ranked(key=f"plugin:{index}", namespace=plugin.namespace, name=plugin.name,
                  image=plugin.url.removeprefix("oci://"), phase=phase, priority=priority,
                  in_root=plugin.namespace == mesh.root)


def _reorder(earlier: Sequence[tuple[int, ExistingPlugin]], mesh: Mesh,
             priorities: Mapping[str, int]) -> list[Reordered]:
    return [Reordered(plugin, mesh.root, priorities[f"plugin:{index}"])
            for index, plugin in earlier]


def _convert_mesh(
    candidates: Sequence[Candidate],
    earlier: Sequence[tuple[int, ExistingPlugin]],
    inventory: Inventory,
    options: Options,
) -> tuple[dict[int, Conversion], list[Reordered]]:
    mesh = candidates[0].mesh
    ranked = [_ranked(c) for c in candidates]
    ranked += [_ranked_earlier(index, plugin, mesh) for index, plugin in earlier]
    assignment = assign_priorities(ranked)
    workloads = WorkloadIndex.build(mesh, inventory.workloads, inventory.services)
    conversions = {}
    for candidate in candidates:
        ext = candidate.extension
        priority = assignment.priorities[str(candidate.index)]
        plan, found = _plan(candidate, priority, workloads, options, inventory)
        found += field_findings(ext, plan)
        if priority != candidate.priority:
            found.append(checks.renumbered_finding(ext, candidate.priority, priority))
        conversions[candidate.index] = Conversion(
            ext, wasm_plugin(ext, plan), tuple(found),
            candidate.mesh.root, candidate.phase, candidate.priority)
    return conversions, _reorder(earlier, mesh, assignment.priorities)


@dataclass(frozen=True)
class _Converted:
    """One cluster scope's conversions, before the findings about the whole scope."""

    scope: str
    inventory: Inventory  # what the scope reads
    meshes: tuple[Mesh, ...]
    conversions: tuple[Conversion, ...]  # in the order of `inventory.extensions`
    reordered: tuple[Reordered, ...]


def _convert_scope(inventory: Inventory, options: Options, scope: str) -> _Converted:
    meshes = build_meshes(inventory, options.control_plane_namespace, scope)
    notes: list[list[Finding]] = []
    by_mesh: dict[str, list[Candidate]] = {}
    for index, extension in enumerate(inventory.extensions):
        candidate, found = _candidate(index, extension, meshes, options)
        notes.append(found)
        if candidate is not None:
            by_mesh.setdefault(candidate.mesh.root, []).append(candidate)
    converted: dict[int, Conversion] = {}
    reordered: list[Reordered] = []
    for candidates in by_mesh.values():
        earlier = _earlier(inventory, candidates[0].mesh, meshes, options)
        done, again = _convert_mesh(candidates, earlier, inventory, options)
        converted.update(done)
        reordered += again
    conversions = tuple(
        _merge(ext, notes[i], converted.get(i)) for i, ext in enumerate(inventory.extensions)
    )
    return _Converted(scope, inventory, meshes, conversions, tuple(reordered))


def _findings(part: _Converted, options: Options) -> list[Finding]:
    return checks.run_level_findings(part.inventory, part.meshes, part.conversions,
                                     part.reordered, options)


def _cluster(part: _Converted) -> ClusterMigration:
    return ClusterMigration(part.scope, part.conversions, part.meshes, part.reordered)


def migrate(inventory: Inventory, options: Options) -> Migration:
    scopes = inventory.scopes
    if len(scopes) == 1:
        part = _convert_scope(inventory, options, scopes[0])
        return Migration(part.conversions, sort_findings(_findings(part, options)), part.meshes,
                         part.reordered, (_cluster(part),))
    return _migrate_clusters(inventory, options, scopes)


def _migrate_clusters(inventory: Inventory, options: Options, scopes: Sequence[str]
                      ) -> Migration:
    """Each cluster scope on its own; an extension several read (a shared base) is converted
    only when they all give it the same WasmPlugin."""
    parts = [_convert_scope(inventory.within(scope), options, scope) for scope in scopes]
    decided = shared.decide_conversions(
        inventory.extensions, [(p.scope, p.inventory.extensions, p.conversions) for p in parts])
    again = shared.decide_reordered([(p.scope, p.reordered) for p in parts])
    parts = [_settled(p, decided, again) for p in parts]
    found = [*inventory.findings, *again.findings]
    for part in parts:
        found += _findings(part, options)
    return Migration(tuple(decided.final[id(e)] for e in inventory.extensions),
                     sort_findings(found), tuple(m for p in parts for m in p.meshes),
                     tuple(again.merged([p.reordered for p in parts])),
                     tuple(_cluster(p) for p in parts))


def _settled(part: _Converted, decided: shared.Decided, again: shared.Renumbered
             ) -> _Converted:
    """The scope's part with what the scopes decided together: a shared extension they
    disagree on is not converted, a shared earlier plugin not renumbered."""
    conversions = tuple(decided.overridden.get(id(e), c) for e, c in zip(
        part.inventory.extensions, part.conversions, strict=True))
    reordered = tuple(r for r in part.reordered if id(r.plugin) in again.kept)
    return replace(part, conversions=conversions, reordered=reordered)


def _merge(extension: Extension, notes: list[Finding], converted: Conversion | None) -> Conversion:
    if converted is None:
        return Conversion(extension, None, tuple(notes))
    return Conversion(extension, converted.plugin, tuple(notes) + converted.findings,
                      converted.mesh_root, converted.phase, converted.priority)


def sort_findings(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    def key(f: Finding) -> tuple[str, int, str, str]:
        loc = f.location
        name = f.resource.display if f.resource else ""
        return (loc.path if loc else "", (loc.line or 0) if loc else 0, f.rule, name)

    return tuple(sorted(dict.fromkeys(findings), key=key))
