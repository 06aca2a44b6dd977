"""OpenShift Template parameter references (`${NAME}`, `${{NAME}}`) left in a value."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

PARAMETER = re.compile(r"\$\{\{?([A-Za-z0-9_]+)\}?\}")


def parameter_names(value: Any) -> tuple[str, ...]:
    """The names of the parameters the strings in `value` refer to, in order, each once."""
    return tuple(dict.fromkeys(name for _, text in _strings(value, "")
                               for name in PARAMETER.findall(text)))


def references(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(dotted key path, the first reference) of every string in `value` that holds one."""
    for where, text in _strings(value, path):
        if found := PARAMETER.search(text):
            yield where, found.group(0)


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string in `value`, with its dotted key path."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            yield from _strings(child, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _strings(child, f"{path}.{index}" if path else str(index))
    elif isinstance(value, str):
        yield path, value
