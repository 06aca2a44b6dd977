"""The `manifest.yaml` of a Maistra extension image (schemaVersion, phase, priority, module)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

import yaml

from migrate.modules.errors import ModuleError
from migrate.rules.ids import RuleId

MANIFEST_PATH = "manifest.yaml"
_MAX_MANIFEST_BYTES = 1024 * 1024


@dataclass(frozen=True)
class MaistraManifest:
    module: str | None  # normalised path relative to the image root
    phase: str | None  # raw, as written: validity is the semantics' business
    priority: int | None
    text: bytes = field(default=b"", repr=False, compare=False)  # the file as found


def parse_maistra_manifest(data: bytes) -> MaistraManifest:
    """Parse manifest.yaml; an unreadable one raises ModuleError(MOD021)."""
    if len(data) > _MAX_MANIFEST_BYTES:
        raise ModuleError(RuleId.INVALID_MAISTRA_MANIFEST,
                          f"manifest.yaml is {len(data)} bytes, not a small YAML file")
    try:
        document = yaml.safe_load(data)
    except yaml.YAMLError as exc:
        raise ModuleError(
            RuleId.INVALID_MAISTRA_MANIFEST, f"manifest.yaml is not valid YAML ({_first_line(exc)})"
        ) from None
    if not isinstance(document, dict):
        raise ModuleError(RuleId.INVALID_MAISTRA_MANIFEST, "manifest.yaml is not a YAML mapping")
    return MaistraManifest(
        module=_module_path(document.get("module")),
        phase=document["phase"] if isinstance(document.get("phase"), str) else None,
        priority=_priority(document.get("priority")),
        text=data,
    )


def _module_path(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    path = posixpath.normpath(value.strip().lstrip("/"))
    return None if path.startswith("..") else path


def _priority(value: object) -> int | None:
    # mec unmarshals into a Go int: a quoted number or a bool fails there too
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
