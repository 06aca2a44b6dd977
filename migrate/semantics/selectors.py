"""Find the extensions or plugins whose selector a label set matches without testing them all.

A selector matches when the labels hold every one of its pairs, so it can only match labels
that hold its first pair: items are grouped by selector, the selectors by their first pair, and
a label set looks up only the groups its own pairs name (plus the empty selector's).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

from migrate.model import Labels


class Selected(Protocol):
    @property
    def selector(self) -> Labels: ...


_Item = TypeVar("_Item", bound=Selected)


class SelectorIndex(Generic[_Item]):
    def __init__(self, items: Sequence[_Item]) -> None:
        self._items = items
        # first pair (None: the empty selector) -> selector -> positions in `items`
        self._groups: dict[tuple[str, str] | None, dict[frozenset[tuple[str, str]], list[int]]]
        self._groups = {}
        for position, item in enumerate(items):
            first = item.selector[0] if item.selector else None
            by_selector = self._groups.setdefault(first, {})
            by_selector.setdefault(frozenset(item.selector), []).append(position)

    def matching(self, labels: Labels) -> list[_Item]:
        """The items whose selector `labels` satisfies, in their original order."""
        held = frozenset(labels)
        positions: list[int] = []
        for first in (None, *labels):
            for selector, found in self._groups.get(first, {}).items():
                if held.issuperset(selector):
                    positions += found
        return [self._items[position] for position in sorted(positions)]
