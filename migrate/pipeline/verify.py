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

from migrate.inventory.load import Loaded, load
from migrate.model import Finding, ScanReport
from migrate.pipeline.errors import UsageError
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


@dataclass(frozen=True)
class VerifyResult:
    report: ScanReport
    differences: int
    exit_code: ExitCode


def verify(request: VerifyRequest) -> VerifyResult:
    with _checkout(request, request.before) as before, _checkout(request, request.after) as after:
        lines = state_differences(before.inventory, after.inventory, request.options)
        extensions = len(before.inventory.extensions)
        files = before.files_scanned + after.files_scanned
    findings = tuple(_difference(request, line) for line in lines[:MAX_REPORTED])
    report = ScanReport(findings, files_scanned=files, extensions=extensions)
    return VerifyResult(report, len(lines), ExitCode.FINDINGS if lines else ExitCode.CLEAN)


def _difference(request: VerifyRequest, line: str) -> Finding:
    return finding(RuleId.EQUIVALENCE_VIOLATION, f"{request.before} → {request.after}: {line}")


@contextmanager
def _checkout(request: VerifyRequest, ref: str) -> Iterator[Loaded]:
    """The manifests at `ref`, read from a temporary export (the work tree is never touched)."""
    archive, names = _archive(request.repository, ref, request.paths)
    with tempfile.TemporaryDirectory(prefix="sme-migrate-verify-") as directory:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(directory, filter="data")
        yield load([os.path.normpath(Path(directory) / name) for name in names])


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
