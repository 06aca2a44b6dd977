from __future__ import annotations

import typer

app = typer.Typer(
    name="sme-migrate",
    help="Migrate Maistra ServiceMeshExtensions to Istio WasmPlugins, keeping the filter order.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
