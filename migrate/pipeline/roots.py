"""`--mesh-root DIR` (and `meshRoots:`), checked before anything is read: each names an existing
folder among the paths read, and no cluster folder holds another."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from migrate.inventory.clusters import MeshRoots
from migrate.pipeline.errors import UsageError
from migrate.settings.config_file import config_mesh_roots

STDIN_ARGUMENT = "-"


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _overlaps(root: str, paths: Sequence[str]) -> bool:
    """Whether the folder is inside a path read, or holds one."""
    absolute = os.path.abspath(root)
    read = [os.path.abspath(p) for p in paths if p != STDIN_ARGUMENT]
    return any(_inside(absolute, p) or _inside(p, absolute) for p in read)


def check_mesh_roots(roots: MeshRoots, paths: Sequence[str],
                     shown: Sequence[str] | None = None) -> None:
    """UsageError for the first root that cannot be a cluster folder; `shown`: how to name
    the roots and the paths in the message (default: as given)."""
    names = list(shown or roots.paths)
    read = " ".join(p for p in paths if p != STDIN_ARGUMENT) if shown is None else "."
    option = roots.origin
    for root, name in zip(roots.paths, names, strict=True):
        if not os.path.exists(root):
            raise UsageError(f"{option} {name}: no such directory")
        if not os.path.isdir(root):
            raise UsageError(f"{option} {name}: not a directory (name the folder that holds "
                             "one cluster's manifests)")
        if not _overlaps(root, paths):
            raise UsageError(f"{option} {name} is outside the paths read ({read or 'stdin'}): "
                             "it would hold nothing")
    absolute = [os.path.abspath(root) for root in roots.paths]
    for inner, inner_name in zip(absolute, names, strict=True):
        for outer, outer_name in zip(absolute, names, strict=True):
            if inner != outer and _inside(inner, outer):
                raise UsageError(f"{option} {inner_name} lies inside {outer_name}: one "
                                 "cluster's folder cannot hold another's")


def configured_mesh_roots(config: Path | None, paths: Sequence[str],
                          shown: Callable[[str], str] = str) -> MeshRoots | None:
    """The `meshRoots` of the settings files that apply (`config`, else those of the paths);
    None when they name none. `shown` is how a settings file is named in messages."""
    try:
        roots, sources = config_mesh_roots(config, paths)
    except ValueError as error:
        raise UsageError(shown(str(error))) from error
    if not roots:
        return None
    return MeshRoots(roots, "meshRoots in " + ", ".join(shown(str(s)) for s in sources))
