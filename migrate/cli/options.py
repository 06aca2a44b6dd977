"""Every option that more than one command takes, declared once, in groups.

A command names a group as a parameter (`targets: Targets`); `command.shared_options` splices
the group's options into the command's signature and hands the command the filled group.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from migrate.model import Severity
from migrate.report import ReportFormat
from migrate.semantics.versions import DEFAULT_TARGET

TARGETS = "Conversion"
GATING = "Findings and exit status"
OUTPUT = "Output"
MODULES = "Module checks"
REGISTRY = "Registry access"
CLUSTER = "Cluster"


class Threshold(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    NEVER = "never"


class Visibility(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Targets:
    control_plane_namespace: Annotated[str, typer.Option(
        "--control-plane-namespace", rich_help_panel=TARGETS,
        help="Control-plane namespace when the input holds no ServiceMeshControlPlane.",
    )] = "istio-system"
    target_version: Annotated[str, typer.Option(
        "--target-version", rich_help_panel=TARGETS,
        help="OSSM version the WasmPlugins are for (match needs 2.4 or later).",
    )] = DEFAULT_TARGET
    convert_inactive: Annotated[bool, typer.Option(
        "--convert-inactive", rich_help_panel=TARGETS,
        help="Also convert extensions that were not active (this switches them on).",
    )] = False
    root_namespace: Annotated[str | None, typer.Option(
        "--root-namespace", metavar="NS", rich_help_panel=TARGETS,
        help="OSSM 3.x target: the new control plane's root namespace; mesh-wide plugins "
        "(those in the old SMCP namespace) are written there.",
    )] = None
    mesh_root: Annotated[list[str] | None, typer.Option(
        "--mesh-root", metavar="DIR", rich_help_panel=TARGETS,
        help="A folder that holds one cluster's manifests (repeatable): each is ordered and "
        "migrated on its own (default: meshRoots in .sme-migrate.yaml, else the folders the "
        "control planes and kustomize overlays show to be clusters, SME042).",
    )] = None


@dataclass(frozen=True)
class Gating:
    fail_on: Annotated[Threshold, typer.Option(
        "--fail-on", case_sensitive=False, rich_help_panel=GATING,
        help="Exit 1 when a finding is at or above this severity.",
    )] = Threshold.ERROR
    ignore: Annotated[list[str] | None, typer.Option(
        "--ignore", metavar="RULE[=NS/NAME]", rich_help_panel=GATING,
        help="Suppress a rule, everywhere or for matching resources (globs); repeatable.",
    )] = None
    config: Annotated[Path | None, typer.Option(
        "--config", metavar="FILE", rich_help_panel=GATING,
        help="Settings file (default: .sme-migrate.yaml in each scanned directory).",
    )] = None


@dataclass(frozen=True)
class Display:
    min_severity: Annotated[Visibility, typer.Option(
        "--min-severity", case_sensitive=False, rich_help_panel=OUTPUT,
        help="Hide findings below this severity from the text output (the exit status still "
        "counts them).",
    )] = Visibility.INFO

    @property
    def threshold(self) -> Severity:
        return Severity.parse(self.min_severity.value)


def output_format(help_text: str) -> Any:
    """`-o/--output FORMAT` (`--format` too), as kubectl and istioctl spell it; the choices
    are the enum the parameter is typed with."""
    return typer.Option("--output", "-o", "--format", case_sensitive=False,
                        rich_help_panel=OUTPUT, help=help_text)


Repository = Annotated[Path, typer.Option(
    "--repository", metavar="DIR",
    help="The git repository (default: the one the current directory is in).",
)]

OutputFile = Annotated[Path | None, typer.Option(
    "--output-file", metavar="FILE", rich_help_panel=OUTPUT,
    help="Write the result to FILE instead of stdout (atomically).",
)]


@dataclass(frozen=True)
class ReportOutput:
    output: Annotated[ReportFormat, output_format("Report format.")] = ReportFormat.TEXT
    output_file: OutputFile = None


@dataclass(frozen=True)
class Stdin:
    stdin_filename: Annotated[str | None, typer.Option(
        "--stdin-filename", metavar="PATH", rich_help_panel=OUTPUT,
        help="The path to report for what `-` reads from stdin.",
    )] = None


@dataclass(frozen=True)
class ModuleChecks:
    check_modules: Annotated[bool, typer.Option(
        "--check-modules", rich_help_panel=MODULES,
        help="Pull each image, check its format and Wasm module, and start it with the "
        "migrated configuration; read phase/priority defaults from its manifest.yaml.",
    )] = False
    pin: Annotated[bool, typer.Option(
        "--pin", rich_help_panel=MODULES,
        help="Pin spec.sha256 to the image manifest digest (checks modules).",
    )] = False
    repackage_to: Annotated[str | None, typer.Option(
        "--repackage-to", metavar="REGISTRY/PREFIX", rich_help_panel=MODULES,
        help="Rebuild each Maistra-format image for Istio and push it as PREFIX/NAME:TAG; the "
        "plugins point at the copy by digest (checks modules; scan, --check and --diff only "
        "say what would be pushed).",
    )] = None

    @property
    def wanted(self) -> bool:
        return self.check_modules or self.pin or self.repackage_to is not None


@dataclass(frozen=True)
class Registry:
    registry_config: Annotated[Path | None, typer.Option(
        "--registry-config", metavar="FILE", rich_help_panel=REGISTRY,
        help="docker config.json with registry credentials "
        "(default: $DOCKER_CONFIG/config.json or ~/.docker/config.json).",
    )] = None
    insecure_registry: Annotated[list[str] | None, typer.Option(
        "--insecure-registry", metavar="HOST[:PORT]", rich_help_panel=REGISTRY,
        help="Speak plain HTTP to this registry (repeatable).",
    )] = None
    ca_file: Annotated[Path | None, typer.Option(
        "--ca-file", metavar="FILE", rich_help_panel=REGISTRY,
        help="PEM CA bundle to trust for registry TLS.",
    )] = None
    timeout: Annotated[float, typer.Option(
        "--timeout", min=0.1, rich_help_panel=REGISTRY,
        help="Seconds to wait for a registry to answer; one registry request may take twice this "
        "in all (plus 1 s per MiB of a blob).",
    )] = 10.0
    cache_dir: Annotated[Path | None, typer.Option(
        "--cache-dir", metavar="DIR", rich_help_panel=REGISTRY,
        help="Cache of image blobs and module check verdicts (default ~/.cache/sme-migrate).",
    )] = None
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", rich_help_panel=REGISTRY,
        help="Do not read or write the caches (blobs, check verdicts).",
    )] = False


Kubeconfig = Annotated[Path | None, typer.Option(
    "--kubeconfig", metavar="FILE", rich_help_panel=CLUSTER,
    help="kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, else the pod's "
    "service account).",
)]
KubeContext = Annotated[str | None, typer.Option(
    "--context", metavar="NAME", rich_help_panel=CLUSTER,
    help="kubeconfig context to use (default: its current context).",
)]
BackupDir = Annotated[Path, typer.Option(
    "--backup-dir", metavar="DIR",
    help="apply: where each run writes its backup (a new timestamped folder); rollback: the "
    "directory apply wrote (its newest run is restored), or one run folder.",
)]


def dry_run_option(help_text: str) -> Any:
    """`--dry-run`, as kubectl spells it; each command says what it means for it."""
    return typer.Option("--dry-run", help=help_text)


@dataclass(frozen=True)
class Cluster:
    cluster: Annotated[bool, typer.Option(
        "--cluster", rich_help_panel=CLUSTER,
        help="Read the objects from a cluster instead of files (scan and convert never "
        "write to it).",
    )] = False
    kubeconfig: Kubeconfig = None
    context: KubeContext = None
    namespace: Annotated[list[str] | None, typer.Option(
        "--namespace", "-n", metavar="NS", rich_help_panel=CLUSTER,
        help="Read only this namespace (repeatable).",
    )] = None
    all_namespaces: Annotated[bool, typer.Option(
        "--all-namespaces", "-A", rich_help_panel=CLUSTER,
        help="Read every namespace (the default).",
    )] = False
    chunk_size: Annotated[int, typer.Option(
        "--chunk-size", min=1, rich_help_panel=CLUSTER,
        help="Objects per list request (the list is paged).",
    )] = 500
    request_timeout: Annotated[float, typer.Option(
        "--request-timeout", min=0.1, metavar="SECONDS", rich_help_panel=CLUSTER,
        help="Seconds to wait for the API server to answer one request.",
    )] = 30.0

    @property
    def named(self) -> bool:
        """Whether any cluster option is set (they all need --cluster)."""
        return bool(self.kubeconfig or self.context or self.namespace or self.all_namespaces)
