"""Find the node of a scanned Resource in its file's node tree."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from migrate.model import Resource
from migrate.rewrite.source import SourceFile
from migrate.rewrite.yamledit.edits import Path
from migrate.rewrite.yamledit.spans import Document, Node, NodeKind


@dataclass(frozen=True)
class Located:
    document: Document
    node: Node
    path: Path  # where the object sits in its document's value: (), ("items", i), ("objects", i)


def locate(source: SourceFile, resource: Resource) -> Located | None:
    """The resource's node: same document, same first line, same kind and name; else None."""
    location = resource.location
    if location is None or location.document is None:
        return None
    if not 0 <= location.document < len(source.documents):
        return None
    document = source.documents[location.document]
    for path, node in _objects(document.root):
        if _first_line(node) == location.line and _same_object(node, resource):
            return Located(document, node, path)
    return None


def _objects(root: Node | None) -> Iterator[tuple[Path, Node]]:
    if root is None or root.kind is not NodeKind.MAPPING:
        return
    yield (), root
    kind = root.scalar("kind") or ""
    key = "items" if kind.endswith("List") else "objects" if kind == "Template" else None
    children = root.get(key) if key is not None else None
    if key is not None and children is not None:
        for index, item in enumerate(children.children):
            yield (key, index), item


def _first_line(node: Node) -> int:
    return node.children[0].line if node.children else node.line


def _same_object(node: Node, resource: Resource) -> bool:
    name = node.at("metadata", "name")
    return node.scalar("kind") == resource.kind and (
        name is not None and name.value == str(resource.metadata.get("name") or "")
    )
