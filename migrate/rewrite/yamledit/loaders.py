"""Which PyYAML parser reads a text: libyaml (C) where it reads the text as the pure Python
parser does, the pure Python one where they part. They part over tabs: libyaml accepts tabs
that the Python parser (like the YAML spec) refuses, such as JSON indented with tabs, and a
file the Python parser refuses is left as it is (SME026)."""

from __future__ import annotations

import functools
from typing import Any

import yaml

_C_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def loader_for(text: str) -> type[Any]:
    return yaml.SafeLoader if "\t" in text or text.startswith("\ufeff") else _C_LOADER


def load(text: str) -> Any:
    return yaml.load(text, Loader=loader_for(text))


@functools.lru_cache(maxsize=65_536)  # keys and values recur in object after object
def reads_as_itself(text: str) -> bool:
    """Whether `text`, parsed as YAML, is the string `text` (it needs no quotes)."""
    try:
        return bool(load(text) == text)
    except yaml.YAMLError:
        return False
