"""`apply`: read the cluster, migrate, plan, back up, then create the WasmPlugins and delete the
extensions they replace. Modules are checked unless the request says not to."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from migrate import rules
from migrate.cluster.apply import Executed, execute
from migrate.cluster.plan import Flags, Plan, Refusal, plan
from migrate.cluster.twins import without_twins
from migrate.inventory.load import Loaded
from migrate.model import Finding, ResourceRef, ScanReport
from migrate.pipeline.errors import UsageError
from migrate.pipeline.request import InputRequest
from migrate.pipeline.stages import load_inputs, migrate_loaded, scan_report, suppressed
from migrate.pipeline.status import ExitCode
from migrate.rules import RuleId


@dataclass(frozen=True)
class ApplyRequest:
    inputs: InputRequest  # a cluster request; modules None only with --skip-module-check
    backup_dir: Path
    flags: Flags = field(default_factory=Flags)
    dry_run: bool = False


@dataclass(frozen=True)
class ApplyResult:
    plan: Plan
    executed: Executed
    report: ScanReport  # the migration's findings, and one per object refused for ownership
    exit_code: ExitCode


def apply(request: ApplyRequest) -> ApplyResult:
    if request.inputs.cluster is None:
        raise UsageError("apply needs --cluster")
    loaded = load_inputs(request.inputs)
    run = migrate_loaded(request.inputs, without_twins(loaded), push=not request.dry_run)
    flags = dataclasses.replace(request.flags, saw_everything=_saw_everything(request, loaded))
    steps = plan(run.migration, loaded.resources, run.options, flags)
    executed = _execute(request, steps)
    owned = [_ownership_finding(r) for r in steps.refusals if r.gitops]
    kept, hidden = suppressed(request.inputs, run.loaded, [*run.migration.findings, *owned])
    report = scan_report(run, kept, hidden, converted=len(steps.created))
    return ApplyResult(steps, executed, report, _exit_code(steps, executed))


def _saw_everything(request: ApplyRequest, loaded: Loaded) -> bool:
    partial = (RuleId.CLUSTER_ACCESS_DENIED, RuleId.CLUSTER_LIST_FAILED)
    return (request.inputs.cluster is not None and request.inputs.cluster.all_namespaces
            and not any(f.rule in partial for f in loaded.inventory.findings))


def _execute(request: ApplyRequest, steps: Plan) -> Executed:
    from migrate.cluster.writer import KubeWriter
    from migrate.sources.cluster import ClusterError
    from migrate.sources.cluster.connection import connect

    assert request.inputs.cluster is not None
    try:
        connection = connect(request.inputs.cluster)
    except ClusterError as error:
        raise UsageError(error.message) from error
    try:
        writer = KubeWriter(connection, request.inputs.cluster.request_timeout)
        return execute(steps, writer, request.backup_dir, request.dry_run)
    except OSError as error:  # the backup could not be written: nothing was changed
        raise UsageError(f"cannot write the backup under {request.backup_dir}: "
                         f"{error.strerror or error}; nothing was changed") from error
    finally:
        connection.close()


def _ownership_finding(refusal: Refusal) -> Finding:
    ref = refusal.ref
    return rules.finding(RuleId.CLUSTER_OBJECT_MANAGED_BY_GITOPS,
                         f"not changed: {refusal.reason}",
                         ResourceRef(ref.api_version, ref.kind, ref.namespace, ref.name))


def _exit_code(steps: Plan, executed: Executed) -> ExitCode:
    if executed.failed and not executed.conflict:
        return ExitCode.ERROR
    return ExitCode.FINDINGS if steps.refusals or executed.conflict else ExitCode.CLEAN
