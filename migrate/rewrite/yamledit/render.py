"""Text for one replaced node, in the file's own layout.

Block YAML goes through ruamel's round trip (comments inside the node survive); JSON and flow
mappings are written as JSON with the indentation the original used.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from ruamel.yaml import YAML

from migrate.rewrite.yamledit.scalartext import plain_safe
from migrate.rewrite.yamledit.style import Style
from migrate.rewrite.yamledit.text import dedent, indent

WIDTH = 4096  # never fold a long scalar onto a second line
_WORDS = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*(?: [A-Za-z0-9_./-]+)*")
_WORDS_MAX = 100  # ruamel writes a key over 128 characters as `? key`
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
    text = _plain_block(value, style)
    if text is None:
        return _dump(_yaml(style), value, column, style)
    return _laid_out(text, column, style)


def _dump(yaml: YAML, tree: Any, column: int, style: Style) -> str:
    stream = io.StringIO()
    yaml.dump(tree, stream)
    text = stream.getvalue()
    return _laid_out(text[:-1] if text.endswith("\n") else text, column, style)


def _laid_out(text: str, column: int, style: Style) -> str:
    return indent(text, column).replace("\n", style.line_ending)


def _plain_block(value: Any, style: Style) -> str | None:
    """`{key: text}` or `{key: {key: text, ...}}` of words, as ruamel writes them (a key with
    its annotations, a plugin name), without ruamel's pure-Python dumper; None otherwise."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    ((key, child),) = value.items()
    if not _word_text(key):
        return None
    if _word_text(child):
        return f"{key}: {child}"
    if not isinstance(child, Mapping) or not child or not all(
            _word_text(k) and _word_text(v) for k, v in child.items()):
        return None
    pad = " " * style.mapping_indent
    return "\n".join([f"{key}:", *(f"{pad}{k}: {v}" for k, v in child.items())])


def _word_text(value: object) -> bool:
    """A plain str of words that every YAML reader takes as that string, which ruamel writes
    unquoted: no indicator, number, boolean or null look-alike, no long key."""
    return (type(value) is str and len(value) <= _WORDS_MAX and bool(_WORDS.fullmatch(value))
            and plain_safe(value))


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
