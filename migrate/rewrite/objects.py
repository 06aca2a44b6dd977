"""The objects a document holds: its root, a List's items, a Template's objects; by first line."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from migrate.rewrite.yamledit.edits import Path
from migrate.rewrite.yamledit.spans import Document, Node, NodeKind

Placed = tuple[Path, Node]  # where the object sits in its document's value, and its node
ByLine = dict[tuple[int, int], tuple[Placed, ...]]  # (document, first line) -> its objects


def by_first_line(documents: Iterable[Document]) -> ByLine:
    """Every object of the documents, in document order, keyed by where it starts (one pass:
    finding each of a List's items by walking all of them would be quadratic)."""
    index: dict[tuple[int, int], list[Placed]] = {}
    for document in documents:
        for path, node in objects(document.root):
            index.setdefault((document.index, first_line(node)), []).append((path, node))
    return {key: tuple(placed) for key, placed in index.items()}


def objects(root: Node | None) -> Iterator[Placed]:
    if root is None or root.kind is not NodeKind.MAPPING:
        return
    yield (), root
    kind = root.scalar("kind") or ""
    key = "items" if kind.endswith("List") else "objects" if kind == "Template" else None
    children = root.get(key) if key is not None else None
    if key is not None and children is not None:
        for index, item in enumerate(children.children):
            yield (key, index), item


def first_line(node: Node) -> int:
    return node.children[0].line if node.children else node.line
