"""Write WasmPlugin manifests: one YAML stream, or one file per plugin."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from migrate.atomic import write_atomically


class _IndentedDumper(yaml.SafeDumper):
    """Indents block sequences under their key, as kubectl and most hand-written YAML do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def to_yaml(plugin: Mapping[str, Any]) -> str:
    return yaml.dump(
        _plain(plugin), Dumper=_IndentedDumper, sort_keys=False, default_flow_style=False,
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


def file_name(plugin: Mapping[str, Any]) -> str:
    meta = plugin.get("metadata", {})
    prefix = f"{meta['namespace']}." if meta.get("namespace") else ""
    return f"{prefix}{meta.get('name')}.wasmplugin.yaml"


def write_directory(directory: Path, plugins: Sequence[Mapping[str, Any]]) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for plugin in plugins:
        path = directory / file_name(plugin)
        write_atomically(path, to_yaml(plugin))
        written.append(path)
    return written
