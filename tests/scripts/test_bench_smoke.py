"""The bench scripts still run end to end (tiny sizes) and print the ratios they exist for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.modules.conftest import needs_registry

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.parametrize(("script", "ratio"), [
    ("convert_bench.py", "x the time"),
    ("rewrite_bench.py", "list-of-10"),
    ("scan_bench.py", "x grep"),
    pytest.param("module_recheck_bench.py", "x the 1-image time", marks=needs_registry),
])
def test_bench_quick_run_prints_its_ratios(script: str, ratio: str, tmp_path: Path) -> None:
    extra = ["--tree", str(tmp_path / "tree")] if script == "scan_bench.py" else []
    result = subprocess.run([sys.executable, str(REPO / "bench" / script), "--quick", *extra],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert ratio in result.stdout
    assert "load average" in result.stdout
