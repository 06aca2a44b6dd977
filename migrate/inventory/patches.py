"""Kustomize patches that target ServiceMeshExtensions.

A strategic-merge patch file looks like a resource (`kind: ServiceMeshExtension`, a name, a few
fields) but is only a fragment: treating it as an extension would report a broken one. Its
kustomization entry is reported instead (after the migration it must target the WasmPlugin).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from migrate import rules
from migrate.model import Finding, Resource
from migrate.rules.ids import RuleId
from migrate.sources.kustomize import KUSTOMIZATION_NAMES, PATCH_FIELDS

SME_KIND = "ServiceMeshExtension"


@dataclass(frozen=True)
class PatchScan:
    patch_files: frozenset[str]  # absolute paths of files a kustomization uses as patches
    findings: tuple[Finding, ...]

    def is_patch(self, resource: Resource) -> bool:
        location = resource.location
        return location is not None and os.path.abspath(location.path) in self.patch_files


@dataclass(frozen=True)
class PatchEntry:
    kustomization: Resource
    field: str
    index: int
    entry: Any

    @property
    def key(self) -> str:
        return f"{self.field}.{self.index}"

    def file(self) -> str | None:
        """The patch file this entry names, as an absolute path."""
        path = self.entry if isinstance(self.entry, str) else _mapping(self.entry).get("path")
        if not isinstance(path, str) or "\n" in path or self.kustomization.location is None:
            return None
        base = os.path.dirname(os.path.abspath(self.kustomization.location.path))
        return os.path.normpath(os.path.join(base, path))


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def entries(kustomization: Resource) -> Iterator[PatchEntry]:
    for field in PATCH_FIELDS:
        values = kustomization.body.get(field)
        for index, entry in enumerate(values if isinstance(values, list) else []):
            yield PatchEntry(kustomization, field, index, entry)


def _inline_kinds(text: str) -> set[str]:
    try:
        return {str(_mapping(d).get("kind")) for d in yaml.safe_load_all(text)}
    except yaml.YAMLError:
        return set()


def _targets_sme(entry: PatchEntry, file_kinds: Mapping[str, set[str]]) -> bool:
    if _mapping(_mapping(entry.entry).get("target")).get("kind") == SME_KIND:
        return True
    inline = entry.entry if isinstance(entry.entry, str) else _mapping(entry.entry).get("patch")
    if isinstance(inline, str) and "\n" in inline and SME_KIND in _inline_kinds(inline):
        return True
    path = entry.file()
    return path is not None and SME_KIND in file_kinds.get(path, set())


def _finding(entry: PatchEntry) -> Finding:
    resource = entry.kustomization
    what = f"the patch file {entry.entry!r}" if isinstance(entry.entry, str) and "\n" not in (
        entry.entry) else "this patch"
    return rules.finding(
        RuleId.KUSTOMIZE_PATCH_TARGET,
        f"{entry.field}[{entry.index}]: {what} targets a ServiceMeshExtension; after the "
        "migration it must target the WasmPlugin",
        resource.ref,
        resource.location_of(entry.key),
    )


def is_kustomization(resource: Resource) -> bool:
    """By kind, or by file name: kustomize does not require apiVersion and kind."""
    location = resource.location
    named = location is not None and os.path.basename(location.path) in KUSTOMIZATION_NAMES
    return resource.kind == "Kustomization" or (named and not resource.kind)


def find_patches(resources: Sequence[Resource]) -> PatchScan:
    kustomizations = [r for r in resources if is_kustomization(r)]
    patch_entries = [entry for k in kustomizations for entry in entries(k)]
    patch_files = frozenset(filter(None, (entry.file() for entry in patch_entries)))
    file_kinds: dict[str, set[str]] = {}
    for resource in resources:
        location = resource.location
        if location and (path := os.path.abspath(location.path)) in patch_files:
            file_kinds.setdefault(path, set()).add(resource.kind)
    findings = tuple(_finding(e) for e in patch_entries if _targets_sme(e, file_kinds))
    return PatchScan(patch_files, findings)
