"""Every option is declared once: commands share groups and aliases, never a second copy."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

CLI = Path(__file__).resolve().parents[2] / "migrate" / "cli"


def _declared_flags(path: Path) -> list[str]:
    flags = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "Option"):
            flags += [arg.value for arg in node.args if isinstance(arg, ast.Constant)
                      and isinstance(arg.value, str) and arg.value.startswith("-")]
    return flags


def test_no_option_is_declared_twice() -> None:
    counts = Counter(flag for path in CLI.glob("*.py") for flag in _declared_flags(path))
    assert counts["--fail-on"] == 1 and counts["--registry-config"] == 1
    assert [flag for flag, n in counts.items() if n > 1] == []
