"""Reshape a ruamel round-trip tree into a target value, keeping every comment it can.

Keys are renamed in place (a comment stays next to its key), values already equal to the target
are kept as they were written (quotes, flow style, anchors), and only what differs is replaced.
ruamel's tree is mutable by design; each one is loaded fresh for a single edit and never shared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq, merge_attrib
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from migrate.rewrite.yamledit import loaders
from migrate.rewrite.yamledit.verify import same

Rename = tuple[tuple[str, ...], str, str]  # (path of the mapping, old key, new key)

# ServiceMeshExtension fields that live on under another name in a WasmPlugin.
PLUGIN_RENAMES: tuple[Rename, ...] = (
    (("spec",), "workloadSelector", "selector"),
    (("spec", "selector"), "labels", "matchLabels"),
    (("spec",), "image", "url"),
    (("spec",), "config", "pluginConfig"),
    (("spec",), "imagePullSecrets", "imagePullSecret"),
)


def reshape(tree: Any, target: Mapping[str, Any], renames: Sequence[Rename] = ()) -> Any:
    """`tree` turned into `target`: renamed, reconciled; a fresh tree when it is no mapping."""
    if not isinstance(tree, CommentedMap) or _merges(tree):
        return fresh(target)  # a merge key would keep stale values in sight: write it plainly
    for path, old, new in renames:
        mapping = _mapping_at(tree, path)
        if mapping is not None and old in mapping and new not in mapping:
            _rename(mapping, old, new)
    _reconcile(tree, target)
    return tree


def _merges(tree: Any) -> bool:
    if isinstance(tree, CommentedMap):
        return bool(getattr(tree, merge_attrib, None)) or any(map(_merges, tree.values()))
    if isinstance(tree, CommentedSeq):
        return any(map(_merges, tree))
    return False


def fresh(value: Any) -> Any:
    """A plain value as ruamel nodes, quoting strings that YAML 1.1 (Kubernetes) would retype."""
    if isinstance(value, Mapping):
        mapping = CommentedMap()
        for key, child in value.items():
            mapping[key] = fresh(child)
        return mapping
    if isinstance(value, list | tuple):
        return CommentedSeq(fresh(child) for child in value)
    if isinstance(value, str) and not loaders.reads_as_itself(value):
        return DoubleQuotedScalarString(value)
    return value


def _mapping_at(tree: CommentedMap, path: tuple[str, ...]) -> CommentedMap | None:
    node: Any = tree
    for key in path:
        node = node.get(key) if isinstance(node, CommentedMap) else None
    return node if isinstance(node, CommentedMap) else None


def _rename(mapping: CommentedMap, old: str, new: str) -> None:
    position = list(mapping).index(old)
    comments = mapping.ca.items.pop(old, None)
    value = mapping.pop(old)
    mapping.insert(position, new, value)
    if comments is not None:
        mapping.ca.items[new] = comments


def _reconcile(mapping: CommentedMap, target: Mapping[str, Any]) -> None:
    for key in [k for k in mapping if k not in target]:
        _delete(mapping, key)
    previous: str | None = None
    for key, wanted in target.items():
        if key in mapping:
            mapping[key] = _merged(mapping[key], wanted)
        else:
            position = list(mapping).index(previous) + 1 if previous is not None else 0
            mapping.insert(position, key, fresh(wanted))
        previous = key


def _merged(current: Any, wanted: Any) -> Any:
    if isinstance(current, CommentedMap) and isinstance(wanted, Mapping):
        _reconcile(current, wanted)
        return current
    if isinstance(current, CommentedSeq) and isinstance(wanted, list) and len(current) == len(
        wanted
    ):
        for index, item in enumerate(wanted):
            current[index] = _merged(current[index], item)
        return current
    return current if same(current, wanted) else fresh(wanted)


def _delete(mapping: CommentedMap, key: str) -> None:
    """Remove a key; full-line comments after its value move above the next key."""
    keys = list(mapping)
    following = keys[keys.index(key) + 1] if keys.index(key) + 1 < len(keys) else None
    comments = mapping.ca.items.pop(key, None)
    del mapping[key]
    lines = _full_line_comments(comments)
    if following is not None and lines:
        indent = len(lines[0]) - len(lines[0].lstrip())
        text = "\n".join(line.strip()[1:].strip() for line in lines)
        mapping.yaml_set_comment_before_after_key(following, before=text, indent=indent)


def _full_line_comments(comments: Any) -> list[str]:
    token = comments[2] if comments and len(comments) > 2 else None
    text = getattr(token, "value", "") or ""
    lines = text.split("\n")[1:]  # the first line is the deleted value's own inline comment
    return [line for line in lines if line.strip().startswith("#")]
