"""Moving a node's text between its column in the file and column 0."""

from __future__ import annotations


def dedent(text: str, column: int) -> str:
    """A node's text as if it started at column 0 (its first line already does)."""
    first, *rest = text.split("\n")
    trimmed = [line[min(column, len(line) - len(line.lstrip(" "))):] for line in rest]
    return "\n".join([first, *trimmed])


def indent(text: str, column: int) -> str:
    """Lines after the first moved right by `column`; empty lines stay empty."""
    first, *rest = text.split("\n")
    return "\n".join([first, *(" " * column + line if line else line for line in rest)])
