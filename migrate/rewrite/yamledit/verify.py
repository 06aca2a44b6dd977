"""Proof that an edited text means what the plan says: parse it again and compare values.

Values are read exactly as the scanner reads them (timestamps stay text, keys become strings),
and compared by their canonical JSON, so `1`, `1.0` and `true` never pass for one another.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import yaml

from migrate.rewrite.yamledit.edits import Change, Edit, Path, changed
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
    return canonical(left) == canonical(right)


def means_locally(text: str, region: tuple[int, int], column: int, edit: Edit,
                  old_value: Any, path: Path, new: Any) -> bool:
    """Whether the document whose root spans `region` (at `column`) reads back as `old_value`
    with `new` at `path` once `edit` (inside the region) is applied. Documents are parsed
    independently, so one document proves one edit without parsing the whole file again."""
    start, end = region
    piece = text[start:edit.start] + edit.text + text[edit.end:end]
    try:
        found = document_values(dedent(piece, column))
    except ValueError:
        return False
    return len(found) == 1 and same(found[0], changed([old_value], [Change(0, path, new)])[0])


def means(new_text: str, old_values: Sequence[Any], changes: Iterable[Change]) -> bool:
    """Whether `new_text` parses to the old documents with exactly these changes."""
    try:
        found = document_values(new_text)
    except ValueError:
        return False
    return same(found, changed(old_values, changes))
