"""Normalise raw Resources into the model: extensions, control planes, members, plugins."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from migrate import rules
from migrate.inventory.annotations import ORDER_ANNOTATION, parse_order_annotation
from migrate.inventory.fields import invalid_fields
from migrate.inventory.templates import is_template, template_findings
from migrate.inventory.traffic import traffic_object
from migrate.inventory.workloads import gateway_labels_of_control_plane, workloads_of
from migrate.model import (
    ConfigKind,
    ControlPlane,
    ExistingPlugin,
    Extension,
    ExtensionConfig,
    Finding,
    Inventory,
    Labels,
    Member,
    MemberRoll,
    PluginPhase,
    Resource,
    Workload,
    labels_of,
)
from migrate.rules.ids import RuleId

RAW_V1ALPHA1_CONFIG = "raw_v1alpha1_config"
SME_KIND = "ServiceMeshExtension"
MAISTRA_SME_VERSIONS = ("maistra.io/v1", "maistra.io/v1alpha1")


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _wrong_type(resource: Resource, raw: object) -> bool:
    """v1 types config as an object, v1alpha1 as a string: anything else was refused."""
    if resource.api_version == "maistra.io/v1alpha1":
        return not isinstance(raw, str)
    return resource.api_version == "maistra.io/v1" and not isinstance(raw, Mapping)


def _config_of(resource: Resource) -> ExtensionConfig:
    spec = resource.spec
    raw = spec.get("config")
    if raw is None:
        return ExtensionConfig(ConfigKind.ABSENT)
    if _wrong_type(resource, raw):
        return ExtensionConfig(ConfigKind.WRONG_TYPE, raw)
    if isinstance(raw, Mapping):
        embedded = raw.get(RAW_V1ALPHA1_CONFIG)
        if isinstance(embedded, str):
            return ExtensionConfig(ConfigKind.STRING, embedded)
        return ExtensionConfig(ConfigKind.OBJECT, dict(raw))
    if isinstance(raw, str):
        return ExtensionConfig(ConfigKind.STRING, raw)
    return ExtensionConfig(ConfigKind.STRING, str(raw))


def _pull_secrets(spec: Mapping[str, Any]) -> tuple[str, ...]:
    secrets = spec.get("imagePullSecrets")
    if not isinstance(secrets, list):
        return ()
    names = (_mapping(s).get("name") for s in secrets)
    return tuple(str(n) for n in names if n)


def _readiness(resource: Resource) -> bool | None:
    if "status" not in resource.body:
        return None
    deployment = _mapping(resource.status.get("deployment"))
    return deployment.get("ready") is True


def _container_digest(resource: Resource) -> str | None:
    digest = _mapping(resource.status.get("deployment")).get("containerSha256")
    if not isinstance(digest, str):
        return None
    digest = digest.removeprefix("sha256:").lower()
    is_hex = len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)
    return digest if is_hex else None


def extension_of(resource: Resource) -> Extension:
    spec, status = resource.spec, resource.status
    policy = spec.get("imagePullPolicy")
    return Extension(
        resource=resource,
        namespace=resource.namespace,
        name=resource.name,
        image=str(spec.get("image") or ""),
        phase_spec=spec.get("phase"),
        priority_spec=spec.get("priority"),
        phase_status=status.get("phase"),
        priority_status=status.get("priority"),
        config=_config_of(resource),
        selector=labels_of(_mapping(spec.get("workloadSelector")).get("labels")),
        pull_policy=str(policy) if policy else None,
        pull_secrets=_pull_secrets(spec),
        ready=_readiness(resource),
        container_sha256=_container_digest(resource),
        invalid_fields=invalid_fields(resource),
    )


def control_plane_of(resource: Resource) -> ControlPlane:
    tech_preview = _mapping(resource.spec.get("techPreview"))
    wasm = tech_preview.get("wasmExtensions")
    version = resource.spec.get("version")
    telemetry = _mapping(resource.spec.get("telemetry")).get("type")
    return ControlPlane(
        resource=resource,
        namespace=resource.namespace or "",
        name=resource.name,
        version=str(version) if version else None,
        wasm_extensions=_mapping(wasm) if "wasmExtensions" in tech_preview else None,
        tech_preview_keys=tuple(str(k) for k in tech_preview),
        gateway_labels=gateway_labels_of_control_plane(resource),
        telemetry_type=str(telemetry) if telemetry else None,
    )


def _names(value: object) -> tuple[str, ...]:
    return tuple(str(m) for m in value) if isinstance(value, list) else ()


def member_roll_of(resource: Resource) -> MemberRoll:
    names = _names(resource.spec.get("members"))
    configured = resource.status.get("configuredMembers")
    known = _names(configured) if "status" in resource.body and configured is not None else None
    return MemberRoll(resource, resource.namespace or "", names, known)


def member_of(resource: Resource) -> Member:
    ref = _mapping(resource.spec.get("controlPlaneRef"))
    name, namespace = ref.get("name"), ref.get("namespace")
    return Member(
        resource=resource,
        namespace=resource.namespace or "",
        control_plane_name=str(name) if name else None,
        control_plane_namespace=str(namespace) if namespace else None,
    )


def _plugin_phase(value: object) -> PluginPhase:
    for phase in PluginPhase:
        if value == phase.value:
            return phase
    return PluginPhase.UNSPECIFIED


def plugin_of(resource: Resource) -> ExistingPlugin:
    spec = resource.spec
    annotations = resource.metadata.get("annotations")
    priority = spec.get("priority")
    selector: Labels = labels_of(_mapping(spec.get("selector")).get("matchLabels"))
    return ExistingPlugin(
        resource=resource,
        namespace=resource.namespace,
        name=resource.name,
        phase=_plugin_phase(spec.get("phase")),
        priority=priority if isinstance(priority, int) and not isinstance(priority, bool) else None,
        selector=selector,
        origin=parse_order_annotation(annotations.get(ORDER_ANNOTATION)) if isinstance(
            annotations, Mapping) else None,
        url=str(spec.get("url") or ""),
    )


def _group(api_version: str) -> str:
    return api_version.split("/", 1)[0] if "/" in api_version else ""


def _dev_api_finding(resource: Resource) -> Finding:
    return rules.finding(
        RuleId.DEV_API_EXTENSION,
        f"{resource.ref.display} uses the pre-release API {resource.api_version}; "
        "it is not converted",
        resource.ref,
        resource.location,
    )


def build_inventory(resources: Iterable[Resource], findings: Sequence[Finding] = ()) -> Inventory:
    """Sort every resource into the model; unknown kinds only contribute workloads."""
    extensions: list[Extension] = []
    planes: list[ControlPlane] = []
    rolls: list[MemberRoll] = []
    members: list[Member] = []
    plugins: list[ExistingPlugin] = []
    workloads: list[Workload] = []
    problems = list(findings)
    traffic: dict[str, list[Any]] = {}
    for resource in resources:
        kind, group = resource.kind, _group(resource.api_version)
        if (found := traffic_object(resource)) is not None:
            traffic.setdefault(found[0], []).append(found[1])
        elif kind == SME_KIND and resource.api_version in MAISTRA_SME_VERSIONS:
            extensions.append(extension_of(resource))
        elif kind == SME_KIND and group == "extensions.maistra.io":
            problems.append(_dev_api_finding(resource))
        elif kind == "ServiceMeshControlPlane" and group == "maistra.io":
            planes.append(control_plane_of(resource))
        elif kind == "ServiceMeshMemberRoll" and group == "maistra.io":
            rolls.append(member_roll_of(resource))
        elif kind == "ServiceMeshMember" and group == "maistra.io":
            members.append(member_of(resource))
        elif kind == "WasmPlugin" and group == "extensions.istio.io":
            plugins.append(plugin_of(resource))
        elif is_template(resource):
            problems.extend(template_findings(resource))
        else:
            workloads.extend(workloads_of(resource))
    return Inventory(
        extensions=tuple(extensions),
        control_planes=tuple(planes),
        member_rolls=tuple(rolls),
        members=tuple(members),
        plugins=tuple(plugins),
        workloads=tuple(workloads),
        findings=tuple(problems),
        **{key: tuple(items) for key, items in traffic.items() if key},
    )
