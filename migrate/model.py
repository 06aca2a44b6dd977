"""Immutable data that flows from the sources, through the semantics, to the outputs."""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JsonObject = Mapping[str, Any]
Labels = tuple[tuple[str, str], ...]
DEFAULT_SCOPE = ""  # the one cluster of an input that holds no other (see inventory.clusters)
Scopes = tuple[str, ...]  # the cluster folders an object belongs to (a shared base: several)


def labels_of(mapping: Mapping[str, Any] | None) -> Labels:
    """A label map as a sorted, hashable tuple of (key, value) pairs."""
    if not isinstance(mapping, Mapping):
        return ()
    return tuple(sorted((str(k), "" if v is None else str(v)) for k, v in mapping.items()))


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return _SEVERITY_LABELS[self]  # not name.lower(): an enum's name is slow to get

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.strip().upper()]


_SEVERITY_LABELS = {severity: severity.name.lower() for severity in Severity}


@dataclass(frozen=True)
class Location:
    """Where a resource or a problem is: a file (with document index and line) or a cluster."""

    path: str
    line: int | None = None
    document: int | None = None


@dataclass(frozen=True)
class ResourceRef:
    api_version: str
    kind: str
    namespace: str | None
    name: str

    def to_json(self) -> dict[str, Any]:
        return {
            "apiVersion": self.api_version,
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
        }

    @property
    def display(self) -> str:
        return f"{self.kind} {self.namespace or '-'}/{self.name}"


@dataclass(frozen=True)
class DuplicateKey:
    """A mapping key written twice in one document: YAML loaders keep the last value silently."""

    path: str  # dotted, as in Resource.key_lines
    first_line: int
    second_line: int

    def describe(self) -> str:
        return (f"key {self.path} is set twice (lines {self.first_line} and "
                f"{self.second_line}); which value the cluster got depends on the tool that "
                "applied it")


@dataclass(frozen=True)
class Resource:
    """One Kubernetes object as read, remembering where it came from.

    `body` is the parsed object (plain dicts/lists); treat it as read-only.
    `key_lines` maps dotted key paths (e.g. ``spec.techPreview.wasmExtensions``) to 1-based lines.
    ``location.line`` is the line where the object starts (its first key).
    """

    body: JsonObject
    location: Location | None
    key_lines: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False)
    namespace_hint: str | None = None  # e.g. the `namespace:` of the kustomization listing it
    duplicate_keys: tuple[DuplicateKey, ...] = field(default=(), compare=False, hash=False)
    cluster_context: str | None = None  # the kube context it was read from (location is None)
    scopes: Scopes = (DEFAULT_SCOPE,)  # the cluster folders it belongs to

    @property
    def api_version(self) -> str:
        return str(self.body.get("apiVersion") or "")

    @property
    def kind(self) -> str:
        return str(self.body.get("kind") or "")

    @property
    def metadata(self) -> JsonObject:
        meta = self.body.get("metadata")
        return meta if isinstance(meta, Mapping) else {}

    @property
    def name(self) -> str:
        return str(self.metadata.get("name") or "")

    @property
    def namespace(self) -> str | None:
        ns = self.metadata.get("namespace")
        return str(ns) if ns else self.namespace_hint

    @property
    def spec(self) -> JsonObject:
        spec = self.body.get("spec")
        return spec if isinstance(spec, Mapping) else {}

    @property
    def status(self) -> JsonObject:
        status = self.body.get("status")
        return status if isinstance(status, Mapping) else {}

    @functools.cached_property
    def ref(self) -> ResourceRef:  # asked for by nearly every finding: made once
        return ResourceRef(self.api_version, self.kind, self.namespace, self.name)

    def location_of(self, key_path: str) -> Location | None:
        """The location of a nested key, falling back to the resource's own location."""
        if self.location is None:
            return None
        line = self.key_lines.get(key_path)
        if line is None:
            return self.location
        return Location(self.location.path, line, self.location.document)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    resource: ResourceRef | None = None
    location: Location | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.label,
            "message": self.message,
            "resource": self.resource.to_json() if self.resource else None,
            "location": (
                {"path": self.location.path, "line": self.location.line}
                if self.location
                else None
            ),
        }


