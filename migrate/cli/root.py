"""The root command: the typer app every subcommand registers on, and its global options."""

from __future__ import annotations

from typing import Annotated

import typer

from migrate import __version__

CONTEXT = {"help_option_names": ["-h", "--help"]}


def command_group(name: str, summary: str) -> typer.Typer:
    """A group of commands as every group here is: `-h`, help when run bare, plain errors."""
    return typer.Typer(name=name, help=summary, no_args_is_help=True, context_settings=CONTEXT,
                       pretty_exceptions_enable=False)


app = command_group(
    "sme-migrate",
    "Migrate Maistra ServiceMeshExtensions to Istio WasmPlugins, keeping the filter order.")


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"sme-migrate {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True, help="Print the version and exit.",
    )] = False,
) -> None:
    """Migrate Maistra ServiceMeshExtensions to Istio WasmPlugins, keeping the filter order."""
