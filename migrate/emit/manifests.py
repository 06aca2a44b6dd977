"""Write WasmPlugin manifests: one YAML stream, or one file per plugin."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from migrate.emit import indented_json, libyaml, plain_yaml
from migrate.emit.atomic import write_atomically


class _IndentedDumper(yaml.SafeDumper):
    """Indents block sequences under their key, as kubectl and most hand-written YAML do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def to_yaml(plugin: Mapping[str, Any]) -> str:
    plain = _plain(plugin)
    fast = plain_yaml.block_yaml(plain) or libyaml.dump(plain)
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


CLUSTER_COMMENT = "# sme-migrate cluster: "
OUTSIDE_CLUSTERS = "(the files outside the cluster folders)"
Scopes = tuple[str, ...]


def yaml_stream(plugins: Sequence[Mapping[str, Any]],
                clusters: Sequence[Scopes] | None = None) -> str:
    """`clusters`: each plugin's cluster folders, said in a comment (when the input has several)."""
    if clusters is None:
        return "".join(f"---\n{to_yaml(p)}" for p in plugins)
    return "".join(f"---\n{CLUSTER_COMMENT}{cluster_names(scopes)}\n{to_yaml(p)}"
                   for p, scopes in zip(plugins, clusters, strict=True))


def cluster_names(scopes: Scopes) -> str:
    return ", ".join(scope or OUTSIDE_CLUSTERS for scope in scopes)


class ManifestFormat(StrEnum):
    YAML = "yaml"
    JSON = "json"


def json_list(plugins: Sequence[Mapping[str, Any]]) -> str:
    """One `kind: List`, as `kubectl get -o json` prints several objects."""
    document = {"apiVersion": "v1", "kind": "List", "items": [_plain(p) for p in plugins]}
    return indented_json.dumps(document) + "\n"


def render_manifests(placed: Sequence[tuple[str | None, Mapping[str, Any]]],
                     fmt: ManifestFormat, clusters: Sequence[Scopes] | None = None) -> str:
    """`clusters`: for a YAML stream, the cluster folders of each plugin (a JSON List cannot
    say them: the caller refuses several clusters there)."""
    plugins = [plugin for _, plugin in placed]
    return json_list(plugins) if fmt is ManifestFormat.JSON else yaml_stream(plugins, clusters)


def file_name(namespace: str | None, name: str) -> str:
    return f"{namespace or 'no-namespace'}.{name}.wasmplugin.yaml"


def _unique(name: str, taken: set[str], folder: str = ".") -> str:
    """Two plugins never share a file: the second of a name (in one folder) gets a counter."""
    candidate, counter = name, 2
    while os.path.join(folder, candidate) in taken:
        candidate = name.replace(".wasmplugin.yaml", f".{counter}.wasmplugin.yaml")
        counter += 1
    taken.add(os.path.join(folder, candidate))
    return candidate


def cluster_folders(scopes: Sequence[str]) -> dict[str, str]:
    """Each cluster scope's subfolder of an output directory: the scope below the folder that
    holds all of them (clusters/prod, clusters/stage: prod, stage); the default scope (files
    outside every cluster folder) writes into the directory itself."""
    named = sorted({scope for scope in scopes if scope})
    parents = [os.path.dirname(os.path.abspath(scope)) for scope in named]
    top = os.path.commonpath(parents) if parents else ""
    folders = {scope: os.path.relpath(os.path.abspath(scope), top) for scope in named}
    return {"": ".", **folders} if "" in scopes else folders


def write_directory(
    directory: Path, plugins: Sequence[tuple[str | None, Mapping[str, Any]]],
    clusters: Sequence[Scopes] | None = None,
) -> list[Path]:
    """One file per plugin, named by its effective namespace (kustomize's too) and name; with
    `clusters`, in one subfolder per cluster (a plugin several clusters read goes to each)."""
    scopes = clusters or [("",)] * len(plugins)
    folders = cluster_folders([s for found in scopes for s in found]) if clusters else {"": "."}
    written, taken = [], set[str]()
    for (namespace, plugin), found in zip(plugins, scopes, strict=True):
        name = file_name(namespace, str(plugin.get("metadata", {}).get("name")))
        for scope in found:
            target = directory / folders[scope]
            target.mkdir(parents=True, exist_ok=True)
            path = target / _unique(name, taken, folders[scope])
            write_atomically(path, to_yaml(plugin))
            written.append(path)
    return written
