"""From parsed option groups to the pipeline's request objects (values checked on the way)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, BinaryIO

from migrate.cli.options import (
    Cluster,
    Gating,
    ModuleChecks,
    Registry,
    Stdin,
    Targets,
    Threshold,
)
from migrate.inventory.clusters import MeshRoots
from migrate.model import Severity
from migrate.pipeline.errors import UsageError
from migrate.pipeline.request import InputRequest, ModuleRequest, Progress
from migrate.pipeline.roots import configured_mesh_roots
from migrate.semantics.outcome import Options
from migrate.semantics.versions import MeshVersion
from migrate.settings import suppress
from migrate.sources.cluster.request import ClusterRequest
from migrate.sources.sniff import STDIN

if TYPE_CHECKING:  # httpx and wasmtime load only when modules are checked
    from migrate.modules.api import ModuleOptions


def severity(threshold: Threshold) -> Severity | None:
    return None if threshold is Threshold.NEVER else Severity.parse(threshold.value)


def target_version(text: str) -> MeshVersion:
    try:
        version = MeshVersion.parse(text)
    except ValueError as error:
        raise UsageError(str(error)) from error
    if not version.supports_wasm_plugin:
        raise UsageError(f"--target-version {text}: WasmPlugin exists from OSSM 2.2 on")
    return version


def conversion_options(targets: Targets) -> Options:
    return Options(
        control_plane_namespace=targets.control_plane_namespace,
        target=target_version(targets.target_version),
        convert_inactive=targets.convert_inactive,
        root_namespace=targets.root_namespace,
    )


def suppressions(gating: Gating, paths: Sequence[str]) -> suppress.Suppressions:
    try:
        return suppress.load_suppressions(gating.ignore or [], gating.config, paths)
    except ValueError as error:
        raise UsageError(str(error)) from error


def module_options(registry: Registry, smoke_test: bool = True) -> ModuleOptions:
    from migrate.modules.api import ModuleOptions

    return ModuleOptions(
        registry_config=registry.registry_config,
        insecure_registries=frozenset(registry.insecure_registry or ()),
        ca_file=registry.ca_file,
        timeout=registry.timeout,
        cache_dir=registry.cache_dir,
        use_cache=not registry.no_cache,
        smoke_test=smoke_test,
    )


def module_request(checks: ModuleChecks, registry: Registry) -> ModuleRequest | None:
    if not checks.wanted:
        return None
    prefix = repackage_prefix(checks.repackage_to) if checks.repackage_to is not None else None
    return ModuleRequest(module_options(registry), checks.pin, prefix)


def repackage_prefix(text: str) -> str:
    """`REGISTRY/PREFIX`, checked: a registry host, a repository path, no tag or digest."""
    from migrate.modules.errors import ModuleError
    from migrate.modules.reference import parse_reference

    prefix = text.strip().removeprefix("oci://").rstrip("/")
    usage = (f"--repackage-to {text}: give REGISTRY/PREFIX, e.g. quay.io/acme/istio "
             "(copies are pushed as PREFIX/NAME:TAG)")
    host, slash, path = prefix.partition("/")
    if not slash or not path or "@" in path or ":" in path:
        raise UsageError(usage)
    if not ("." in host or ":" in host or host == "localhost"):
        raise UsageError(usage)
    try:
        parse_reference(f"{prefix}/name:tag")
    except ModuleError as error:
        raise UsageError(f"{usage}: {error.message}") from error
    return prefix


def mesh_roots(targets: Targets, gating: Gating, paths: Sequence[str]) -> MeshRoots | None:
    """`--mesh-root` when given, else the `meshRoots` of the config files; None: neither."""
    if targets.mesh_root:
        return MeshRoots(tuple(targets.mesh_root))
    return configured_mesh_roots(gating.config, paths)


def cluster_request(cluster: Cluster | None, paths: Sequence[str],
                    targets: Targets) -> ClusterRequest | None:
    """What `--cluster` and its options ask; a usage error when they clash with the paths."""
    if cluster is not None and cluster.cluster and targets.mesh_root:
        raise UsageError("--mesh-root names folders of files; --cluster reads one cluster: "
                         "drop one of them")
    if cluster is None or not cluster.cluster:
        if cluster is not None and cluster.named:
            raise UsageError("--kubeconfig, --context, -n and -A choose what --cluster reads: "
                             "add --cluster")
        if not paths:
            raise UsageError("nothing to read: give files or directories (- for stdin), or "
                             "--cluster")
        return None
    if paths:
        raise UsageError("--cluster reads the cluster, not files: drop the paths "
                         f"({' '.join(paths)}) or --cluster")
    if cluster.namespace and cluster.all_namespaces:
        raise UsageError("-n/--namespace and -A/--all-namespaces exclude each other")
    return ClusterRequest(
        kubeconfig=str(cluster.kubeconfig) if cluster.kubeconfig else None,
        context=cluster.context,
        namespaces=tuple(dict.fromkeys(cluster.namespace or ())),
        chunk_size=cluster.chunk_size,
        request_timeout=cluster.request_timeout,
        control_plane_namespace=targets.control_plane_namespace,
    )


def input_request(paths: Sequence[str] | None, targets: Targets, gating: Gating,
                  checks: ModuleChecks, registry: Registry, stdin: Stdin | None = None,
                  progress: Progress | None = None,
                  cluster: Cluster | None = None) -> InputRequest:
    paths = tuple(paths or ())
    request = cluster_request(cluster, paths, targets)
    return InputRequest(
        cluster=request,
        paths=paths,
        mesh_roots=None if request else mesh_roots(targets, gating, paths),
        options=conversion_options(targets),
        modules=module_request(checks, registry),
        suppressions=suppressions(gating, paths),
        fail_on=severity(gating.fail_on),
        stdin=_stdin() if "-" in paths else None,
        stdin_filename=(stdin.stdin_filename if stdin else None) or STDIN,
        progress=progress,
    )


def _stdin() -> BinaryIO | None:
    """The process's stdin; None lets the sources say that it is closed."""
    if sys.stdin is None or sys.stdin.closed:
        return None
    stream: BinaryIO | None = getattr(sys.stdin, "buffer", None)
    return stream
