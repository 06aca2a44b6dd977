"""Map one ServiceMeshExtension to one WasmPlugin body (section 4 of the contract)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from migrate import rules
from migrate.inventory.annotations import ORDER_ANNOTATION, SOURCE_ANNOTATION, order_annotation
from migrate.model import Extension, Finding, PluginPhase, Severity, SmePhase
from migrate.rules.ids import RuleId
from migrate.semantics.effective import ConfigOutcome

API_VERSION = "extensions.istio.io/v1alpha1"
DROPPED_ANNOTATIONS = frozenset({"kubectl.kubernetes.io/last-applied-configuration"})
URL_SCHEMES = ("oci://", "http://", "https://", "file://")
KEPT_PULL_POLICIES = ("Always", "IfNotPresent")


@dataclass(frozen=True)
class PluginPlan:
    """The decisions taken for one extension beyond its own fields."""

    sme_phase: SmePhase
    sme_priority: int
    phase: PluginPhase
    priority: int
    match_server: bool
    sha256: str | None
    config: ConfigOutcome
    namespace: str | None = None  # where to write it when not the extension's (--root-namespace)
    image: str | None = None  # the image spec.url names when not the extension's (a copy)


def plugin_url(image: str) -> str:
    return image if image.startswith(URL_SCHEMES) else f"oci://{image}"


def _metadata(extension: Extension, plan: PluginPlan) -> dict[str, Any]:
    meta = extension.resource.metadata
    out: dict[str, Any] = {"name": extension.name}
    if namespace := plan.namespace or meta.get("namespace"):
        out["namespace"] = namespace
    labels = meta.get("labels")
    if isinstance(labels, Mapping) and labels:
        out["labels"] = dict(labels)
    annotations = meta.get("annotations")
    kept = {k: v for k, v in (annotations or {}).items() if k not in DROPPED_ANNOTATIONS}
    kept[SOURCE_ANNOTATION] = f"{extension.resource.api_version} ServiceMeshExtension"
    kept[ORDER_ANNOTATION] = order_annotation(plan.sme_phase, plan.sme_priority)
    out["annotations"] = kept
    return out


def _pull_policy(extension: Extension) -> str | None:
    if extension.pull_policy in KEPT_PULL_POLICIES:
        return extension.pull_policy
    return "IfNotPresent" if extension.pull_policy == "Never" else None


def _spec(extension: Extension, plan: PluginPlan) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if extension.selector:
        spec["selector"] = {"matchLabels": dict(extension.selector)}
    spec["url"] = plugin_url(plan.image or extension.image)
    if plan.sha256:
        spec["sha256"] = plan.sha256
    if policy := _pull_policy(extension):
        spec["imagePullPolicy"] = policy
    if extension.pull_secrets:
        spec["imagePullSecret"] = extension.pull_secrets[0]
    spec["pluginName"] = f"{extension.name}_root"
    spec["phase"] = plan.phase.value
    spec["priority"] = plan.priority
    if plan.match_server:
        spec["match"] = [{"mode": "SERVER"}]
    if plan.config.plugin_config is not None:
        spec["pluginConfig"] = dict(plan.config.plugin_config)
    return spec


def wasm_plugin(extension: Extension, plan: PluginPlan) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "WasmPlugin",
        "metadata": _metadata(extension, plan),
        "spec": _spec(extension, plan),
    }


def _finding(extension: Extension, rule: RuleId, message: str, key: str = "") -> Finding:
    location = extension.resource.location_of(key) if key else extension.resource.location
    return rules.finding(rule, message, extension.resource.ref, location)


def _config_findings(extension: Extension, config: ConfigOutcome) -> list[Finding]:
    if config.note == "no-config":
        return [_finding(extension, RuleId.NO_CONFIG, "no configuration: the plugin "
                         "received `null` and now receives no configuration at all")]
    if config.note == "empty-object":
        return [_finding(extension, RuleId.NO_CONFIG, "empty configuration: the "
                         "plugin received `{}` and now receives no configuration at all",
                         "spec.config")]
    if config.note == "yaml":
        return [_finding(extension, RuleId.CONFIG_YAML_NOT_JSON,
                                    "the YAML configuration text becomes "
                         "the same object, which the plugin now receives as JSON text",
                         "spec.config")]
    return []


def _pull_findings(extension: Extension) -> list[Finding]:
    found = []
    if extension.pull_policy == "Never":
        found.append(_finding(extension, RuleId.PULL_POLICY_NEVER, "imagePullPolicy Never becomes "
                              "IfNotPresent (what Maistra did with it)", "spec.imagePullPolicy"))
    secrets = extension.pull_secrets
    if len(secrets) > 1:
        found.append(_finding(extension, RuleId.PULL_SECRETS, f"{len(secrets)} pull "
                              f"secrets; a WasmPlugin takes one, so only '{secrets[0]}' is "
                              "kept", "spec.imagePullSecrets"))
    elif secrets:
        found.append(rules.finding(
            RuleId.PULL_SECRETS, f"pull secret '{secrets[0]}' must be a "
            "kubernetes.io/dockerconfigjson secret in the plugin's namespace (Maistra never "
            "used it; every proxy now pulls with it)", extension.resource.ref,
            extension.resource.location_of("spec.imagePullSecrets"), severity=Severity.INFO))
    return found


def field_findings(extension: Extension, plan: PluginPlan) -> list[Finding]:
    """What the mapping of one extension changes, said as findings."""
    found = _config_findings(extension, plan.config) + _pull_findings(extension)
    if plan.sme_phase is SmePhase.PostStats:
        found.append(_finding(extension, RuleId.POSTSTATS_APPROXIMATED, "PostStats becomes the "
                              "lowest-priority STATS plugin (no phase runs after istio.stats)",
                              "spec.phase"))
    found.append(_finding(extension, RuleId.FAIL_STRATEGY_CHANGE,
                                     "if its module cannot be fetched, "
                          "requests now fail (FAIL_CLOSE) instead of bypassing it"))
    found.append(_plugin_name_finding(extension, plan))
    return found


def _plugin_name_finding(extension: Extension, plan: PluginPlan) -> Finding:
    namespace = plan.namespace or extension.namespace or "<namespace>"
    return _finding(extension, RuleId.PLUGIN_NAME_CHANGED, f"Envoy now names the plugin "
                    f"'{namespace}.{extension.name}' (was '{extension.name}'): stats, logs and "
                    "alerts keyed on the plugin name change")
