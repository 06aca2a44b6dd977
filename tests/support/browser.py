"""Debian's headless Chromium, run on a real file: the dumped DOM, its console, a screenshot."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = "chromium"
TIMEOUT = 90  # seconds; a cold start on a busy 2-core machine takes a few
needs_chromium = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason="Debian chromium is not installed "
    "(scripts/bootstrap --test installs it)")


@dataclass(frozen=True)
class Loaded:
    dom: str
    log: str  # Chromium's stderr: console messages and uncaught errors land here

    @property
    def console_errors(self) -> list[str]:
        return [line for line in self.log.splitlines() if "CONSOLE" in line or "Uncaught" in line]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="sme-migrate-chromium-") as profile:
        return subprocess.run(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
             "--v=0", f"--user-data-dir={profile}", "--no-first-run", *args],
            capture_output=True, text=True, timeout=TIMEOUT, check=False)


def load(page: Path, query: str = "") -> Loaded:
    done = _run("--dump-dom", page.resolve().as_uri() + query)
    assert done.returncode == 0, done.stderr
    return Loaded(done.stdout, done.stderr)


def screenshot(page: Path, target: Path, size: str = "1280,900") -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    done = _run(f"--screenshot={target.resolve()}", f"--window-size={size}",
                "--hide-scrollbars", page.resolve().as_uri())
    assert done.returncode == 0 and target.exists(), done.stderr
    return target
