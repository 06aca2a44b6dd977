"""Workloads found in the input: their pod labels, and whether they are sidecars or gateways."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from migrate.model import Labels, Resource, Workload, WorkloadKind, labels_of

TEMPLATE_KINDS = frozenset(
    {
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "ReplicationController",
        "Job",
        "DeploymentConfig",
        "Rollout",
    }
)
POD_BEARING_KINDS = TEMPLATE_KINDS | {"Pod", "CronJob"}
GATEWAY_TEMPLATE_ANNOTATION = "inject.istio.io/templates"
GATEWAY_NAME_LABELS = (
    "gateway.networking.k8s.io/gateway-name",
    "istio.io/gateway-name",
    "gateway.istio.io/managed",
)
DEFAULT_GATEWAYS = {
    "ingress": {"app": "istio-ingressgateway", "istio": "ingressgateway"},
    "egress": {"app": "istio-egressgateway", "istio": "egressgateway"},
}


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _pod_template(resource: Resource) -> Mapping[str, Any] | None:
    if resource.kind == "Pod":
        return resource.body
    if resource.kind == "CronJob":
        job_spec = _mapping(_mapping(resource.spec.get("jobTemplate")).get("spec"))
        return _mapping(job_spec.get("template"))
    if resource.kind in TEMPLATE_KINDS:
        return _mapping(resource.spec.get("template"))
    return None


def looks_like_gateway_labels(labels: Labels) -> bool:
    """The usual labels of Istio/Maistra gateway pods."""
    for key, value in labels:
        if key in GATEWAY_NAME_LABELS:
            return True
        if key == "istio" and value.endswith("gateway"):
            return True
        if key == "app" and value.startswith("istio-") and value.endswith("gateway"):
            return True
    return False


def _runs_proxy_as_router(pod_spec: Mapping[str, Any]) -> bool:
    containers = pod_spec.get("containers")
    for container in containers if isinstance(containers, list) else []:
        container = _mapping(container)
        args = container.get("args")
        image = str(container.get("image") or "")
        if "proxyv2" in image and isinstance(args, list) and "router" in args:
            return True
    return False


def _kind_of(template: Mapping[str, Any], labels: Labels) -> WorkloadKind | None:
    meta = _mapping(template.get("metadata"))
    annotations = {**_mapping(meta.get("labels")), **_mapping(meta.get("annotations"))}
    if str(annotations.get("sidecar.istio.io/inject", "")).lower() == "false":
        return None  # not part of the mesh: no plugin ever runs there
    if "gateway" in str(annotations.get(GATEWAY_TEMPLATE_ANNOTATION, "")):
        return WorkloadKind.GATEWAY
    if looks_like_gateway_labels(labels) or _runs_proxy_as_router(_mapping(template.get("spec"))):
        return WorkloadKind.GATEWAY
    return WorkloadKind.SIDECAR


def workloads_of(resource: Resource) -> tuple[Workload, ...]:
    template = _pod_template(resource)
    if template is None:
        return ()
    labels = labels_of(_mapping(_mapping(template.get("metadata")).get("labels")))
    kind = _kind_of(template, labels)
    if kind is None:
        return ()
    source = f"{resource.kind} {resource.namespace or '-'}/{resource.name}"
    return (Workload(resource.namespace, labels, kind, source, resource.scopes),)


def _gateway_enabled(gateways: Mapping[str, Any], key: str) -> bool:
    return _mapping(gateways.get(key)).get("enabled") is not False


def _pod_labels(gateway: Mapping[str, Any]) -> Mapping[str, Any]:
    pod = _mapping(_mapping(gateway.get("runtime")).get("pod"))
    return _mapping(_mapping(pod.get("metadata")).get("labels"))


def gateway_labels_of_control_plane(resource: Resource) -> tuple[Labels, ...]:
    """Pod labels of the gateways a ServiceMeshControlPlane (v2) deploys."""
    gateways = _mapping(resource.spec.get("gateways"))
    if gateways.get("enabled") is False:
        return ()
    found: list[Labels] = []
    for key, defaults in DEFAULT_GATEWAYS.items():
        if _gateway_enabled(gateways, key):
            found.append(labels_of({**defaults, **_pod_labels(_mapping(gateways.get(key)))}))
    for key in ("additionalIngress", "additionalEgress"):
        for gateway in _mapping(gateways.get(key)).values():
            gateway = _mapping(gateway)
            if gateway.get("enabled") is not False and _pod_labels(gateway):
                found.append(labels_of(_pod_labels(gateway)))
    return tuple(found)
