"""Command line: one thin module per subcommand, wired into one typer app.

A run registers only the subcommand it names (importing the others and building their options
took about 25 ms of every run, a pre-commit hook's or a CI lint's); `app` has them all.
"""

from __future__ import annotations

import gc
import importlib
import sys
from typing import TYPE_CHECKING, Any

from migrate.sources.walk import listed_early

if TYPE_CHECKING:
    import typer

# Each subcommand's module registers it on import; in the order `--help` lists them.
COMMAND_MODULES = {"apply": "apply", "chains": "chains", "convert": "convert", "pr": "pr",
                   "rewrite": "rewrite", "rollback": "rollback", "rules": "rules_cmd",
                   "scan": "scan", "verify": "verify", "modules": "modules"}


# A run builds objects that live until it ends (resources, findings, plugins), and the
# collector's default thresholds walk them again and again: a fifth of a 3,000-extension scan.
# What mypy, a tool of the same shape, sets.
GC_THRESHOLDS = (200_000, 30, 30)
# The subcommands that walk the directories they are given: git starts listing those while
# the subcommand's modules load (git's search for untracked files took most of a 20,000-file
# tree's listing, and the imports as long).
WALKING_COMMANDS = frozenset({"scan", "convert", "rewrite", "chains"})  # verify walks checkouts


def main() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    named = sys.argv[1] if len(sys.argv) > 1 else ""
    with listed_early(sys.argv[2:] if named in WALKING_COMMANDS else ()):
        _with_commands([named] if named in COMMAND_MODULES else list(COMMAND_MODULES))()


def _with_commands(names: list[str]) -> typer.Typer:
    """The app, with `names` registered (typer is imported here: after git started listing)."""
    from migrate.cli.root import app

    for name in names:
        importlib.import_module(f"migrate.cli.{COMMAND_MODULES[name]}")
    return app


def __getattr__(name: str) -> Any:
    if name == "app":  # every subcommand: for --help, and for tests that drive the app
        return _with_commands(list(COMMAND_MODULES))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main"]
