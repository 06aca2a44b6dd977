"""The I/O edge of a file scan: read the paths, normalise, add the workloads that matter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import BinaryIO

from migrate.inventory import build_inventory
from migrate.kustomize_patches import find_patches
from migrate.model import Inventory, Resource
from migrate.sources.files import read_paths, read_workloads
from migrate.workloads import workloads_of

GATEWAY_NEEDLES = (b"gateway", b"proxyv2")


@dataclass(frozen=True)
class Loaded:
    inventory: Inventory
    resources: tuple[Resource, ...]
    files_scanned: int


def workload_needles(inventory: Inventory) -> set[bytes]:
    """Byte strings a workload file must contain to possibly matter for a selector."""
    needles = set(GATEWAY_NEEDLES)
    for extension in inventory.extensions:
        if extension.selector:
            needles.update(value.encode() for _, value in extension.selector if value)
        elif extension.namespace:
            needles.add(extension.namespace.encode())
    return needles


def load(paths: Sequence[str], stdin: BinaryIO | None = None) -> Loaded:
    scan = read_paths(paths, stdin)
    patches = find_patches(scan.resources)
    resources = [r for r in scan.resources if not patches.is_patch(r)]
    inventory = build_inventory(resources, scan.findings + patches.findings)
    if inventory.extensions and scan.workload_files:
        extra = read_workloads(scan.workload_files, workload_needles(inventory))
        found = tuple(w for r in extra for w in workloads_of(r))
        inventory = replace(inventory, workloads=inventory.workloads + found)
    return Loaded(inventory, scan.resources, scan.files_scanned)
