"""`convert`: the WasmPlugins that replace the extensions found, and what is left over."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrate import rules
from migrate.emit import manifests
from migrate.inventory.load import Loaded
from migrate.model import Finding, ScanReport, Scopes
from migrate.pipeline.errors import UsageError
from migrate.pipeline.request import InputRequest
from migrate.pipeline.stages import load_inputs, migrate_loaded, scan_report, suppressed
from migrate.pipeline.status import ExitCode, failing
from migrate.rules import RuleId
from migrate.semantics.outcome import Migration

Placed = tuple[str | None, Mapping[str, Any]]  # (effective namespace, WasmPlugin)


@dataclass(frozen=True)
class ConvertRequest:
    inputs: InputRequest
    output_dir: Path | None = None  # one file per plugin there, instead of returning a stream
    labelled_stream: bool = True  # the stream can name each document's cluster (YAML, not JSON)


@dataclass(frozen=True)
class ConvertResult:
    plugins: tuple[Placed, ...]  # new plugins and earlier ones whose priority changed
    written: tuple[Path, ...]  # files written into the output directory
    report: ScanReport
    unconverted: int
    exit_code: ExitCode
    clusters: tuple[Scopes, ...] | None = None  # each plugin's cluster folders, when several


def convert(request: ConvertRequest) -> ConvertResult:
    loaded = load_inputs(request.inputs)
    if request.output_dir is None and not request.labelled_stream:
        _refuse_unlabelled(loaded)
    run = migrate_loaded(request.inputs, loaded, push=True)
    migration = run.migration
    scoped = migration.scoped_output_plugins
    clusters = tuple(s for s, _, _ in scoped) if len(migration.clusters) > 1 else None
    streamed = [] if request.output_dir else _one_stream(clusters)
    kept, hidden = suppressed(request.inputs, run.loaded, [*_unresolved(migration), *streamed])
    report = scan_report(run, kept, hidden, converted=len(migration.plugins))
    plugins = tuple(_landing((namespace, plugin)) for _, namespace, plugin in scoped)
    written = _write(request.output_dir, plugins, clusters)
    unconverted = len(migration.conversions) - len(migration.plugins)
    stuck = unconverted or failing(kept, request.inputs.fail_on)
    return ConvertResult(plugins, written, report, unconverted,
                         ExitCode.FINDINGS if stuck else ExitCode.CLEAN, clusters)


def _clusters_read(loaded: Loaded) -> list[str]:
    return sorted({s for e in loaded.inventory.extensions for s in e.resource.scopes})


def _refuse_unlabelled(loaded: Loaded) -> None:
    """A JSON List cannot say which cluster each plugin is for: refused before anything is
    converted (or pushed) when the extensions are of several clusters."""
    read = _clusters_read(loaded)
    if len(read) > 1:
        raise UsageError(f"the extensions are of {len(read)} clusters "
                         f"({manifests.cluster_names(tuple(read))}, see SME042) and one JSON "
                         "List cannot say which cluster each plugin is for: use -o yaml (each "
                         "document names its cluster) or --output-dir DIR (one folder per "
                         "cluster)")


def _one_stream(clusters: tuple[Scopes, ...] | None) -> list[Finding]:
    """SME043 when the stream holds the plugins of several clusters."""
    found = sorted({scope for scopes in clusters or () for scope in scopes})
    if len(found) < 2:
        return []
    return [rules.finding(RuleId.CLUSTERS_IN_ONE_STREAM, f"the stream holds the WasmPlugins of "
                          f"{len(found)} clusters ({manifests.cluster_names(tuple(found))}), "
                          "and plugins of two clusters may share a name: each document's "
                          f"comment ({manifests.CLUSTER_COMMENT.strip()} …) names its cluster; "
                          "apply each cluster's documents to that cluster only, or write one "
                          "folder per cluster with --output-dir DIR")]


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


def _write(directory: Path | None, plugins: tuple[Placed, ...],
           clusters: tuple[Scopes, ...] | None) -> tuple[Path, ...]:
    if directory is None:
        return ()
    try:
        return tuple(manifests.write_directory(directory, plugins, clusters))
    except OSError as error:
        raise UsageError(f"cannot write to {directory}: {error.strerror or error}") from error
