"""Mounts `sme-migrate modules` (temporary: the CLI owner wires it into migrate.cli.app)."""

from migrate.cli.app import app
from migrate.cli.modules import modules_app

app.add_typer(modules_app, name="modules")
