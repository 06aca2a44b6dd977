"""The cluster source: a live API server's objects as Resources, read-only (get and list).

`load_cluster(request)` returns what the file source returns (`Loaded`): the same inventory
builder reads both, so an object from the cluster goes through the same path as one from a
file, status included."""

from migrate.sources.cluster.errors import ClusterError
from migrate.sources.cluster.request import ClusterRequest

__all__ = ["ClusterError", "ClusterRequest"]
