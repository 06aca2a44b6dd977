"""Command line: one thin module per subcommand, wired into one typer app.

A run registers only the subcommand it names (importing the others and building their options
took about 25 ms of every run, a pre-commit hook's or a CI lint's); `app` has them all.
"""

from __future__ import annotations

import gc
import importlib
import sys
from typing import Any

import typer

from migrate.cli.root import app as _root_app

# Each subcommand's module registers it on import; in the order `--help` lists them.
COMMAND_MODULES = {"apply": "apply", "chains": "chains", "convert": "convert", "pr": "pr",
                   "rewrite": "rewrite", "rollback": "rollback", "rules": "rules_cmd",
                   "scan": "scan", "verify": "verify", "modules": "modules"}


# A run builds objects that live until it ends (resources, findings, plugins), and the
# collector's default thresholds walk them again and again: a fifth of a 3,000-extension scan.
# What mypy, a tool of the same shape, sets.
GC_THRESHOLDS = (200_000, 30, 30)


def main() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    named = sys.argv[1] if len(sys.argv) > 1 else ""
    _with_commands([named] if named in COMMAND_MODULES else list(COMMAND_MODULES))()


def _with_commands(names: list[str]) -> typer.Typer:
    for name in names:
        importlib.import_module(f"migrate.cli.{COMMAND_MODULES[name]}")
    return _root_app


def __getattr__(name: str) -> Any:
    if name == "app":  # every subcommand: for --help, and for tests that drive the app
        return _with_commands(list(COMMAND_MODULES))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main"]
