"""Edits that change a parsed text scalar by scalar, so that everything else stays as written."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from migrate.rewrite.patchmap import NotMechanical
from migrate.rewrite.yamledit import loaders
from migrate.rewrite.yamledit.edits import Edit
from migrate.rewrite.yamledit.spans import Node, NodeKind


def scalar_edits(node: Node, old: Any, new: Any) -> Iterator[Edit]:
    """Edits that turn the text of `node` (whose value is `old`) into `new`, key by key."""
    if isinstance(old, Mapping) and isinstance(new, Mapping) and node.kind is NodeKind.MAPPING:
        yield from _mapping_edits(node, old, new)
    elif isinstance(old, list) and isinstance(new, list) and node.kind is NodeKind.SEQUENCE:
        for child, old_item, new_item in zip(node.children, old, new, strict=True):
            yield from scalar_edits(child, old_item, new_item)
    elif old != new:
        if isinstance(new, str):
            yield scalar_edit(node, new)
        else:
            raise NotMechanical("a changed value is not a scalar")


def _mapping_edits(node: Node, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Edit]:
    old_keys, new_keys = list(old), list(new)
    if len(old_keys) != len(new_keys):
        raise NotMechanical("the patch changes shape")
    for (key_node, value_node), old_key, new_key in zip(node.pairs(), old_keys, new_keys,
                                                        strict=False):
        if key_node.value != old_key:
            raise NotMechanical("the patch uses YAML this tool does not rewrite (merge keys)")
        if new_key != old_key:
            yield scalar_edit(key_node, new_key)
        yield from scalar_edits(value_node, old[old_key], new[new_key])


def scalar_edit(node: Node, value: str) -> Edit:
    if node.kind is not NodeKind.SCALAR or node.style in ("|", ">"):
        raise NotMechanical("a value to change is not a plain or quoted scalar")
    return Edit(node.start, node.end, render_scalar(value, node.style))


def render_scalar(value: str, style: str) -> str:
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == "" and _plain_in_flow(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def _plain_in_flow(value: str) -> bool:
    """Safe unquoted even inside `[...]` or `{...}`, and read back as the same string."""
    try:
        return bool(loaders.load(f"[{value}]") == [value])
    except yaml.YAMLError:
        return False
