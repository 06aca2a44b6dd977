"""Helpers shared by the bench scripts: medians of interleaved runs, the load average."""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLI = REPO / ".venv" / "bin" / "sme-migrate"
PYTHON = REPO / ".venv" / "bin" / "python"


def median_times(runs: int, actions: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Median wall-clock time of each action; rounds interleave the actions so that load from
    other processes hits them alike."""
    samples: dict[str, list[float]] = {label: [] for label in actions}
    for _ in range(runs):
        for label, action in actions.items():
            start = time.perf_counter()
            action()
            samples[label].append(time.perf_counter() - start)
    return {label: statistics.median(times) for label, times in samples.items()}


def run_quietly(command: Sequence[str], ok: Sequence[int] = (0, 1), cwd: Path | None = None
                ) -> None:
    result = subprocess.run(list(command), capture_output=True, cwd=cwd)
    if result.returncode not in ok:
        raise RuntimeError(f"{command[0]} failed ({result.returncode}): {result.stderr[-2000:]!r}")


def versions(before: Path | None) -> dict[str, Path]:
    """The source trees to time: this one, and with `--before DIR` an older checkout (for
    example `git archive main | tar -x -C DIR`) run side by side with it. Each is compiled to
    bytecode first, as `pip install` does: a source tree run under PYTHONDONTWRITEBYTECODE
    would otherwise compile its ~150 modules on every run (~100 ms) and time that too."""
    trees = {"": REPO} if before is None else {"": REPO, " (before)": before.resolve()}
    for tree in trees.values():
        compileall.compile_dir(tree / "migrate", quiet=1)
    return trees


def python_of(source: Path) -> Path:
    """The tree's own virtualenv when it has one (an older tree may need other dependency
    versions: `python -m venv DIR/.venv && DIR/.venv/bin/pip install -e DIR`), else ours."""
    own = source / ".venv" / "bin" / "python"
    return own if own.exists() else PYTHON


def sme_migrate(source: Path, *args: str) -> Callable[[], None]:
    """Runs the CLI of one source tree (`python -m migrate` from it: its own package first)."""
    command = [str(python_of(source)), "-m", "migrate", *args]
    return lambda: run_quietly(command, cwd=source)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def ratio_line(label: str, seconds: float, baseline: float, target: str = "") -> str:
    suffix = f"   (target {target})" if target else ""
    return f"{label:48s} {seconds:8.3f} s  {seconds / baseline:6.2f} x{suffix}"
