"""Edit a block node where it stands: only what differs from the target is touched.

Keys are renamed inside their own span, so the comments above and beside them stay where they
were; scalars are replaced inside theirs; a removed key takes its own lines with it; a new key
goes on a new line right after the last line of the key before it in the target, so it never
comes between a comment and the key that comment describes. Every line with nothing to change
keeps its bytes (its indentation and list style too). Whatever this cannot do in place raises
NotInPlace, and the caller tries another rendering.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from migrate.rewrite.yamledit.edits import Edit
from migrate.rewrite.yamledit.render import render_block, render_fresh
from migrate.rewrite.yamledit.scalartext import flow_text, scalar_text
from migrate.rewrite.yamledit.spans import (
    BLOCK_SCALAR_STYLES,
    Node,
    NodeKind,
    content_end,
    line_end,
    line_start,
    span_of,
)
from migrate.rewrite.yamledit.style import Style
from migrate.rewrite.yamledit.transform import Rename, fresh, reshape
from migrate.rewrite.yamledit.verify import same

BLOCK_HEADER = re.compile(r"[|>][-+0-9]*")
COMMENT_AFTER = re.compile(r"(:?)( +)(?=#)")


class NotInPlace(ValueError):
    """The node cannot be edited in place."""


@dataclass(frozen=True)
class _Context:
    text: str
    style: Style
    renames: tuple[Rename, ...]


def edit_in_place(text: str, node: Node, old: Any, target: Any, style: Style,
                  renames: Sequence[Rename] = ()) -> str:
    """The text of `node`'s span (see `span_of`) turned into `target`; raises NotInPlace."""
    if node.flow:
        raise NotInPlace("a flow collection is rewritten whole")
    context = _Context(text, style, tuple(renames))
    start, end = span_of(text, node)
    return _spliced(text, start, end, list(_node(context, node, old, target, ())))


def _spliced(text: str, start: int, end: int, edits: list[Edit]) -> str:
    """text[start:end] with the edits applied, insertions at one offset in the order given."""
    pieces, cursor = [], start
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < cursor or edit.end > end:
            raise NotInPlace("edits overlap")
        pieces += [text[cursor:edit.start], edit.text]
        cursor = edit.end
    return "".join([*pieces, text[cursor:end]])


def _node(context: _Context, node: Node, old: Any, wanted: Any, path: tuple[str, ...]
          ) -> Iterator[Edit]:
    if same(old, wanted):
        return
    if node.kind is NodeKind.ALIAS:
        raise NotInPlace("an alias would change what its anchor means")
    if node.flow:
        yield Edit(node.start, node.end, _flow(context, node, wanted))
    elif node.kind is NodeKind.MAPPING and _both(old, wanted, Mapping):
        yield from _mapping(context, node, old, wanted, path)
    elif node.kind is NodeKind.SEQUENCE and _both(old, wanted, list) and len(old) == len(wanted):
        for item, old_item, wanted_item in zip(node.children, old, wanted, strict=True):
            yield from _node(context, item, old_item, wanted_item, path)
    elif _one_line_scalar(context.text, node) and not _container(wanted):
        yield _replaced(context.text, node.start, node.end, scalar_text(wanted, node.style))
    else:
        raise NotInPlace("the value changes shape")


def _replaced(text: str, start: int, end: int, new: str) -> Edit:
    """text[start:end] becomes `new`; a comment later on the line keeps its column."""
    aligned = COMMENT_AFTER.match(text, end, line_end(text, end))
    if aligned is None:
        return Edit(start, end, new)
    colon, gap = aligned.group(1), len(aligned.group(2))
    room = gap - min(0, len(new) - (end - start))  # shorter: padded; longer: same gap
    return Edit(start, aligned.end(2), new + colon + " " * room)


def _flow(context: _Context, node: Node, wanted: Any) -> str:
    """A flow collection in flow style, its scalars written as before where they stay."""
    original = context.text[node.start:node.end]
    if isinstance(wanted, Mapping) and "\n" not in original:
        rendered = render_block(original, node.column, context.style,
                                lambda tree: reshape(tree, wanted))
        if "\n" not in rendered.strip():
            return rendered.strip()
    return flow_text(wanted)


def _both(old: Any, wanted: Any, kind: type) -> bool:
    return isinstance(old, kind) and isinstance(wanted, kind)


def _container(value: Any) -> bool:
    return isinstance(value, Mapping | list)


def _one_line_scalar(text: str, node: Node) -> bool:
    return (node.kind is NodeKind.SCALAR and node.style not in BLOCK_SCALAR_STYLES
            and "\n" not in text[node.start:node.end] and not node.empty)


