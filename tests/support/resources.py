"""Build Resources from YAML text, for tests of the pure layers."""

from __future__ import annotations

import yaml

from migrate.inventory.build import build_inventory
from migrate.model import Inventory, Location, Resource


def resources(text: str, path: str = "test.yaml") -> list[Resource]:
    docs = [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
    return [Resource(doc, Location(path, None, index)) for index, doc in enumerate(docs)]


def inventory(text: str) -> Inventory:
    return build_inventory(resources(text))


def sme(name: str, namespace: str | None = "istio-system", **spec: object) -> str:
    """One maistra.io/v1 ServiceMeshExtension as a YAML document."""
    meta = {"name": name} | ({"namespace": namespace} if namespace else {})
    body = {
        "apiVersion": "maistra.io/v1",
        "kind": "ServiceMeshExtension",
        "metadata": meta,
        "spec": {"image": f"registry.example.com/{name}:1", **spec},
    }
    return "---\n" + yaml.safe_dump(body)
