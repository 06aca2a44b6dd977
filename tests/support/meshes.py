"""Build meshes from plain dicts, and read emitted WasmPlugins back, for the ordering tests.

The readers here deliberately do not reuse `migrate.semantics.meshchecks`: a test that turned
plugins into simulator input with the code under test could not catch a bug in that code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from migrate.inventory.build import build_inventory
from migrate.model import Inventory, Location, PluginPhase, Resource, labels_of
from migrate.semantics.chain import SimPlugin

Body = dict[str, Any]


def as_resource(body: Mapping[str, Any]) -> Resource:
    """A Resource in a file of its own, so findings sort the same whatever the input order."""
    meta = body.get("metadata") or {}
    path = f"{meta.get('namespace', '-')}/{body.get('kind')}-{meta.get('name')}.yaml"
    return Resource(body, Location(path, 1, 0))


def as_inventory(bodies: Iterable[Mapping[str, Any]]) -> Inventory:
    return build_inventory([as_resource(body) for body in bodies])


def sme(
    name: str,
    namespace: str,
    *,
    image: str | None = None,
    selector: Mapping[str, str] | None = None,
    status: Mapping[str, Any] | None = None,
    **spec: Any,
) -> Body:
    """A maistra.io/v1 ServiceMeshExtension; `spec` takes phase, priority, config, ..."""
    body_spec: Body = {"image": image if image is not None else f"quay.io/ex/{name}:1", **spec}
    if selector:
        body_spec["workloadSelector"] = {"labels": dict(selector)}
    body: Body = {
        "apiVersion": "maistra.io/v1",
        "kind": "ServiceMeshExtension",
        "metadata": {"name": name, "namespace": namespace},
        "spec": body_spec,
    }
    if status is not None:
        body["status"] = dict(status)
    return body


def ready_status(**values: Any) -> Body:
    """The status the wasm-cacher wrote once the module was served."""
    return {**values, "deployment": {"ready": True}}


def control_plane(namespace: str, version: str, wasm_enabled: bool | None) -> Body:
    spec: Body = {"version": version}
    if wasm_enabled is not None:
        spec["techPreview"] = {"wasmExtensions": {"enabled": wasm_enabled}}
    return {
        "apiVersion": "maistra.io/v2",
        "kind": "ServiceMeshControlPlane",
        "metadata": {"name": "basic", "namespace": namespace},
        "spec": spec,
    }


def member_roll(namespace: str, members: Iterable[str]) -> Body:
    return {
        "apiVersion": "maistra.io/v1",
        "kind": "ServiceMeshMemberRoll",
        "metadata": {"name": "default", "namespace": namespace},
        "spec": {"members": list(members)},
    }


def deployment(name: str, namespace: str, labels: Mapping[str, str], gateway: bool) -> Body:
    """A Deployment whose pods are a sidecar workload, or a gateway (injection template)."""
    pod_meta: Body = {"labels": dict(labels)}
    if gateway:
        pod_meta["annotations"] = {"inject.istio.io/templates": "gateway"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"template": {"metadata": pod_meta, "spec": {"containers": []}}},
    }


def plugin_id(plugin: Mapping[str, Any]) -> str:
    meta = plugin["metadata"]
    return f"{meta.get('namespace', '')}/{meta['name']}"


def sim_plugin(plugin: Mapping[str, Any]) -> SimPlugin:
    """An emitted WasmPlugin as the Istio simulator's input, read from its YAML fields only."""
    spec = plugin["spec"]
    return SimPlugin(
        id=plugin_id(plugin),
        namespace=plugin["metadata"].get("namespace", ""),
        name=plugin["metadata"]["name"],
        phase=PluginPhase(spec.get("phase", PluginPhase.UNSPECIFIED.value)),
        priority=spec.get("priority"),
        selector=labels_of((spec.get("selector") or {}).get("matchLabels")),
        match_modes=tuple(m.get("mode", "UNDEFINED") for m in spec.get("match", [])),
    )


def custom_policy(name: str, namespace: str, selector: Mapping[str, str]) -> Body:
    """An AuthorizationPolicy with action CUSTOM (ext_authz)."""
    spec: Body = {"action": "CUSTOM", "provider": {"name": "ext"}, "rules": [{}]}
    if selector:
        spec["selector"] = {"matchLabels": dict(selector)}
    return {"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
            "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def cors_fault_route(name: str, namespace: str) -> Body:
    """A VirtualService bound to a Gateway not in the input, with corsPolicy and fault."""
    route = {"corsPolicy": {"allowOrigins": [{"exact": "https://example.com"}]},
             "fault": {"abort": {"httpStatus": 503, "percentage": {"value": 1}}},
             "route": [{"destination": {"host": "web"}}]}
    return {"apiVersion": "networking.istio.io/v1beta1", "kind": "VirtualService",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"hosts": ["www.example.com"], "gateways": [f"{name}-gateway"],
                     "http": [route]}}
