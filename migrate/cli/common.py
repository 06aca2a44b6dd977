"""Options and plumbing shared by the subcommands."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import Annotated, NoReturn

import typer

from migrate.model import Severity
from migrate.scanner import Loaded, load
from migrate.semantics.migration import Migration, Options, migrate
from migrate.semantics.versions import DEFAULT_TARGET, MeshVersion

EXIT_USAGE = 2
FAIL_ON_CHOICES = ("error", "warning", "info", "never")

log = logging.getLogger("sme-migrate")

PathsArg = Annotated[
    list[str], typer.Argument(help="Files or directories to scan (recursively); - reads stdin.")
]
ControlPlaneOpt = Annotated[
    str,
    typer.Option(
        "--control-plane-namespace",
        help="Control-plane namespace when the input holds no ServiceMeshControlPlane.",
    ),
]
TargetOpt = Annotated[
    str,
    typer.Option(
        "--target-version",
        help="OSSM version the WasmPlugins are for (match needs 2.4 or later).",
    ),
]
ConvertInactiveOpt = Annotated[
    bool,
    typer.Option(
        "--convert-inactive",
        help="Also convert extensions that were not active (this switches them on).",
    ),
]


def fail_usage(message: str) -> NoReturn:
    typer.echo(f"sme-migrate: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)


def parse_fail_on(text: str) -> Severity | None:
    value = text.strip().lower()
    if value not in FAIL_ON_CHOICES:
        fail_usage(f"--fail-on must be one of {', '.join(FAIL_ON_CHOICES)}, not {text!r}")
    return None if value == "never" else Severity.parse(value)


def parse_target(text: str) -> MeshVersion:
    try:
        version = MeshVersion.parse(text)
    except ValueError as error:
        fail_usage(str(error))
    if not version.supports_wasm_plugin:
        fail_usage(f"--target-version {text}: WasmPlugin exists from OSSM 2.2 on")
    return version


def build_options(control_plane: str, target: str, convert_inactive: bool) -> Options:
    return Options(
        control_plane_namespace=control_plane,
        target=parse_target(target),
        convert_inactive=convert_inactive,
    )


def load_or_fail(paths: Sequence[str]) -> Loaded:
    try:
        return load(paths, sys.stdin.buffer if "-" in paths else None)
    except FileNotFoundError as error:
        fail_usage(f"no such file or directory: {error.filename or error}")


def run(paths: Sequence[str], options: Options) -> tuple[Loaded, Migration]:
    loaded = load_or_fail(paths)
    return loaded, migrate(loaded.inventory, options)


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="sme-migrate: %(message)s",
        stream=sys.stderr,
    )


__all__ = ["DEFAULT_TARGET"]
