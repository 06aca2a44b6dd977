"""`convert`: the WasmPlugins that replace the extensions found, and what is left over."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate.emit import manifests
from migrate.model import Finding, ScanReport
from migrate.pipeline.errors import UsageError
from migrate.pipeline.request import InputRequest
from migrate.pipeline.stages import run_migration, scan_report, suppressed
from migrate.pipeline.status import ExitCode, failing
from migrate.rules import RuleId
from migrate.semantics.outcome import Migration

Placed = tuple[str | None, Mapping[str, Any]]  # (effective namespace, WasmPlugin)


@dataclass(frozen=True)
class ConvertRequest:
    inputs: InputRequest
    output_dir: Path | None = None  # one file per plugin there, instead of returning a stream


@dataclass(frozen=True)
class ConvertResult:
    plugins: tuple[Placed, ...]  # new plugins and earlier ones whose priority changed
    written: tuple[Path, ...]  # files written into the output directory
    report: ScanReport
    unconverted: int
    exit_code: ExitCode


def convert(request: ConvertRequest) -> ConvertResult:
    run = run_migration(request.inputs, push=True)
    migration = run.migration
    kept, hidden = suppressed(request.inputs, run.loaded, _unresolved(migration))
    report = scan_report(run, kept, hidden, converted=len(migration.plugins))
    plugins = tuple(_landing(placed) for placed in migration.output_plugins)
    written = _write(request.output_dir, plugins)
    unconverted = len(migration.conversions) - len(migration.plugins)
    stuck = unconverted or failing(kept, request.inputs.fail_on)
    return ConvertResult(plugins, written, report, unconverted,
                         ExitCode.FINDINGS if stuck else ExitCode.CLEAN)


def _landing(placed: Placed) -> Placed:
    """The plugin with the namespace it lands in: one kustomize would give its extension is
    written out, so `kubectl apply -f` puts it there too."""
    namespace, plugin = placed
    metadata = plugin.get("metadata", {})
    if namespace is None or metadata.get("namespace"):
        return placed
    ordered = {}
    for key, value in metadata.items():
        ordered[key] = value
        if key == "name":
            ordered["namespace"] = namespace
    return namespace, {**plugin, "metadata": ordered}


def _unresolved(migration: Migration) -> list[Finding]:
    """The findings that still hold: "extension found" is answered by its WasmPlugin."""
    converted = {c.extension.resource.ref for c in migration.conversions if c.plugin is not None}
    return [f for f in migration.findings
            if not (f.rule == RuleId.SERVICEMESHEXTENSION_FOUND and f.resource in converted)]


def _write(directory: Path | None, plugins: tuple[Placed, ...]) -> tuple[Path, ...]:
    if directory is None:
        return ()
    try:
        return tuple(manifests.write_directory(directory, plugins))
    except OSError as error:
        raise UsageError(f"cannot write to {directory}: {error.strerror or error}") from error
