"""How a file is laid out: line endings, mapping indentation, sequence indentation.

Measured on the document being replaced first (it is what the reader compares against), then on
the whole file, then kubectl's defaults.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from migrate.rewrite.yamledit.spans import Node, NodeKind

DEFAULT_INDENT = 2


@dataclass(frozen=True)
class Style:
    line_ending: str = "\n"
    mapping_indent: int = DEFAULT_INDENT
    sequence_offset: int = DEFAULT_INDENT  # columns from a key to the dashes of its sequence
    sequence_gap: int = DEFAULT_INDENT  # columns from a dash to its item


@dataclass(frozen=True)
class Measures:
    """How often each indentation occurs."""

    mapping: Counter[int]
    offset: Counter[int]
    gap: Counter[int]


def line_ending(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf >= text.count("\n") - crlf else "\n"


def detect(ending: str, preferred: Node, whole_file: Callable[[], Measures]) -> Style:
    """The style of `preferred`'s text, where it shows; else the whole file's (measured only
    when needed: it is the same for every node of a file). `ending`: the file's `line_ending`
    (measured once per file, not once per node)."""
    local = measure([preferred])
    whole = whole_file() if not (local.mapping and local.offset and local.gap) else local
    return Style(
        line_ending=ending,
        mapping_indent=_pick(local.mapping, whole.mapping, DEFAULT_INDENT, minimum=1),
        sequence_offset=_pick(local.offset, whole.offset, DEFAULT_INDENT, minimum=0),
        sequence_gap=_pick(local.gap, whole.gap, DEFAULT_INDENT, minimum=2),
    )


def _pick(local: Counter[int], whole: Counter[int], default: int, minimum: int) -> int:
    counts = local or whole
    valid = [(count, -size) for size, count in counts.items() if size >= minimum]
    return -max(valid)[1] if valid else default


def measure(roots: Iterable[Node]) -> Measures:
    measures = Measures(Counter(), Counter(), Counter())
    for root in roots:
        for key, value in _block_pairs(root):
            _count(measures, key, value)
    return measures


def _count(measures: Measures, key: Node, value: Node) -> None:
    if value.flow or value.line <= key.line or not value.children:
        return
    if value.kind is NodeKind.MAPPING:
        measures.mapping[value.column - key.column] += 1
    elif value.kind is NodeKind.SEQUENCE:
        measures.offset[value.column - key.column] += 1
        first = value.children[0]
        if first.line == value.line:
            measures.gap[first.column - value.column] += 1


def _block_pairs(node: Node) -> Iterator[tuple[Node, Node]]:
    """The key-value pairs of every block mapping under `node`, in no particular order (they
    are counted); a loop, as a generator per level would pass each pair up every level."""
    pending = [node]
    while pending:
        found = pending.pop()
        if not found.flow:
            yield from found.pairs()
            pending.extend(found.children)
