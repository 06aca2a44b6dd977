"""Which API server to talk to, as whom: a kubeconfig (and context), or the pod's service
account. Only the `kubernetes` client's own loaders read credentials; they stay in its
configuration object and never reach a message."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from migrate.sources.cluster.errors import ClusterError
from migrate.sources.cluster.request import ClusterRequest

IN_CLUSTER_CONTEXT = "in-cluster"
SERVICE_HOST_VARIABLE = "KUBERNETES_SERVICE_HOST"
KUBECONFIG_VARIABLE = "KUBECONFIG"
DEFAULT_KUBECONFIG = Path("~/.kube/config")


@dataclass(frozen=True)
class Connection:
    api: Any  # kubernetes.client.ApiClient (untyped)
    context: str  # the kube context, or "in-cluster"
    server: str  # the API server's URL, for messages

    def close(self) -> None:
        self.api.close()


def connect(request: ClusterRequest) -> Connection:
    """A client for the request's kubeconfig and context; in a pod without one, in-cluster."""
    path = kubeconfig_path(request.kubeconfig, os.environ)
    if path is not None:
        return _from_kubeconfig(path, request.context)
    if os.environ.get(SERVICE_HOST_VARIABLE):
        return _in_cluster()
    raise ClusterError("no kubeconfig (--kubeconfig, $KUBECONFIG or ~/.kube/config) and not "
                       "running in a pod")


def kubeconfig_path(explicit: str | None, environ: Mapping[str, str]) -> str | None:
    """kubectl's order: --kubeconfig, then $KUBECONFIG (a path list), then ~/.kube/config."""
    if explicit:
        if not os.path.isfile(explicit):
            raise ClusterError(f"kubeconfig {explicit}: no such file")
        return explicit
    listed = [p for p in environ.get(KUBECONFIG_VARIABLE, "").split(os.pathsep) if p]
    if any(os.path.isfile(p) for p in listed):
        return os.pathsep.join(p for p in listed if os.path.isfile(p))
    default = DEFAULT_KUBECONFIG.expanduser()
    return str(default) if not listed and default.is_file() else None


def _config_modules() -> tuple[Any, Any]:
    from kubernetes import client, config  # imported here: only cluster scans need it

    return client, config


def _from_kubeconfig(path: str, context: str | None) -> Connection:
    client, config = _config_modules()
    configuration = client.Configuration()
    try:
        chosen = _context_name(config, path, context)
        config.load_kube_config(config_file=path, context=chosen,
                                client_configuration=configuration, persist_config=False)
    except (config.ConfigException, OSError, ValueError, TypeError, yaml.YAMLError) as error:
        raise ClusterError(f"kubeconfig {path}: {_one_line(error)}") from None
    return _connection(client, configuration, chosen)


def _context_name(config: Any, path: str, wanted: str | None) -> str:
    contexts, active = config.list_kube_config_contexts(config_file=path)
    names = [str(c.get("name")) for c in contexts or []]
    if wanted is not None and wanted not in names:
        raise ClusterError(f"kubeconfig {path}: no context {wanted!r} (it has: "
                           f"{', '.join(names) or 'none'})")
    if wanted is None and not active:
        raise ClusterError(f"kubeconfig {path}: no current-context; name one with --context")
    return wanted or str(active["name"])


def _in_cluster() -> Connection:
    client, config = _config_modules()
    configuration = client.Configuration()
    try:
        config.load_incluster_config(client_configuration=configuration)
    except config.ConfigException as error:
        raise ClusterError(f"in-cluster configuration: {_one_line(error)}") from None
    return _connection(client, configuration, IN_CLUSTER_CONTEXT)


def _connection(client: Any, configuration: Any, context: str) -> Connection:
    configuration.retries = 0  # the listing layer decides what to retry
    return Connection(client.ApiClient(configuration), context, str(configuration.host))


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
