"""Proof that an edited text means what the plan says: parse it again and compare values.

Values are read exactly as the scanner reads them (timestamps stay text, keys become strings),
and compared by their canonical JSON, so `1`, `1.0` and `true` never pass for one another.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import yaml

from migrate.rewrite.yamledit.edits import Change, Edit, Path, changed, splice
from migrate.rewrite.yamledit.text import dedent
from migrate.sources.unparsable import Unparsable
from migrate.sources.yamlnodes import FastLoader, check_expansion, to_value


def document_values(text: str) -> list[Any]:
    """The plain value of every document; raises ValueError when the text does not parse or
    its aliases expand beyond what the scanner accepts (a patch file is read here even when
    the scan refused it)."""
    loader = FastLoader(text)
    try:
        values = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None and "*" in text:
                check_expansion(node)
            values.append(None if node is None else to_value(node, loader))
        return values
    except (yaml.YAMLError, Unparsable) as error:
        raise ValueError(f"the edited text does not parse: {error}") from None
    finally:
        loader.dispose()


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr)


def same(left: Any, right: Any) -> bool:
    """canonical(left) == canonical(right). An in-place edit asks this of every node it
    visits, so plain JSON values are compared without being written out."""
    plain = _same_plain(left, right)
    return plain if plain is not None else canonical(left) == canonical(right)


# Exactly these types (a subclass may write itself differently); lists and tuples are both
# JSON arrays.
_SCALARS = (str, int, float, bool, type(None))
_SEQUENCES = (list, tuple)


def _same_plain(left: Any, right: Any) -> bool | None:
    """Whether both write the same JSON, where both are plain JSON values (str-keyed dicts,
    lists, tuples and the _SCALARS); None where either is not (canonical() decides)."""
    kinds = type(left), type(right)
    if kinds[0] in _SCALARS and kinds[1] in _SCALARS:
        # 1, 1.0 and True differ; -0.0 and 0.0 too, and NaN is NaN: as JSON writes floats.
        return kinds[0] is kinds[1] and (repr(left) == repr(right) if kinds[0] is float
                                         else left == right)
    if kinds[0] is dict and kinds[1] is dict:
        return _same_mapping(left, right)
    if kinds[0] in _SEQUENCES and kinds[1] in _SEQUENCES:
        return _same_items(left, right)
    return None


def _same_mapping(left: dict[Any, Any], right: dict[Any, Any]) -> bool | None:
    # JSON writes other keys as strings: 1 and "1" are one key, so those go to canonical().
    if not all(type(key) is str for key in left):
        return None
    if left.keys() != right.keys():  # when equal, the right's keys are strings too
        return False if all(type(key) is str for key in right) else None
    for key, value in left.items():
        found = _same_plain(value, right[key])
        if found is not True:
            return found
    return True


def _same_items(left: Sequence[Any], right: Sequence[Any]) -> bool | None:
    if len(left) != len(right):
        return False
    for one, other in zip(left, right, strict=True):
        found = _same_plain(one, other)
        if found is not True:
            return found
    return True


def edited_document(text: str, region: tuple[int, int], column: int, edits: Sequence[Edit]
                    ) -> str:
    """The document whose root spans `region` (at `column`) with the edits (all inside the
    region) applied, moved to column 0: documents are parsed independently, so one document
    proves its edits without parsing the whole file again. Raises EditConflict."""
    start, end = region
    moved = [Edit(e.start - start, e.end - start, e.text) for e in edits]
    return dedent(splice(text[start:end], moved), column)


def reads_as(document: str, old_value: Any, changes: Iterable[tuple[Path, Any]]) -> bool:
    """Whether the text of one document reads back as `old_value` with each new value at its
    path."""
    try:
        found = document_values(document)
    except ValueError:
        return False
    wanted = changed([old_value], [Change(0, path, new) for path, new in changes])[0]
    return len(found) == 1 and same(found[0], wanted)


def aliased(text: str) -> bool:
    """Whether the text holds an alias (or does not parse, so that nobody can tell)."""
    if "*" not in text:
        return False
    try:
        events = yaml.parse(text, Loader=yaml.CSafeLoader)
        return any(isinstance(event, yaml.AliasEvent) for event in events)
    except yaml.YAMLError:
        return True


def means(new_text: str, old_values: Sequence[Any], changes: Iterable[Change]) -> bool:
    """Whether `new_text` parses to the old documents with exactly these changes."""
    try:
        found = document_values(new_text)
    except ValueError:
        return False
    return same(found, changed(old_values, changes))
