"""Which files a rewrite must not replace, and why (the I/O: lstat, stat, realpath).

Replacing a file means writing a temporary beside it and renaming it over the old name. That
is wrong for three kinds of file, which are reported and left exactly as they are:
- a file outside the paths the user named: a symlink leading out, or a kustomize patch file
  that a kustomization names with `../`; the write would change what nobody asked to change;
- a file with more than one hard link: the rename would split them, and the other names (which
  may be anywhere on the filesystem) would silently keep the old text;
- a read-only file: the rename succeeds (the directory is writable), but the user made the file
  read-only on purpose.
A symlink to a file inside the named paths is fine: its target is written, the link stays.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence

from migrate import rules
from migrate.model import Finding, Location
from migrate.rules.ids import RuleId

OUTSIDE = RuleId.REWRITE_OUTSIDE_PATHS
HARD_LINK = RuleId.REWRITE_HARD_LINK
READ_ONLY = RuleId.REWRITE_READ_ONLY
STDIN = "-"


def named_roots(paths: Iterable[str]) -> tuple[str, ...]:
    """The real paths of what the user named. A named symlink to a file counts as the link's
    own place, not its target: a shell glob names links as readily as files."""
    return tuple(_root(path) for path in paths if path != STDIN)


def _root(path: str) -> str:
    if os.path.islink(path) and not os.path.isdir(path):
        parent = os.path.dirname(path) or "."
        return os.path.join(os.path.realpath(parent), os.path.basename(path))
    return os.path.realpath(path)


def inside(real: str, roots: Sequence[str]) -> bool:
    return any(os.path.commonpath([real, root]) == root for root in roots)


def withheld(path: str, roots: Sequence[str]) -> Finding | None:
    """Why `path` must not be replaced, or None (also when it cannot be read: that is reported
    by reading it)."""
    try:
        is_link = os.path.islink(path)
        status = os.stat(path)
    except OSError:
        return None
    real = os.path.realpath(path)
    if not inside(real, roots):
        where = f"is a symlink to {real}, outside" if is_link else "is outside"
        return _finding(OUTSIDE, path, f"{where} the paths named: not rewritten, so that "
                        "nothing outside them is changed")
    return unsafe(path, status)


def unsafe(path: str, status: os.stat_result) -> Finding | None:
    """The checks that do not depend on the roots, for the file `status` describes."""
    if status.st_nlink > 1:
        return _finding(HARD_LINK, path, f"has {status.st_nlink} hard links: not rewritten, "
                        "since replacing it would leave the other names with the old text")
    if _read_only(path, status):
        return _finding(READ_ONLY, path, f"is read-only (mode {stat.S_IMODE(status.st_mode):04o}"
                        "): not rewritten")
    return None


def _read_only(path: str, status: os.stat_result) -> bool:
    """No write bit for its owner, or not writable by us. As root, access() says yes to any
    file, so the owner's bit is what shows the intent."""
    return not status.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK)


def _finding(rule: RuleId, path: str, message: str) -> Finding:
    return rules.finding(rule, f"{path} {message}", None, Location(path))
