"""The plainest YAML documents read without a YAML parser, exactly as the parser reads them.

A scan reads every kustomization of a repository (the cluster decision needs what each one
lists), and PyYAML spends about 30 µs on even the smallest file: more than the rest of the
scan's work on it. Most kustomizations are a few `key: value` lines and lists of paths, so
those are read here, line by line; anything else (quotes, flow style, nesting, anchors, tags,
a second document, tabs, a value the parser would not read as a string) gives None, and the
caller uses the parser. tests/sources/test_plain_mapping.py holds both readings equal.
"""

from __future__ import annotations

import re

from migrate.sources.yamlnodes import reads_as_string

_KEY = r"[A-Za-z][A-Za-z0-9_-]*"
# A plain scalar that can neither start nor contain a YAML indicator, nor hold a space.
_VALUE = r"[A-Za-z0-9_./][A-Za-z0-9_./=+-]*"
_COMMENT = r"(?: +#.*)?"
_LINE = re.compile(
    rf"(?P<blank> *(?:#.*)?)"
    rf"|(?P<key>{_KEY}):(?: +(?P<value>{_VALUE}))?{_COMMENT} *"
    rf"|(?P<indent> *)- +(?P<item>{_VALUE}){_COMMENT} *"
)
_NOT_PLAIN = re.compile(r"[^\x20-\x7e\n]")  # tabs, CR, other controls, anything not ASCII

Body = dict[str, "str | list[str] | None"]


def plain_mapping(text: str) -> Body | None:
    """`text` as yaml.safe_load reads it when it is a mapping of keys to plain words or to
    block lists of plain words; None for anything else."""
    if _NOT_PLAIN.search(text):
        return None
    body: Body = {}
    lists: dict[str, list[str]] = {}
    list_key: str | None = None  # the last key without a value: the items are its list
    indent: str | None = None
    for match in map(_LINE.fullmatch, text.split("\n")):
        if match is None:
            return None
        key, value, indent_now, item = match.group("key", "value", "indent", "item")
        if key is not None:
            if key in body or not reads_as_string(key) or (value and not reads_as_string(value)):
                return None
            body[key], list_key, indent = value, (None if value else key), None
        elif item is not None:
            if list_key is None or indent not in (None, indent_now) or not reads_as_string(item):
                return None
            indent = indent_now
            lists.setdefault(list_key, []).append(item)
    return {**body, **lists} or None
