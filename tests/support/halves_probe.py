"""Runs one scenario of migrate.sources.halves in a fresh interpreter (one thread, no other
children: a test runner's worker has both, and the fork is refused there) and prints what it
saw as JSON. Usage: python -m tests.support.halves_probe SCENARIO"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from migrate.sources import halves

ITEMS = list(range(5_000))
PARENT = os.getpid()


def tagged(items: Sequence[int]) -> list[tuple[int, int]]:
    """Each item with the process that computed it."""
    return [(item, os.getpid()) for item in items]


def fails_in_child(items: Sequence[int]) -> list[int]:
    if os.getpid() != PARENT:
        raise ValueError(f"item {items[0]} is bad")
    return list(items)


def dies_in_child(items: Sequence[int]) -> list[int]:
    if os.getpid() != PARENT:
        os._exit(9)  # as if the OOM killer took it
    return list(items)


def fails_here(items: Sequence[int]) -> list[int]:
    if os.getpid() == PARENT:
        raise KeyError("here")
    threading.Event().wait(30)  # the child would outlive the parent's error
    return list(items)


def _split(items: list[int]) -> dict[str, Any]:
    result = halves.in_two_halves(tagged, items)
    return {"in_order": [item for item, _ in result] == items,
            "processes": len({pid for _, pid in result} | {PARENT})}


def _with_a_thread() -> dict[str, Any]:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        return _split(ITEMS)
    finally:
        stop.set()
        other.join()


def _without_a_spare_descriptor() -> dict[str, Any]:
    """No file descriptor left for the pipe: os.pipe() fails with EMFILE."""
    import resource

    opened = len(os.listdir("/proc/self/fd"))
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (opened, hard))
    return _split(ITEMS)


def _raised(work: Callable[[Sequence[int]], list[int]]) -> dict[str, Any]:
    try:
        return {"result_in_order": halves.in_two_halves(work, ITEMS) == ITEMS}
    except Exception as error:  # what the caller of in_two_halves sees
        return {"raised": f"{type(error).__name__}: {error}"}


SCENARIOS: dict[str, Callable[[], dict[str, Any]]] = {
    "long": lambda: _split(ITEMS),
    "short": lambda: _split(ITEMS[:100]),
    "empty": lambda: _split([]),
    "thread": _with_a_thread,
    "no_descriptor": _without_a_spare_descriptor,
    "child_fails": lambda: _raised(fails_in_child),
    "child_dies": lambda: _raised(dies_in_child),
    "parent_fails": lambda: _raised(fails_here),
}


def _children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return False
    return True


def main() -> None:
    halves._cores = lambda: 2  # as in CI, also on a machine with one core
    seen = SCENARIOS[sys.argv[1]]()
    print(json.dumps({**seen, "children_left": _children_left()}))


if __name__ == "__main__":
    main()
