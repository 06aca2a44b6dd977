"""Run a plan against the API server: read every object to change, back it up, then the steps in
order; the first failure stops the run, and the report says what was done until then."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from migrate.cluster import backup
from migrate.cluster.plan import Plan, Step, Verb
from migrate.cluster.refs import Json, metadata_of
from migrate.cluster.writer import KubeWriter
from migrate.sources.cluster.errors import ApiStatus, ClusterError


@dataclass(frozen=True)
class Executed:
    done: tuple[str, ...]  # "created WasmPlugin ns/name", in the order they happened
    backup: Path | None  # None: a dry run, or nothing to change
    failed: str = ""  # what stopped the run ("" when it completed)
    conflict: bool = False  # the failure was the server refusing (409), not an error


def execute(plan: Plan, writer: KubeWriter, backup_root: Path, dry_run: bool) -> Executed:
    if not plan.steps:
        return Executed((), None)
    try:
        current = {ref: writer.get(ref) for ref in plan.touched}
    except (ApiStatus, ClusterError) as error:
        return Executed((), None, f"reading the objects to back up failed: {_text(error)}")
    folder = None
    if not dry_run:
        folder = backup.write(backup_root, list(current.values()), plan.made,
                              writer.context).folder
    done: list[str] = []
    for step in plan.steps:
        try:
            _run(writer, step, current.get(step.ref, {}), dry_run)
        except (ApiStatus, ClusterError) as error:
            conflict = isinstance(error, ApiStatus) and error.code == 409
            return Executed(tuple(done), folder, f"{step.verb} {step.ref} failed: "
                            f"{_text(error)}", conflict)
        done.append(f"{_past(step.verb)} {step.ref}")
    return Executed(tuple(done), folder)


def _run(writer: KubeWriter, step: Step, current: Json, dry_run: bool) -> None:
    actions: dict[Verb, Callable[[], Json]] = {
        Verb.APPLY: lambda: writer.apply(step.ref, step.body, dry_run),
        Verb.REORDER: lambda: writer.merge_patch(step.ref, step.body, dry_run),
        Verb.DISABLE: lambda: writer.merge_patch(step.ref, step.body, dry_run),
        Verb.DELETE: lambda: writer.delete(step.ref, metadata_of(current), dry_run),
    }
    actions[step.verb]()


def _past(verb: Verb) -> str:
    return {Verb.APPLY: "created", Verb.REORDER: "set the priority of", Verb.DELETE: "deleted",
            Verb.DISABLE: "removed techPreview.wasmExtensions from"}[verb]


def _text(error: ApiStatus | ClusterError) -> str:
    return error.message if isinstance(error, ClusterError) else str(error)
