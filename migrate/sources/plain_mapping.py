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
_COMMENT_TEXT = r"#[\x20-\x7e]*"  # printable ASCII only: no tab, no CR (a line break to YAML)
_COMMENT = rf"(?: +{_COMMENT_TEXT})?"
# Each line is blank or a comment, a key with or without a word, or an item of a list: one
# regular expression (run in C; a loop over the lines cost twice as much) gives each line's
# (key, value, indent, item), and a line that is none of them gives no match at all.
_LINE = re.compile(rf"^(?: *(?:{_COMMENT_TEXT})?|({_KEY}):(?: +({_VALUE}))?{_COMMENT} *"
                   rf"|( *)- +({_VALUE}){_COMMENT} *)$", re.MULTILINE)

Body = dict[str, "str | list[str] | None"]


def plain_mapping(text: str) -> Body | None:
    """`text` as yaml.safe_load reads it when it is a mapping of keys to plain words or to
    block lists of plain words; None for anything else."""
    lines = _LINE.findall(text)
    if len(lines) != text.count("\n") + 1:
        return None  # a line of another form
    body: Body = {}
    lists: dict[str, list[str]] = {}
    list_key: str | None = None  # the last key without a value: the items are its list
    indent: str | None = None
    for key, value, indent_now, item in lines:
        if key:
            if key in body or not reads_as_string(key) or (value and not reads_as_string(value)):
                return None
            body[key], list_key, indent = value or None, (None if value else key), None
        elif item:
            if list_key is None or indent not in (None, indent_now) or not reads_as_string(item):
                return None
            indent = indent_now
            lists.setdefault(list_key, []).append(item)
    return {**body, **lists} or None
