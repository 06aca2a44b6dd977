"""The I/O edge of a file scan: read the paths, normalise, add the workloads that matter."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import BinaryIO

from migrate.inventory.build import build_inventory
from migrate.inventory.clusters import Anchor, Clusters, MeshRoots, clusters_finding, decide
from migrate.inventory.patches import find_patches, is_kustomization
from migrate.inventory.traffic import gateway_of, is_gateway, is_service, service_of
from migrate.inventory.workloads import workloads_of
from migrate.model import Finding, Inventory, Resource
from migrate.sources.bounded import regular_file_bytes
from migrate.sources.documents import parse_resources
from migrate.sources.files import STDIN_ARGUMENT, Known, SourceScan, read_paths, read_workloads
from migrate.sources.halves import MIN_PARSES, in_two_halves
from migrate.sources.pool import Progress
from migrate.sources.sniff import STDIN
from migrate.sources.unparsable import MAX_FILE_BYTES, Unparsable

# In gateway Deployments (istio-ingressgateway, the proxyv2 image) and Istio Gateways.
GATEWAY_NEEDLES = (b"gateway", b"Gateway", b"proxyv2")
MESH_KINDS = frozenset({"ServiceMeshExtension", "ServiceMeshControlPlane", "ServiceMeshMemberRoll",
                        "ServiceMeshMember", "WasmPlugin"})
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    inventory: Inventory
    resources: tuple[Resource, ...]
    files_scanned: int
    kustomizations: tuple[Resource, ...] = ()
    cluster_context: str | None = None  # set when the resources were read from a cluster
    clusters: Clusters = field(default_factory=Clusters)  # the cluster folders, if several


def workload_needles(inventory: Inventory) -> set[bytes]:
    """Byte strings a workload file must contain (as whole label values or namespaces) to
    possibly matter for a selector; GATEWAY_NEEDLES are looked for anywhere."""
    needles: set[bytes] = set()
    for extension in inventory.extensions:
        if extension.selector:
            needles.update(value.encode() for _, value in extension.selector if value)
        elif extension.namespace:
            needles.add(extension.namespace.encode())
    return needles


def namespace_wide(inventory: Inventory) -> set[str]:
    """Namespaces of extensions without a selector: every workload there matters, including
    those that get the namespace only from a kustomization."""
    return {e.namespace for e in inventory.extensions if not e.selector and e.namespace}


def _as_kustomization(resource: Resource) -> Resource:
    if resource.kind:
        return resource
    return replace(resource, body={**resource.body, "kind": "Kustomization"})


def _ancestors(path: str) -> set[str]:
    found, directory = set(), os.path.dirname(os.path.abspath(path))
    while directory not in found:
        found.add(directory)
        directory = os.path.dirname(directory)
    return found


def _kustomizations(scan: SourceScan) -> tuple[Resource, ...]:
    """Every kustomization that can patch an extension, normalised to `kind: Kustomization`.

    The prefilter parsed those that name a kind. One that only names a patch file is parsed
    here: kustomize loads patches from below the kustomization's own directory, so only the
    kustomizations of directories above a file that holds an extension can use it as a patch.
    """
    parsed = [r for r in scan.resources if is_kustomization(r)]
    seen = {os.path.abspath(r.location.path) for r in parsed if r.location}
    above = set().union(*(_ancestors(r.location.path) for r in scan.resources
                          if r.location and r.kind == "ServiceMeshExtension"))
    extra = [path for path in scan.patching_kustomizations
             if os.path.abspath(path) not in seen
             and os.path.dirname(os.path.abspath(path)) in above]
    firsts = in_two_halves(_first_resources, extra, min_items=MIN_PARSES)
    return tuple(_as_kustomization(r) for r in [*parsed, *(r for first in firsts for r in first)])


def _first_resources(paths: Sequence[str]) -> list[tuple[Resource, ...]]:
    return [_parsed_quietly(path)[:1] for path in paths]


def _parsed_quietly(path: str) -> tuple[Resource, ...]:
    try:
        data = regular_file_bytes(path, MAX_FILE_BYTES)
        return () if data is None else parse_resources(data, path)
    except (OSError, Unparsable) as error:
        log.debug("ignoring kustomization %s: %s", path, error)
        return ()


@dataclass(frozen=True)
class Scoping:
    """How to tell the input's clusters apart: the folders named (None: decide on evidence),
    and what the scopes are relative to (None: the paths as given)."""

    mesh_roots: MeshRoots | None = None
    base: str | None = None


def _clusters(scan: SourceScan, resources: Sequence[Resource], paths: Sequence[str],
              scoping: Scoping) -> Clusters:
    """`resources`: what the scan read, without the kustomize patches (fragments)."""
    anchors = [Anchor.of(path) for path in paths if path != STDIN_ARGUMENT]
    kustomizations = {directory: kustomization
                      for directory, kustomization in scan.kustomizations.items() if kustomization}
    return decide(resources, kustomizations, scoping.mesh_roots, anchors, scoping.base)


def _scoped(resources: Sequence[Resource], clusters: Clusters, stdin_name: str
            ) -> tuple[Resource, ...]:
    """The resources with their cluster scopes (what stdin gives stays in the default one)."""
    if not clusters.keys:
        return tuple(resources)
    return tuple(replace(r, scopes=clusters.scopes_of(r.location.path))
                 if r.location and r.location.path != stdin_name else r for r in resources)


def _clusters_finding(clusters: Clusters, resources: Sequence[Resource]) -> list[Finding]:
    """SME042, for the mesh objects read (what else lies outside the folders does not matter)."""
    scoped = {r.location.path: r.scopes for r in resources if r.location and r.kind in MESH_KINDS}
    finding = clusters_finding(clusters, scoped)
    return [finding] if finding else []


def _in_clusters(scan: SourceScan, resources: list[Resource], paths: Sequence[str],
                 scoping: Scoping, stdin_name: str
                 ) -> tuple[list[Resource], Clusters, list[Finding]]:
    """The resources with their cluster scopes, the clusters, and SME042: when the input is
    split, or the user named the folders (folders the evidence suggests, with no mesh object
    apart, change nothing and are not worth a finding)."""
    clusters = _clusters(scan, resources, paths, scoping)
    scoped = _scoped(resources, clusters, stdin_name)
    split = len({scope for resource in scoped for scope in resource.scopes}) > 1
    named = clusters.decision is not None and clusters.decision.named
    noted = _clusters_finding(clusters, scoped) if split or named else []
    if split:
        return list(scoped), clusters, noted
    # everything is in one cluster: read as one input, as without cluster folders
    return resources, replace(clusters, keys={}, listed={}), noted


def load(
    paths: Sequence[str],
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
    stdin_name: str = STDIN,
    scoping: Scoping | None = None,
) -> Loaded:
    """`stdin_name`: the path what is read from `-` is shown as (`--stdin-filename`)."""
    scan = read_paths(paths, stdin, progress, stdin_name)
    kustomizations = _kustomizations(scan)
    others = [r for r in scan.resources if not is_kustomization(r)]
    patches = find_patches([*others, *kustomizations])
    resources = [r for r in scan.resources if not patches.is_patch(r)]
    resources, clusters, noted = _in_clusters(scan, resources, paths, scoping or Scoping(),
                                              stdin_name)
    inventory = build_inventory(resources, [*noted, *scan.findings, *patches.findings])
    inventory = _with_workloads(inventory, scan, clusters, stdin_name)
    inventory = _with_services(inventory, scan, clusters, stdin_name)
    return Loaded(inventory, scan.resources, scan.files_scanned, kustomizations,
                  clusters=clusters)


def _with_workloads(inventory: Inventory, scan: SourceScan, clusters: Clusters,
                    stdin_name: str) -> Inventory:
    """The workloads of the files that hold pod templates (and the Services and Istio Gateways
    beside them), read where they may matter for an extension's selector."""
    if not inventory.extensions or not scan.workload_files:
        return inventory
    found = _scoped(read_workloads(scan.workload_files, GATEWAY_NEEDLES,
                                   workload_needles(inventory), namespace_wide(inventory),
                                   Known.of(scan)), clusters, stdin_name)
    return replace(
        inventory,
        workloads=inventory.workloads + tuple(w for r in found for w in workloads_of(r)),
        services=inventory.services + tuple(service_of(r) for r in found if is_service(r)),
        gateways=inventory.gateways + tuple(gateway_of(r) for r in found if is_gateway(r)),
    )


def service_pairs(inventory: Inventory) -> set[tuple[bytes, bytes]]:
    """A Service that selects a workload names one of its labels as `key: value` (a label
    value alone would be too common: `v1` is in every `apiVersion: v1`)."""
    return {(key.encode(), value.encode()) for workload in inventory.workloads
            for key, value in workload.labels if value}


def _with_services(inventory: Inventory, scan: SourceScan, clusters: Clusters,
                   stdin_name: str) -> Inventory:
    """The Services of files that hold no pod template, read when they name a label of a
    workload the input holds: whether a Service selects a pod decided whether Maistra ran
    extensions on it (SME038)."""
    if not inventory.extensions or not inventory.workloads or not scan.service_files:
        return inventory
    found = _scoped(read_workloads(scan.service_files, (), pairs=service_pairs(inventory),
                                   known=Known.of(scan)), clusters, stdin_name)
    services = tuple(service_of(r) for r in found if is_service(r))
    return replace(inventory, services=inventory.services + services)
