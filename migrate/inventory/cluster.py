"""The edge of a cluster scan: the cluster source's Resources through the same inventory
builder as files (status included), each workload label set once."""

from __future__ import annotations

from dataclasses import replace

from migrate.inventory.build import build_inventory
from migrate.inventory.load import Loaded
from migrate.model import Workload
from migrate.sources.cluster.read import read_cluster
from migrate.sources.cluster.request import ClusterRequest


def load_cluster(request: ClusterRequest) -> Loaded:
    scan = read_cluster(request)
    inventory = build_inventory(scan.resources, scan.findings)
    inventory = replace(inventory, workloads=distinct(inventory.workloads))
    return Loaded(inventory, scan.resources, 0, cluster_context=scan.context)


def distinct(workloads: tuple[Workload, ...]) -> tuple[Workload, ...]:
    """The pods of one ReplicaSet share their labels: keep the first of each label set."""
    seen: dict[tuple[object, ...], Workload] = {}
    for workload in workloads:
        seen.setdefault((workload.namespace, workload.labels, workload.kind), workload)
    return tuple(seen.values())
