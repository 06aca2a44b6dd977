"""Remove `spec.techPreview.wasmExtensions` (and an emptied `techPreview`) from a control plane.

A block-style key is removed line by line, so that nothing else in the document moves; anything
else (flow style, a key that does not start its line, a spec that would become empty) rewrites
the control plane's node as a whole, comments kept.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from migrate import rules
from migrate.model import ControlPlane, Extension, Finding, Location
from migrate.rewrite.locate import Located, locate
from migrate.rewrite.plugins import refusal, replace_object
from migrate.rewrite.source import SourceFile
from migrate.rewrite.units import Unit, single
from migrate.rewrite.yamledit.edits import DELETE, Change, Edit, splice
from migrate.rewrite.yamledit.spans import Node, content_end, line_end, line_start
from migrate.rewrite.yamledit.verify import means
from migrate.rules.ids import RuleId
from migrate.semantics.meshes import Mesh, mesh_of

KEPT = RuleId.WASMEXTENSIONS_KEPT
MAX_LISTED = 3
WASM_PATH = ("spec", "techPreview", "wasmExtensions")


def strip_unit(source: SourceFile, plane: ControlPlane) -> Unit | Finding:
    resource = plane.resource
    label = f"ServiceMeshControlPlane {plane.namespace}/{plane.name}"
    located = locate(source, resource)
    if located is None:
        return refusal(resource, "its document could not be found again in the file")
    removed = _removed_path(resource.body)
    unit = _line_removal(source, located, removed, label)
    if unit is not None:
        return unit
    return replace_object(source, resource, _without(resource.body, removed), label)


def _removed_path(body: Mapping[str, Any]) -> tuple[str, ...]:
    """techPreview itself when wasmExtensions is all it holds, else just wasmExtensions."""
    tech_preview = body["spec"]["techPreview"]
    return WASM_PATH[:2] if set(tech_preview) == {"wasmExtensions"} else WASM_PATH


def _without(body: Mapping[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    result = copy.deepcopy(dict(body))
    parent = result
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    return result


def _line_removal(
    source: SourceFile, located: Located, removed: tuple[str, ...], label: str
) -> Unit | None:
    """Delete the lines of a block-style key; None when the layout does not allow it."""
    text = source.text
    parent = located.node.at(*removed[:-1])
    if parent is None or parent.flow or len(list(parent.pairs())) < 2:
        return None  # the spec would become empty: rewrite it as `spec: {}` instead
    key, value = _pair(parent, removed[-1])
    if key is None or value is None or text[line_start(text, key.start):key.start].strip():
        return None
    start, end = _whole_lines(text, line_start(text, key.start), line_end(
        text, content_end(text, value) if not value.empty else key.end))
    change = Change(located.document.index, located.path + removed, DELETE)
    edit = Edit(start, end, "")
    if not means(splice(text, [edit]), source.values, [change]):
        return None
    return single(label, source.path, (edit,), (change,))


def _pair(parent: Node, key: str) -> tuple[Node | None, Node | None]:
    return parent.key_node(key), parent.get(key)


def _whole_lines(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend to the following line break; at the end of a file without one, take the previous
    line break instead, so that the file still ends without one."""
    if text.startswith("\r\n", end):
        return start, end + 2
    if text.startswith(("\n", "\r"), end):
        return start, end + 1
    before = start - 2 if text[:start].endswith("\r\n") else start - 1
    return max(before, 0), end


def still_served(plane: ControlPlane, remaining: Sequence[Extension],
                 hidden: Sequence[Location], meshes: Sequence[Mesh], default_root: str
                 ) -> list[str]:
    """What would stop working if this plane's wasmExtensions went away (in the clusters that
    read it: the meshes are each cluster scope's)."""
    served = [e for e in remaining if any(_served_by(plane, e, scope, meshes, default_root)
                                          for scope in e.resource.scopes)]
    names = [f"{e.namespace or '-'}/{e.name}" for e in served]
    return names + [f"an extension in {h.path} (not parsable)" for h in hidden]


def _served_by(plane: ControlPlane, extension: Extension, scope: str, meshes: Sequence[Mesh],
               default_root: str) -> bool:
    if scope not in plane.resource.scopes:
        return False
    mesh = mesh_of(extension.namespace, tuple(meshes), default_root, scope)
    return mesh is not None and mesh.root == plane.namespace


def kept_finding(plane: ControlPlane, kept: Sequence[str]) -> Finding:
    listed = ", ".join(kept[:MAX_LISTED]) + (
        f" and {len(kept) - MAX_LISTED} more" if len(kept) > MAX_LISTED else "")
    return rules.finding(
        KEPT, f"spec.techPreview.wasmExtensions kept: removing it would silently disable "
        f"{listed}", plane.resource.ref,
        plane.resource.location_of("spec.techPreview.wasmExtensions"))
