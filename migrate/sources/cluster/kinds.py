"""Every resource type the scan reads, and the versions it understands (preferred first)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    group: str  # "" for the core group
    versions: tuple[str, ...]  # the first one the server serves is read
    plural: str
    kind: str
    namespaced: bool = True

    @property
    def qualified(self) -> str:
        return f"{self.plural}.{self.group}" if self.group else self.plural


@dataclass(frozen=True)
class Served:
    """A kind at the version the server serves it."""

    kind: Kind
    version: str

    @property
    def api_version(self) -> str:
        return f"{self.kind.group}/{self.version}" if self.kind.group else self.version


NAMESPACES = Kind("", ("v1",), "namespaces", "Namespace", namespaced=False)
PODS = Kind("", ("v1",), "pods", "Pod")
SERVICES = Kind("", ("v1",), "services", "Service")
# maistra.io serves v1 and v1alpha1 of the same objects: read v1alpha1 only where v1 is absent
EXTENSIONS = Kind("maistra.io", ("v1", "v1alpha1"), "servicemeshextensions",
                  "ServiceMeshExtension")
CONTROL_PLANES = Kind("maistra.io", ("v2",), "servicemeshcontrolplanes",
                      "ServiceMeshControlPlane")
MEMBER_ROLLS = Kind("maistra.io", ("v1",), "servicemeshmemberrolls", "ServiceMeshMemberRoll")
MEMBERS = Kind("maistra.io", ("v1",), "servicemeshmembers", "ServiceMeshMember")
WASM_PLUGINS = Kind("extensions.istio.io", ("v1alpha1",), "wasmplugins", "WasmPlugin")
AUTHORIZATION_POLICIES = Kind("security.istio.io", ("v1", "v1beta1"), "authorizationpolicies",
                              "AuthorizationPolicy")
VIRTUAL_SERVICES = Kind("networking.istio.io", ("v1", "v1beta1", "v1alpha3"),
                        "virtualservices", "VirtualService")

GATEWAYS = Kind("networking.istio.io", ("v1", "v1beta1", "v1alpha3"), "gateways", "Gateway")
# OSSM 2.1/2.2 with telemetry v2 off ran extensions only where an EnvoyFilter matched
ENVOY_FILTERS = Kind("networking.istio.io", ("v1alpha3",), "envoyfilters", "EnvoyFilter")

MESH_KINDS = (CONTROL_PLANES, MEMBER_ROLLS, MEMBERS)  # read first: they name the mesh namespaces
OTHER_KINDS = (EXTENSIONS, WASM_PLUGINS, AUTHORIZATION_POLICIES, VIRTUAL_SERVICES, GATEWAYS,
               ENVOY_FILTERS, SERVICES, PODS)
SCANNED = MESH_KINDS + OTHER_KINDS
CORE_SERVED = {kind: Served(kind, "v1") for kind in (NAMESPACES, PODS, SERVICES)}
