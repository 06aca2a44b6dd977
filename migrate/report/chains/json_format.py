"""The chain view as JSON, for other tools (the same data the other formats draw)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from migrate.semantics.chainview import ChainView, MeshChains, WorkloadGroup

SCHEMA_VERSION = 1


def _group(group: WorkloadGroup) -> dict[str, Any]:
    return {
        "workloads": list(group.workloads),
        "verdict": group.verdict.value,
        "rules": list(group.rules),
        "maistra": [asdict(e) for e in group.maistra],
        "istio": [asdict(e) for e in group.istio],
    }


def _mesh(mesh: MeshChains) -> dict[str, Any]:
    cluster = {"cluster": mesh.scope} if mesh.scope else {}  # only when there are several
    return {"root": mesh.root, **cluster, "simulated_workloads": mesh.simulated,
            "workloads": mesh.workloads, "groups": [_group(g) for g in mesh.groups]}


def render(view: ChainView) -> str:
    document = {"version": SCHEMA_VERSION, "order_changed": view.order_changed,
                "meshes": [_mesh(m) for m in view.meshes]}
    return json.dumps(document, indent=2) + "\n"
