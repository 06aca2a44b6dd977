"""Helpers for the file-source tests: real files written from a dict, and scan accessors."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

from migrate.sources.files import SourceScan

Tree = Callable[[Mapping[str, str | bytes]], Path]  # the `tree` fixture


def extension_yaml(name: str, namespace: str | None = None, phase: str = "PostAuthZ") -> str:
    namespace_line = f"  namespace: {namespace}\n" if namespace else ""
    return (
        "apiVersion: maistra.io/v1\n"
        "kind: ServiceMeshExtension\n"
        "metadata:\n"
        f"  name: {name}\n"
        f"{namespace_line}"
        "spec:\n"
        f"  image: quay.io/example/{name}:1.0\n"
        f"  phase: {phase}\n"
    )


def deployment_yaml(name: str, app: str) -> str:
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
        f"  name: {name}\nspec:\n  template:\n    metadata:\n      labels:\n        app: {app}\n"
        "    spec:\n      containers:\n      - name: main\n        image: example/app:1\n"
    )


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def names(scan: SourceScan, kind: str = "ServiceMeshExtension") -> list[str]:
    return [resource.name for resource in scan.resources if resource.kind == kind]


def messages(scan: SourceScan, rule: str) -> dict[str, str]:
    """Finding message by file name (the last path component) for one rule."""
    return {
        Path(f.location.path).name: f.message
        for f in scan.findings
        if f.rule == rule and f.location is not None
    }
