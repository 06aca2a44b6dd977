"""Feed the module check into the conversion: manifest.yaml defaults, digests to pin, findings.

This is an I/O edge (it talks to registries); the conversion itself stays pure and only sees
the facts gathered here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from migrate.model import Extension, Finding, Inventory
from migrate.modules.api import ModuleOptions, ModuleReport, check_references
from migrate.semantics.effective import ModuleDefaults, resolve_config
from migrate.semantics.outcome import Options


def _first_by_image(extensions: Sequence[Extension]) -> dict[str, Extension]:
    first: dict[str, Extension] = {}
    for extension in extensions:
        if extension.image:
            first.setdefault(extension.image, extension)
    return first


def _plugin_config(extension: Extension) -> Mapping[str, Any] | None:
    outcome = resolve_config(extension)
    return outcome.plugin_config if outcome.representable else None


def check_images(inventory: Inventory, options: ModuleOptions) -> dict[str, ModuleReport]:
    """Each distinct image once, smoke-tested with the migrated configuration of its first user."""
    first = _first_by_image(inventory.extensions)
    configs = {image: _plugin_config(ext) for image, ext in first.items()}
    root_ids = {image: f"{ext.name}_root" for image, ext in first.items()}
    return check_references(list(first), options, configs, root_ids)


def fed_options(options: Options, reports: Mapping[str, ModuleReport], pin: bool) -> Options:
    defaults = {
        image: ModuleDefaults(report.manifest_phase, report.manifest_priority)
        for image, report in reports.items()
    }
    digests = {image: report.digest.removeprefix("sha256:") for image, report in reports.items()
               if pin and report.digest}
    return dataclasses.replace(options, module_defaults=defaults, module_digests=digests)


def located_findings(
    inventory: Inventory, reports: Mapping[str, ModuleReport]
) -> list[Finding]:
    """An image's findings, once for every extension that uses it (where a user reads them)."""
    found = []
    for extension in inventory.extensions:
        report = reports.get(extension.image)
        resource = extension.resource
        for finding in report.findings if report else ():
            found.append(dataclasses.replace(
                finding, resource=resource.ref, location=resource.location_of("spec.image")))
    return found
