"""What `sme-migrate rewrite` does once its options are parsed (imported only for a rewrite)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import typer

from migrate.cli.common import ModuleRequest, checked_modules, load_or_fail
from migrate.model import Finding, ScanReport
from migrate.report import render
from migrate.rewrite.apply import WriteFailure, display_path, unified_diff, write_changes
from migrate.rewrite.findings import report_findings
from migrate.rewrite.plan import RewritePlan, plan_rewrite
from migrate.rewrite.run import Prepared, prepare
from migrate.rewrite.tally import as_written
from migrate.semantics.migration import sort_findings
from migrate.semantics.outcome import Options

PAUSE_VARIABLE = "SME_MIGRATE_TEST_PAUSE_AFTER_WRITE"  # for the interruption test only
EXIT_REMAINING = 1
EXIT_FAILED = 2


def run_rewrite(
    paths: Sequence[str], options: Options, modules: ModuleRequest | None, check: bool, diff: bool
) -> int:
    """Plan, then print a diff or write; the exit code."""
    loaded = load_or_fail(paths)
    fed, module_findings = checked_modules(loaded, options, modules)
    prepared = prepare(paths, loaded, fed)
    plan = plan_rewrite(prepared.given)
    if diff:
        sys.stdout.write("".join(unified_diff(change) for change in plan.changes))
    failures = list(prepared.unreadable)
    if not (check or diff):
        pause = float(os.environ.get(PAUSE_VARIABLE) or 0)
        written = write_changes(plan.changes, pause)
        failures += written.failures
        plan = as_written(plan, written.paths)  # the summary claims only what was written
    _report(prepared, plan, failures, module_findings, written=not (check or diff))
    return _exit_code(prepared, plan, failures, check)


def _report(prepared: Prepared, plan: RewritePlan, failures: list[WriteFailure],
            module_findings: Sequence[Finding], written: bool) -> None:
    findings = sort_findings(
        [*report_findings(prepared.migration.findings, plan), *module_findings])
    report = ScanReport(findings, files_scanned=prepared.files_scanned,
                        extensions=len(prepared.migration.conversions),
                        converted=len(plan.replaced))
    if findings:
        sys.stderr.write(render(report, "text", color=sys.stderr.isatty()))
    verb = "rewrote" if written else "would rewrite"
    failed = {f.path for f in failures}
    for change in plan.changes:
        if change.path not in failed:
            typer.echo(f"{verb} {display_path(change.path)}", err=True)
    for failure in failures:
        typer.echo(f"sme-migrate: {display_path(failure.path)}: {failure.reason}", err=True)
    typer.echo(_summary(plan, verb, len(plan.changes) - len(failed & _paths(plan))), err=True)


def _paths(plan: RewritePlan) -> set[str]:
    return {change.path for change in plan.changes}


def _summary(plan: RewritePlan, verb: str, files: int) -> str:
    parts = [f"{len(plan.replaced)} ServiceMeshExtension(s) → WasmPlugin"]
    if plan.stripped:
        parts.append(f"{len(plan.stripped)} control plane(s) without techPreview.wasmExtensions")
    if plan.retargeted:
        parts.append(f"{plan.retargeted} kustomize patch(es) retargeted")
    if plan.reprioritised:
        parts.append(f"{len(plan.reprioritised)} earlier WasmPlugin priority(ies) updated")
    left = f"; {len(plan.remaining)} ServiceMeshExtension(s) left as they are" if (
        plan.remaining) else ""
    return f"sme-migrate: {verb} {files} file(s): {', '.join(parts)}{left}"


def _exit_code(prepared: Prepared, plan: RewritePlan, failures: list[WriteFailure],
               check: bool) -> int:
    if failures:
        return EXIT_FAILED
    remaining = plan.remaining or plan.withheld or prepared.given.hidden_extensions
    return EXIT_REMAINING if remaining or (check and plan.changes) else 0
