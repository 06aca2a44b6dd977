"""`sme-migrate rewrite`: replace ServiceMeshExtensions with WasmPlugins in the files themselves."""

from __future__ import annotations

from typing import Annotated

import typer

from migrate.cli.app import app
from migrate.cli.common import (
    DEFAULT_TARGET,
    ControlPlaneOpt,
    ConvertInactiveOpt,
    FilePathsArg,
    RegistryFlags,
    TargetOpt,
    build_options,
    fail_usage,
    module_request,
)
from migrate.cli.registry_options import (
    CacheDir,
    CaFile,
    CheckModules,
    InsecureRegistry,
    NoCache,
    Pin,
    RegistryConfig,
    Timeout,
)


@app.command("rewrite")
def rewrite_command(
    paths: FilePathsArg,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if anything would change "
                     "(or an extension cannot be converted).")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print a unified diff on stdout; write nothing.")
    ] = False,
    control_plane_namespace: ControlPlaneOpt = "istio-system",
    target_version: TargetOpt = DEFAULT_TARGET,
    convert_inactive: ConvertInactiveOpt = False,
    check_modules: CheckModules = False,
    pin: Pin = False,
    registry_config: RegistryConfig = None,
    insecure_registry: InsecureRegistry = None,
    ca_file: CaFile = None,
    timeout: Timeout = 10.0,
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
) -> None:
    """Replace each convertible ServiceMeshExtension with its WasmPlugin, in place."""
    if "-" in paths:
        fail_usage("rewrite edits files in place, so it cannot read standard input")
    options = build_options(control_plane_namespace, target_version, convert_inactive)
    from migrate.cli.rewrite_run import run_rewrite  # ruamel.yaml loads only for a rewrite

    flags = RegistryFlags(registry_config, insecure_registry or (), ca_file, timeout, cache_dir,
                          no_cache)
    modules = module_request(check_modules, pin, flags)
    raise typer.Exit(run_rewrite(paths, options, modules, check, diff))
