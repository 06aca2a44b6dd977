"""The stages every manifest job shares: load the inputs, check the modules, migrate, and
split the findings into kept and suppressed."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from migrate.inventory.load import Loaded, Scoping, load
from migrate.model import Finding, ScanReport, scanned_of
from migrate.modules.copies import Repackaged
from migrate.pipeline.errors import UsageError
from migrate.pipeline.request import InputRequest, ModuleRequest
from migrate.pipeline.roots import check_mesh_roots
from migrate.semantics.migration import migrate, sort_findings
from migrate.semantics.outcome import Migration, Options
from migrate.settings import suppress
from migrate.sources.cluster.request import ClusterRequest
from migrate.sources.stdin import StdinUnavailable


@dataclass(frozen=True)
class MigrationRun:
    loaded: Loaded
    options: Options  # as fed by the module checks
    migration: Migration  # its findings include the module checks'
    repackaged: tuple[Repackaged, ...] = ()  # Istio copies of Maistra-format images


def load_inputs(request: InputRequest) -> Loaded:
    if request.cluster is not None:
        return _load_cluster(request.cluster)
    if request.mesh_roots is not None:
        check_mesh_roots(request.mesh_roots, request.paths)
    try:
        return load(request.paths, request.stdin if "-" in request.paths else None,
                    request.progress, request.stdin_filename, Scoping(request.mesh_roots))
    except FileNotFoundError as error:
        raise UsageError(f"no such file or directory: {error.filename or error}") from error
    except StdinUnavailable as error:
        raise UsageError(str(error)) from error


def _load_cluster(request: ClusterRequest) -> Loaded:
    from migrate.inventory.cluster import load_cluster  # the kubernetes client loads here
    from migrate.sources.cluster import ClusterError

    try:
        return load_cluster(request)
    except ClusterError as error:
        raise UsageError(error.message) from error


@dataclass(frozen=True)
class CheckedRun:
    options: Options  # fed with what the images say
    findings: list[Finding]  # the images' findings, placed at each user
    repackaged: tuple[Repackaged, ...] = ()


def checked_modules(loaded: Loaded, options: Options, modules: ModuleRequest | None,
                    push: bool = False) -> CheckedRun:
    """The module checks, and with `--repackage-to` the Istio copies (pushed only with
    `push`: a scan, a diff or a dry run never writes to a registry)."""
    if modules is None:
        return CheckedRun(options, [])
    from migrate.modules.errors import ModuleError
    from migrate.pipeline import modules as feed

    inventory = loaded.inventory
    try:
        checked = feed.CheckedModules(feed.check_images(inventory, modules.options))
        if modules.repackage_to:
            checked = feed.repackage_images(inventory, checked.reports, modules.options,
                                            modules.repackage_to, push)
    except ModuleError as error:  # a broken registry configuration: nothing can be fetched
        raise UsageError(error.message) from error
    fed = feed.fed_options(options, checked.reports, modules.pin, checked.replacements)
    return CheckedRun(fed, feed.located_findings(inventory, checked.reports), checked.repackaged)


def run_migration(request: InputRequest, push: bool = False) -> MigrationRun:
    """`push`: the caller emits what it converts, so Istio copies are pushed (not planned)."""
    return migrate_loaded(request, load_inputs(request), push)


def migrate_loaded(request: InputRequest, loaded: Loaded, push: bool = False) -> MigrationRun:
    """The stages after loading (apply adjusts what was loaded in between)."""
    options = request.options
    if request.cluster is not None:  # every policy and route was listed (a 403 says so itself)
        options = dataclasses.replace(options, policies_complete=True)
    checked = checked_modules(loaded, options, request.modules, push)
    migration = migrate(loaded.inventory, checked.options)
    if checked.findings:
        findings = sort_findings([*migration.findings, *checked.findings])
        migration = dataclasses.replace(migration, findings=findings)
    return MigrationRun(loaded, checked.options, migration, checked.repackaged)


def suppressed(
    request: InputRequest, loaded: Loaded, findings: Sequence[Finding]
) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(kept, suppressed) under the request's suppressions and the resources' annotations."""
    annotations = suppress.annotations_of(loaded.resources)
    return suppress.apply(findings, request.suppressions, annotations)


def scan_report(run: MigrationRun, kept: Sequence[Finding], hidden: Sequence[Finding],
                converted: int) -> ScanReport:
    return ScanReport(
        findings=tuple(kept),
        suppressed=tuple(hidden),
        files_scanned=run.loaded.files_scanned,
        cluster_context=run.loaded.cluster_context,
        extensions=len(run.migration.conversions),
        converted=converted,
        scanned=scanned_of(run.loaded.resources),
    )
