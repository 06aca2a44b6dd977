"""Command line: one thin module per subcommand, wired into one typer app."""

from __future__ import annotations

from migrate.cli import (  # noqa: F401  (registers the commands)
    apply,
    chains,
    convert,
    pr,
    rewrite,
    rollback,
    rules_cmd,
    scan,
    verify,
)
from migrate.cli.app import app
from migrate.cli.modules import modules_app

app.add_typer(modules_app, name="modules")


def main() -> None:
    app()


__all__ = ["app", "main"]
