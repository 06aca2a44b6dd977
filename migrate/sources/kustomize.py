"""Namespace hints from the kustomizations that list a file (kustomize's `namespace:` field)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import yaml

from migrate.sources.halves import in_two_halves

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
LISTING_FIELDS = ("resources", "bases")
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kustomization:
    namespace: str | None
    listed: frozenset[str]  # absolute, normalised paths of its local resources and bases


def kustomizations_of(files: Iterable[str]) -> dict[str, Kustomization]:
    """Each kustomization file's directory (absolute) and what it lists; unreadable ones are
    left out (the scan reports what it cannot read)."""
    directories = sorted({os.path.dirname(os.path.abspath(path)) for path in files})
    return {directory: kustomization
            for directory, kustomization in in_two_halves(_read_all, directories)
            if kustomization is not None}


def _read_all(directories: Sequence[str]) -> list[tuple[str, Kustomization | None]]:
    return [(directory, _read_kustomization(directory)) for directory in directories]


class NamespaceHints:
    """Reads each directory's kustomization at most once, and only when a hint is asked for."""

    def __init__(self) -> None:
        self._by_directory: dict[str, Kustomization | None] = {}

    def namespace_for(self, path: str) -> str | None:
        """The namespace kustomize would give the objects of `path`, or None.

        Follows the chain of kustomizations up the directory tree: one that lists the file (or a
        directory holding an earlier link of the chain) joins the chain. As in kustomize, the
        outermost `namespace:` wins.
        """
        listed = os.path.abspath(path)
        directory = os.path.dirname(listed)
        namespace = None
        while True:
            kustomization = self._kustomization(directory)
            if kustomization is not None and listed in kustomization.listed:
                namespace = kustomization.namespace or namespace
                listed = directory
            parent = os.path.dirname(directory)
            if parent == directory:
                return namespace
            directory = parent

    def _kustomization(self, directory: str) -> Kustomization | None:
        if directory not in self._by_directory:
            self._by_directory[directory] = _read_kustomization(directory)
        return self._by_directory[directory]


def _read_kustomization(directory: str) -> Kustomization | None:
    for name in KUSTOMIZATION_NAMES:
        path = os.path.join(directory, name)
        try:
            with open(path, encoding="utf-8") as stream:
                return _parse_kustomization(directory, yaml.load(stream, Loader=yaml.CSafeLoader))
        except FileNotFoundError:
            continue
        except (OSError, ValueError, yaml.YAMLError) as error:
            _log.debug("ignoring kustomization %s: %s", path, error)
            return None
    return None


def _parse_kustomization(directory: str, body: object) -> Kustomization | None:
    if not isinstance(body, dict):
        return None
    namespace = body.get("namespace")
    entries = [
        entry
        for field in LISTING_FIELDS
        if isinstance(body.get(field), list)
        for entry in body[field]
        if isinstance(entry, str) and not _is_remote(entry)
    ]
    return Kustomization(
        str(namespace) if namespace else None,
        frozenset(os.path.normpath(os.path.join(directory, entry)) for entry in entries),
    )


def _is_remote(entry: str) -> bool:
    return "://" in entry or entry.startswith(("github.com/", "git@"))
