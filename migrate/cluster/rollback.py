"""Undo an apply from its backup: put the extensions back first (for a moment both run again),
then the control plane and reordered plugins, then remove the WasmPlugins the run created, and
only those that still carry our annotation and field manager."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from migrate.cluster.backup import Backup
from migrate.cluster.refs import FIELD_MANAGER, Json, ObjectRef, metadata_of, ref_of
from migrate.cluster.writer import KubeWriter
from migrate.inventory.annotations import SOURCE_ANNOTATION
from migrate.sources.cluster.errors import ApiStatus, ClusterError

SERVER_FIELDS = ("uid", "resourceVersion", "managedFields", "creationTimestamp", "generation",
                 "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds")


@dataclass(frozen=True)
class RolledBack:
    done: tuple[str, ...]
    notes: tuple[str, ...]
    refused: tuple[str, ...]
    failed: str = ""


@dataclass
class _Log:
    done: list[str]
    notes: list[str]
    refused: list[str]

    def result(self, failed: str = "") -> RolledBack:
        return RolledBack(tuple(self.done), tuple(self.notes), tuple(self.refused), failed)


def restored(body: Json) -> tuple[dict[str, Any], str]:
    """The object to create again, and a note when its phase had to come from its status."""
    metadata = {k: v for k, v in metadata_of(body).items() if k not in SERVER_FIELDS}
    spec = dict(body.get("spec") or {})
    status = body.get("status") if isinstance(body.get("status"), Mapping) else {}
    note = ""
    if (body.get("apiVersion") == "maistra.io/v1" and not spec.get("phase")
            and isinstance(status, Mapping) and status.get("phase")):
        spec["phase"] = status["phase"]
        note = (f"{ref_of(body)} had no spec.phase (allowed before OSSM 2.1, refused by later "
                f"CRDs): restored with phase {status['phase']}, the phase it ran with")
    kept = {k: v for k, v in body.items() if k not in ("metadata", "spec", "status")}
    return {**kept, "metadata": metadata, "spec": spec}, note


def roll_back(saved: Backup, writer: KubeWriter) -> RolledBack:
    log = _Log([], [], [])
    try:
        for body in sorted(saved.objects, key=_control_plane_first):
            _restore(writer, body, log)
        for ref in saved.created:
            _remove(writer, ref, log)
    except (ApiStatus, ClusterError) as error:
        text = error.message if isinstance(error, ClusterError) else str(error)
        return log.result(text)
    return log.result()


def _control_plane_first(body: Json) -> bool:
    """The cacher comes back on before the extensions it serves."""
    return body.get("kind") != "ServiceMeshControlPlane"


def _live(writer: KubeWriter, ref: ObjectRef) -> Json | None:
    try:
        return writer.get(ref)
    except ApiStatus as status:
        if status.missing:
            return None
        raise


def _restore(writer: KubeWriter, body: Json, log: _Log) -> None:
    ref = ref_of(body)
    live = _live(writer, ref)
    if ref.kind == "ServiceMeshExtension":
        if live is not None:
            log.notes.append(f"{ref} is there already: left as it is")
            return
        restoring, note = restored(body)
        writer.create(ref, restoring)
        log.done.append(f"restored {ref}")
        log.notes.extend([note] if note else [])
        return
    patch = _spec_patch(ref, body)
    if live is None or all((live.get("spec") or {}).get(k) == v for k, v in patch.items()):
        return
    writer.merge_patch(ref, {"spec": patch}, dry_run=False)
    log.done.append(f"restored {', '.join(patch)} of {ref}")


def _spec_patch(ref: ObjectRef, body: Json) -> dict[str, Any]:
    """What apply changed in an object it did not delete (None: the field was not there)."""
    spec = body.get("spec") or {}
    field = "techPreview" if ref.kind == "ServiceMeshControlPlane" else "priority"
    return {field: spec.get(field)}


def _remove(writer: KubeWriter, ref: ObjectRef, log: _Log) -> None:
    live = _live(writer, ref)
    if live is None:
        return
    if not ours(live):
        log.refused.append(f"{ref} was not left by sme-migrate (no {SOURCE_ANNOTATION} "
                           f"annotation or {FIELD_MANAGER} field manager): not removed")
        return
    writer.delete(ref, metadata_of(live), dry_run=False)
    log.done.append(f"removed {ref}")


def ours(body: Json) -> bool:
    metadata = metadata_of(body)
    annotations = metadata.get("annotations") or {}
    managers = [e.get("manager") for e in metadata.get("managedFields") or []
                if isinstance(e, Mapping)]
    return SOURCE_ANNOTATION in annotations and FIELD_MANAGER in managers
