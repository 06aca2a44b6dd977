"""What Maistra actually ran: effective phase, priority and configuration of an extension.

Pilot read `status.phase`/`status.priority`, which the wasm-cacher filled from `spec` when set,
else from the image's manifest.yaml; the configuration reached the plugin as JSON text (or, for
v1alpha1 strings, as the raw string).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from migrate.model import ConfigKind, Extension, SmePhase

MAX_CONFIG_ALIASES = 100


@dataclass(frozen=True)
class ModuleDefaults:
    """Defaults read from an image's Maistra manifest.yaml."""

    phase: str | None = None
    priority: int | None = None


@dataclass(frozen=True)
class Effective:
    phase: SmePhase | None
    raw_phase: object  # the value found, for messages (None: nowhere)
    phase_source: str  # "spec", "status", "manifest" or "" when unresolved
    priority: int | None  # None: a value was found but it is not an integer
    raw_priority: object


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _first_set(candidates: list[tuple[str, object]]) -> tuple[str, object]:
    for source, value in candidates:
        if value is not None:
            return source, value
    return "", None


def status_ran(extension: Extension) -> bool:
    """Read from a cluster with a resolved status: pilot used status.phase/priority, so that is
    what ran, even where spec was edited since (the cacher had not applied the edit)."""
    return extension.resource.cluster_context is not None and bool(extension.phase_status)


def _from_status(extension: Extension) -> Effective:
    raw_priority = 0 if extension.priority_status is None else extension.priority_status
    priority = int(raw_priority) if _is_int(raw_priority) else None  # type: ignore[call-overload]
    phase = extension.phase_status
    return Effective(SmePhase.parse(phase), phase, "status", priority, raw_priority)


def resolve(extension: Extension, defaults: ModuleDefaults | None = None) -> Effective:
    if status_ran(extension):
        return _from_status(extension)  # omitted status.priority: it was 0
    defaults = defaults or ModuleDefaults()
    status_phase = extension.phase_status or None  # status.phase is omitempty: "" means unset
    source, raw_phase = _first_set(
        [("spec", extension.phase_spec), ("status", status_phase), ("manifest", defaults.phase)]
    )
    _, raw_priority = _first_set(
        [
            ("spec", extension.priority_spec),
            ("status", extension.priority_status),
            ("manifest", defaults.priority),
            ("default", 0),
        ]
    )
    priority = int(raw_priority) if _is_int(raw_priority) else None  # type: ignore[call-overload]
    return Effective(SmePhase.parse(raw_phase), raw_phase, source, priority, raw_priority)


@dataclass(frozen=True)
class ConfigOutcome:
    """The pluginConfig to emit, or why none can be."""

    plugin_config: Mapping[str, Any] | None
    representable: bool = True
    note: str = ""  # "", "no-config", "empty-object", "yaml" or the reason it is not representable


def _is_json_compatible(value: object) -> bool:
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and _is_json_compatible(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_json_compatible(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, str | int | bool)


def _alias_count(text: str) -> int:
    return sum(1 for event in yaml.parse(text, Loader=yaml.CSafeLoader) if isinstance(
        event, yaml.AliasEvent))


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool | int | float):
        return f"a scalar ({value!r})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"plain text ({shown!r})"
    return f"a {type(value).__name__}"


def _yaml_1_2(text: str) -> Any:
    from ruamel.yaml import YAML  # imported here: only YAML configuration strings need it

    return YAML(typ="safe", pure=True).load(text)


def _as_json(value: object) -> str:
    return json.dumps(value, sort_keys=True)  # strict: True and 1 differ here, unlike ==


def _from_yaml(text: str) -> ConfigOutcome:
    try:
        if _alias_count(text) > MAX_CONFIG_ALIASES:
            return ConfigOutcome(None, False, "it is YAML with too many aliases to expand safely")
        value = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return ConfigOutcome(None, False, "it is neither a JSON object nor a YAML mapping")
    if not isinstance(value, Mapping):
        return ConfigOutcome(None, False, f"it is {_describe(value)}, not an object")
    if not _is_json_compatible(value):
        return ConfigOutcome(None, False, "its YAML holds keys or values JSON cannot carry")
    # The plugin parsed this text itself: YAML 1.1 and 1.2 parsers read `yes`, `on`, `0800`
    # differently, and which one it used is unknown. Only a reading both agree on is safe.
    if _as_json(value) != _as_json(_yaml_1_2(text)):
        return ConfigOutcome(None, False, "YAML 1.1 and YAML 1.2 parsers read it differently "
                             "(words like yes/on/off, or numbers with leading zeros)")
    return ConfigOutcome(dict(value), True, "yaml")


def _from_string(text: str) -> ConfigOutcome:
    if not text.strip():
        return ConfigOutcome(None, True, "no-config")
    try:
        value = json.loads(text)
    except ValueError:
        return _from_yaml(text)
    if isinstance(value, dict) and _is_json_compatible(value):
        return ConfigOutcome(value)
    if isinstance(value, dict):
        return ConfigOutcome(None, False, "it holds numbers a protobuf Struct cannot carry")
    return ConfigOutcome(None, False, f"it is {_describe(value)} in JSON, not an object")


def resolve_config(extension: Extension) -> ConfigOutcome:
    config = extension.config
    if config.kind is ConfigKind.ABSENT:
        return ConfigOutcome(None, True, "no-config")
    if config.kind is ConfigKind.OBJECT:
        if not config.value:
            return ConfigOutcome(None, True, "empty-object")
        return ConfigOutcome(config.value)
    return _from_string(str(config.value))
