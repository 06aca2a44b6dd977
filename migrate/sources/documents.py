"""The bytes of one file to Resources: decoding, YAML/JSON documents, `kind: List` expansion.

Pure: no I/O. Anything that cannot be parsed raises `Unparsable` with a reason and a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from itertools import accumulate

import yaml

from migrate.inventory.traffic import is_gateway, is_service
from migrate.inventory.workloads import POD_BEARING_KINDS
from migrate.model import Location, Resource
from migrate.sources import unparsable
from migrate.sources.pruned import WORKLOAD, Shape, cut, pruned
from migrate.sources.sniff import UTF16_SAMPLE_BYTES, first_mention, utf16_codec
from migrate.sources.unparsable import Unparsable
from migrate.sources.yamlnodes import (
    FastLoader,
    SafePythonLoader,
    check_expansion,
    duplicate_keys,
    first_line,
    key_lines,
    to_value,
)

UTF8_BOM = b"\xef\xbb\xbf"
# libyaml composes recursively in C and overflows the stack (a crash, not an exception) somewhere
# past 20,000 levels; files that might nest beyond this bound go to the pure Python parser.
FAST_NESTING_BOUND = 2000
_LINE_PREFIX = re.compile(r"^[ \t?:-]*", re.MULTILINE)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
Constructor = yaml.constructor.SafeConstructor
SME_KIND = "ServiceMeshExtension"  # whose duplicate keys are findings


def parse_resources(data: bytes, path: str) -> tuple[Resource, ...]:
    """Every Kubernetes object in the file, `*List` items expanded; raises Unparsable."""
    return parse_text(decode(data), path)


def parse_for_placement(text: str, path: str) -> tuple[Resource, ...]:
    """The objects of a text that decide which proxies a plugin runs on (the pod-bearing ones,
    Services, Istio Gateways), built with only what that reads."""
    try:
        found = tuple(_yaml_resources(text, path, WORKLOAD))
    except Unparsable as problem:  # JSON that YAML cannot read (tabs): the full path, then cut
        found = tuple(replace(r, body=cut(r.body, WORKLOAD))
                      for r in _json_resources(text, path, problem))
    return tuple(r for r in found
                 if r.kind in POD_BEARING_KINDS or is_service(r) or is_gateway(r))


def parse_text(text: str, path: str) -> tuple[Resource, ...]:
    try:
        return tuple(_yaml_resources(text, path))
    except Unparsable as problem:
        return _json_resources(text, path, problem)


def decode(data: bytes) -> str:
    """The text of a file that should be UTF-8 (a BOM is fine) or UTF-16 (with or without a
    BOM, as Windows tools write it); raises Unparsable."""
    codec = utf16_codec(data[:UTF16_SAMPLE_BYTES])
    if codec is not None:
        return _decode_utf16(data, codec)
    if b"\0" in data:
        raise unparsable.binary(unparsable.line_at(data, first_mention(data, len(data))))
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise unparsable.not_utf8(data, error.start) from None


def _decode_utf16(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec).removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise unparsable.not_utf16(error.start) from None


def _yaml_resources(text: str, path: str, shape: Shape | None = None) -> Iterator[Resource]:
    aliases = "*" in text  # only aliases can make a tree larger than its text
    try:
        for document, (node, loader) in enumerate(_documents(text)):
            if aliases:
                check_expansion(node)
            yield from _resources_of(node, loader, Location(path, None, document), shape)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error) from None
    except yaml.reader.ReaderError as error:
        line = unparsable.text_line_at(text, error.position)
        reason = f"not valid YAML: {error.reason} (#x{error.character:04x})"
        raise Unparsable(reason, line) from None
    except yaml.YAMLError as error:
        raise Unparsable(f"not valid YAML: {error}") from None
    except RecursionError:
        raise Unparsable("nested too deeply to parse") from None


def _documents(text: str) -> Iterator[tuple[yaml.Node, Constructor]]:
    fast = _nesting_bound(text) <= FAST_NESTING_BOUND
    loader = FastLoader(text) if fast else SafePythonLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                yield node, loader
    finally:
        loader.dispose()


def _nesting_bound(text: str) -> int:
    """An upper bound of how deep the file nests: flow brackets plus block indentation.

    Brackets inside strings count too, so the bound can be loose; a loose bound only costs
    speed (the Python parser), never a crash.
    """
    brackets = _NOT_A_BRACKET.sub("", text)
    flow_depth = max(accumulate(1 if char in "[{" else -1 for char in brackets), default=0)
    return flow_depth + 2 * max(map(len, _LINE_PREFIX.findall(text)), default=0)


def _syntax_error(error: yaml.MarkedYAMLError) -> Unparsable:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "syntax error"
    if mark is None:
        return Unparsable(f"not valid YAML: {problem}")
    message = f"not valid YAML: {problem} (line {mark.line + 1}, column {mark.column + 1})"
    if error.problem and error.context and error.context_mark:
        message += f"; {error.context} at line {error.context_mark.line + 1}"
    return Unparsable(message, mark.line + 1)


def _resources_of(node: yaml.Node, loader: Constructor, where: Location, shape: Shape | None
                  ) -> Iterator[Resource]:
    """The resource of one document, or the items of a `*List`; nothing for a non-mapping."""
    if not isinstance(node, yaml.MappingNode):
        return
    items = _list_items(node)
    if items is None:
        yield _resource(node, loader, where, shape)
        return
    for item in items.value:
        if isinstance(item, yaml.MappingNode):
            yield _resource(item, loader, where, shape)


def _resource(node: yaml.MappingNode, loader: Constructor, where: Location, shape: Shape | None
              ) -> Resource:
    location = Location(where.path, first_line(node), where.document)
    if shape is not None:  # only some fields are wanted, and no lines
        return Resource(pruned(node, loader, shape), location)
    body = to_value(node, loader)
    duplicates = tuple(duplicate_keys(node, loader)) if body.get("kind") == SME_KIND else ()
    return Resource(body, location, key_lines(node, loader), duplicate_keys=duplicates)


def _list_items(node: yaml.MappingNode) -> yaml.SequenceNode | None:
    kind, items = _child(node, "kind"), _child(node, "items")
    is_list = isinstance(kind, yaml.ScalarNode) and str(kind.value).endswith("List")
    return items if is_list and isinstance(items, yaml.SequenceNode) else None


def _child(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node  # type: ignore[no-any-return]
    return None


def _json_resources(text: str, path: str, problem: Unparsable) -> tuple[Resource, ...]:
    """JSON that YAML 1.1 rejects (rare): the object without key lines; else the YAML error."""
    import json  # rarely needed: keep start-up fast

    start = len(text) - len(text.lstrip())
    if not text.startswith("{", start):
        raise problem
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        raise problem from None
    location = Location(path, unparsable.text_line_at(text, start), 0)
    return tuple(_json_objects(body, location))


def _json_objects(body: dict[str, object], location: Location) -> Iterator[Resource]:
    items = body.get("items")
    if not (str(body.get("kind", "")).endswith("List") and isinstance(items, list)):
        yield Resource(body, location)
        return
    for item in items:
        if isinstance(item, dict):
            yield Resource(item, location)
