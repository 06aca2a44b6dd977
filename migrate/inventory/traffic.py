"""Objects that put built-in filters around the plugins, or decide where they run.

CUSTOM AuthorizationPolicies (ext_authz), VirtualServices with `corsPolicy`/`fault` and the
Gateways they bind to, Services (a sidecar ran extensions only on its Services' inbound chains)
and EnvoyFilters (in OSSM 2.1/2.2 a proxy no EnvoyFilter matched never ran extensions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from migrate.model import GatewayDecl, Labels, Resource, RouteFilters, Scoped, labels_of

SECURITY_GROUP, NETWORKING_GROUP = "security.istio.io", "networking.istio.io"


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _group(resource: Resource) -> str:
    return resource.api_version.split("/", 1)[0]


def _match_labels(resource: Resource, key: str, inner: str) -> Labels:
    return labels_of(_mapping(_mapping(resource.spec.get(key)).get(inner)))


def custom_authz_of(resource: Resource) -> Scoped | None:
    """An AuthorizationPolicy with action CUSTOM, or None for any other action."""
    if resource.spec.get("action") != "CUSTOM":
        return None
    return Scoped(resource, resource.namespace, _match_labels(resource, "selector", "matchLabels"))


def _sets(routes: object, key: str) -> bool:
    return isinstance(routes, list) and any(_mapping(r).get(key) for r in routes)


def route_filters_of(resource: Resource) -> RouteFilters | None:
    """A VirtualService whose HTTP routes set corsPolicy or fault; None when none does."""
    routes = resource.spec.get("http")
    cors, fault = _sets(routes, "corsPolicy"), _sets(routes, "fault")
    if not (cors or fault):
        return None
    gateways = resource.spec.get("gateways")
    names = tuple(str(g) for g in gateways) if isinstance(gateways, list) else ()
    return RouteFilters(resource, resource.namespace, names, cors, fault)


def gateway_of(resource: Resource) -> GatewayDecl:
    selector = labels_of(_mapping(resource.spec.get("selector")))
    return GatewayDecl(resource.namespace, resource.name, selector, resource.scopes)


def is_gateway(resource: Resource) -> bool:
    return resource.kind == "Gateway" and _group(resource) == NETWORKING_GROUP


def service_of(resource: Resource) -> Scoped:
    return Scoped(resource, resource.namespace, labels_of(_mapping(resource.spec.get("selector"))))


def is_service(resource: Resource) -> bool:
    return resource.kind == "Service" and resource.api_version == "v1"


def envoy_filter_of(resource: Resource) -> Scoped:
    return Scoped(resource, resource.namespace,
                  _match_labels(resource, "workloadSelector", "labels"))


def traffic_object(resource: Resource) -> tuple[str, object] | None:
    """(inventory field, normalised object) for the kinds this module reads, else None."""
    kind, group = resource.kind, _group(resource)
    if kind == "AuthorizationPolicy" and group == SECURITY_GROUP:
        found: object = custom_authz_of(resource)
        return ("custom_authz", found) if found else ("", None)
    if kind == "VirtualService" and group == NETWORKING_GROUP:
        found = route_filters_of(resource)
        return ("route_filters", found) if found else ("", None)
    if is_gateway(resource):
        return "gateways", gateway_of(resource)
    if kind == "EnvoyFilter" and group == NETWORKING_GROUP:
        return "envoy_filters", envoy_filter_of(resource)
    if is_service(resource):
        return "services", service_of(resource)
    return None
