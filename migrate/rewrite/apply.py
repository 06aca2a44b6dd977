"""The I/O edge of a rewrite: read the files to edit, write the new ones, show diffs."""

from __future__ import annotations

import difflib
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from migrate.emit.atomic import write_atomically
from migrate.rewrite import safety
from migrate.rewrite.plan import FileChange
from migrate.rewrite.source import SourceFile, text_of
from migrate.sources.bounded import regular_file_bytes
from migrate.sources.unparsable import MAX_FILE_BYTES, MIB

NO_NEWLINE = "\\ No newline at end of file\n"


@dataclass(frozen=True)
class WriteFailure:
    path: str
    reason: str


@dataclass(frozen=True)
class WriteOutcome:
    """What became of one planned change: written, or why not."""

    change: FileChange
    failure: WriteFailure | None = None

    @property
    def written(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class Written:
    """Every planned change's outcome, in write order."""

    outcomes: tuple[WriteOutcome, ...]

    @property
    def paths(self) -> frozenset[str]:
        """The changes' paths (as planned, links included) that were written."""
        return frozenset(o.change.path for o in self.outcomes if o.written)

    @property
    def failures(self) -> list[WriteFailure]:
        return [o.failure for o in self.outcomes if o.failure is not None]


def read_sources(paths: Iterable[str]) -> tuple[dict[str, SourceFile], list[WriteFailure]]:
    """The files' bytes by path; a file that cannot be read is listed, never fatal."""
    sources, failures = {}, []
    for path in dict.fromkeys(paths):
        try:
            data = regular_file_bytes(path, MAX_FILE_BYTES)
        except OSError as error:
            failures.append(WriteFailure(path, error.strerror or str(error)))
            continue
        if data is None:  # it changed since the scan read it, or a patch file names it
            failures.append(WriteFailure(
                path, f"not read: larger than {MAX_FILE_BYTES // MIB} MiB, or not a regular file"))
            continue
        sources[path] = SourceFile(path, data, os.path.realpath(path))
    return sources, failures


def write_changes(changes: Sequence[FileChange], pause: float = 0.0) -> Written:
    """Write each file atomically (same directory, then rename; mode, owner and group kept), one
    after another. A failure is recorded and the others are still written, except a control
    plane's file, which waits for all the others. `pause` (seconds) after each file is for the
    interruption test."""
    outcomes: list[WriteOutcome] = []
    for change in changes:
        failed = any(not o.written for o in outcomes)
        failure = _held_back(change) if failed and change.needs_the_others else _write(change)
        outcomes.append(WriteOutcome(change, failure))
        if pause:
            time.sleep(pause)
    return Written(tuple(outcomes))


def _held_back(change: FileChange) -> WriteFailure:
    return WriteFailure(change.path, "not written: another file failed, and removing "
                        "techPreview.wasmExtensions now would disable the extensions left in it")


def _write(change: FileChange) -> WriteFailure | None:
    target = Path(os.path.realpath(change.path))  # a symlink stays a symlink
    try:
        reason = _changed(change, target)
        if reason is not None:
            return WriteFailure(change.path, reason)
        write_atomically(target, change.after)
    except OSError as error:
        return WriteFailure(change.path, error.strerror or str(error))
    return None


def _changed(change: FileChange, target: Path) -> str | None:
    """Why the file is no longer the one that was planned (checked again just before writing:
    a link retargeted or a file linked or made read-only meanwhile is never written)."""
    if change.target and str(target) != change.target:
        return f"it now leads to {target}, not {change.target}; run the rewrite again"
    unsafe = safety.unsafe(str(target), target.stat())
    if unsafe is not None:
        return unsafe.message
    if target.read_bytes() != change.before:
        return "it changed while the rewrite ran; run it again"
    return None


def unified_diff(change: FileChange) -> str:
    name = display_path(change.path).lstrip("/")
    before = text_of(change.before).splitlines(keepends=True)
    after = text_of(change.after).splitlines(keepends=True)
    lines = difflib.unified_diff(before, after, f"a/{name}", f"b/{name}")
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n" + NO_NEWLINE
                   for line in lines)


def display_path(path: str) -> str:
    if not os.path.isabs(path):
        return path
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
