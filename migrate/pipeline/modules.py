"""Feed the module check into the conversion: manifest.yaml defaults, digests to pin, findings.

This is an I/O edge (it talks to registries); the conversion itself stays pure and only sees
the facts gathered here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from migrate.model import Extension, Finding, Inventory, Severity
from migrate.modules.api import ModuleOptions, ModuleReport, check_references
from migrate.modules.errors import ModuleError
from migrate.modules.formats import ImageFormat
from migrate.modules.reference import parse_reference
from migrate.rules.ids import RuleId
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


MAX_REASONS = 2
MAISTRA_FORMAT_RULE = RuleId.MAISTRA_FORMAT_IMAGE


def fed_options(options: Options, reports: Mapping[str, ModuleReport], pin: bool) -> Options:
    """The conversion's options with what the module check found: manifest.yaml defaults,
    the images whose check failed (not converted), and with `pin` the digests to pin."""
    defaults = {
        image: ModuleDefaults(report.manifest_phase, report.manifest_priority)
        for image, report in reports.items()
    }
    failures = {image: reason for image, report in reports.items()
                if (reason := failure_reason(report))}
    digests = {image: digest for image, report in reports.items()
               if pin and image not in failures and (digest := pinnable_digest(report))}
    return dataclasses.replace(options, module_defaults=defaults, module_digests=digests,
                               module_failures=failures)


def pinnable_digest(report: ModuleReport) -> str | None:
    """The manifest digest Istio compares spec.sha256 with; never for a Maistra-format image
    (Istio cannot load it: the repackaged copy is what gets pinned)."""
    if report.format in (None, ImageFormat.MAISTRA.value, ImageFormat.FILE.value):
        return None
    return report.digest.removeprefix("sha256:") if report.digest else None


def failure_reason(report: ModuleReport) -> str | None:
    """Why the image failed its check (its error findings), in a sentence; None: it passed."""
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    maistra = report.format == ImageFormat.MAISTRA.value
    others = [f for f in errors if not (maistra and f.rule == MAISTRA_FORMAT_RULE)]
    parts = [_repackage_advice(report.reference)] if maistra and errors else []
    if others:
        parts.append(f"the module check of {report.reference} failed: {_listed(others, report)}")
    return "; and ".join(parts) or None


def _repackage_advice(reference: str) -> str:
    return (f"{reference} is a Maistra-format image, which Istio cannot load (nor pin); "
            f"repackage it with `{repackage_command(reference)}` (or any repository you can "
            "push to) and set spec.image to the copy")


def _listed(errors: Sequence[Finding], report: ModuleReport) -> str:
    shown = [f"{f.rule} {_unprefixed(f.message, report.reference)}" for f in errors]
    more = f"; and {len(shown) - MAX_REASONS} more" if len(shown) > MAX_REASONS else ""
    return "; ".join(shown[:MAX_REASONS]) + more


def repackage_command(reference: str) -> str:
    return f"sme-migrate modules repackage {reference} --to {_repackaged_name(reference)}"


def _repackaged_name(reference: str) -> str:
    """Where the copy could go: the same repository, the tag with an `-istio` suffix."""
    try:
        parsed = parse_reference(reference)
    except ModuleError:
        return "REGISTRY/REPOSITORY:TAG"
    tag = f"{parsed.tag}-istio" if parsed.tag else "istio"
    return f"{parsed.registry}/{parsed.repository}:{tag}"


def _unprefixed(message: str, reference: str) -> str:
    return message.removeprefix(f"{reference}: ")


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
