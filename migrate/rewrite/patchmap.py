"""Which kustomize patches of a ServiceMeshExtension carry over to its WasmPlugin unchanged in
meaning, and what they become. Pure: values in, values out.

Mechanical means a field keeps its meaning under a new name or with a fixed value mapping:
`config` → `pluginConfig` (v1 object configurations only), `image` → `url` (with the `oci://`
scheme the converter always adds), `workloadSelector.labels` → `selector.matchLabels`,
`imagePullPolicy` (Never → IfNotPresent), `metadata.*`. Phase and priority are not: the converter
reassigns them for the whole mesh, so a patched value would silently break the order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from migrate.semantics.convert import API_VERSION, plugin_url

PLUGIN_KIND = "WasmPlugin"
PLUGIN_GROUP, PLUGIN_VERSION = API_VERSION.split("/")
VALUE_OPS = ("add", "replace", "test")


class NotMechanical(ValueError):
    """The patch needs a person: the message says why."""


@dataclass(frozen=True)
class PatchTarget:
    """What the patched ServiceMeshExtension became."""

    plugin: Mapping[str, Any]
    config_is_object: bool  # a v1 object configuration (so its sub-paths map one to one)

    @property
    def has_selector(self) -> bool:
        return "selector" in self.plugin.get("spec", {})


def map_pointer(pointer: str, target: PatchTarget) -> str:
    """A JSON pointer into the extension as a pointer into the plugin; raises NotMechanical."""
    steps = pointer.split("/")[1:] if pointer.startswith("/") else None
    if not steps:
        raise NotMechanical(f"{pointer!r} replaces the whole object")
    if steps[0] == "metadata":
        return pointer
    if steps[0] != "spec" or len(steps) < 2:
        raise NotMechanical(f"{pointer} has no WasmPlugin equivalent")
    return "/" + "/".join(["spec", *_spec_steps(steps[1:], pointer, target)])


def _spec_steps(steps: list[str], pointer: str, target: PatchTarget) -> list[str]:
    field, rest = steps[0], steps[1:]
    if field == "config" and target.config_is_object:
        return ["pluginConfig", *rest]
    if field == "config":
        raise NotMechanical(f"{pointer}: the configuration was a string and is now an object")
    if field == "image" and not rest:
        return ["url"]
    if field == "imagePullPolicy" and not rest:
        return [field]
    if field == "workloadSelector" and rest[:1] == ["labels"] and target.has_selector:
        return ["selector", "matchLabels", *rest[1:]]
    raise NotMechanical(_why_not(field, pointer))


def _why_not(field: str, pointer: str) -> str:
    if field == "priority":
        return (f"{pointer}: priorities were reassigned across the mesh to keep the filter "
                "order, so a patched priority would break it; set the WasmPlugin's by hand")
    if field == "phase":
        return (f"{pointer}: the phase decides the WasmPlugin phase and priority of every "
                "plugin of the mesh; convert the patched extension instead")
    if field == "workloadSelector":
        return f"{pointer}: the WasmPlugin has no selector of that shape"
    return f"{pointer} has no mechanical WasmPlugin equivalent"


def map_value(pointer: str, value: Any) -> Any:
    """The value a mapped operation writes (the extension's pointer decides)."""
    if pointer == "/spec/image":
        if not isinstance(value, str):
            raise NotMechanical("/spec/image: the new image is not a string")
        return plugin_url(value)
    if pointer == "/spec/imagePullPolicy":
        return _pull_policy(value)
    if pointer == "/spec/workloadSelector/labels" and not value:
        raise NotMechanical(f"{pointer}: empty labels mean no selector in a WasmPlugin")
    return value


def _pull_policy(value: Any) -> Any:
    if value == "Never":
        return "IfNotPresent"  # what Maistra did with it
    if value in ("Always", "IfNotPresent"):
        return value
    raise NotMechanical(f"/spec/imagePullPolicy: {value!r} has no WasmPlugin equivalent")


def map_operation(operation: Mapping[str, Any], target: PatchTarget) -> dict[str, Any]:
    """One JSON 6902 operation on the extension as the same operation on the plugin."""
    op, path = operation.get("op"), operation.get("path")
    if not isinstance(path, str):
        raise NotMechanical("an operation without a path")
    if path == "/spec/image" and op not in VALUE_OPS:
        raise NotMechanical("/spec/image: a WasmPlugin needs its url")
    mapped = dict(operation)
    mapped["path"] = map_pointer(path, target)
    if op in VALUE_OPS and "value" in operation:
        mapped["value"] = map_value(path, operation["value"])
    if isinstance(operation.get("from"), str):
        mapped["from"] = map_pointer(operation["from"], target)
    return mapped


def map_operations(operations: Any, target: PatchTarget) -> list[dict[str, Any]]:
    if not isinstance(operations, list) or not all(isinstance(o, Mapping) for o in operations):
        raise NotMechanical("the JSON 6902 patch is not a list of operations")
    return [map_operation(operation, target) for operation in operations]


SPEC_RENAMES = {"config": "pluginConfig", "image": "url", "workloadSelector": "selector"}


def map_strategic(patch: Mapping[str, Any], target: PatchTarget) -> dict[str, Any]:
    """A strategic-merge patch of the extension as a patch of the plugin."""
    extra = set(patch) - {"apiVersion", "kind", "metadata", "spec", "$patch"}
    if extra:
        raise NotMechanical(f"it patches {', '.join(sorted(extra))}")
    mapped = dict(patch)
    if "apiVersion" in patch:
        mapped["apiVersion"] = API_VERSION
    if "kind" in patch:
        mapped["kind"] = PLUGIN_KIND
    if "spec" in patch:
        mapped["spec"] = _strategic_spec(patch["spec"], target)
    return mapped


def _strategic_spec(spec: Any, target: PatchTarget) -> dict[str, Any]:
    if not isinstance(spec, Mapping):
        raise NotMechanical("its spec is not a mapping")
    mapped: dict[str, Any] = {}
    for field, value in spec.items():
        mapped[SPEC_RENAMES.get(str(field), str(field))] = _strategic_value(
            str(field), value, target)
    return mapped


def _strategic_value(field: str, value: Any, target: PatchTarget) -> Any:
    pointer = f"/spec/{field}"
    if field == "config":
        if not (target.config_is_object and isinstance(value, Mapping)):
            raise NotMechanical(f"{pointer}: the configuration was a string and is now an object")
        return value
    if field == "workloadSelector":
        if not (isinstance(value, Mapping) and set(value) == {"labels"} and target.has_selector):
            raise NotMechanical(_why_not(field, pointer))
        return {"matchLabels": map_value(f"{pointer}/labels", value["labels"])}
    if field in ("image", "imagePullPolicy"):
        return map_value(pointer, value)
    raise NotMechanical(_why_not(field, pointer))
