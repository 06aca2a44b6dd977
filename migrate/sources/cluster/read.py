"""The cluster source's entry point: connect, discover, gather, and hand back Resources."""

from __future__ import annotations

from dataclasses import dataclass

from migrate.model import Finding, Resource
from migrate.sources.cluster.access import gather
from migrate.sources.cluster.client import KubeClient
from migrate.sources.cluster.connection import connect
from migrate.sources.cluster.discovery import discover
from migrate.sources.cluster.findings import not_served, read_problems
from migrate.sources.cluster.kinds import SCANNED
from migrate.sources.cluster.objects import resources_of
from migrate.sources.cluster.request import ClusterRequest


@dataclass(frozen=True)
class ClusterScan:
    resources: tuple[Resource, ...]
    findings: tuple[Finding, ...]  # what could not be read (or is not served)
    context: str  # the kube context read


def read_cluster(request: ClusterRequest) -> ClusterScan:
    """Read the cluster (get and list only); raises ClusterError when it cannot be read at all."""
    connection = connect(request)
    try:
        client = KubeClient(connection, request.request_timeout)
        discovered = discover(client, SCANNED)
        gathered = gather(client, discovered.served, request)
    finally:
        connection.close()
    findings = (*not_served(discovered.missing), *read_problems(gathered))
    return ClusterScan(resources_of(gathered.objects, connection.context), findings,
                       connection.context)
