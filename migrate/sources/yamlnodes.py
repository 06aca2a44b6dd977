"""Composed PyYAML nodes to plain JSON-like values and key lines, refusing alias bombs.

Composing to nodes (rather than loading) keeps each key's line. Values are built here rather than
by PyYAML's constructor so that keys become strings, timestamps stay strings (JSON-serialisable)
and the size of an alias-expanded tree is checked before anything is expanded.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, NamedTuple

import yaml

from migrate.model import DuplicateKey
from migrate.sources.unparsable import MAX_FILE_BYTES, MIB, Unparsable

MAX_NODES = 1_000_000
MAX_EXPANDED_CHARS = MAX_FILE_BYTES
MAX_DEPTH = 100
KEY_LINE_DEPTH = 4
MERGE_TAG = "tag:yaml.org,2002:merge"
STR_TAG = "tag:yaml.org,2002:str"


_RESOLVER = yaml.resolver.Resolver()
REMEMBERED_SCALAR_CHARS = 256  # longer texts are rare, and would make the cache large


@functools.lru_cache(maxsize=65_536)  # keys, names and paths recur in file after file
def plain_scalar_tag(word: str) -> str:
    """The tag YAML (PyYAML's resolver: YAML 1.1, as Kubernetes reads it) gives the plain,
    unquoted `word`: a string, or `true`, `1.5`, `null`, `2024-01-01` as what they look like."""
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, word, (True, False))  # type: ignore[no-untyped-call]
    return tag


def reads_as_string(word: str) -> bool:
    return plain_scalar_tag(word) == STR_TAG


class Size(NamedTuple):
    nodes: int
    chars: int  # of every scalar reached, aliases expanded


def _scalar_text(loader: yaml.CSafeLoader | yaml.SafeLoader, node: yaml.Node) -> Any:
    return node.value


class FastLoader(yaml.CSafeLoader):
    """libyaml: fast, but it recurses in C, so deep nesting must be ruled out first."""

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        # libyaml parses in C but asks this Python method for the tag of every scalar, and the
        # resolver tries its patterns each time: a fifth of parsing a Deployment. A plain
        # scalar's tag depends on its text alone when no path resolver is registered.
        if (kind is yaml.ScalarNode and implicit[0] and len(value) <= REMEMBERED_SCALAR_CHARS
                and not self.yaml_path_resolvers):
            return plain_scalar_tag(value)
        tag: str = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        return tag


class SafePythonLoader(yaml.SafeLoader):
    """Pure Python: slow, but deep nesting raises RecursionError instead of crashing."""


for _loader in (FastLoader, SafePythonLoader):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _scalar_text)
    _loader.add_constructor("tag:yaml.org,2002:binary", _scalar_text)


def first_line(node: yaml.Node) -> int:
    """The 1-based line of a node: for a mapping, the line of its first key."""
    if isinstance(node, yaml.MappingNode) and node.value:
        return int(node.value[0][0].start_mark.line) + 1
    return int(node.start_mark.line) + 1


def check_expansion(root: yaml.Node) -> None:
    """Refuse a tree whose aliases would expand it beyond MAX_NODES nodes or MAX_EXPANDED_CHARS
    characters of scalars (or that refers to itself).

    The character cap matters as much as the node cap: one 1 MiB string aliased 9**5 times is
    only 60,000 nodes, yet writing it out is 62 GB. A document without aliases never reaches it,
    since it cannot hold more characters than the largest file that is parsed at all.
    """
    _expanded_size(root, {}, set(), 0)


def _expanded_size(node: yaml.Node, sizes: dict[int, Size], open_: set[int], depth: int) -> Size:
    known = sizes.get(id(node))
    if known is not None:
        return known
    if id(node) in open_:
        raise Unparsable(
            "a YAML alias refers to a node that contains it (a recursive structure)",
            first_line(node),
        )
    if depth > MAX_DEPTH:
        raise too_deep(node)
    open_.add(id(node))
    children = [_expanded_size(child, sizes, open_, depth + 1) for child in _children(node)]
    open_.discard(id(node))
    size = Size(1 + sum(c.nodes for c in children),
                _own_chars(node) + sum(c.chars for c in children))
    _check_size(size, node)
    sizes[id(node)] = size
    return size


def _own_chars(node: yaml.Node) -> int:
    return len(node.value) if isinstance(node, yaml.ScalarNode) else 0


def _check_size(size: Size, node: yaml.Node) -> None:
    if size.nodes > MAX_NODES:
        raise Unparsable(
            f"YAML aliases expand to more than {MAX_NODES:,} nodes (an alias bomb); "
            "it was not expanded",
            first_line(node),
        )
    if size.chars > MAX_EXPANDED_CHARS:
        raise Unparsable(
            f"YAML aliases expand to more than {MAX_EXPANDED_CHARS // MIB} MiB of text "
            "(an alias bomb); it was not expanded",
            first_line(node),
        )


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        yield from node.value
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value


def too_deep(node: yaml.Node) -> Unparsable:
    return Unparsable(f"nested more than {MAX_DEPTH} levels deep", first_line(node))


def to_value(node: yaml.Node, loader: yaml.constructor.SafeConstructor, depth: int = 0) -> Any:
    """The plain value of a node: dict (str keys), list, str, int, float, bool or None."""
    if depth > MAX_DEPTH:
        raise too_deep(node)
    if isinstance(node, yaml.MappingNode):
        return _mapping(node, loader, depth)
    if isinstance(node, yaml.SequenceNode):
        return [to_value(item, loader, depth + 1) for item in node.value]
    return scalar(node, loader)


def scalar(node: yaml.Node, loader: yaml.constructor.SafeConstructor) -> Any:
    if node.tag == STR_TAG:  # most scalars: skip the constructor's bookkeeping
        return node.value
    construct = loader.yaml_constructors.get(node.tag)
    if construct is None:  # a custom tag (`!Ref x`): keep the text, as Kubernetes does
        return node.value
    return construct(loader, node)


def plain_key(value: Any) -> str:
    """A mapping key as Kubernetes' YAML-to-JSON conversion writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _mapping(node: yaml.MappingNode, loader: yaml.constructor.SafeConstructor, depth: int) -> Any:
    explicit: dict[str, Any] = {}
    merged: list[yaml.Node] = []
    for key_node, value_node in node.value:
        if key_node.tag == STR_TAG and isinstance(key_node, yaml.ScalarNode):  # most keys
            explicit[key_node.value] = to_value(value_node, loader, depth + 1)
        elif key_node.tag == MERGE_TAG:
            merged.extend(_merge_sources(value_node))
        elif isinstance(key_node, yaml.ScalarNode):
            explicit[plain_key(scalar(key_node, loader))] = to_value(value_node, loader, depth + 1)
        else:  # `{{ .Values.x }}` parses as a mapping used as a key
            raise Unparsable(
                "a mapping key is itself a mapping or a list, which Kubernetes cannot read",
                first_line(key_node),
            )
    for source in merged:  # explicit keys win, then earlier merge sources
        for key, value in to_value(source, loader, depth + 1).items():
            explicit.setdefault(key, value)
    return explicit


def _merge_sources(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [node]
    if isinstance(node, yaml.SequenceNode) and all(
        isinstance(item, yaml.MappingNode) for item in node.value
    ):
        return list(node.value)
    raise Unparsable("a YAML merge key ('<<') must refer to a mapping", first_line(node))


def key_lines(
    node: yaml.Node, loader: yaml.constructor.SafeConstructor, prefix: str = "", depth: int = 1
) -> dict[str, int]:
    """Dotted key path (sequence indexes as numbers) to 1-based line, KEY_LINE_DEPTH levels deep."""
    lines: dict[str, int] = {}
    for key, line, child in _entries(node, loader):
        path = prefix + key
        lines[path] = line
        if depth < KEY_LINE_DEPTH:
            lines.update(key_lines(child, loader, path + ".", depth + 1))
    return lines


def _entries(
    node: yaml.Node, loader: yaml.constructor.SafeConstructor
) -> Iterator[tuple[str, int, yaml.Node]]:
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield str(index), first_line(item), item
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != MERGE_TAG:
                key = plain_key(scalar(key_node, loader))
                yield key, int(key_node.start_mark.line) + 1, value_node


def duplicate_keys(node: yaml.Node, loader: yaml.constructor.SafeConstructor
                   ) -> Iterator[DuplicateKey]:
    """Every key written twice in one mapping, at any depth (each node once: aliases are not
    followed again)."""
    seen: set[int] = set()
    pending: list[tuple[yaml.Node, str]] = [(node, "")]
    while pending:
        current, prefix = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        first: dict[str, int] = {}
        for key, line, child in _entries(current, loader):
            if isinstance(current, yaml.MappingNode) and key in first:
                yield DuplicateKey(prefix + key, first[key], line)
            first.setdefault(key, line)
            pending.append((child, f"{prefix}{key}."))
