"""Namespace hints from the kustomizations that list a file (kustomize's `namespace:` field)."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import yaml

from migrate.sources.bounded import regular_file_bytes
from migrate.sources.plain_mapping import plain_mapping
from migrate.sources.unparsable import MAX_FILE_BYTES

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_PLAIN_ENTRY = re.compile(r"(?:[^/.][^/]*/)*[^/.][^/]*/?")  # no segment starts with a dot
_IN_A_DIRECTORY = tuple(f"{os.sep}{name}" for name in KUSTOMIZATION_NAMES)
LISTING_FIELDS = ("resources", "bases")
PATCH_FIELDS = ("patchesStrategicMerge", "patchesJson6902", "patches")
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kustomization:
    directory: str  # absolute and normalised: where the file is
    namespace: str | None
    listed: frozenset[str]  # absolute, normalised paths of its local resources and bases
    patches: bool = True  # it names patches (False: none of PATCH_FIELDS is there)


def is_kustomization_file(path: str) -> bool:
    # endswith: basename() for each of a tree's files cost more than the rest of this check
    return path.endswith(_IN_A_DIRECTORY) or path in KUSTOMIZATION_NAMES


def kustomization_in(path: str, data: bytes) -> Kustomization | None:
    """What the kustomization file at `path` lists, from its bytes; None when they are not a
    kustomization (not UTF-8, not YAML, not a mapping)."""
    try:
        text = data.decode("utf-8")
        body = plain_mapping(text) or yaml.load(text, Loader=yaml.CSafeLoader)
    except (ValueError, yaml.YAMLError) as error:
        _log.debug("ignoring kustomization %s: %s", path, error)
        return None
    return _parse_kustomization(_directory_of(path), body)


def by_directory(found: Iterable[tuple[str, Kustomization | None]]
                 ) -> dict[str, Kustomization | None]:
    """(kustomization file, what it lists) pairs by absolute directory, sorted; where one
    directory has several, the one kustomize reads (the first of KUSTOMIZATION_NAMES)."""
    chosen: dict[str, tuple[int, Kustomization | None]] = {}
    for path, kustomization in found:
        directory = kustomization.directory if kustomization else _directory_of(path)
        rank = _rank(path)
        if directory not in chosen or rank < chosen[directory][0]:
            chosen[directory] = (rank, kustomization)
    return {directory: chosen[directory][1] for directory in sorted(chosen)}


def _directory_of(path: str) -> str:
    return os.path.dirname(os.path.abspath(path))


def _rank(path: str) -> int:
    return KUSTOMIZATION_NAMES.index(os.path.basename(path))


class NamespaceHints:
    """Reads each directory's kustomization at most once, and only when a hint is asked for;
    `known`: those already read, by absolute directory (see by_directory)."""

    def __init__(self, known: Mapping[str, Kustomization | None] | None = None) -> None:
        self._by_directory: dict[str, Kustomization | None] = dict(known or {})

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
            data = regular_file_bytes(path, MAX_FILE_BYTES)
        except FileNotFoundError:
            continue
        except OSError as error:
            _log.debug("ignoring kustomization %s: %s", path, error)
            return None
        if data is None:
            _log.debug("ignoring kustomization %s: not a regular file, or over the cap", path)
            return None
        return kustomization_in(path, data)
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
        directory,
        str(namespace) if namespace else None,
        frozenset(listed_paths(directory, entries)),
        not body.keys().isdisjoint(PATCH_FIELDS),
    )


def listed_paths(directory: str, entries: Iterable[str]) -> Iterator[str]:
    """normpath(join(directory, entry)) of each entry, for an absolute, normalised `directory`;
    for the usual entry (no `.` or `..`, no doubled or leading slash) without normpath's cost."""
    base = directory.rstrip("/")
    for entry in entries:
        if os.sep == "/" and _PLAIN_ENTRY.fullmatch(entry):
            yield f"{base}/{entry.rstrip('/')}"
        else:
            yield os.path.normpath(os.path.join(directory, entry))


def _is_remote(entry: str) -> bool:
    return "://" in entry or entry.startswith(("github.com/", "git@"))
