"""Helpers shared by the bench scripts: medians of interleaved runs, the load average."""

from __future__ import annotations

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


def run_quietly(command: Sequence[str], ok: Sequence[int] = (0, 1)) -> None:
    result = subprocess.run(list(command), capture_output=True)
    if result.returncode not in ok:
        raise RuntimeError(f"{command[0]} failed ({result.returncode}): {result.stderr[-2000:]!r}")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def ratio_line(label: str, seconds: float, baseline: float, target: str = "") -> str:
    suffix = f"   (target {target})" if target else ""
    return f"{label:48s} {seconds:8.3f} s  {seconds / baseline:6.2f} x{suffix}"
