"""Istio-format copies of Maistra-format images: where each went and how it got there. Pure
(no registry client here), so reports and pull-request bodies can name them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Delivery(StrEnum):
    PUSHED = "pushed"
    REUSED = "already there"  # the tag already held the same layer: nothing was pushed
    PLANNED = "would be pushed"  # asked not to push (a scan, a diff, a dry run)


@dataclass(frozen=True)
class Repackaged:
    source: str  # the image as the extensions name it
    destination: str  # `host/prefix/name:tag@sha256:…`
    delivery: Delivery

    @property
    def reference(self) -> str:
        """What the WasmPlugins name: the copy by digest alone (the tag may move)."""
        name, _, digest = self.destination.partition("@")
        head, slash, last = name.rpartition("/")
        return f"{head}{slash}{last.partition(':')[0]}@{digest}"
