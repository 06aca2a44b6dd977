"""The stages every manifest job shares: load the inputs, check the modules, migrate, and
split the findings into kept and suppressed."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from migrate.inventory.load import Loaded, load
from migrate.model import Finding, ScanReport, scanned_of
from migrate.pipeline.errors import UsageError
from migrate.pipeline.request import InputRequest, ModuleRequest
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


def load_inputs(request: InputRequest) -> Loaded:
    if request.cluster is not None:
        return _load_cluster(request.cluster)
    try:
        return load(request.paths, request.stdin if "-" in request.paths else None,
                    request.progress, request.stdin_filename)
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


def checked_modules(
    loaded: Loaded, options: Options, modules: ModuleRequest | None
) -> tuple[Options, list[Finding]]:
    """Options fed with what the images say, and the images' findings (placed at each user)."""
    if modules is None:
        return options, []
    from migrate.modules.errors import ModuleError
    from migrate.pipeline import modules as feed

    try:
        reports = feed.check_images(loaded.inventory, modules.options)
    except ModuleError as error:  # a broken registry configuration: nothing can be fetched
        raise UsageError(error.message) from error
    fed = feed.fed_options(options, reports, modules.pin)
    return fed, feed.located_findings(loaded.inventory, reports)


def run_migration(request: InputRequest) -> MigrationRun:
    return migrate_loaded(request, load_inputs(request))


def migrate_loaded(request: InputRequest, loaded: Loaded) -> MigrationRun:
    """The stages after loading (apply adjusts what was loaded in between)."""
    options = request.options
    if request.cluster is not None:  # every policy and route was listed (a 403 says so itself)
        options = dataclasses.replace(options, policies_complete=True)
    fed, module_findings = checked_modules(loaded, options, request.modules)
    migration = migrate(loaded.inventory, fed)
    if module_findings:
        findings = sort_findings([*migration.findings, *module_findings])
        migration = dataclasses.replace(migration, findings=findings)
    return MigrationRun(loaded, fed, migration)


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
