"""Build only the fields a caller needs from a composed YAML node.

Workload files are read for their pod labels alone; converting every field of every Deployment
cost most of a scan. A shape names the keys wanted (True: the whole subtree); a list takes the
shape of its items. A mapping with merge keys (`<<`) is built whole and then cut, since what it
holds is only known once merged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from migrate.sources.yamlnodes import MERGE_TAG, plain_key, scalar, to_value

Shape = bool | Mapping[str, "Shape"]

CONTAINERS: Shape = {"image": True, "args": True}
POD_METADATA: Shape = {"labels": True, "annotations": True}
POD_TEMPLATE: Shape = {"metadata": POD_METADATA, "spec": {"containers": CONTAINERS}}
WORKLOAD: Shape = {
    "apiVersion": True,
    "kind": True,
    "metadata": {"name": True, "namespace": True, "labels": True, "annotations": True},
    "spec": {
        "template": POD_TEMPLATE,
        "jobTemplate": {"spec": {"template": POD_TEMPLATE}},
        "containers": CONTAINERS,
        "selector": True,  # a Service's
    },
}


def pruned(node: yaml.Node, loader: yaml.constructor.SafeConstructor, shape: Shape) -> Any:
    if shape is True or isinstance(node, yaml.ScalarNode) or not isinstance(shape, Mapping):
        return to_value(node, loader)
    if isinstance(node, yaml.SequenceNode):
        return [pruned(item, loader, shape) for item in node.value]
    if any(key.tag == MERGE_TAG for key, _ in node.value):
        return cut(to_value(node, loader), shape)
    found: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            key = plain_key(scalar(key_node, loader))
            if (wanted := shape.get(key)) is not None:
                found[key] = pruned(value_node, loader, wanted)
    return found


def cut(value: Any, shape: Shape) -> Any:
    """The same pruning on a value already built."""
    if shape is True or not isinstance(shape, Mapping):
        return value
    if isinstance(value, list):
        return [cut(item, shape) for item in value]
    if isinstance(value, dict):
        return {k: cut(v, shape[k]) for k, v in value.items() if k in shape}
    return value
