"""Atomic file writes: a reader (or a crash) sees the old file or the new one, never half."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

NEW_FILE_MODE = 0o644  # mkstemp's 0600 would hide a new file from other users and CI steps


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return NEW_FILE_MODE


def write_atomically(path: Path, content: str | bytes, mode: int | None = None) -> None:
    """Write via a temporary file in the same directory, then rename it over `path`.

    The file keeps its mode (a new one gets 0644) unless `mode` is given.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    final_mode = _mode_for(path) if mode is None else mode
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, final_mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable: it lives in the directory, not in the file."""
    try:
        handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return  # some filesystems cannot open a directory; the rename has still happened
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
