"""Text edits (splices by offset) and the value changes they are meant to make."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


class EditConflict(ValueError):
    """Two edits overlap: the plan is wrong, so the file is not touched."""


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] with `text`."""

    start: int
    end: int
    text: str


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE: Any = _Delete()

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Change:
    """What an edit does to the parsed file: set (or DELETE) the value at `path` of a document."""

    document: int
    path: Path
    value: Any


def splice(text: str, edits: Iterable[Edit]) -> str:
    """The text with every edit applied; raises EditConflict when two edits overlap."""
    ordered = sorted(set(edits), key=lambda e: (e.start, e.end))
    pieces, cursor = [], 0
    for edit in ordered:
        if edit.start < cursor:
            raise EditConflict(f"overlapping edits at offset {edit.start}")
        pieces += [text[cursor:edit.start], edit.text]
        cursor = edit.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def changed(documents: Sequence[Any], changes: Iterable[Change]) -> list[Any]:
    """A copy of the documents' values with the changes applied."""
    result = copy.deepcopy(list(documents))
    for change in changes:
        if not change.path:
            result[change.document] = copy.deepcopy(change.value)
        else:
            _set(result[change.document], change.path, change.value)
    return result


def _set(container: Any, path: Path, value: Any) -> None:
    for step in path[:-1]:
        container = container[step]
    if value is DELETE:
        del container[path[-1]]
    else:
        container[path[-1]] = copy.deepcopy(value)
