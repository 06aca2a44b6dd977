"""What every job that reads manifests is asked: the inputs, the conversion options, the
module checks, and what decides the exit status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from migrate.inventory.clusters import MeshRoots
from migrate.model import Severity
from migrate.semantics.outcome import Options
from migrate.settings.suppress import Suppressions
from migrate.sources.cluster.request import ClusterRequest
from migrate.sources.sniff import STDIN

if TYPE_CHECKING:  # httpx and wasmtime load only when modules are checked
    from migrate.modules.api import ModuleOptions

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ModuleRequest:
    """`--check-modules` / `--pin` / `--repackage-to` and the registry settings that go with
    them."""

    options: ModuleOptions
    pin: bool = False
    repackage_to: str | None = None  # REGISTRY/PREFIX for Istio copies of Maistra-format images


@dataclass(frozen=True)
class InputRequest:
    paths: tuple[str, ...]  # files or directories; "-" reads `stdin`
    options: Options = field(default_factory=Options)
    modules: ModuleRequest | None = None
    suppressions: Suppressions = field(default_factory=Suppressions)
    fail_on: Severity | None = Severity.ERROR  # None: never fail on findings
    stdin: BinaryIO | None = None
    stdin_filename: str = STDIN  # the path findings from stdin are reported under
    progress: Progress | None = None
    cluster: ClusterRequest | None = None  # read a cluster instead of `paths`
    mesh_roots: MeshRoots | None = None  # the cluster folders (None: decided on evidence)
