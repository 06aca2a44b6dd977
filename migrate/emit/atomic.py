"""Atomic file writes: a reader (or a crash) sees the old file or the new one, never half.

The temporary file is `.<name>.sme-migrate-<8 hex>.tmp` beside the target. A run killed between
creating it and the rename leaves it behind; the next write of the same target removes such
leftovers once they are old enough that no other run can still be writing them.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path

NEW_FILE_MODE = 0o644  # a new file is readable by other users and CI steps
TOOL = "sme-migrate"
STALE_AFTER = 600.0  # seconds: one write takes milliseconds, so an older temporary is abandoned
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)


@dataclass(frozen=True)
class Keep:
    """What the new file takes over from the one it replaces."""

    mode: int
    uid: int | None = None  # None: a new file, owned by whoever writes it
    gid: int | None = None


def temporary_name(target: str) -> str:
    return f".{target}.{TOOL}-{os.urandom(4).hex()}.tmp"  # what secrets.token_hex does


def is_our_temporary(name: str, target: str) -> bool:
    """Exactly the name `temporary_name(target)` makes, for this target only."""
    return re.fullmatch(rf"\.{re.escape(target)}\.{TOOL}-[0-9a-f]{{8}}\.tmp", name) is not None


def write_atomically(path: Path, content: str | bytes, mode: int | None = None) -> None:
    """Write via a temporary file in the same directory, then rename it over `path`.

    The file keeps its mode (a new one gets 0644) unless `mode` is given, and its owner and
    group where the process may set them (as root, always).
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    keep = _kept(path, mode)
    remove_stale_temporaries(path)
    temporary = _write_temporary(path, data)
    try:
        _take_over(temporary, keep)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def _kept(path: Path, mode: int | None) -> Keep:
    try:
        status = path.stat()
    except FileNotFoundError:
        return Keep(NEW_FILE_MODE if mode is None else mode)
    return Keep(stat.S_IMODE(status.st_mode) if mode is None else mode,
                status.st_uid, status.st_gid)


def _write_temporary(path: Path, data: bytes) -> Path:
    while True:
        temporary = path.parent / temporary_name(path.name)
        try:
            handle = os.open(temporary, _CREATE, 0o600)
            break
        except FileExistsError:
            continue  # 32 random bits collided; draw again
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _take_over(temporary: Path, keep: Keep) -> None:
    """Owner and group first: chown clears set-id bits, which the chmod then restores."""
    if keep.uid is not None and keep.gid is not None:
        _chown_if_permitted(temporary, keep.uid, keep.gid)
    os.chmod(temporary, keep.mode)


def _chown_if_permitted(temporary: Path, uid: int, gid: int) -> None:
    status = temporary.stat()
    if (status.st_uid, status.st_gid) == (uid, gid):
        return
    try:
        os.chown(temporary, uid, gid)
    except PermissionError:
        with contextlib.suppress(PermissionError):  # a member of the group may still keep it
            os.chown(temporary, -1, gid)


def remove_stale_temporaries(path: Path, now: float | None = None) -> list[Path]:
    """Remove our own abandoned temporaries of `path` (a regular file, old); the ones removed."""
    moment = time.time() if now is None else now
    removed = []
    for candidate in _temporaries_of(path):
        try:
            status = candidate.lstat()
            if stat.S_ISREG(status.st_mode) and moment - status.st_mtime >= STALE_AFTER:
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue  # gone meanwhile, or not ours to remove: never a reason to stop the write
    return removed


def _temporaries_of(path: Path) -> list[Path]:
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    prefix = f".{path.name}.{TOOL}-"
    return [path.parent / name for name in names
            if name.startswith(prefix) and is_our_temporary(name, path.name)]


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
