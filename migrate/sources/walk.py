"""List the files under a path a user names, skipping `.git/` and whatever git ignores.

Directory symlinks are never followed: they can loop (`loop -> ..`), and git does not follow
them either, so a git work tree and a plain directory are walked the same way. File symlinks are
listed; reading them later reports loops and broken links.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise

GIT_DIR = ".git"
MAX_EARLY_LISTINGS = 4
# `git ls-files --others` runs the program a repository's config names as its file-system
# monitor: listing a tree must not run anything the tree's .git/config says.
_GIT = ("git", "-c", "core.fsmonitor=false")
_GIT_UNREADABLE = re.compile(r"could not open directory '(.*)': (.*)$")
_GITLINK_MODE = b"160000"


@dataclass(frozen=True)
class Unreadable:
    path: str
    error: str


@dataclass(frozen=True)
class Walked:
    files: tuple[str, ...]
    unreadable: tuple[Unreadable, ...] = ()

    def __add__(self, other: Walked) -> Walked:
        return Walked(self.files + other.files, self.unreadable + other.unreadable)


def walk(root: str) -> Walked:
    """The files under `root` (itself when it is not a directory), sorted."""
    if not os.path.isdir(root):
        return Walked((root,))
    walked = _git_walk(root) or _plain_walk(root)
    return Walked(tuple(sorted(set(walked.files))), walked.unreadable)


def _prefix(directory: str) -> str:
    """What to put before a name to get a path inside `directory` ("" for ".")."""
    if directory in ("", "."):
        return ""
    return directory if directory.endswith("/") else directory + "/"


def _git(root: str, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    try:
        return subprocess.run([*_GIT, "-C", root, *args], capture_output=True, check=False)
    except OSError:  # git is not installed: every directory is a plain one
        return None


def _git_walk(root: str) -> Walked | None:
    """The files git would consider in `root`'s work tree; None when `root` is not in one."""
    started = _EARLY.pop(root, None) or _GitListing.start(root)
    listing = started.result() if started else None
    if listing is None:
        return None
    listed, complaints = listing
    names = [os.fsdecode(name) for name in listed.split(b"\0") if name]
    if ".gitmodules" in names:
        names.extend(f"{path}/" for path in _submodules(root))
    prefix = _prefix(root)
    walked = Walked(
        tuple(prefix + name for name in names if not name.endswith("/")),
        _git_unreadable(prefix, complaints),
    )
    for nested in (name for name in names if name.endswith("/")):  # another work tree
        walked += walk(prefix + nested.rstrip("/"))
    return walked


class _GitListing:
    """`git ls-files` of a work tree and, on the other core meanwhile, whether git ignores the
    directory itself (one the user names explicitly is scanned even when git ignores it)."""

    def __init__(self, listing: subprocess.Popen[bytes],
                 ignore_check: subprocess.Popen[bytes] | None) -> None:
        self.listing, self.ignore_check = listing, ignore_check

    @classmethod
    def start(cls, root: str) -> _GitListing | None:
        """None when git is not installed: every directory is a plain one."""
        try:
            listing = subprocess.Popen(
                [*_GIT, "-C", root, "ls-files", "-z", "--cached", "--others",
                 "--exclude-standard"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError:
            return None
        try:
            ignore_check = subprocess.Popen([*_GIT, "-C", root, "check-ignore", "-q", "."],
                                            stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL)
        except OSError:
            ignore_check = None
        return cls(listing, ignore_check)

    def result(self) -> tuple[bytes, bytes] | None:
        """What git listed (stdout, stderr); None when the directory is in no work tree, or
        git ignores it."""
        try:
            stdout, stderr = self.listing.communicate()
        finally:
            ignored = self.ignore_check is not None and self.ignore_check.wait() == 0
        if self.listing.returncode != 0 or ignored:
            return None
        return stdout, stderr

    def stop(self) -> None:
        for process in (self.listing, self.ignore_check):
            if process is not None:
                process.kill()
                process.communicate()


# Listings started before the command's modules were imported, by directory (listed_early).
_EARLY: dict[str, _GitListing] = {}


@contextmanager
def listed_early(arguments: Sequence[str]) -> Iterator[None]:
    """Starts git listing each directory among `arguments` now, for the walk() of it that
    comes once the command's modules are imported: git lists the tree meanwhile, on the other
    core. Each listing serves the first walk of its directory only; those no walk took are
    stopped at the end. A word after an option may be the option's value (`--output-dir D`),
    not a directory to read: it is left alone."""
    directories = [argument for before, argument in pairwise(["", *arguments])
                   if not argument.startswith("-") and not before.startswith("-")
                   and os.path.isdir(argument)]
    for directory in directories[:MAX_EARLY_LISTINGS]:
        started = None if directory in _EARLY else _GitListing.start(directory)
        if started is not None:
            _EARLY[directory] = started
    try:
        yield
    finally:
        for directory in directories:
            left = _EARLY.pop(directory, None)
            if left is not None:
                left.stop()


def _submodules(root: str) -> list[str]:
    staged = _git(root, "ls-files", "-z", "--stage")
    if staged is None:
        return []
    entries = (entry.split(b"\t", 1) for entry in staged.stdout.split(b"\0") if b"\t" in entry)
    return [os.fsdecode(path) for info, path in entries if info.startswith(_GITLINK_MODE)]


def _git_unreadable(prefix: str, stderr: bytes) -> tuple[Unreadable, ...]:
    lines = os.fsdecode(stderr).splitlines()
    found = (match for match in map(_GIT_UNREADABLE.search, lines) if match)
    return tuple(Unreadable(prefix + match[1].rstrip("/"), match[2]) for match in found)


def _plain_walk(root: str) -> Walked:
    files: list[str] = []
    unreadable: list[Unreadable] = []
    pending = [root]
    while pending:
        directory = pending.pop()
        try:
            listed, subdirectories, is_work_tree = _scan_directory(directory)
        except OSError as error:
            unreadable.append(Unreadable(directory, error.strerror or str(error)))
            continue
        if is_work_tree and directory != root:  # it has its own ignore rules
            nested = walk(directory)
            files.extend(nested.files)
            unreadable.extend(nested.unreadable)
            continue
        files.extend(listed)
        pending.extend(subdirectories)
    return Walked(tuple(files), tuple(unreadable))


def _scan_directory(directory: str) -> tuple[list[str], list[str], bool]:
    """The files and subdirectories of `directory`, and whether it is a git work tree."""
    prefix = _prefix(directory)
    files: list[str] = []
    subdirectories: list[str] = []
    is_work_tree = False
    with os.scandir(directory or ".") as entries:
        for entry in entries:
            if entry.name == GIT_DIR:
                is_work_tree = True
            elif entry.is_dir(follow_symlinks=False):
                subdirectories.append(prefix + entry.name)
            elif entry.is_file(follow_symlinks=False) or entry.is_symlink():
                files.append(prefix + entry.name)
    return files, subdirectories, is_work_tree
