"""The read side's client, with the writes apply and rollback make (custom objects only).

Answers are read raw (`_preload_content=False`), so a 201 to a server-side apply that creates
is a body like a 200, never the `None` the generated client may return for it."""

from __future__ import annotations

from typing import Any

from migrate.cluster.refs import FIELD_MANAGER, Json, ObjectRef
from migrate.sources.cluster.client import KubeClient

APPLY_PATCH = "application/apply-patch+yaml"
MERGE_PATCH = "application/merge-patch+json"
DRY_RUN = "All"


class KubeWriter(KubeClient):
    def get(self, ref: ObjectRef) -> Json:
        return self._call(self._custom.get_namespaced_custom_object, *_where(ref), ref.name)

    def apply(self, ref: ObjectRef, body: Json, dry_run: bool) -> Json:
        """Server-side apply as our field manager (creates or updates)."""
        return self._call(self._custom.patch_namespaced_custom_object, *_where(ref), ref.name,
                          dict(body), field_manager=FIELD_MANAGER, _content_type=APPLY_PATCH,
                          **_dry(dry_run))

    def merge_patch(self, ref: ObjectRef, patch: Json, dry_run: bool) -> Json:
        return self._call(self._custom.patch_namespaced_custom_object, *_where(ref), ref.name,
                          dict(patch), field_manager=FIELD_MANAGER, _content_type=MERGE_PATCH,
                          **_dry(dry_run))

    def create(self, ref: ObjectRef, body: Json) -> Json:
        return self._call(self._custom.create_namespaced_custom_object, *_where(ref),
                          dict(body), field_manager=FIELD_MANAGER)

    def delete(self, ref: ObjectRef, preconditions: Json, dry_run: bool) -> Json:
        """Delete only the object we read (its uid and resourceVersion), else 409."""
        from kubernetes import client

        options = client.V1DeleteOptions(preconditions=client.V1Preconditions(
            uid=preconditions.get("uid"), resource_version=preconditions.get("resourceVersion")))
        return self._call(self._custom.delete_namespaced_custom_object, *_where(ref), ref.name,
                          body=options, **_dry(dry_run))


def _where(ref: ObjectRef) -> tuple[str, str, str, str]:
    return ref.group, ref.version, ref.namespace, ref.plural


def _dry(dry_run: bool) -> dict[str, Any]:
    return {"dry_run": DRY_RUN} if dry_run else {}