class SmePhase(enum.IntEnum):
    """Maistra's six phases, in the order pilot emitted them into the HTTP filter chain."""

    PreAuthN = 0
    PostAuthN = 1
    PreAuthZ = 2
    PostAuthZ = 3
    PreStats = 4
    PostStats = 5

    @classmethod
    def parse(cls, value: object) -> SmePhase | None:
        """Exact, case-sensitive match as pilot did; anything else was never injected."""
        return cls.__members__.get(value) if isinstance(value, str) else None


class PluginPhase(enum.Enum):
    AUTHN = "AUTHN"
    AUTHZ = "AUTHZ"
    STATS = "STATS"
    UNSPECIFIED = "UNSPECIFIED_PHASE"


class ConfigKind(enum.Enum):
    ABSENT = "absent"  # no spec.config at all: the plugin received the 4 bytes `null`
    OBJECT = "object"  # a v1 object (or a v1alpha1 string holding a JSON object)
    STRING = "string"  # a v1alpha1 string (or v1 raw_v1alpha1_config) that still needs parsing
    WRONG_TYPE = "wrong-type"  # not the type its own CRD gives config: the API server refused it


@dataclass(frozen=True)
class ExtensionConfig:
    kind: ConfigKind
    value: Any = None  # dict for OBJECT, str for STRING


@dataclass(frozen=True)
class Extension:
    """A normalised ServiceMeshExtension (either API version)."""

    resource: Resource
    namespace: str | None
    name: str
    image: str
    phase_spec: object  # raw value: may be a typo, None when unset
    priority_spec: object
    phase_status: object
    priority_status: object
    config: ExtensionConfig
    selector: Labels
    pull_policy: str | None
    pull_secrets: tuple[str, ...]
    ready: bool | None  # None: no status known (a file in a repository)
    container_sha256: str | None
    invalid_fields: tuple[Finding, ...] = ()  # what its API server refused: never converted


@dataclass(frozen=True)
class ControlPlane:
    """A normalised ServiceMeshControlPlane (maistra.io/v2)."""

    resource: Resource
    namespace: str
    name: str
    version: str | None
    wasm_extensions: JsonObject | None  # spec.techPreview.wasmExtensions, None when absent
    tech_preview_keys: tuple[str, ...]
    gateway_labels: tuple[Labels, ...]  # label sets of the gateways this SMCP deploys
    telemetry_type: str | None = None  # spec.telemetry.type ("None": telemetry v2 off)


@dataclass(frozen=True)
class MemberRoll:
    resource: Resource
    namespace: str
    members: tuple[str, ...]
    configured_members: tuple[str, ...] | None = None  # status.configuredMembers; None: no status


@dataclass(frozen=True)
class Member:
    resource: Resource
    namespace: str
    control_plane_name: str | None
    control_plane_namespace: str | None


@dataclass(frozen=True)
class ExistingPlugin:
    """A WasmPlugin that already exists in the input: it shares the ordering space."""

    resource: Resource
    namespace: str | None
    name: str
    phase: PluginPhase
    priority: int | None
    selector: Labels
    origin: tuple[SmePhase, int] | None = None  # the Maistra order it was migrated from
    url: str = ""


class WorkloadKind(enum.Enum):
    SIDECAR = "sidecar"
    GATEWAY = "gateway"


@dataclass(frozen=True)
class Workload:
    """Pod labels of a workload found in the input (a pod template or a gateway declaration)."""

    namespace: str | None
    labels: Labels
    kind: WorkloadKind
    source: str  # a short human description, e.g. "Deployment bookinfo/productpage"
    scopes: Scopes = (DEFAULT_SCOPE,)


