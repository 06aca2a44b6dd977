"""Plain data as block YAML, written directly: the bytes `manifests.to_yaml` gets from PyYAML.

Dumping 10,000 WasmPlugins took 2 of a convert's 7 s, and libyaml does not help much: PyYAML's
representer and resolver run in Python for every value either way. A plugin is keys, short
words, numbers and booleans, so those are written here. A string goes out plain where PyYAML
writes it plain (its own resolver and scalar analysis decide, once per distinct string: names
and keys recur); anything else (a string PyYAML would quote, a float, a long line, a list in a
list) gives None, and the caller dumps with PyYAML. tests/emit/test_plain_yaml.py holds the
two equal.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping
from typing import Any

import yaml

from migrate.emit.libyaml import SAFE_LINE
from migrate.sources.yamlnodes import reads_as_string

MAX_WORD = 60  # as libyaml.py: well inside the width at which a line could be folded
_ANALYST = yaml.emitter.Emitter(io.StringIO(), allow_unicode=True)
_SCALARS = {None: "null", True: "true", False: "false"}
_INDENT = "  "


def block_yaml(value: Mapping[str, Any]) -> str | None:
    """`value` (dicts of str keys, lists, None, bools, ints, strs) as the block YAML the
    project writes (sequences indented under their key), or None."""
    lines: list[str] = []
    if not value or not _mapping(value, "", lines):
        return None
    if any(len(line) > SAFE_LINE for line in lines):
        return None
    return "\n".join(lines) + "\n"


def _mapping(value: Mapping[str, Any], pad: str, lines: list[str]) -> bool:
    for key, child in value.items():
        if type(key) is not str or not _plain(key) or not _entry(f"{pad}{key}:", child, pad,
                                                                  lines):
            return False
    return True


def _entry(head: str, child: Any, pad: str, lines: list[str]) -> bool:
    """`head` (`key:`) and its value: on the same line, or below it, one level in."""
    if isinstance(child, dict | list) and child:
        lines.append(head)
        inner = pad + _INDENT
        return (_mapping(child, inner, lines) if isinstance(child, dict)
                else _sequence(child, inner, lines))
    text = _scalar(child)
    if text is None:
        return False
    lines.append(f"{head} {text}")
    return True


def _sequence(items: list[Any], pad: str, lines: list[str]) -> bool:
    for item in items:
        if isinstance(item, list) and item:
            return False  # a list in a list: PyYAML's layout of it is not rewritten here
        if isinstance(item, dict) and item:
            first = len(lines)
            if not _mapping(item, pad + _INDENT, lines):
                return False
            lines[first] = f"{pad}- {lines[first][len(pad) + len(_INDENT):]}"
            continue
        text = _scalar(item)
        if text is None:
            return False
        lines.append(f"{pad}- {text}")
    return True


def _scalar(value: Any) -> str | None:
    if isinstance(value, dict):
        return "{}"  # only empty ones get here
    if isinstance(value, list):
        return "[]"
    if value is None or type(value) is bool:
        return _SCALARS[value]
    if type(value) is int:
        return str(value)
    if type(value) is str and _plain(value):
        return value
    return None  # a float, a string PyYAML quotes, another type


@functools.lru_cache(maxsize=65_536)
def _plain(word: str) -> bool:
    """Whether PyYAML writes the string plain, as a key or a value in block style."""
    if not 0 < len(word) <= MAX_WORD or not word.isascii() or not word.isprintable():
        return False
    if not reads_as_string(word):
        return False  # `true`, `1.5`, `null`: they would read back as something else
    analysis = _ANALYST.analyze_scalar(word)
    return bool(analysis.allow_block_plain and not analysis.multiline)
