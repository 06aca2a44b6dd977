"""A progress bar for long scans: on stderr, only for a person at a terminal."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SHOWN_FROM_FILES = 2000  # below this a scan is over before a bar would help


def wanted() -> bool:
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR") and os.environ.get(
        "TERM") != "dumb"


@contextmanager
def file_progress() -> Iterator[Callable[[int, int], None] | None]:
    """Yields a `progress(done, total)` callback, or None when no bar should be drawn."""
    if not wanted():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True)
    task: list[Any] = []

    def advance(done: int, total: int) -> None:
        if total < SHOWN_FROM_FILES:
            return
        if not task:
            bar.start()
            task.append(bar.add_task("reading files", total=total))
        bar.update(task[0], completed=done)

    try:
        yield advance
    finally:
        bar.stop()
