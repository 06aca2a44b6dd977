"""`rewrite`: replace the extensions in the files themselves; black's exit statuses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from migrate.inventory.templates import extensions_in, is_template
from migrate.model import Inventory, ScanReport
from migrate.modules.copies import Repackaged
from migrate.pipeline.request import InputRequest
from migrate.pipeline.stages import MigrationRun, run_migration, scan_report, suppressed
from migrate.pipeline.status import ExitCode, failing
from migrate.rewrite.apply import WriteFailure, read_sources, unified_diff, write_changes
from migrate.rewrite.findings import report_findings
from migrate.rewrite.inputs import files_to_read, hidden_extensions, withheld_files
from migrate.rewrite.plan import RewriteInput, RewritePlan, plan_rewrite
from migrate.rewrite.tally import as_written
from migrate.semantics.outcome import Conversion, Migration


@dataclass(frozen=True)
class RewriteRequest:
    inputs: InputRequest
    check: bool = False  # write nothing; a file that would change fails
    diff: bool = False  # write nothing; return a unified diff
    pause_after_write: float = 0.0  # seconds after each file, for the interruption test

    @property
    def writes(self) -> bool:
        return not (self.check or self.diff)


@dataclass(frozen=True)
class RewriteResult:
    plan: RewritePlan
    diff: str  # the unified diff, when asked for
    failures: tuple[WriteFailure, ...]  # files not read or not written, with the reason
    report: ScanReport  # the findings as they stand after the rewrite
    written: bool  # False for --check and --diff
    exit_code: ExitCode
    migration: Migration | None = None
    inventory: Inventory | None = None  # what the migration read (for the chain view)
    repackaged: tuple[Repackaged, ...] = ()  # Istio copies the plugins point at

    @property
    def replaced(self) -> tuple[Conversion, ...]:
        """The conversions the plan wrote into the files."""
        done = {e.resource.ref for e in self.plan.replaced}
        conversions = self.migration.conversions if self.migration else ()
        return tuple(c for c in conversions if c.extension.resource.ref in done)

    @property
    def changed_paths(self) -> tuple[str, ...]:
        failed = {failure.path for failure in self.failures}
        return tuple(c.path for c in self.plan.changes if c.path not in failed)


def rewrite(request: RewriteRequest) -> RewriteResult:
    run = run_migration(request.inputs, push=request.writes)
    given, unreadable = _rewrite_input(run, request.inputs.paths)
    plan = plan_rewrite(given)
    diff = "".join(unified_diff(change) for change in plan.changes) if request.diff else ""
    failures = list(unreadable)
    if request.writes:
        written = write_changes(plan.changes, request.pause_after_write)
        failures += written.failures
        plan = as_written(plan, written.paths)  # the report claims only what was written
    findings = report_findings(run.migration.findings, plan)
    kept, hidden = suppressed(request.inputs, run.loaded, findings)
    report = scan_report(run, kept, hidden, converted=len(plan.replaced))
    code = _exit_code(request, plan, failures, failing(kept, request.inputs.fail_on))
    return RewriteResult(plan, diff, tuple(failures), report, request.writes, code,
                         run.migration, run.loaded.inventory, run.repackaged)


def _rewrite_input(run: MigrationRun, named: Sequence[str]
                   ) -> tuple[RewriteInput, list[WriteFailure]]:
    loaded, migration = run.loaded, run.migration
    templates = tuple(found for resource in loaded.resources if is_template(resource)
                      for found in extensions_in(resource))
    paths = files_to_read(migration, loaded.inventory, loaded.kustomizations,
                          [found.template for found in templates])
    sources, unreadable = read_sources(paths)
    given = RewriteInput(
        sources=sources,
        migration=migration,
        inventory=loaded.inventory,
        kustomizations=loaded.kustomizations,
        hidden_extensions=tuple(hidden_extensions(loaded.inventory)),
        control_plane_namespace=run.options.control_plane_namespace,
        withheld=withheld_files(sources, named),
        templates=templates,
        options=run.options,
    )
    return given, unreadable


def _exit_code(request: RewriteRequest, plan: RewritePlan, failures: list[WriteFailure],
               findings_fail: bool) -> ExitCode:
    if failures:
        return ExitCode.ERROR
    if findings_fail or (request.check and plan.changes):
        return ExitCode.FINDINGS
    return ExitCode.CLEAN
