"""`chains`: the filter chain every workload sees under Maistra and under Istio, side by side;
exit 1 when a plugin's order changes (SME020)."""

from __future__ import annotations

from dataclasses import dataclass

from migrate.pipeline.errors import UsageError
from migrate.pipeline.request import InputRequest
from migrate.pipeline.stages import MigrationRun, run_migration
from migrate.pipeline.status import ExitCode
from migrate.semantics.chainview import ChainView, chain_view


@dataclass(frozen=True)
class ChainsRequest:
    inputs: InputRequest
    workload: str | None = None  # NS/NAME or NS: only the workloads it names


@dataclass(frozen=True)
class ChainsResult:
    view: ChainView
    exit_code: ExitCode


def view_of(run: MigrationRun, workload: str | None = None) -> ChainView:
    return chain_view(run.loaded.inventory, run.migration, run.options.target, workload)


def chains(request: ChainsRequest) -> ChainsResult:
    view = view_of(run_migration(request.inputs), request.workload)
    if request.workload is not None and not view.meshes:
        raise UsageError(f"--workload {request.workload}: no workload of a migrated mesh "
                         "matches it")
    return ChainsResult(view, exit_code(view))


def exit_code(view: ChainView) -> ExitCode:
    """1 when a plugin runs at another place on some workload (SME020), else 0."""
    return ExitCode.FINDINGS if view.order_changed else ExitCode.CLEAN
