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
WRONG_TYPE_NOTE = "wrong-type"


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
    priority_source: str = ""  # "status", "spec", "manifest" or "default" (nothing set it)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _first_set(candidates: list[tuple[str, object]]) -> tuple[str, object]:
    for source, value in candidates:
        if value is not None:
            return source, value
    return "", None


def _effective(phase_source: str, raw_phase: object, priority_source: str,
               raw_priority: object) -> Effective:
    priority = int(raw_priority) if _is_int(raw_priority) else None  # type: ignore[call-overload]
    return Effective(SmePhase.parse(raw_phase), raw_phase, phase_source, priority, raw_priority,
                     priority_source)


def _from_status(extension: Extension) -> Effective | None:
    """What ran: the cacher's status.phase and status.priority (omitted when zero)."""
    if not extension.phase_status:
        return None
    raw_priority = 0 if extension.priority_status is None else extension.priority_status
    return _effective("status", extension.phase_status, "status", raw_priority)


def resolve(extension: Extension, defaults: ModuleDefaults | None = None) -> Effective:
    """Status first (it is what pilot read); else spec, then the image's manifest, then 0."""
    if (from_status := _from_status(extension)) is not None:
        return from_status
    defaults = defaults or ModuleDefaults()
    phase_source, raw_phase = _first_set(
        [("spec", extension.phase_spec), ("manifest", defaults.phase)])
    priority_source, raw_priority = _first_set(
        [("spec", extension.priority_spec), ("manifest", defaults.priority), ("default", 0)])
    return _effective(phase_source, raw_phase, priority_source, raw_priority)


def status_disagreements(extension: Extension, effective: Effective) -> list[str]:
    """The spec fields that say something else than the status that ran."""
    if effective.phase_source != "status":
        return []
    found = []
    if extension.phase_spec is not None and extension.phase_spec != effective.raw_phase:
        found.append(f"spec.phase {extension.phase_spec!r} but status.phase "
                     f"{effective.raw_phase!r}")
    if extension.priority_spec is not None and extension.priority_spec != effective.raw_priority:
        found.append(f"spec.priority {extension.priority_spec!r} but status.priority "
                     f"{effective.raw_priority!r}")
    return found


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
    if value is None:  # the string `null`: Maistra handed the plugin no object either
        return ConfigOutcome(None, True, "no-config")
    if isinstance(value, dict) and _is_json_compatible(value):
        return ConfigOutcome(value)
    if isinstance(value, dict):
        return ConfigOutcome(None, False, "it holds numbers a protobuf Struct cannot carry")
    return ConfigOutcome(None, False, f"it is {_describe(value)} in JSON, not an object")


def resolve_config(extension: Extension) -> ConfigOutcome:
    config = extension.config
    if config.kind is ConfigKind.ABSENT:
        return ConfigOutcome(None, True, "no-config")
    if config.kind is ConfigKind.WRONG_TYPE:
        return ConfigOutcome(None, False, WRONG_TYPE_NOTE)
    if config.kind is ConfigKind.OBJECT:
        if not config.value:
            return ConfigOutcome(None, True, "empty-object")
        return ConfigOutcome(config.value)
    try:
        return _from_string(str(config.value))
    except RecursionError:  # e.g. 100,000 nested brackets: json and ruamel recurse per level
        return ConfigOutcome(None, False, "it is nested too deeply to be read")
