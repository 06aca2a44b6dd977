"""What apply will do, as data: the steps in the order they run, what it refuses and why.

Pure: built from the migration and the objects read, no I/O. Creates come before deletes (for a
moment both run: safer than a moment with no auth filter), the control plane comes last."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from migrate.cluster.ownership import owner
from migrate.cluster.refs import Json, ObjectRef, metadata_of, ref_of
from migrate.inventory.annotations import SOURCE_ANNOTATION
from migrate.model import Resource
from migrate.semantics.checks import inactivity_reasons
from migrate.semantics.meshes import Mesh
from migrate.semantics.outcome import Conversion, Migration, Options, Reordered


class Verb(StrEnum):
    APPLY = "create"  # server-side apply of a new WasmPlugin
    REORDER = "set the priority of"  # merge patch of an earlier WasmPlugin
    DELETE = "delete"
    DISABLE = "remove techPreview.wasmExtensions from"  # merge patch of the SMCP


@dataclass(frozen=True)
class Step:
    verb: Verb
    ref: ObjectRef
    body: Json  # the plugin applied, or the merge patch; empty for a delete
    why: str = ""


@dataclass(frozen=True)
class Refusal:
    ref: ObjectRef
    reason: str
    gitops: bool = False  # owned by Argo CD, Flux or Helm


@dataclass(frozen=True)
class Flags:
    keep_extensions: bool = False
    update_control_plane: bool = False
    delete_inactive: bool = False
    force: bool = False
    saw_everything: bool = True  # every namespace was read: "no extension remains" can be known


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    refusals: tuple[Refusal, ...]
    notes: tuple[str, ...]
    adopted: tuple[ObjectRef, ...] = ()  # plugins an earlier run made, for extensions deleted now

    @property
    def touched(self) -> tuple[ObjectRef, ...]:
        """Objects that exist and will change: what the backup holds."""
        return tuple(dict.fromkeys(s.ref for s in self.steps if s.verb is not Verb.APPLY))

    @property
    def created(self) -> tuple[ObjectRef, ...]:
        return tuple(s.ref for s in self.steps if s.verb is Verb.APPLY)

    @property
    def made(self) -> tuple[ObjectRef, ...]:
        """The plugins a rollback of this run removes (if they are still ours)."""
        return (*self.created, *self.adopted)


@dataclass
class _Draft:
    applies: list[Step]
    reorders: list[Step]
    deletes: list[Step]
    disables: list[Step]
    refusals: list[Refusal]
    notes: list[str]
    adopted: list[ObjectRef]


def plan(migration: Migration, resources: Sequence[Resource], options: Options,
         flags: Flags) -> Plan:
    draft = _Draft([], [], [], [], [], [], [])
    live = {ref_of(r.body): r.body for r in resources if r.kind == "WasmPlugin"}
    for conversion in migration.conversions:
        _extension(draft, conversion, live, migration.meshes, options, flags)
    for reordered in migration.priority_updates:
        _reorder(draft, reordered, live, flags)
    if flags.update_control_plane and not flags.saw_everything:
        draft.notes.append("--update-control-plane: not done, the read did not see every "
                           "namespace (-n, or lists denied), so an extension may remain unseen")
    elif flags.update_control_plane:
        _control_planes(draft, migration.meshes, resources, flags)
    steps = (*draft.applies, *draft.reorders, *draft.deletes, *draft.disables)
    return Plan(steps, tuple(draft.refusals), tuple(draft.notes), tuple(draft.adopted))


def _reorder(draft: _Draft, reordered: Reordered, live: Mapping[ObjectRef, Json],
             flags: Flags) -> None:
    """An earlier WasmPlugin whose priority must change to keep its place among the new ones."""
    body = reordered.updated_body()
    ref = ref_of(body, reordered.plugin.namespace)
    patch = {"spec": {"priority": body["spec"]["priority"]}}
    _guarded(draft, draft.reorders, Step(Verb.REORDER, ref, patch), live.get(ref, {}), flags)


def _guarded(draft: _Draft, into: list[Step], step: Step, body: Json, flags: Flags) -> bool:
    """Add the step unless a GitOps tool or Helm owns the object (and --force is not given)."""
    managed_by = owner(body)
    if managed_by and not flags.force:
        draft.refusals.append(Refusal(step.ref, f"managed by {managed_by}: migrate the "
                                      "repository it comes from instead (or --force)", True))
        return False
    if managed_by:
        draft.notes.append(f"{step.ref} is managed by {managed_by}: changed anyway (--force); "
                           "it may put the object back")
    into.append(step)
    return True


def _extension(draft: _Draft, conversion: Conversion, live: Mapping[ObjectRef, Json],
               meshes: Sequence[Mesh], options: Options, flags: Flags) -> None:
    extension = conversion.extension
    sme = extension.resource.body
    sme_ref = ref_of(sme)
    if conversion.plugin is None:
        _unconverted(draft, conversion, meshes, options, flags)
        return
    plugin_ref = ref_of(conversion.plugin, extension.namespace)
    if owner(sme) and not flags.force:
        _guarded(draft, [], Step(Verb.DELETE, sme_ref, {}), sme, flags)
        return
    existing = live.get(plugin_ref)
    if existing is not None and SOURCE_ANNOTATION not in _annotations(existing):
        draft.refusals.append(Refusal(plugin_ref, "a WasmPlugin of that name exists and was "
                                      f"not made by sme-migrate: {sme_ref} is left as it is"))
        return
    if existing is None or not _same(existing, conversion.plugin):
        draft.applies.append(Step(Verb.APPLY, plugin_ref, conversion.plugin,
                                  f"replaces {sme_ref}"))
    if not flags.keep_extensions and _guarded(
            draft, draft.deletes, Step(Verb.DELETE, sme_ref, {}, f"replaced by {plugin_ref}"),
            sme, flags) and existing is not None:
        draft.adopted.append(plugin_ref)


def _unconverted(draft: _Draft, conversion: Conversion, meshes: Sequence[Mesh],
                 options: Options, flags: Flags) -> None:
    extension = conversion.extension
    ref = ref_of(extension.resource.body)
    reasons = inactivity_reasons(extension, _mesh_of(meshes, extension.namespace))
    failure = options.module_failures.get(extension.image)
    if reasons and flags.delete_inactive:
        _guarded(draft, draft.deletes, Step(Verb.DELETE, ref, {}, "inactive: "
                                            + "; ".join(reasons)), extension.resource.body, flags)
    elif reasons:
        draft.notes.append(f"{ref} is inactive ({'; '.join(reasons)}): left in place "
                           "(--delete-inactive deletes it; it still blocks the upgrade)")
    elif failure:
        draft.refusals.append(Refusal(ref, f"its module {extension.image} failed the check "
                                      f"({failure}): no WasmPlugin is created for it"))
    else:
        draft.notes.append(f"{ref} is not converted (see the findings): left in place")


def _control_planes(draft: _Draft, meshes: Sequence[Mesh], resources: Sequence[Resource],
                    flags: Flags) -> None:
    deleted = {s.ref for s in draft.deletes}
    extensions = [ref_of(r.body) for r in resources if r.kind == "ServiceMeshExtension"]
    for resource in resources:
        if resource.kind != "ServiceMeshControlPlane":
            continue
        mesh = _mesh_of(meshes, resource.namespace)
        remaining = [e for e in extensions if e not in deleted
                     and (mesh is None or mesh.contains(e.namespace) is not False)]
        patch = _disable_patch(resource.body)
        ref = ref_of(resource.body)
        if remaining:
            draft.notes.append(f"{ref} keeps techPreview.wasmExtensions: {len(remaining)} "
                               f"ServiceMeshExtension(s) of its mesh remain ("
                               f"{', '.join(f'{e.namespace}/{e.name}' for e in remaining)})")
        elif patch:
            _guarded(draft, draft.disables, Step(Verb.DISABLE, ref, patch), resource.body, flags)


def _disable_patch(smcp: Json) -> Json:
    """A merge patch dropping wasmExtensions (and techPreview when nothing else is in it)."""
    spec = smcp.get("spec") if isinstance(smcp.get("spec"), Mapping) else {}
    preview = spec.get("techPreview") if isinstance(spec, Mapping) else None
    if not isinstance(preview, Mapping) or "wasmExtensions" not in preview:
        return {}
    rest = {k: v for k, v in preview.items() if k != "wasmExtensions"}
    return {"spec": {"techPreview": {"wasmExtensions": None} if rest else None}}


def _mesh_of(meshes: Sequence[Mesh], namespace: str | None) -> Mesh | None:
    return next((m for m in meshes if m.contains(namespace)), None)


def _annotations(body: Json) -> Mapping[str, Any]:
    found = metadata_of(body).get("annotations")
    return found if isinstance(found, Mapping) else {}


def _same(live: Json, wanted: Json) -> bool:
    """Whether the live plugin already says what apply would say (then nothing is sent)."""
    labels = metadata_of(wanted).get("labels") or {}
    return (live.get("spec") == wanted.get("spec")
            and all(_annotations(live).get(k) == v for k, v in _annotations(wanted).items())
            and all((metadata_of(live).get("labels") or {}).get(k) == v
                    for k, v in labels.items()))
