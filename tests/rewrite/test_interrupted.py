"""A rewrite killed between files leaves every file entirely old or entirely new.

A real `sme-migrate rewrite` process is SIGKILLed after its first rename (a test hook makes it
pause after each file). Every file must then be byte-identical to before or to after; the control
plane must still be untouched (it is written last although its name sorts first, so its
wasmExtensions never go before the extensions they serve); and a second run finishes the job.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from migrate.cli.rewrite import PAUSE_VARIABLE
from tests.rewrite.conftest import tree
from tests.support.cli import sme_migrate

EXTENSION = """\
# extension {index}
apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata:
  name: ext-{index}
  namespace: istio-system
spec:
  config:
    index: {index}
  image: registry.example.com/ext-{index}:1.0
  phase: PreAuthZ
  priority: {index}
"""
CONTROL_PLANE = """\
apiVersion: maistra.io/v2
kind: ServiceMeshControlPlane
metadata:
  name: basic
  namespace: istio-system
spec:
  version: v2.2
  techPreview:
    wasmExtensions:
      enabled: true
"""
FILES = 4


def _repository(root: Path) -> Path:
    root.mkdir()
    for index in range(FILES):
        (root / f"ext-{index}.yaml").write_text(EXTENSION.format(index=index))
    (root / "00-smcp.yaml").write_text(CONTROL_PLANE)
    return root


def _wait_for_a_change(root: Path, before: dict[str, bytes], process: subprocess.Popen[bytes]
                       ) -> None:
    deadline = time.monotonic() + 30
    while all((root / name).read_bytes() == data for name, data in before.items()):
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "the rewrite wrote nothing"
        time.sleep(0.02)


def test_a_killed_rewrite_leaves_whole_files_and_resumes(tmp_path: Path) -> None:
    finished = _repository(tmp_path / "finished")
    sme_migrate("rewrite", str(finished))
    after = tree(finished)
    root = _repository(tmp_path / "killed")
    before = tree(root)
    assert all(after[name] != before[name] for name in before)

    process = subprocess.Popen(
        [sys.executable, "-m", "migrate", "rewrite", str(root)],
        env={**os.environ, PAUSE_VARIABLE: "60"}, stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2])
    try:
        _wait_for_a_change(root, before, process)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()

    now = tree(root)
    assert set(now) == set(before)  # no temporary file left behind
    assert all(now[name] in (before[name], after[name]) for name in now)
    assert [name for name in now if now[name] == after[name]] == ["ext-0.yaml"]
    assert now["00-smcp.yaml"] == before["00-smcp.yaml"]

    resumed = sme_migrate("rewrite", str(root))
    assert resumed.exit_code == 0, resumed.stderr
    assert tree(root) == after
