"""The progress bar: drawn on a terminal's stderr for long scans, never on stdout or in CI logs."""

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from migrate.cli.progress import SHOWN_FROM_FILES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    for index in range(SHOWN_FROM_FILES + 100):
        (tree / f"cm-{index}.yaml").write_text(f"kind: ConfigMap\nmetadata: {{name: c{index}}}\n")
    return tree


def run_with_terminal_stderr(args: list[str], env: dict[str, str]) -> tuple[str, bytes]:
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "migrate", *args], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=terminal, stdin=subprocess.DEVNULL)
    os.close(terminal)
    drawn = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process is done with it
            break
        if not chunk:
            break
        drawn += chunk
    stdout, _ = process.communicate(timeout=60)
    os.close(controller)
    return stdout.decode(), drawn


def test_bar_is_drawn_on_a_terminal_and_stdout_holds_only_the_report(big_tree: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm"}
    stdout, drawn = run_with_terminal_stderr(["scan", str(big_tree), "--format", "json"], env)
    assert b"reading files" in drawn
    assert stdout.startswith("{") and '"findings": []' in stdout


def test_no_bar_with_no_color(big_tree: Path) -> None:
    env = os.environ | {"NO_COLOR": "1", "TERM": "xterm"}
    _, drawn = run_with_terminal_stderr(["scan", str(big_tree), "--format", "json"], env)
    assert b"reading files" not in drawn


def test_no_bar_when_stderr_is_not_a_terminal(big_tree: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "migrate", "scan", str(big_tree)], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "reading files" not in result.stderr
