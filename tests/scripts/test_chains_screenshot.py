"""scripts/chains_screenshot draws the README's picture of the example repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.browser import needs_chromium

REPO = Path(__file__).resolve().parents[2]


@needs_chromium
def test_the_script_draws_a_png(tmp_path: Path) -> None:
    target = tmp_path / "chains.png"
    done = subprocess.run([str(REPO / "scripts" / "chains_screenshot"), str(target)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 20_000
