"""The cluster-mode write tests run against the same test API server as the read side."""

from tests.sources.cluster.conftest import _no_ambient_cluster, api, cluster

__all__ = ["_no_ambient_cluster", "api", "cluster"]
