"""Where a kustomize patch's text lives: in its own file, or inline in the kustomization as a
literal block (`patch: |`). Either way edits are made on the patch text and then placed in the
file that holds it, together with the value change that proves them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from migrate.inventory.patches import PatchEntry
from migrate.rewrite.patchmap import NotMechanical
from migrate.rewrite.source import SourceFile
from migrate.rewrite.yamledit.edits import Change, Edit, Path, splice
from migrate.rewrite.yamledit.spans import Document, Node, NodeKind, SpanError, literal_offsets
from migrate.rewrite.yamledit.spans import parse_documents as parse
from migrate.rewrite.yamledit.verify import document_values
from migrate.sources.unparsable import Unparsable


@dataclass(frozen=True)
class Part:
    """Edits of one file and the value changes they make."""

    path: str
    edits: tuple[Edit, ...]
    changes: tuple[Change, ...]


Place = Callable[[tuple[Edit, ...], list[Any]], Part]


@dataclass(frozen=True)
class PatchText:
    text: str
    documents: tuple[Document, ...]
    values: list[Any]
    place: Place  # (edits of `text`, its new document values) -> the part of the holding file


def patch_text(entry: PatchEntry, sources: Mapping[str, SourceFile]) -> PatchText | None:
    """The entry's patch text; None when its file was not read. Raises NotMechanical."""
    inline = entry.entry if isinstance(entry.entry, str) else None
    if isinstance(entry.entry, Mapping) and isinstance(entry.entry.get("patch"), str):
        inline = entry.entry["patch"]
    try:
        if inline is not None and "\n" in inline:
            return _inline(entry, sources)
        path = entry.file()
        source = sources.get(path) if path else None
        return _in_file(source) if source is not None else None
    except (SpanError, ValueError, Unparsable) as error:
        raise NotMechanical(f"the patch cannot be parsed ({error})") from None


def _in_file(source: SourceFile) -> PatchText:
    def place(edits: tuple[Edit, ...], new_values: list[Any]) -> Part:
        changes = tuple(Change(i, (), v) for i, v in enumerate(new_values))
        return Part(source.path, edits, changes)

    return PatchText(source.text, source.documents, source.values, place)


def _inline(entry: PatchEntry, sources: Mapping[str, SourceFile]) -> PatchText:
    source = kustomization_source(entry, sources)
    root = kustomization_root(entry, source)
    node, path = _patch_node(entry, root)
    offsets = literal_offsets(source.text, node) if source and node else None
    if source is None or node is None or offsets is None:
        raise NotMechanical("the inline patch is not a literal block (`|`); edit it by hand")
    text, document = node.value, document_index(entry)

    def place(edits: tuple[Edit, ...], new_values: list[Any]) -> Part:
        moved = tuple(_moved(edit, text, offsets) for edit in edits)
        if any(source.text[m.start:m.end] != text[e.start:e.end]
               for m, e in zip(moved, edits, strict=True)):
            raise NotMechanical("the inline patch could not be located in the file")
        return Part(source.path, moved, (Change(document, path, splice(text, edits)),))

    return PatchText(text, parse(text), document_values(text), place)


def kustomization_source(entry: PatchEntry, sources: Mapping[str, SourceFile]
                         ) -> SourceFile | None:
    location = entry.kustomization.location
    return sources.get(location.path) if location else None


def document_index(entry: PatchEntry) -> int:
    location = entry.kustomization.location
    return location.document or 0 if location else 0


def kustomization_root(entry: PatchEntry, source: SourceFile | None) -> Node | None:
    if source is None:
        return None
    index = document_index(entry)
    documents = source.documents
    return documents[index].root if index < len(documents) else None


def _patch_node(entry: PatchEntry, root: Node | None) -> tuple[Node | None, Path]:
    node = root.at(entry.field, entry.index) if root else None
    if node is not None and node.kind is NodeKind.MAPPING:
        return node.get("patch"), (entry.field, entry.index, "patch")
    return node, (entry.field, entry.index)


def _moved(edit: Edit, text: str, offsets: list[int]) -> Edit:
    """An edit of a literal block's value, moved to where that value's lines sit in the file."""
    def to_file(offset: int) -> int:
        line = text.count("\n", 0, offset)
        return offsets[line] + offset - (text.rfind("\n", 0, offset) + 1)

    return Edit(to_file(edit.start), to_file(edit.end), edit.text)