@dataclass(frozen=True)
class Scoped:
    """A policy-like object that applies to the workloads its namespace and selector reach."""

    resource: Resource
    namespace: str | None
    selector: Labels


@dataclass(frozen=True)
class RouteFilters:
    """A VirtualService that sets `corsPolicy` or `fault`: Envoy's cors/fault filters act on it."""

    resource: Resource
    namespace: str | None
    gateways: tuple[str, ...]  # spec.gateways as written (empty: the mesh's sidecars)
    cors: bool
    fault: bool


@dataclass(frozen=True)
class GatewayDecl:
    """An Istio Gateway: which gateway pods (by selector) serve the VirtualServices bound to it."""

    namespace: str | None
    name: str
    selector: Labels
    scopes: Scopes = (DEFAULT_SCOPE,)


def _within(items: tuple[Any, ...], scope: str) -> tuple[Any, ...]:
    return tuple(i for i in items if scope in getattr(i, "resource", i).scopes)


@dataclass(frozen=True)
class Inventory:
    """Everything the sources found, normalised."""

    extensions: tuple[Extension, ...] = ()
    control_planes: tuple[ControlPlane, ...] = ()
    member_rolls: tuple[MemberRoll, ...] = ()
    members: tuple[Member, ...] = ()
    plugins: tuple[ExistingPlugin, ...] = ()
    workloads: tuple[Workload, ...] = ()
    findings: tuple[Finding, ...] = ()  # problems met while reading (unparsable files, ...)
    custom_authz: tuple[Scoped, ...] = ()  # AuthorizationPolicies with action CUSTOM
    route_filters: tuple[RouteFilters, ...] = ()  # VirtualServices with corsPolicy or fault
    gateways: tuple[GatewayDecl, ...] = ()
    services: tuple[Scoped, ...] = ()  # Kubernetes Services (selector = spec.selector)
    envoy_filters: tuple[Scoped, ...] = ()  # EnvoyFilters (selector = workloadSelector.labels)

    @property
    def scopes(self) -> Scopes:
        """Every cluster scope an object of the input is in, sorted (the default one first)."""
        found = {scope for name in _SCOPED_FIELDS for item in getattr(self, name)
                 for scope in getattr(item, "resource", item).scopes}
        return tuple(sorted(found)) or (DEFAULT_SCOPE,)

    def within(self, scope: str) -> Inventory:
        """What one cluster scope holds (the reading problems stay with the whole input)."""
        return Inventory(**{name: _within(getattr(self, name), scope) for name in _SCOPED_FIELDS})


_SCOPED_FIELDS = ("extensions", "control_planes", "member_rolls", "members", "plugins",
                  "workloads", "custom_authz", "route_filters", "gateways", "services",
                  "envoy_filters")


Scanned = tuple[ResourceRef, Location | None]  # one document a scan read, and where


def scanned_of(resources: tuple[Resource, ...]) -> tuple[Scanned, ...]:
    """What ScanReport.scanned holds for the resources a scan read."""
    return tuple((resource.ref, resource.location) for resource in resources)


@dataclass(frozen=True)
class ScanReport:
    """What every report format renders: the findings of one run and its counts.

    `scanned`: every resource read, so a report can list the clean ones too (JUnit's cases).
    """

    findings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...] = ()
    files_scanned: int = 0
    extensions: int = 0
    converted: int = 0
    scanned: tuple[Scanned, ...] = ()
    cluster_context: str | None = None  # the kube context scanned (instead of files)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def summary(self) -> dict[str, int | str]:
        counts: dict[str, int | str] = {
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "info": self.count(Severity.INFO),
            "suppressed": len(self.suppressed),
            "files": self.files_scanned,
            "extensions": self.extensions,
            "converted": self.converted,
        }
        if self.cluster_context is not None:
            counts["cluster"] = self.cluster_context
        return counts
