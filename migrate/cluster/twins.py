"""A WasmPlugin an earlier apply made for an extension that is still there (--keep-extensions,
or a run stopped before its delete) is the same filter, not another one: leave it out of the
migration, so a re-run converts the extension exactly as the first run did."""

from __future__ import annotations

from dataclasses import replace

from migrate.inventory.annotations import SOURCE_ANNOTATION
from migrate.inventory.build import build_inventory
from migrate.inventory.cluster import distinct
from migrate.inventory.load import Loaded
from migrate.model import Resource


def without_twins(loaded: Loaded) -> Loaded:
    extensions = {(r.namespace, r.name) for r in loaded.resources
                  if r.kind == "ServiceMeshExtension"}
    kept = tuple(r for r in loaded.resources if not _twin(r, extensions))
    if len(kept) == len(loaded.resources):
        return loaded
    inventory = build_inventory(kept, loaded.inventory.findings)
    inventory = replace(inventory, workloads=distinct(inventory.workloads))
    return replace(loaded, inventory=inventory, resources=kept)


def _twin(resource: Resource, extensions: set[tuple[str | None, str]]) -> bool:
    annotations = resource.metadata.get("annotations")
    ours = isinstance(annotations, dict) and SOURCE_ANNOTATION in annotations
    return (resource.kind == "WasmPlugin" and ours
            and (resource.namespace, resource.name) in extensions)
