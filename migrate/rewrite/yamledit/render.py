"""Text for one replaced node, in the file's own layout.

Block YAML goes through ruamel's round trip (comments inside the node survive); JSON and flow
mappings are written as JSON with the indentation the original used.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from ruamel.yaml import YAML

from migrate.rewrite.yamledit.style import Style
from migrate.rewrite.yamledit.text import dedent, indent

WIDTH = 4096  # never fold a long scalar onto a second line
Reshape = Callable[[Any], Any]


def _yaml(style: Style) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = WIDTH
    yaml.indent(
        mapping=style.mapping_indent,
        sequence=style.sequence_offset + style.sequence_gap,
        offset=style.sequence_offset,
    )
    return yaml


def render_block(original: str, column: int, style: Style, reshape: Reshape) -> str:
    """The original node's text (starting at `column`) reshaped, in the same layout."""
    yaml = _yaml(style)
    tree = yaml.load(dedent(original.replace("\r\n", "\n"), column))
    return _dump(yaml, reshape(tree), column, style)


def render_fresh(value: Any, column: int, style: Style) -> str:
    yaml = _yaml(style)
    return _dump(yaml, value, column, style)


def _dump(yaml: YAML, tree: Any, column: int, style: Style) -> str:
    stream = io.StringIO()
    yaml.dump(tree, stream)
    text = stream.getvalue()
    text = text[:-1] if text.endswith("\n") else text
    return indent(text, column).replace("\n", style.line_ending)


def render_json(original: str, base_indent: int, style: Style, reshape: Reshape) -> str:
    """The original flow mapping (JSON, typically) reshaped and written as JSON, in its layout:
    on one line if it was, else with its indentation unit; keys keep their order."""
    value = _plain(reshape(_yaml(style).load(original.replace("\r\n", "\n"))))
    if "\n" not in original and "\r" not in original:
        items = ", " if ", " in original or "," not in original else ","
        keys = ": " if ": " in original or ":" not in original else ":"
        return json.dumps(value, ensure_ascii=False, separators=(items, keys))
    unit = _json_indent(original, base_indent)
    text = json.dumps(value, ensure_ascii=False, indent=unit)
    return indent(text, base_indent).replace("\n", style.line_ending)


def _plain(value: Any) -> Any:
    """Plain dicts and lists, in order (ruamel's scalar types are int/str/float subclasses)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _json_indent(original: str, base_indent: int) -> int:
    for line in original.replace("\r\n", "\n").split("\n")[1:]:
        if line.strip():
            return max(1, len(line) - len(line.lstrip(" ")) - base_indent)
    return 2
