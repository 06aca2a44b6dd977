"""Helpers for the file-source tests: real files written from a dict, and scan accessors."""

from __future__ import annotations

import ctypes
import functools
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from migrate.sources.files import SourceScan

Tree = Callable[[Mapping[str, str | bytes]], Path]  # the `tree` fixture
REPO = Path(__file__).resolve().parents[2]


def extension_yaml(name: str, namespace: str | None = None, phase: str = "PostAuthZ") -> str:
    namespace_line = f"  namespace: {namespace}\n" if namespace else ""
    return (
        "apiVersion: maistra.io/v1\n"
        "kind: ServiceMeshExtension\n"
        "metadata:\n"
        f"  name: {name}\n"
        f"{namespace_line}"
        "spec:\n"
        f"  image: quay.io/example/{name}:1.0\n"
        f"  phase: {phase}\n"
    )


def deployment_yaml(name: str, app: str) -> str:
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
        f"  name: {name}\nspec:\n  template:\n    metadata:\n      labels:\n        app: {app}\n"
        "    spec:\n      containers:\n      - name: main\n        image: example/app:1\n"
    )


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def names(scan: SourceScan, kind: str = "ServiceMeshExtension") -> list[str]:
    return [resource.name for resource in scan.resources if resource.kind == kind]


def messages(scan: SourceScan, rule: str) -> dict[str, str]:
    """Finding message by file name (the last path component) for one rule."""
    return {
        Path(f.location.path).name: f.message
        for f in scan.findings
        if f.rule == rule and f.location is not None
    }


NOBODY = 65534
_PR_CAPBSET_DROP = 24
_DAC_CAPABILITIES = (1, 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH: how root ignores chmod 000
_SCAN_SCRIPT = """
import json, sys
from migrate.sources.files import read_paths
scan = read_paths(sys.argv[1:])
print(json.dumps({
    "names": [r.name for r in scan.resources],
    "findings": [f.to_json() for f in scan.findings],
    "files_scanned": scan.files_scanned,
}))
"""
PreExec = Callable[[], None]


def _become_nobody() -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def _drop_dac_capabilities() -> None:
    """Root without the capabilities that bypass file permissions (from exec on)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in _DAC_CAPABILITIES:
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def _works(pre_exec: PreExec) -> bool:
    try:
        probe = subprocess.run(
            [sys.executable, "-c", "import migrate.sources.files"],
            cwd=REPO,
            preexec_fn=pre_exec,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


@functools.cache
def unprivileged() -> PreExec | None:
    """How to make a child process subject to file permissions.

    As root, user `nobody` (setuid) is preferred; where `nobody` cannot run this interpreter (it
    may live under /root), root without its permission-bypassing capabilities is the same test.
    None when already unprivileged; raises LookupError when neither works.
    """
    if os.geteuid() != 0:
        return None
    for pre_exec in (_become_nobody, _drop_dac_capabilities):
        if _works(pre_exec):
            return pre_exec
    raise LookupError("cannot run a process subject to file permissions")


def can_run_unprivileged() -> bool:
    try:
        unprivileged()
    except LookupError:
        return False
    return True


def scan_in_subprocess(
    paths: list[str], as_unprivileged: bool = False, env: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Scan in a fresh interpreter: to drop root's privileges, or so a hang cannot hang pytest."""
    result = subprocess.run(
        [sys.executable, "-c", _SCAN_SCRIPT, *paths],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={**os.environ, "HOME": tempfile.gettempdir(), **(env or {})},
        preexec_fn=unprivileged() if as_unprivileged else None,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"scan failed ({result.returncode}): {result.stderr}")
    scanned: dict[str, Any] = json.loads(result.stdout)
    return scanned
