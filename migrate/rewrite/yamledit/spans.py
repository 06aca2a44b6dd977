"""Where each YAML node sits in the original text, as character offsets.

PyYAML's parser events carry exact marks for scalars, aliases and flow collections. A block
collection has no closing token, so its end is the end of its last child; its span then runs to
the end of that line, so that an inline comment on the last line belongs to the node.
Comments before a node's first key and after its last line stay outside every span.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from migrate.rewrite.yamledit.loaders import loader_for

BLOCK_SCALAR_STYLES = ("|", ">")


class SpanError(ValueError):
    """The text cannot be parsed into node spans."""


class NodeKind(enum.Enum):
    MAPPING = "mapping"
    SEQUENCE = "sequence"
    SCALAR = "scalar"
    ALIAS = "alias"


class Node(NamedTuple):
    """A named tuple, not a frozen dataclass: one is built for every node of a file, in a
    third of the time."""

    kind: NodeKind
    start: int  # offset of the first character (the first key of a block mapping)
    end: int  # offset just past the last token; equals `start` for an empty scalar
    line: int  # 1-based line of `start` (of the first key, for a mapping)
    column: int
    flow: bool = False
    value: str = ""  # a scalar's text
    style: str = ""  # a scalar's style: "", "'", '"', "|" or ">"
    children: tuple[Node, ...] = ()  # mapping: key, value, key, ...

    @property
    def empty(self) -> bool:
        return self.end == self.start

    def pairs(self) -> Iterator[tuple[Node, Node]]:
        if self.kind is NodeKind.MAPPING:
            yield from zip(self.children[::2], self.children[1::2], strict=True)

    def get(self, key: str) -> Node | None:
        for key_node, value_node in self.pairs():
            if key_node.kind is NodeKind.SCALAR and key_node.value == key:
                return value_node
        return None

    def key_node(self, key: str) -> Node | None:
        for key_node, _ in self.pairs():
            if key_node.kind is NodeKind.SCALAR and key_node.value == key:
                return key_node
        return None

    def at(self, *path: str | int) -> Node | None:
        node: Node | None = self
        for step in path:
            if node is None:
                return None
            node = node.get(step) if isinstance(step, str) else node.item(step)
        return node

    def item(self, index: int) -> Node | None:
        if self.kind is NodeKind.SEQUENCE and 0 <= index < len(self.children):
            return self.children[index]
        return None

    def scalar(self, key: str) -> str | None:
        node = self.get(key)
        return node.value if node is not None and node.kind is NodeKind.SCALAR else None


@dataclass(frozen=True)
class Document:
    index: int
    root: Node | None  # None for an empty document


@dataclass
class _Open:
    """A collection being built from its start event."""

    kind: NodeKind
    start: int
    line: int
    column: int
    flow: bool
    children: list[Node] = field(default_factory=list)

    def close(self, end_event: yaml.Event) -> Node:
        if self.flow:
            end = _mark(end_event.end_mark).index
        else:
            end = max((c.end for c in self.children if not c.empty), default=self.start)
        return Node(self.kind, self.start, end, self.line, self.column, self.flow,
                    children=tuple(self.children))


def parse_documents(text: str) -> tuple[Document, ...]:
    """Every document of the text with its node tree; raises SpanError."""
    try:
        return tuple(_documents(yaml.parse(text, Loader=loader_for(text))))
    except yaml.MarkedYAMLError as error:
        raise SpanError(_described(error)) from None
    except yaml.YAMLError as error:
        raise SpanError(f"not valid YAML: {error}") from None
    except RecursionError:
        raise SpanError("nested too deeply") from None


def _described(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return f"not valid YAML{where}: {error.problem or error.context}"


_LEAF_EVENTS = (yaml.ScalarEvent, yaml.AliasEvent)
_START_EVENTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_END_EVENTS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _documents(events: Iterator[yaml.Event]) -> Iterator[Document]:
    stack: list[_Open] = []
    root: Node | None = None
    index = 0
    for event in events:  # scalars first: most events are
        if isinstance(event, _LEAF_EVENTS):
            root = _attach(stack, _leaf(event), root)
        elif isinstance(event, _START_EVENTS):
            stack.append(_opened(event))
        elif isinstance(event, _END_EVENTS):
            root = _attach(stack, stack.pop().close(event), root)
        elif isinstance(event, yaml.DocumentStartEvent):
            root = None
        elif isinstance(event, yaml.DocumentEndEvent):
            yield Document(index, root)
            index += 1


def _mark(mark: Any) -> Any:
    """The mark itself (its `index`, `line` and `column`): PyYAML's parser always sets marks,
    its type stubs allow None."""
    if mark is None:
        raise SpanError("the YAML parser gave no position")
    return mark


def _opened(event: yaml.CollectionStartEvent) -> _Open:
    kind = NodeKind.MAPPING if isinstance(event, yaml.MappingStartEvent) else NodeKind.SEQUENCE
    mark = _mark(event.start_mark)
    return _Open(kind, mark.index, mark.line + 1, mark.column, bool(event.flow_style))


def _leaf(event: yaml.ScalarEvent | yaml.AliasEvent) -> Node:
    """An implicit null (`key:`) is marked where its value would start: it is `empty`."""
    start, end = _mark(event.start_mark), _mark(event.end_mark)
    if isinstance(event, yaml.AliasEvent):
        return Node(NodeKind.ALIAS, start.index, end.index, start.line + 1, start.column)
    return Node(NodeKind.SCALAR, start.index, end.index, start.line + 1, start.column,
                value=str(event.value), style=event.style or "")


def _attach(stack: list[_Open], node: Node, root: Node | None) -> Node | None:
    if stack:
        stack[-1].children.append(node)
        return root
    return node


def line_start(text: str, offset: int) -> int:
    """Just past the line break before `offset`. Each search stops at the other's find: one
    that ran to the start (or the end) of a big file for every node would be quadratic."""
    newline = text.rfind("\n", 0, offset)
    return max(newline, text.rfind("\r", newline + 1, offset)) + 1


def line_end(text: str, offset: int) -> int:
    """The offset of the line break ending the line that holds `offset` (or the text's end)."""
    newline = text.find("\n", offset)
    stop = newline if newline >= 0 else len(text)
    carriage = text.find("\r", offset, stop)
    return carriage if carriage >= 0 else stop


def content_end(text: str, node: Node) -> int:
    """Just past the node's last non-blank character (block scalars mark past their blanks)."""
    end = node.end
    while end > node.start and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def span_of(text: str, node: Node) -> tuple[int, int]:
    """The characters that replacing `node` replaces: a block node runs to its last line's end."""
    block = node.kind in (NodeKind.MAPPING, NodeKind.SEQUENCE) and not node.flow
    if block or node.style in BLOCK_SCALAR_STYLES:
        return node.start, line_end(text, content_end(text, node))
    return node.start, node.end


def literal_offsets(text: str, node: Node) -> list[int] | None:
    """For a literal block scalar (`|`): the text offset of each line of its value, past the
    block's indentation; None for any other scalar (their lines do not map one to one)."""
    if node.kind is not NodeKind.SCALAR or node.style != "|":
        return None
    lines = node.value.split("\n")
    indentation = _block_indentation(text, node, lines)
    if indentation is None:
        return None
    offsets, cursor = [], _next_line(text, node.start)
    for _ in lines:
        offsets.append(min(cursor + indentation, line_end(text, cursor)))
        cursor = _next_line(text, cursor)
    return offsets


def _next_line(text: str, offset: int) -> int:
    end = line_end(text, offset)
    return end + (2 if text.startswith("\r\n", end) else 1)


def _block_indentation(text: str, node: Node, lines: list[str]) -> int | None:
    cursor = _next_line(text, node.start)
    for line in lines:
        if line.strip():
            file_line = text[cursor:line_end(text, cursor)]
            return len(file_line) - len(line)
        cursor = _next_line(text, cursor)
    return None