def _mapping(context: _Context, node: Node, old: Mapping[str, Any], wanted: Mapping[str, Any],
             path: tuple[str, ...]) -> Iterator[Edit]:
    names = _new_names(context, node, path)
    present: dict[str, tuple[Node, Node]] = {}
    for key, value in node.pairs():
        new = names[key.value]
        if new not in wanted:
            yield _deleted(context, key, value)
            continue
        edits = list(_pair(context, key, value, old[key.value], wanted[new], (*path, new)))
        if new != key.value:
            yield _renamed(context.text, key, scalar_text(new, key.style), edits)
        yield from edits
        present[new] = key, value
    yield from _inserted(context, node, present, wanted)


def _renamed(text: str, key: Node, new: str, value_edits: Sequence[Edit]) -> Edit:
    """The key's new name; a comment on its line keeps its column unless the value's edits
    reach into that line."""
    rest = line_end(text, key.end)
    if any(e.start < rest and e.end > key.end for e in value_edits):
        return Edit(key.start, key.end, new)
    return _replaced(text, key.start, key.end, new)


def _new_names(context: _Context, node: Node, path: tuple[str, ...]) -> dict[str, str]:
    """Each key's name in the target: renamed where a rename applies and the new name is free."""
    keys = [key for key, _ in node.pairs()]
    if any(k.kind is not NodeKind.SCALAR or k.value == "<<" for k in keys):
        raise NotInPlace("a merge key or a complex key")
    names = {k.value: k.value for k in keys}
    for where, old, new in context.renames:
        if where == path and old in names and new not in names:
            names[old] = new
    return names


def _pair(context: _Context, key: Node, value: Node, old: Any, wanted: Any,
          path: tuple[str, ...]) -> Iterator[Edit]:
    try:
        yield from list(_node(context, value, old, wanted, path))
    except NotInPlace:
        if value.kind is NodeKind.ALIAS:
            raise
        if _container(wanted):
            yield from _new_block(context, key, value, wanted)
        else:
            yield from _new_scalar(context, key, value, wanted)


def _new_block(context: _Context, key: Node, value: Node, wanted: Any) -> Iterator[Edit]:
    """A scalar (or a block of another shape) becomes a block collection under its key; what
    followed the key on its line (its comment) stays there."""
    text, ending = context.text, context.style.line_ending
    block = ending + _rendered(context, key.column, key.value, wanted).split(ending, 1)[1]
    colon = text.index(":", key.end) + 1
    if _one_line_scalar(text, value) and value.line == key.line:
        tail = text[value.end:line_end(text, value.end)]
        yield Edit(colon, line_end(text, value.end) if not tail.strip() else value.end, "")
        yield Edit(line_end(text, value.end), line_end(text, value.end), block)
    elif value.style in BLOCK_SCALAR_STYLES:
        header = text[value.start:line_end(text, value.start)]
        header_end = BLOCK_HEADER.match(header)
        comment = header[header_end.end():] if header_end else ""
        yield Edit(colon, span_of(text, value)[1], comment + block)
    elif value.line > key.line:
        yield Edit(line_end(text, key.end), span_of(text, value)[1], block)
    else:
        raise NotInPlace("a value that shares its key's line")


def _new_scalar(context: _Context, key: Node, value: Node, wanted: Any) -> Iterator[Edit]:
    """A block collection below its key becomes a scalar on the key's line, before the key's
    comment; the collection's lines go."""
    text = context.text
    if value.line <= key.line or value.flow:
        raise NotInPlace("a value that shares its key's line")
    colon = text.index(":", key.end) + 1
    yield Edit(colon, colon, " " + scalar_text(wanted))
    yield Edit(line_end(text, key.end), span_of(text, value)[1], "")


def _rendered(context: _Context, column: int, name: str, value: Any) -> str:
    return render_fresh(fresh({name: value}), column, context.style)


def _pair_end(text: str, key: Node, value: Node) -> int:
    return line_end(text, max(key.end, content_end(text, value)))


def _deleted(context: _Context, key: Node, value: Node) -> Edit:
    text = context.text
    start, end = line_start(text, key.start), _pair_end(text, key, value)
    if text[start:key.start].strip() or end >= len(text):
        raise NotInPlace("a key that does not start its line, or ends the file")
    return Edit(start, end + (2 if text.startswith("\r\n", end) else 1), "")


def _inserted(context: _Context, node: Node, present: Mapping[str, tuple[Node, Node]],
              wanted: Mapping[str, Any]) -> Iterator[Edit]:
    """New keys, each after the last line of the target's key before it that is present."""
    text, ending = context.text, context.style.line_ending
    anchor: int | None = None
    for name, value in wanted.items():
        if name in present:
            anchor = _pair_end(text, *present[name])
            continue
        line = " " * node.column + _rendered(context, node.column, name, value)
        if anchor is not None:
            yield Edit(anchor, anchor, ending + line)
        else:
            yield _before_first(context, node, line + ending)


def _before_first(context: _Context, node: Node, line: str) -> Edit:
    start = line_start(context.text, node.start)
    if context.text[start:node.start].strip():
        raise NotInPlace("the first key shares its line")
    return Edit(start, start, line)
