"""Run the real command in a child process, for what an in-process run cannot show: its peak
memory, its wall time, and a closed or endless standard input.

The peak comes from a small launcher that forks the command and reads wait4(): a child started
straight from the test process would report the test process's own peak, which Linux carries
over a fork and an exec.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = """\
import os, sys
report, close_stdin, command = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]
pid = os.fork()
if pid == 0:
    if close_stdin:
        os.close(0)
    os.execv(command[0], command)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as stream:
    stream.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


@dataclass(frozen=True)
class Measured:
    exit_code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mib: float  # the command's own peak resident set


def sme_migrate_process(*args: str, stdin: IO[bytes] | int | None = subprocess.DEVNULL,
                        close_stdin: bool = False, timeout: float = 120) -> Measured:
    """`sme-migrate ARGS` as a child; `close_stdin` starts it with descriptor 0 closed (`<&-`)."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "peak"
        command = [sys.executable, "-c", LAUNCHER, str(report), "1" if close_stdin else "0",
                   sys.executable, "-m", "migrate", *args]
        started = time.monotonic()
        done = subprocess.run(command, cwd=ROOT, stdin=stdin, capture_output=True,
                              timeout=timeout, check=False)
        return Measured(done.returncode, done.stdout.decode(), done.stderr.decode(),
                        time.monotonic() - started, int(report.read_text()) / 1024)
