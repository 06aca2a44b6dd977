"""A plain value written as one YAML scalar or one-line flow collection."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from migrate.rewrite.yamledit import loaders


def plain_safe(text: str) -> bool:
    """Whether `text` reads back as itself unquoted (YAML 1.1, as Kubernetes reads it)."""
    return "\n" not in text and loaders.reads_as_itself(text)


def scalar_text(value: Any, quote: str = "") -> str:
    """`value` as a scalar; a string keeps the original's quote style where it can."""
    if not isinstance(value, str):
        return json.dumps(value)
    if quote == "'" and "'" not in value and value.isprintable():
        return f"'{value}'"
    if quote == '"' or not plain_safe(value):
        return json.dumps(value, ensure_ascii=False)
    return value


def flow_text(value: Any) -> str:
    """`value` as one line of JSON, which YAML reads as a flow collection."""
    return json.dumps(_plain(value), ensure_ascii=False, separators=(", ", ": "))


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
