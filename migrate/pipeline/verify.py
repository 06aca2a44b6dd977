"""`verify --before REF --after REF PATH`: the manifests at two git refs keep every workload's
filter order (extensions at `before`, WasmPlugins at `after`)."""

from __future__ import annotations

import io
import os
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from migrate.inventory.clusters import MeshRoots
from migrate.inventory.load import Loaded, Scoping, load
from migrate.model import Finding, ScanReport
from migrate.pipeline.errors import UsageError
from migrate.pipeline.roots import check_mesh_roots, configured_mesh_roots
from migrate.pipeline.status import ExitCode
from migrate.rules import RuleId, finding
from migrate.semantics.outcome import Options
from migrate.semantics.states import state_differences

if TYPE_CHECKING:
    import git

MAX_REPORTED = 50


@dataclass(frozen=True)
class VerifyRequest:
    repository: Path  # a git work tree or bare repository
    before: str  # a git ref holding the ServiceMeshExtensions
    after: str  # a git ref holding the WasmPlugins
    paths: tuple[str, ...] = (".",)  # relative to `repository`
    options: Options = field(default_factory=Options)
    mesh_roots: tuple[str, ...] = ()  # cluster folders, relative to `repository` (() : decide)


@dataclass(frozen=True)
class VerifyResult:
    report: ScanReport
    differences: int
    exit_code: ExitCode


def verify(request: VerifyRequest) -> VerifyResult:
    """The clusters are the ones `before` has (named or decided), for both refs alike; SME042
    says which they are, as a scan of `before` would."""
    with _checkout(request, request.before, request.mesh_roots) as before:
        folders = tuple(before.clusters.folders) or (".",)
        with _checkout(request, request.after, folders, named=False) as after:
            lines = state_differences(before.inventory, after.inventory, request.options)
        extensions = len(before.inventory.extensions)
        files = before.files_scanned + after.files_scanned
    clusters = [f for f in before.inventory.findings if f.rule == RuleId.CLUSTER_FOLDERS]
    findings = (*clusters, *(_difference(request, line) for line in lines[:MAX_REPORTED]))
    report = ScanReport(findings, files_scanned=files, extensions=extensions)
    return VerifyResult(report, len(lines), ExitCode.FINDINGS if lines else ExitCode.CLEAN)


def _difference(request: VerifyRequest, line: str) -> Finding:
    return finding(RuleId.EQUIVALENCE_VIOLATION, f"{request.before} → {request.after}: {line}")


@contextmanager
def _checkout(request: VerifyRequest, ref: str, roots: tuple[str, ...] = (), named: bool = True
              ) -> Iterator[Loaded]:
    """The manifests at `ref`, read from a temporary export (the work tree is never touched).
    `roots`: the cluster folders, relative to `repository` when the
    user `named` them, else to the export (as its scopes are)."""
    archive, names = _archive(request.repository, ref, request.paths)
    with tempfile.TemporaryDirectory(prefix="sme-migrate-verify-") as directory:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(directory, filter="data")
        paths = [os.path.normpath(Path(directory) / name) for name in names]
        scoping = Scoping(_roots(request, ref, roots, named, directory, paths), directory)
        yield load(paths, scoping=scoping)


def _roots(request: VerifyRequest, ref: str, roots: tuple[str, ...], named: bool,
           directory: str, paths: list[str]) -> MeshRoots | None:
    if not roots:
        return _configured(ref, directory, paths) if named else None
    if not named:
        return MeshRoots(tuple(os.path.normpath(Path(directory) / r) for r in roots),
                         f"the cluster folders of {request.before}")
    found = MeshRoots(tuple(os.path.normpath(Path(directory) / name) for name in
                            _git_names(request.repository, roots)))
    check_mesh_roots(found, paths, [f"{root} (at {ref})" for root in roots])
    return found


def _configured(ref: str, directory: str, paths: list[str]) -> MeshRoots | None:
    """The `meshRoots` of the settings files at `ref`, as scan and rewrite read them there."""
    found = configured_mesh_roots(
        None, paths, lambda text: text.replace(directory + os.sep, "") + f" (at {ref})")
    if found is not None:
        check_mesh_roots(found, paths, [os.path.relpath(root, directory) for root in found.paths])
    return found


def _git_names(repository: Path, paths: tuple[str, ...]) -> list[str]:
    import git

    try:
        return _in_repository(git.Repo(repository, search_parent_directories=True), repository,
                              paths)
    except git.InvalidGitRepositoryError as error:
        raise UsageError(f"{repository} is not a git repository") from error


def _archive(repository: Path, ref: str, paths: tuple[str, ...]) -> tuple[bytes, list[str]]:
    import git

    try:
        repo = git.Repo(repository, search_parent_directories=True)
        commit = repo.commit(ref)
        names = _in_repository(repo, repository, paths)
        stream = io.BytesIO()
        repo.archive(stream, commit.hexsha, format="tar", path=names)
    except (git.BadName, ValueError) as error:
        raise UsageError(f"{repository}: no commit {ref!r} ({error})") from error
    except git.InvalidGitRepositoryError as error:
        raise UsageError(f"{repository} is not a git repository") from error
    except git.GitCommandError as error:
        raise UsageError(f"git archive {ref} {' '.join(paths)}: {error.stderr.strip()}") from error
    return stream.getvalue(), names


def _in_repository(repo: git.Repo, base: Path, paths: tuple[str, ...]) -> list[str]:
    """Paths the user gave (relative to `base`, a directory in the work tree) as git names
    them; in a bare repository they are the repository's own."""
    top = repo.working_tree_dir
    if top is None:
        return list(paths)
    return [os.path.relpath(os.path.abspath(base / path), top) for path in paths]
