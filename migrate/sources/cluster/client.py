"""The one place that calls the `kubernetes` client (untyped): discovery and list pages as JSON,
its exceptions turned into `ApiStatus` (an answer) or `ClusterError` (no usable answer)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from migrate.sources.cluster.connection import Connection
from migrate.sources.cluster.errors import ApiStatus, ClusterError
from migrate.sources.cluster.kinds import Served

Json = Mapping[str, Any]
_CORE_LISTS = {  # plural: (cluster-wide method, namespaced method) of CoreV1Api
    "pods": ("list_pod_for_all_namespaces", "list_namespaced_pod"),
    "services": ("list_service_for_all_namespaces", "list_namespaced_service"),
    "namespaces": ("list_namespace", ""),
}


class KubeClient:
    def __init__(self, connection: Connection, timeout: float) -> None:
        from kubernetes import client  # imported here: only cluster scans need it

        self._connection = connection
        self._timeout = timeout
        self._core = client.CoreV1Api(connection.api)
        self._custom = client.CustomObjectsApi(connection.api)
        self._apis = client.ApisApi(connection.api)

    @property
    def context(self) -> str:
        return self._connection.context

    def group_list(self) -> Json:
        """`GET /apis`: the API groups and the versions the server serves."""
        return self._call(self._apis.get_api_versions)

    def resource_list(self, group: str, version: str) -> Json:
        """`GET /apis/<group>/<version>`: the resources of one group version."""
        return self._call(self._custom.get_api_resources, group, version)

    def list_page(self, served: Served, namespace: str | None, limit: int,
                  token: str | None) -> Json:
        """One page of a list, cluster-wide (`namespace` None) or in one namespace."""
        paging = {"limit": limit, "_continue": token}
        if not served.kind.group:
            cluster_wide, namespaced = _CORE_LISTS[served.kind.plural]
            if namespace is None:
                return self._call(getattr(self._core, cluster_wide), **paging)
            return self._call(getattr(self._core, namespaced), namespace, **paging)
        group, version, plural = served.kind.group, served.version, served.kind.plural
        if namespace is None:
            return self._call(self._custom.list_cluster_custom_object, group, version, plural,
                              **paging)
        return self._call(self._custom.list_namespaced_custom_object, group, version,
                          namespace, plural, **paging)

    def _call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Json:
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        try:
            response = method(*args, **kwargs, _preload_content=False,
                              _request_timeout=self._timeout)
            return _json(response.data)
        except ApiException as error:
            raise self._status(error) from None
        except HTTPError as error:
            raise ClusterError(f"cannot reach the Kubernetes API at {self._connection.server}"
                               f": {unreachable_reason(error)}") from None

    def _status(self, error: Any) -> Exception:
        code = int(error.status or 0)
        body = _status_body(error.body)
        reason = str(body.get("reason") or error.reason or "")
        if code == 401:
            return ClusterError(f"the Kubernetes API at {self._connection.server} rejected the "
                                f"credentials of context {self.context} (401 {reason})")
        return ApiStatus(code, reason, str(body.get("message") or reason))


def _json(data: bytes) -> Json:
    try:
        decoded = json.loads(data)
    except ValueError as error:
        raise ClusterError(f"the Kubernetes API answered with something that is not JSON "
                           f"({error})") from None
    if not isinstance(decoded, Mapping):
        raise ClusterError("the Kubernetes API answered with JSON that is not an object")
    return decoded


def _status_body(body: object) -> Json:
    try:
        decoded = json.loads(body) if isinstance(body, str | bytes) and body else {}
    except ValueError:
        return {}
    return decoded if isinstance(decoded, Mapping) else {}


def unreachable_reason(error: BaseException) -> str:
    """What went wrong on the wire, in a few words (urllib3 wraps the cause)."""
    from urllib3.exceptions import NewConnectionError, SSLError, TimeoutError

    cause = getattr(error, "reason", None) or error
    if isinstance(cause, SSLError):
        return f"TLS failed ({' '.join(str(cause).split())[:200]})"
    if isinstance(cause, NewConnectionError):  # before TimeoutError: urllib3 2 subclasses it
        return str(cause).rsplit(": ", 1)[-1]
    if isinstance(cause, TimeoutError):
        return "no answer in time (--request-timeout)"
    return " ".join(str(cause).split())[:200] or type(cause).__name__
