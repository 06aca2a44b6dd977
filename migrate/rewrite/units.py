"""A unit of rewriting: the edits that together replace one thing, and what they must mean."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from migrate.rewrite.yamledit.edits import Change, Edit


@dataclass(frozen=True)
class Unit:
    """Edits (per file) that are applied all together or not at all, and the value changes
    that prove them."""

    label: str  # what it rewrites, e.g. "ServiceMeshExtension istio-system/header-append"
    edits: Mapping[str, tuple[Edit, ...]]
    changes: Mapping[str, tuple[Change, ...]]

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(self.edits)


def single(label: str, path: str, edits: tuple[Edit, ...], changes: tuple[Change, ...]) -> Unit:
    return Unit(label, {path: edits}, {path: changes})
