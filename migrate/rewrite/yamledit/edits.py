"""Text edits (splices by offset) and the value changes they are meant to make."""

from __future__ import annotations

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
    """The documents' values with the changes applied, as new values: the containers on each
    change's path are copied, the rest is shared with `documents` (the proofs only compare
    the result; copying all of it took a tenth of a rewrite's proofs)."""
    result = list(documents)
    for change in changes:
        if change.path:
            result[change.document] = _with(result[change.document], change.path, change.value)
        else:
            result[change.document] = change.value
    return result


def _with(container: Any, path: Path, value: Any) -> Any:
    """A copy of `container` with `value` at `path` (or the entry there deleted)."""
    step, rest = path[0], path[1:]
    copied: Any = dict(container) if isinstance(container, dict) else list(container)
    if rest:
        copied[step] = _with(container[step], rest, value)
    elif value is DELETE:
        del copied[step]
    else:
        copied[step] = value
    return copied
