"""Reading that never holds more than a cap in memory, whatever the input's size.

A file over the cap is only searched, a window at a time, for where it first mentions a kind
(the line its too-large finding points at); a stream (stdin) is read no further than the cap,
since it may never end (`</dev/zero`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass

WINDOW_BYTES = 1024 * 1024
# O_NONBLOCK: opening a FIFO (or a link to one) does not wait for a writer.
OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK
OVERLAP_BYTES = 4096  # longer than any mention searched for, so none is cut in two

Search = Callable[[bytes], int]  # offset of the first match in a window, or -1
Read = Callable[[int], bytes]  # at most n bytes; b"" at the end


@dataclass(frozen=True)
class Capped:
    data: bytes  # at most the cap
    more: bool  # whether the input went on past the cap


def read_capped(read: Read, cap: int) -> Capped:
    """At most `cap` bytes of a stream, and whether there was more (one byte is read past it)."""
    chunks: list[bytes] = []
    left = cap
    while left > 0 and (chunk := read(min(left, WINDOW_BYTES))):
        chunks.append(chunk)
        left -= len(chunk)
    more = left == 0 and bool(read(1))
    return Capped(b"".join(chunks), more)


@contextlib.contextmanager
def regular_file(path: str) -> Iterator[int | None]:
    """An open descriptor of the file at `path` when it is a regular file; None for anything
    else: a FIFO or a device (`/dev/zero` never ends). Raises OSError."""
    descriptor = os.open(path, OPEN_FLAGS)
    try:
        yield descriptor if stat.S_ISREG(os.fstat(descriptor).st_mode) else None
    finally:
        os.close(descriptor)


def regular_file_bytes(path: str, cap: int) -> bytes | None:
    """The bytes of the regular file at `path` when it holds at most `cap`; None for a FIFO,
    a device or a larger file; raises OSError."""
    with regular_file(path) as descriptor:
        if descriptor is None:
            return None
        read = read_capped(functools.partial(os.read, descriptor), cap)
        return None if read.more else read.data


def file_mentions(path: str, needle: bytes) -> bool:
    """Whether the regular file at `path` holds `needle`, searched window by window: however
    large the file, memory holds one window. A FIFO or a device holds nothing; raises
    OSError."""
    with regular_file(path) as descriptor:
        return descriptor is not None and _first_offset(descriptor,
                                                        finder((needle,))) is not None


def finder(needles: tuple[bytes, ...], line_pattern: re.Pattern[bytes] | None = None) -> Search:
    """A search for the first of `needles`; with `line_pattern`, for its first match instead,
    tried only in windows that hold a needle (the regex is slower than `find`)."""
    def search(window: bytes) -> int:
        offsets = [offset for needle in needles if (offset := window.find(needle)) >= 0]
        if not offsets or line_pattern is None:
            return min(offsets, default=-1)
        match = line_pattern.search(window)
        return match.start() if match else -1
    return search


def first_line_of(descriptor: int, search: Search) -> int | None:
    """The 1-based line of the first match in an open file (read from its current position,
    window by window); None when nothing matches. Lines are counted only once a match is
    found: most large files hold none."""
    offset = _first_offset(descriptor, search)
    return None if offset is None else _line_at(descriptor, offset)


def _first_offset(descriptor: int, search: Search) -> int | None:
    start, tail = os.lseek(descriptor, 0, os.SEEK_CUR), b""
    while chunk := os.read(descriptor, WINDOW_BYTES):
        window = tail + chunk
        found = search(window)
        if found >= 0:
            return start + found
        tail = window[-OVERLAP_BYTES:]
        start += len(window) - len(tail)
    return None


def _line_at(descriptor: int, offset: int) -> int:
    lines, position = 1, 0
    while position < offset:
        chunk = os.pread(descriptor, min(WINDOW_BYTES, offset - position), position)
        if not chunk:
            break
        lines += chunk.count(b"\n")
        position += len(chunk)
    return lines
