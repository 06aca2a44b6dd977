"""Find the node of a scanned Resource in its file's node tree."""

from __future__ import annotations

from dataclasses import dataclass

from migrate.model import Resource
from migrate.rewrite.source import SourceFile
from migrate.rewrite.yamledit.edits import Path
from migrate.rewrite.yamledit.spans import Document, Node


@dataclass(frozen=True)
class Located:
    document: Document
    node: Node
    path: Path  # where the object sits in its document's value: (), ("items", i), ("objects", i)


def locate(source: SourceFile, resource: Resource) -> Located | None:
    """The resource's node: same document, same first line, same kind and name; else None."""
    location = resource.location
    if location is None or location.document is None or location.line is None:
        return None
    if not 0 <= location.document < len(source.documents):
        return None
    document = source.documents[location.document]
    for path, node in source.objects.get((location.document, location.line), ()):
        if _same_object(node, resource):
            return Located(document, node, path)
    return None


def _same_object(node: Node, resource: Resource) -> bool:
    name = node.at("metadata", "name")
    return node.scalar("kind") == resource.kind and (
        name is not None and name.value == str(resource.metadata.get("name") or "")
    )
