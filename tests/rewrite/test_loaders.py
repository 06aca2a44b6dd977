"""The rewrite locates nodes with libyaml where it reads a text as PyYAML's Python parser does:
the same node positions for every file in testdata/, and the Python parser where they part."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from migrate.rewrite.yamledit import spans
from migrate.rewrite.yamledit.loaders import loader_for

TESTDATA = Path(__file__).resolve().parents[2] / "testdata"
TRICKY = [
    "a: 😀 x\nb: [1, 2]\n",
    "a: 1\r\nb: |\r\n  x\r\n  y\r\nc: >-\r\n  z\r\n",
    "k: 'é😀'\n# c\nl:\n- {a: b}   \n- \"q\\u00e9\"\n",
    "a: b   # trailing\n---\nx: !!str 1\n...\n---\n- &a 1\n- *a\n",
    "a:\n  - b\n  -\n  - c: d\n",
]


def _texts() -> list[str]:
    found = []
    for path in sorted(TESTDATA.rglob("*")):
        if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
            try:
                found.append(path.read_text(encoding="utf-8"))
            except UnicodeDecodeError:
                continue
    return found + TRICKY


def _tree(text: str, loader: type[Any]) -> list[Any]:
    def walk(node: spans.Node | None) -> Any:
        if node is None:
            return None
        return (node.kind, node.start, node.end, node.line, node.column, node.flow, node.value,
                tuple(walk(child) for child in node.children))

    return [(d.index, walk(d.root)) for d in spans._documents(yaml.parse(text, Loader=loader))]


def test_libyaml_gives_the_python_parsers_positions_wherever_it_is_used() -> None:
    compared = 0
    for text in _texts():
        if loader_for(text) is yaml.SafeLoader:
            continue
        try:
            expected = _tree(text, yaml.SafeLoader)
        except yaml.YAMLError:
            with pytest.raises(yaml.YAMLError):
                _tree(text, loader_for(text))
            continue
        assert _tree(text, loader_for(text)) == expected, text[:200]
        compared += 1
    assert compared > 100


@pytest.mark.parametrize("text", ["{\n\t\"kind\": \"ServiceMeshExtension\"\n}\n",
                                  "\ufeffkind: ServiceMeshExtension\n"])
def test_tabs_and_byte_order_marks_go_to_the_python_parser(text: str) -> None:
    assert loader_for(text) is yaml.SafeLoader
