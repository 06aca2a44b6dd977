"""What a cluster scan is asked: which kubeconfig and context, which namespaces, how to page."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_CHUNK_SIZE = 500  # kubectl's --chunk-size default
DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class ClusterRequest:
    kubeconfig: str | None = None  # None: $KUBECONFIG, ~/.kube/config, else in-cluster
    context: str | None = None  # None: the kubeconfig's current context
    namespaces: tuple[str, ...] = ()  # empty: every namespace (-A)
    chunk_size: int = DEFAULT_CHUNK_SIZE  # `limit` of each list request
    request_timeout: float = DEFAULT_TIMEOUT  # seconds, per request
    control_plane_namespace: str = "istio-system"  # a namespace to try when none can be listed

    @property
    def all_namespaces(self) -> bool:
        return not self.namespaces
