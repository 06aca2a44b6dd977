"""The I/O edge of a rewrite: read the files to edit, write the new ones, show diffs."""

from __future__ import annotations

import difflib
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from migrate.emit.atomic import write_atomically
from migrate.rewrite.plan import FileChange
from migrate.rewrite.source import SourceFile
from migrate.sources.documents import decode
from migrate.sources.sniff import UTF16_SAMPLE_BYTES, utf16_codec

NO_NEWLINE = "\\ No newline at end of file\n"


@dataclass(frozen=True)
class WriteFailure:
    path: str
    reason: str


def read_sources(paths: Iterable[str]) -> tuple[dict[str, SourceFile], list[WriteFailure]]:
    """The files' bytes by path; a file that cannot be read is listed, never fatal."""
    sources, failures = {}, []
    for path in dict.fromkeys(paths):
        try:
            sources[path] = SourceFile(path, Path(path).read_bytes())
        except OSError as error:
            failures.append(WriteFailure(path, error.strerror or str(error)))
    return sources, failures


def write_changes(changes: Sequence[FileChange], pause: float = 0.0) -> list[WriteFailure]:
    """Write each file atomically (same directory, then rename; mode kept), one after another.
    A failure is listed and the others are still written, except a control plane's file, which
    waits for all the others. `pause` (seconds) after each file is for the interruption test."""
    failures: list[WriteFailure] = []
    for change in changes:
        failure = _held_back(change) if failures and change.needs_the_others else _write(change)
        if failure is not None:
            failures.append(failure)
        if pause:
            time.sleep(pause)
    return failures


def _held_back(change: FileChange) -> WriteFailure:
    return WriteFailure(change.path, "not written: another file failed, and removing "
                        "techPreview.wasmExtensions now would disable the extensions left in it")


def _write(change: FileChange) -> WriteFailure | None:
    target = Path(os.path.realpath(change.path))  # a symlink stays a symlink
    try:
        if target.read_bytes() != change.before:
            return WriteFailure(change.path, "it changed while the rewrite ran; run it again")
        write_atomically(target, change.after)  # keeps the file's mode
    except OSError as error:
        return WriteFailure(change.path, error.strerror or str(error))
    return None


def unified_diff(change: FileChange) -> str:
    name = display_path(change.path).lstrip("/")
    before = _text(change.before).splitlines(keepends=True)
    after = _text(change.after).splitlines(keepends=True)
    lines = difflib.unified_diff(before, after, f"a/{name}", f"b/{name}")
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n" + NO_NEWLINE
                   for line in lines)


def _text(data: bytes) -> str:
    """UTF-8 with its BOM kept (`git apply` needs it in the diff); UTF-16 decoded, for reading."""
    if utf16_codec(data[:UTF16_SAMPLE_BYTES]) is not None:
        return decode(data)
    return data.decode("utf-8")


def display_path(path: str) -> str:
    if not os.path.isabs(path):
        return path
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
