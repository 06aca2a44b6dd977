"""Feed the module check into the conversion: manifest.yaml defaults, digests to pin, findings.

This is an I/O edge (it talks to registries); the conversion itself stays pure and only sees
the facts gathered here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from migrate import rules
from migrate.model import Extension, Finding, Inventory, Severity
from migrate.modules.api import ModuleOptions, ModuleReport, check_references
from migrate.modules.copies import Delivery, Repackaged
from migrate.modules.errors import ModuleError
from migrate.modules.formats import ImageFormat
from migrate.modules.publish import RepackageResult, repackage
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
    return _check_as_used(inventory, options, {image: image for image in first})


def _check_as_used(inventory: Inventory, options: ModuleOptions,
                   refs: Mapping[str, str]) -> dict[str, ModuleReport]:
    """The report of `refs[image]` for each image, started as the first user of `image` is."""
    first = _first_by_image(inventory.extensions)
    configs = {ref: _plugin_config(first[image]) for image, ref in refs.items()}
    root_ids = {ref: f"{first[image].name}_root" for image, ref in refs.items()}
    checked = check_references(list(refs.values()), options, configs, root_ids)
    return {image: checked[ref] for image, ref in refs.items()}


@dataclass(frozen=True)
class CheckedModules:
    reports: Mapping[str, ModuleReport]  # by image as named; a repackaged one: its copy's
    repackaged: tuple[Repackaged, ...] = ()

    @property
    def replacements(self) -> dict[str, str]:
        """The copy by digest for each image repackaged (or, in a scan, to be)."""
        return {copy.source: copy.reference for copy in self.repackaged}


def repackage_images(inventory: Inventory, reports: Mapping[str, ModuleReport],
                     options: ModuleOptions, prefix: str, push: bool) -> CheckedModules:
    """Each Maistra-format image whose module passed, rebuilt once for Istio under `prefix`
    (pushed only with `push`, reused when already there), and the copy checked like any
    image; its report then stands for the image."""
    wanted = [image for image, report in reports.items() if repackageable(report)]
    targets = {image: destination_of(image, prefix) for image in wanted}
    results = {image: _repackage_one(image, targets, options, push) for image in targets}
    copies = {image: Repackaged(image, str(result.destination), result.delivery)
              for image, result in results.items() if result.delivery is not None}
    stored = {image: copy.reference for image, copy in copies.items()
              if copy.delivery is not Delivery.PLANNED}
    checked = _check_as_used(inventory, options, stored) if stored else {}
    updated = dict(reports)
    for image, result in results.items():
        updated[image] = _after_repackaging(reports[image], targets[image], result,
                                            checked.get(image))
    return CheckedModules(updated, tuple(copies.values()))


def _repackage_one(image: str, targets: Mapping[str, str], options: ModuleOptions,
                   push: bool) -> RepackageResult:
    """One copy; none where two images would share a destination (each push would move the
    tag away from the other, and no run would ever find its copy there again)."""
    target = targets[image]
    others = sorted(other for other, name in targets.items() if name == target and other != image)
    if not others:
        return repackage(image, target, options, push)
    message = (f"{', '.join(others)} would be pushed as {target} too; repackage them under "
               "distinct names with `sme-migrate modules repackage SRC --to DST`")
    return RepackageResult(image, None, (rules.finding(RuleId.REPACKAGE_FAILED, message),))


def repackageable(report: ModuleReport) -> bool:
    """A Maistra-format image whose only error is its format (a broken module stays broken)."""
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    return (report.format == ImageFormat.MAISTRA.value and bool(errors)
            and all(f.rule == MAISTRA_FORMAT_RULE for f in errors))


def destination_of(image: str, prefix: str) -> str:
    """`PREFIX/<repository basename>:<tag>` (a digest-only image: tag `sha256-<hex>`)."""
    parsed = parse_reference(image)
    basename = parsed.repository.rsplit("/", 1)[-1]
    tag = parsed.tag or (parsed.digest.replace(":", "-") if parsed.digest else "latest")
    return f"{prefix.rstrip('/')}/{basename}:{tag}"


def _after_repackaging(source: ModuleReport, target: str, result: RepackageResult,
                       copy: ModuleReport | None) -> ModuleReport:
    """What the image's users are told: the copy's check, the plan, or why it failed."""
    if result.delivery is None:
        reasons = "; ".join(f.message for f in result.findings
                            if f.severity is Severity.ERROR) or "nothing was pushed"
        failed = _repackage_finding(RuleId.REPACKAGE_FAILED, source.reference,
                                    f"repackaging it for Istio as {target} failed: {reasons}")
        return dataclasses.replace(source, findings=(*source.findings, failed))
    said = _repackage_finding(RuleId.IMAGE_REPACKAGED, source.reference,
                              f"repackaged for Istio as {result.destination} "
                              f"({result.delivery}); the plugins point at the copy by digest")
    if copy is None:  # planned: the copy as built, which read back as Istio's format
        kept = [f for f in source.findings if f.rule != MAISTRA_FORMAT_RULE]
        digest = str(result.destination).partition("@")[2]
        return dataclasses.replace(source, format=ImageFormat.OCI_COMPAT.value, digest=digest,
                                   index_digest=None, findings=(*kept, said))
    return dataclasses.replace(copy, manifest_phase=source.manifest_phase,
                               manifest_priority=source.manifest_priority,
                               findings=(said, *copy.findings))


def _repackage_finding(rule: RuleId, reference: str, message: str) -> Finding:
    return rules.finding(rule, f"{reference}: {message}")


MAX_REASONS = 2
MAISTRA_FORMAT_RULE = RuleId.MAISTRA_FORMAT_IMAGE


def fed_options(options: Options, reports: Mapping[str, ModuleReport], pin: bool,
                replacements: Mapping[str, str] | None = None) -> Options:
    """The conversion's options with what the module check found: manifest.yaml defaults,
    the images whose check failed (not converted), with `pin` the digests to pin, and the
    Istio-format copies that replace Maistra-format images."""
    defaults = {
        image: ModuleDefaults(report.manifest_phase, report.manifest_priority)
        for image, report in reports.items()
    }
    failures = {image: reason for image, report in reports.items()
                if (reason := failure_reason(report))}
    digests = {image: digest for image, report in reports.items()
               if pin and image not in failures and (digest := pinnable_digest(report))}
    kept = {image: copy for image, copy in (replacements or {}).items() if image not in failures}
    return dataclasses.replace(options, module_defaults=defaults, module_digests=digests,
                               module_failures=failures, image_replacements=kept)


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
