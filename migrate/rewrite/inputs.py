"""Which files a rewrite must read, and which extensions it cannot see (the input to the plan)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence

from migrate.inventory.patches import entries
from migrate.model import Finding, Inventory, Location, Resource
from migrate.rewrite import safety
from migrate.rules import RuleId
from migrate.semantics.outcome import Migration
from migrate.sources.bounded import file_mentions

EXTENSION_KIND = b"ServiceMeshExtension"


def files_to_read(migration: Migration, inventory: Inventory,
                  kustomizations: Sequence[Resource], templates: Sequence[Resource] = ()
                  ) -> list[str]:
    """Every file the plan may edit: converted extensions, extensions in templates, control
    planes, earlier plugins, kustomizations and the patch files they name."""
    resources = [c.extension.resource for c in migration.conversions if c.plugin is not None]
    resources += templates
    resources += [c.resource for c in inventory.control_planes if c.wasm_extensions is not None]
    resources += [r.plugin.resource for r in migration.priority_updates]
    resources += kustomizations
    paths = [r.location.path for r in resources if r.location is not None]
    return paths + sorted({p for k in kustomizations for e in entries(k) if (p := e.file())
                           and os.path.isfile(p)})


def withheld_files(paths: Iterable[str], named: Sequence[str]) -> dict[str, Finding]:
    """The files the rewrite must not replace (outside the named paths, hard links, read-only),
    each with the finding that says why."""
    roots = safety.named_roots(named)
    found = {path: safety.withheld(path, roots) for path in paths}
    return {path: finding for path, finding in found.items() if finding is not None}


def hidden_extensions(inventory: Inventory) -> Iterator[Location]:
    """Unparsable files that mention a ServiceMeshExtension: it still exists after a rewrite."""
    for finding in inventory.findings:
        location = finding.location
        if (finding.rule == RuleId.UNPARSABLE_FILE and location is not None
                and _mentions(location.path)):
            yield location


def _mentions(path: str) -> bool:
    try:
        return file_mentions(path, EXTENSION_KIND)  # the file may be over the size cap
    except OSError:
        return False
