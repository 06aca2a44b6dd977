"""WasmPlugin YAML through libyaml, with block sequences indented under their keys.

libyaml (`yaml.CSafeDumper`) writes a sequence that is a mapping value "indentless" (its `- `
at the key's column); the project's style, pinned by the golden files, indents it two more.
For plain data whose strings are short single-line printable ASCII, the two emitters otherwise
write the same bytes, so one pass over the lines shifts those sequences. `dump` returns None
for anything else (and whenever a line could have been folded), and the caller keeps the pure
Python dumper for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

# Both emitters fold lines at width 100; output whose lines all stay well inside it was not
# folded by either (a fold only happens past the width).
SAFE_LINE = 80
_LONGEST_STRING = 60
_Dumper: type[yaml.SafeDumper] | None = getattr(yaml, "CSafeDumper", None)


def dump(plain: Any) -> str | None:
    """`plain` (dicts, lists, scalars) as block YAML, or None when libyaml cannot be trusted
    to match the pure Python dumper byte for byte."""
    if _Dumper is None or not isinstance(plain, dict) or not plain or not _simple(plain):
        return None
    text = yaml.dump(plain, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=100)
    lines = list(_indented(text.split("\n")))
    if any(len(line) > SAFE_LINE for line in lines):
        return None
    return "\n".join(lines)


def _simple(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_simple(k) and _simple(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_simple(v) for v in value)
    if isinstance(value, str):
        return len(value) <= _LONGEST_STRING and value.isascii() and value.isprintable()
    return value is None or isinstance(value, bool | int | float)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_item(line: str, column: int) -> bool:
    return line[column:column + 2] == "- " or line[column:] == "-"


def _indented(lines: list[str]) -> Iterator[str]:
    """Shift every indentless sequence (and all it holds) two columns to the right."""
    open_sequences: list[int] = []  # the columns (libyaml's) of the sequences being shifted
    previous = ""
    for line in lines:
        column = _indent(line)
        while open_sequences and not _inside(line, column, open_sequences[-1]):
            open_sequences.pop()
        if line and _is_item(line, column) and _starts_sequence(previous, column):
            open_sequences.append(column)
        previous = line
        yield " " * (2 * len(open_sequences)) + line if line else line


def _inside(line: str, column: int, sequence: int) -> bool:
    return bool(line) and (column > sequence or (column == sequence and _is_item(line, column)))


def _starts_sequence(previous: str, column: int) -> bool:
    """An item at the column of a `key:` line just above it: an indentless sequence begins."""
    key = _indent(previous)
    while _is_item(previous, key):
        key += 2
    return key == column and previous.endswith(":")
