"""Prove the replacements of many objects of one document (the items of a `kind: List`) with a
few parses of it, instead of one parse of the whole document per object.

Every object's first rendering goes in at once and the document is read back once. When it
reads back as intended, each object's own proof (`plugins.prove`: the document with that edit
alone) holds too: the text of one item changes what another means only through an alias, so a
document with an alias, or a rendering with one, is proved object by object. When the edits do
not read back together, each half is tried again, down to single objects, which are proved on
their own (their other renderings tried in turn). Either way every object gets the unit its own
proof gives it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from migrate.model import Finding
from migrate.rewrite.plugins import Draft, guarded, prove, reads_back, refusal
from migrate.rewrite.units import Unit
from migrate.rewrite.yamledit.edits import Edit
from migrate.rewrite.yamledit.spans import span_of
from migrate.rewrite.yamledit.text import dedent
from migrate.rewrite.yamledit.verify import aliased

Outcomes = dict[int, Unit | Finding]  # by the draft's position in the input
Tried = tuple[int, Draft, Edit]  # a draft and its first rendering's edit


def prove_all(drafts: Sequence[Draft]) -> list[Unit | Finding]:
    """Each draft's unit, or why it has none, in order."""
    by_document: dict[tuple[str, int], list[tuple[int, Draft]]] = {}
    for position, drafted in enumerate(drafts):
        key = (drafted.source.path, drafted.located.document.index)
        by_document.setdefault(key, []).append((position, drafted))
    outcomes: Outcomes = {}
    for group in by_document.values():
        outcomes.update(_document(group))
    return [outcomes[position] for position in range(len(drafts))]


def _document(group: Sequence[tuple[int, Draft]]) -> Outcomes:
    if len(group) == 1 or _has_alias(group[0][1]):
        return {position: guarded(d.resource, partial(prove, d)) for position, d in group}
    outcomes: Outcomes = {}
    tried: list[Tried] = []
    for position, drafted in group:
        first = guarded(drafted.resource, partial(_first_edit, drafted))
        if isinstance(first, Edit):
            tried.append((position, drafted, first))
        else:
            outcomes[position] = first
    _settle(tried, outcomes)
    return outcomes


def _has_alias(drafted: Draft) -> bool:
    root, text = drafted.located.document.root, drafted.source.text
    if root is None:
        return False
    start, end = span_of(text, root)
    return aliased(dedent(text[start:end], root.column))


def _first_edit(drafted: Draft) -> Edit | Finding:
    text = next(drafted.renderings(), None)
    if text is None:
        return refusal(drafted.resource, "no rendering of it read back as the intended object")
    return drafted.edit(text)


def _settle(tried: Sequence[Tried], outcomes: Outcomes) -> None:
    if len(tried) == 1:
        position, drafted, _ = tried[0]
        outcomes[position] = guarded(drafted.resource, partial(prove, drafted))
    elif len(tried) > 1 and _together(tried):
        outcomes.update({position: d.unit(edit) for position, d, edit in tried})
    elif len(tried) > 1:
        half = len(tried) // 2
        _settle(tried[:half], outcomes)
        _settle(tried[half:], outcomes)


def _together(tried: Sequence[Tried]) -> bool:
    if any(aliased(dedent(edit.text, d.located.node.column)) for _, d, edit in tried):
        return False
    try:
        return reads_back([(d, edit) for _, d, edit in tried])
    except Exception:  # the objects are then proved one by one, each guarded
        return False
