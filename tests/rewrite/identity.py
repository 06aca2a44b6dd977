"""An independent check that a rewrite left alone what it had no business touching.

It does not use the rewriter's own span code: documents are split at `---`/`...` lines, parsed
with PyYAML, and compared line by line with difflib.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import yaml

SEPARATOR = re.compile(r"(?:---|\.\.\.)(?:[ \t].*)?\r?\n?")
EXTENSION = "ServiceMeshExtension"
LAYOUT = re.compile(r"^[ \t]*(?:-[ \t]+)*")


def chunks(text: str) -> list[str]:
    """The text cut before every document marker line; joined, they are the text again."""
    pieces: list[str] = [""]
    for line in text.splitlines(keepends=True):
        if SEPARATOR.fullmatch(line) and pieces[-1]:
            pieces.append("")
        pieces[-1] += line
    return pieces


def _value(chunk: str) -> Any:
    try:
        values = [v for v in yaml.safe_load_all(chunk) if v is not None]
    except yaml.YAMLError:
        return None
    return values[0] if len(values) == 1 else None


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#") and not SEPARATOR.fullmatch(line)


def _frame(chunk: str) -> tuple[list[str], list[str]]:
    """The lines before the first and after the last content line (comments, blanks, markers)."""
    lines = chunk.splitlines(keepends=True)
    content = [i for i, line in enumerate(lines) if _is_content(line)]
    if not content:
        return lines, []
    return lines[:content[0]], lines[content[-1] + 1:]


def problems(before: str, after: str) -> list[str]:
    """What the rewrite changed outside the spans it may edit; [] when nothing."""
    old, new = chunks(before), chunks(after)
    if len(old) != len(new):
        return [f"{len(old)} documents became {len(new)}"]
    found = []
    for index, (old_chunk, new_chunk) in enumerate(zip(old, new, strict=True)):
        found += [f"document {index}: {p}" for p in _chunk_problems(old_chunk, new_chunk)]
    return found


def _chunk_problems(old: str, new: str) -> list[str]:
    value = _value(old)
    kind = value.get("kind") if isinstance(value, dict) else None
    if old == new:
        return []
    if kind in (EXTENSION, "List", "Template"):
        return (_frame_problems(old, new) + _list_problems(old, new, value)
                + _moved_lines(old, new))
    if kind == "ServiceMeshControlPlane":
        return _only_deleted(old, new, ("techPreview:", "wasmExtensions:"))
    if kind == "Kustomization":
        return _only_replaced_lines(old, new)
    return [f"a {kind or 'document'} that is not rewritten changed"]


def _frame_problems(old: str, new: str) -> list[str]:
    (old_head, old_tail), (new_head, new_tail) = _frame(old), _frame(new)
    found = []
    if old_head != new_head:
        found.append("the comments before the object changed")
    if old_tail != new_tail:
        found.append("the comments after the object changed")
    return found


def _list_problems(old: str, new: str, value: Any) -> list[str]:
    """Every item (of a List, or object of a Template) that is not an extension is still there,
    byte for byte."""
    kind = value.get("kind") if isinstance(value, dict) else None
    key = {"List": "items", "Template": "objects"}.get(str(kind))
    if key is None:
        return []
    root = yaml.compose(old)
    assert isinstance(root, yaml.MappingNode)
    items = next((v for k, v in root.value if k.value == key), None)
    if items is None:
        return []
    found = []
    for position, item in enumerate(items.value):
        kind = next((v.value for k, v in item.value if k.value == "kind"), None)
        if kind != EXTENSION:
            text = _item_text(old, item, items.value[position + 1:])
            if text not in new:
                found.append(f"item {position} ({kind}) changed")
    return found


def _item_text(text: str, item: yaml.Node, following: list[yaml.Node]) -> str:
    if getattr(item, "flow_style", False):
        return text[item.start_mark.index:item.end_mark.index]
    end = following[0].start_mark.index if following else item.end_mark.index
    lines = text[item.start_mark.index:end].splitlines(keepends=True)
    while lines and not _is_content(lines[-1]):
        lines.pop()
    return "".join(lines).rstrip("\r\n")


def _content(line: str) -> str:
    """A line without its indentation and list dashes: what it says, not how it is laid out."""
    return LAYOUT.sub("", line).rstrip()


def _moved_lines(old: str, new: str) -> list[str]:
    """Inside an edited object, a line that says what it said before keeps its bytes: only lines
    whose content changed may differ (no re-indentation, no other list style)."""
    old_lines, new_lines = old.splitlines(True), new.splitlines(True)
    found = []
    for _, i1, i2, j1, j2 in _opcodes(old, new):
        written = {_content(line) for line in new_lines[j1:j2]}
        found += [f"line {i1 + n + 1} kept its content but not its bytes: {line.rstrip()!r}"
                  for n, line in enumerate(old_lines[i1:i2])
                  if _content(line) and _content(line) in written]
    return found


def _opcodes(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    matcher = difflib.SequenceMatcher(None, old.splitlines(True), new.splitlines(True))
    return [op for op in matcher.get_opcodes() if op[0] != "equal"]


def _only_deleted(old: str, new: str, first_keys: tuple[str, ...]) -> list[str]:
    lines = old.splitlines(True)
    found = []
    for tag, i1, i2, _, _ in _opcodes(old, new):
        if tag != "delete" or not lines[i1].strip().startswith(first_keys):
            found.append(f"lines {i1 + 1}-{i2} were changed, not just removed")
    return found


def _only_replaced_lines(old: str, new: str) -> list[str]:
    return [f"lines {i1 + 1}-{i2} became {j2 - j1} lines" for tag, i1, i2, j1, j2
            in _opcodes(old, new) if tag != "replace" or i2 - i1 != j2 - j1]
