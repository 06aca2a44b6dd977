"""Documents of one file: which become resources, and how `*List` wrappers are opened."""

from __future__ import annotations

import pytest

from migrate.model import Location
from migrate.sources.documents import decode, parse_resources
from migrate.sources.unparsable import Unparsable


def test_non_mapping_and_empty_documents_are_skipped_silently() -> None:
    text = b"--- plain string\n--- [a, list]\n--- 42\n---\n---\nkind: X\nmetadata: {name: kept}\n"

    (resource,) = parse_resources(text, "mixed.yaml")

    assert resource.name == "kept"
    assert resource.location == Location("mixed.yaml", 6, 4)


def test_a_list_kind_without_items_is_an_ordinary_object() -> None:
    (resource,) = parse_resources(b"kind: AllowList\nitems: not-a-list\n", "x.yaml")

    assert resource.kind == "AllowList"


def test_list_item_key_lines_are_relative_to_the_item() -> None:
    text = b"kind: List\nitems:\n- kind: A\n  spec:\n    phase: PreAuthN\n"

    (item,) = parse_resources(text, "x.yaml")

    assert item.key_lines == {"kind": 3, "spec": 4, "spec.phase": 5}


def test_json_list_is_opened_when_yaml_cannot_read_it() -> None:
    text = b'{"kind": "List", "items": [{"kind": "A", "note": "\\ud83d\\ude00"}, 3]}'

    (item,) = parse_resources(text, "x.json")

    assert item.body == {"kind": "A", "note": "\U0001f600"}


def test_bracket_heavy_json_that_nests_shallowly_parses_with_lines() -> None:
    rows = ",\n".join('{"a": [1, [2, {"b": [3]}]]}' for _ in range(3000))
    text = f'{{"kind": "ConfigMap", "rows": [\n{rows}\n], "x": {{}}}}'.encode()

    (resource,) = parse_resources(text, "big.json")

    assert len(resource.body["rows"]) == 3000
    assert resource.key_lines["x"] == 3002


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"a: 1\n\xff\n", "not UTF-8 text (invalid byte 0xff at line 2, column 1)"),
        (b"kind: X\0", "binary data"),
    ],
)
def test_undecodable_bytes_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(Unparsable) as raised:
        decode(data)

    assert raised.value.reason.startswith(reason)
