"""Options and plumbing shared by the subcommands."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from migrate.cli.progress import file_progress
from migrate.inventory.load import Loaded, load
from migrate.model import Finding, Severity
from migrate.semantics.migration import migrate, sort_findings
from migrate.semantics.outcome import Migration, Options
from migrate.semantics.versions import DEFAULT_TARGET, MeshVersion
from migrate.sources.files import StdinUnavailable

if TYPE_CHECKING:  # the module check (httpx, wasmtime) is imported only when it is asked for
    from migrate.modules.api import ModuleOptions

EXIT_USAGE = 2
FAIL_ON_CHOICES = ("error", "warning", "info", "never")

PathsArg = Annotated[
    list[str], typer.Argument(help="Files or directories to scan (recursively); - reads stdin.")
]
FilePathsArg = Annotated[
    list[str], typer.Argument(help="Files or directories to rewrite in place (recursively).")
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
        with file_progress() as progress:
            return load(paths, None, progress)  # the sources read stdin for `-`
    except FileNotFoundError as error:
        fail_usage(f"no such file or directory: {error.filename or error}")
    except StdinUnavailable as error:
        fail_usage(str(error))


@dataclass(frozen=True)
class ModuleRequest:
    """`--check-modules` / `--pin` and the registry settings that go with them."""

    options: ModuleOptions
    pin: bool = False


@dataclass(frozen=True)
class RegistryFlags:
    registry_config: Path | None = None
    insecure_registry: Sequence[str] = ()
    ca_file: Path | None = None
    timeout: float = 10.0
    cache_dir: Path | None = None
    no_cache: bool = False


def module_options(flags: RegistryFlags, smoke_test: bool = True) -> ModuleOptions:
    from migrate.modules.api import ModuleOptions

    return ModuleOptions(
        registry_config=flags.registry_config,
        insecure_registries=frozenset(flags.insecure_registry),
        ca_file=flags.ca_file,
        timeout=flags.timeout,
        cache_dir=flags.cache_dir,
        use_cache=not flags.no_cache,
        smoke_test=smoke_test,
    )


def module_request(check: bool, pin: bool, flags: RegistryFlags) -> ModuleRequest | None:
    if not (check or pin):
        return None
    return ModuleRequest(module_options(flags), pin)


def checked_modules(
    loaded: Loaded, options: Options, modules: ModuleRequest | None
) -> tuple[Options, list[Finding]]:
    """Options fed with what the images say, and the images' findings (placed at each user)."""
    if modules is None:
        return options, []
    from migrate.modules.errors import ModuleError
    from migrate.pipeline import modules as module_feed

    try:
        reports = module_feed.check_images(loaded.inventory, modules.options)
    except ModuleError as error:  # a broken registry configuration: nothing can be fetched
        fail_usage(error.message)
    fed = module_feed.fed_options(options, reports, modules.pin)
    return fed, module_feed.located_findings(loaded.inventory, reports)


def run(
    paths: Sequence[str], options: Options, modules: ModuleRequest | None = None
) -> tuple[Loaded, Migration]:
    loaded = load_or_fail(paths)
    fed, extra = checked_modules(loaded, options, modules)
    migration = migrate(loaded.inventory, fed)
    if not extra:
        return loaded, migration
    findings = sort_findings([*migration.findings, *extra])
    return loaded, dataclasses.replace(migration, findings=findings)


__all__ = ["DEFAULT_TARGET"]
