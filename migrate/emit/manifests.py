"""Write WasmPlugin manifests: one YAML stream, or one file per plugin."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from migrate.emit import libyaml
from migrate.emit.atomic import write_atomically


class _IndentedDumper(yaml.SafeDumper):
    """Indents block sequences under their key, as kubectl and most hand-written YAML do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def to_yaml(plugin: Mapping[str, Any]) -> str:
    plain = _plain(plugin)
    fast = libyaml.dump(plain)
    if fast is not None:
        return fast
    return yaml.dump(
        plain, Dumper=_IndentedDumper, sort_keys=False, default_flow_style=False,
        allow_unicode=True, width=100,
    )


def _plain(value: Any) -> Any:
    """Plain dicts and lists (PyYAML's safe dumper refuses other mapping types)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def yaml_stream(plugins: Sequence[Mapping[str, Any]]) -> str:
    return "".join(f"---\n{to_yaml(p)}" for p in plugins)


class ManifestFormat(StrEnum):
    YAML = "yaml"
    JSON = "json"


def json_list(plugins: Sequence[Mapping[str, Any]]) -> str:
    """One `kind: List`, as `kubectl get -o json` prints several objects."""
    document = {"apiVersion": "v1", "kind": "List", "items": [_plain(p) for p in plugins]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_manifests(placed: Sequence[tuple[str | None, Mapping[str, Any]]],
                     fmt: ManifestFormat) -> str:
    plugins = [plugin for _, plugin in placed]
    return json_list(plugins) if fmt is ManifestFormat.JSON else yaml_stream(plugins)


def file_name(namespace: str | None, name: str) -> str:
    return f"{namespace or 'no-namespace'}.{name}.wasmplugin.yaml"


def _unique(name: str, taken: set[str]) -> str:
    """Two plugins never share a file: the second of a name gets a counter."""
    candidate, counter = name, 2
    while candidate in taken:
        candidate = name.replace(".wasmplugin.yaml", f".{counter}.wasmplugin.yaml")
        counter += 1
    taken.add(candidate)
    return candidate


def write_directory(
    directory: Path, plugins: Sequence[tuple[str | None, Mapping[str, Any]]]
) -> list[Path]:
    """One file per plugin, named by its effective namespace (kustomize's too) and name."""
    directory.mkdir(parents=True, exist_ok=True)
    written, taken = [], set[str]()
    for namespace, plugin in plugins:
        name = str(plugin.get("metadata", {}).get("name"))
        path = directory / _unique(file_name(namespace, name), taken)
        write_atomically(path, to_yaml(plugin))
        written.append(path)
    return written
