"""Gather what a rewrite needs from the paths the user named (the I/O before the plan)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from migrate.inventory.load import Loaded
from migrate.inventory.patches import entries
from migrate.model import Finding, Inventory, Location, Resource
from migrate.rewrite import safety
from migrate.rewrite.apply import WriteFailure, read_sources
from migrate.rewrite.plan import RewriteInput
from migrate.semantics.migration import migrate
from migrate.semantics.outcome import Migration, Options

UNPARSABLE_FILE = "SME013"
EXTENSION_KIND = b"ServiceMeshExtension"


@dataclass(frozen=True)
class Prepared:
    given: RewriteInput
    migration: Migration
    unreadable: tuple[WriteFailure, ...]
    files_scanned: int


def prepare(paths: Sequence[str], loaded: Loaded, options: Options) -> Prepared:
    kustomizations, inventory = loaded.kustomizations, loaded.inventory
    migration = migrate(inventory, options)
    sources, unreadable = read_sources(_files_to_read(migration, inventory, kustomizations))
    roots = safety.named_roots(paths)
    given = RewriteInput(
        sources=sources,
        migration=migration,
        inventory=inventory,
        kustomizations=kustomizations,
        hidden_extensions=tuple(_hidden_extensions(inventory)),
        control_plane_namespace=options.control_plane_namespace,
        withheld=_withheld(sources, roots),
    )
    return Prepared(given, migration, tuple(unreadable), loaded.files_scanned)


def _withheld(paths: Iterable[str], roots: Sequence[str]) -> dict[str, Finding]:
    found = {path: safety.withheld(path, roots) for path in paths}
    return {path: finding for path, finding in found.items() if finding is not None}


def _files_to_read(migration: Migration, inventory: Inventory,
                   kustomizations: Sequence[Resource]) -> list[str]:
    resources = [c.extension.resource for c in migration.conversions if c.plugin is not None]
    resources += [c.resource for c in inventory.control_planes if c.wasm_extensions is not None]
    resources += [r.plugin.resource for r in migration.priority_updates]
    resources += kustomizations
    paths = [r.location.path for r in resources if r.location is not None]
    return paths + sorted({p for k in kustomizations for e in entries(k) if (p := e.file())
                           and os.path.isfile(p)})


def _hidden_extensions(inventory: Inventory) -> Iterator[Location]:
    """Unparsable files that mention a ServiceMeshExtension: it still exists after a rewrite."""
    for finding in inventory.findings:
        location = finding.location
        if finding.rule == UNPARSABLE_FILE and location is not None and _mentions(location.path):
            yield location


def _mentions(path: str) -> bool:
    try:
        return EXTENSION_KIND in Path(path).read_bytes()
    except OSError:
        return False
