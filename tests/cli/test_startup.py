"""Start-up cost: a file scan or conversion loads only what it uses. sme-migrate runs as a
pre-commit hook and a CI lint, where every run pays for its imports; the cluster client, git,
the forges, the registry client and wasmtime load only in the commands that need them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from migrate.cli import COMMAND_MODULES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "testdata" / "rules" / "SME001"
HEAVY = ("git", "kubernetes", "wasmtime", "httpx", "github", "gitlab", "ruamel.yaml",
         "deepdiff", "pydantic", "rich")
PROBE = f"""
import json, sys
import migrate.cli
sys.argv = ["sme-migrate", *sys.argv[1:]]
try:
    migrate.cli.main()
except SystemExit as done:
    code = done.code
sys.stdout.flush()
heavy = {HEAVY!r}
commands = sorted(m for m in sys.modules if m.startswith("migrate.cli.")
                  and m.split(".")[-1] in migrate.cli.COMMAND_MODULES.values())
print(json.dumps({{"code": code, "loaded": [m for m in heavy if m in sys.modules],
                  "commands": commands}}), file=sys.stderr)
"""


def _probe(*args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                          text=True, cwd=ROOT, check=False)
    probe: dict[str, Any] = json.loads(done.stderr.strip().splitlines()[-1])
    return probe


def _loaded_by(*args: str) -> tuple[int, list[str]]:
    probe = _probe(*args)
    return probe["code"], probe["loaded"]


@pytest.mark.parametrize("args", [
    ("scan", str(EXAMPLE), "-o", "json"),
    ("scan", str(EXAMPLE), "-o", "sarif"),
    ("convert", str(EXAMPLE)),
    ("convert", str(EXAMPLE), "-o", "json"),
])
def test_a_file_job_loads_none_of_the_heavy_libraries(args: tuple[str, ...]) -> None:
    code, loaded = _loaded_by(*args)
    assert code in (0, 1)
    assert loaded == []


def test_the_commands_that_need_them_still_load_them() -> None:
    code, loaded = _loaded_by("rewrite", "--check", str(EXAMPLE))
    assert code == 1  # the example holds an extension to rewrite
    assert "ruamel.yaml" in loaded


def test_a_run_imports_only_the_subcommand_it_names() -> None:
    assert _probe("scan", str(EXAMPLE), "-o", "json")["commands"] == ["migrate.cli.scan"]
    assert _probe("modules", "--help")["commands"] == ["migrate.cli.modules"]
    assert len(_probe("--help")["commands"]) == len(COMMAND_MODULES)  # every one is listed


def test_an_unknown_subcommand_is_told_among_all_of_them() -> None:
    done = subprocess.run([sys.executable, "-m", "migrate", "scna"], capture_output=True,
                          text=True, cwd=ROOT, check=False)
    assert done.returncode == 2
    assert "No such command 'scna'" in done.stderr
