"""Run a pure function over a long list on two cores: the second half in a forked child.

Reading and sniffing 20,000 files is CPU work in Python (open, read, search, parse), so a second
core halves it. A fork costs about 3 ms, a process pool about 50 ms (its imports and its
manager thread), which is why this forks by hand. The child only computes and pickles its
result back; it never writes files or output. Nothing forks when the process runs other threads
(a progress bar, a test runner's workers): a lock held by one of them at the fork would stay
locked in the child. Only on Linux: macOS system frameworks do not survive a fork.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
MIN_ITEMS = 2_000  # below this, the fork and the pickling cost more than half the work
# Parsing a file (its objects pickled back) takes ~0.2 ms: at 300 files two cores and one were
# even, at 3,000 two saved 0.3 s.
MIN_PARSES = 500
DISABLE_VARIABLE = "SME_MIGRATE_ONE_CORE"


@dataclass(frozen=True)
class Codec(Generic[Result]):
    """How the child's list crosses the pipe: pickling thousands of dataclasses took longer
    than pickling their fields as a few long lists (columns) and building them again."""

    pack: Callable[[list[Result]], object]
    unpack: Callable[[object], list[Result]]


def in_two_halves(work: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item],
                  min_items: int = MIN_ITEMS, codec: Codec[Result] | None = None
                  ) -> list[Result]:
    """`work(items)`, computed as `work(first half) + work(second half)` on two cores when
    that can pay off; `work` must depend on its items only, and its result must pickle (as
    `codec` packs it, if given)."""
    if not _worth_forking(len(items), min_items):
        return work(items)
    half = len(items) // 2
    try:
        child = _Child.start(work, items[half:], codec)
    except OSError:  # no process or pipe to spare (EAGAIN, EMFILE): one core it is
        return work(items)
    second: list[Result] | None = None
    try:
        first = work(items[:half])
        second = child.result()
    finally:
        child.reap()
    return first + (second if second is not None else work(items[half:]))


def _worth_forking(count: int, min_items: int) -> bool:
    return (count >= min_items and sys.platform == "linux" and _cores() > 1
            and threading.active_count() == 1 and not os.environ.get(DISABLE_VARIABLE))


def _cores() -> int:
    """The cores this process may run on (a container's CPU set, not the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class _Child:
    def __init__(self, pid: int, reader: int, codec: Codec[Any] | None = None) -> None:
        self.pid, self.reader, self.codec = pid, reader, codec
        self.reaped = False

    @classmethod
    def start(cls, work: Callable[[Sequence[Item]], list[Result]],
              items: Sequence[Item], codec: Codec[Result] | None = None) -> _Child:
        reader, writer = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            raise
        if pid == 0:
            try:
                os.close(reader)
                _run_in_child(work, items, writer, codec)
            finally:
                os._exit(1)  # whatever went wrong, the child never runs the parent's code
        os.close(writer)
        return cls(pid, reader, codec)

    def result(self) -> list[Result] | None:
        """The child's list; None when it died (the caller then does the work itself); the
        child's exception re-raised when it failed."""
        reader, self.reader = self.reader, -1  # the stream closes it, whatever happens
        with os.fdopen(reader, "rb") as stream:
            data = stream.read()
        os.waitpid(self.pid, 0)
        self.reaped = True
        if not data:
            return None
        ok, value = pickle.loads(data)  # our own child wrote it
        if not ok:
            raise value
        return self.codec.unpack(value) if self.codec else value

    def reap(self) -> None:
        """Stop and collect a child whose result was not read (the parent's half failed)."""
        if self.reaped:
            return
        if self.reader >= 0:
            os.close(self.reader)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        self.reaped = True


def _run_in_child(work: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item],
                  writer: int, codec: Codec[Result] | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    try:
        try:
            found = work(items)
            payload = pickle.dumps((True, codec.pack(found) if codec else found),
                                   pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # the parent raises it, as if the work had run there
            payload = pickle.dumps((False, error), pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writer, "wb") as stream:
            stream.write(payload)
    finally:
        os._exit(0)  # no atexit handlers, no flushing of buffers the parent owns
