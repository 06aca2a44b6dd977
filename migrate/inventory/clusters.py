"""Which cluster each file is for, in a repository that keeps one folder per cluster.

A cluster holds one ServiceMeshControlPlane per namespace and one object of each name, so a
repository with clusters/prod and clusters/stage side by side holds each mesh twice. Read as one
input, the extensions of both would be ordered against each other (and their plugins, sharing
names, would overwrite each other). Each cluster folder is therefore a scope of its own: the
folders named by `--mesh-root` (or `meshRoots:`), else the ones the input proves, in this order:

- control planes: two or more in different folders that cannot be one cluster (the same
  namespace twice, or the same extension in the folders of different control planes); the
  clusters are the child folders of their common ancestor that hold one;
- kustomize overlays: kustomizations that no other lists, which render a shared base (and set no
  different namespaces, else they could share one cluster); each overlay is a cluster.

A file lies in the cluster folder it is in, and also in every cluster one of whose
kustomizations lists it (a base shared by two overlays is in both). Anything else is in the
default scope: as before, one input is one cluster.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from migrate import rules
from migrate.model import DEFAULT_SCOPE, Finding, Resource, Scopes
from migrate.rules.ids import RuleId
from migrate.sources.kustomize import Kustomization

MAX_LISTED = 3
ShowFolder = Callable[[str], str]  # an absolute folder as the findings show it


@dataclass(frozen=True)
class MeshRoots:
    """Cluster folders the user named, as given (relative to the current directory)."""

    paths: tuple[str, ...]
    origin: str = "--mesh-root"  # or "meshRoots in FILE"


@dataclass(frozen=True)
class Anchor:
    """A scanned path: as the user wrote it, and the absolute directory it stands for."""

    shown: str
    absolute: str

    @classmethod
    def of(cls, path: str) -> Anchor:
        directory = path if os.path.isdir(path) else os.path.dirname(path) or "."
        return cls(directory, os.path.abspath(directory))


@dataclass(frozen=True)
class Decision:
    folders: tuple[str, ...]  # absolute
    reason: str  # why, for the finding ("named by --mesh-root", or the evidence)
    named: bool = False  # the user named them: no advice to override


@dataclass(frozen=True)
class Clusters:
    """The cluster folders of one input and the files each one's kustomizations list."""

    keys: Mapping[str, str] = field(default_factory=dict)  # absolute folder -> scope
    listed: Mapping[str, frozenset[str]] = field(default_factory=dict)  # by absolute folder
    decision: Decision | None = None

    def scopes_of(self, path: str) -> Scopes:
        """The scopes of the file at `path` (the default one when no cluster claims it)."""
        if not self.keys:
            return (DEFAULT_SCOPE,)
        absolute = os.path.abspath(path)
        holding = [f for f in self.keys if _inside(absolute, f)]
        found = {self.keys[max(holding, key=len)]} if holding else set()
        found.update(self.keys[f] for f, files in self.listed.items() if absolute in files)
        return tuple(sorted(found)) or (DEFAULT_SCOPE,)

    @property
    def folders(self) -> tuple[str, ...]:
        """The scopes of the cluster folders, sorted."""
        return tuple(sorted(self.keys.values()))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _key(folder: str, anchors: Sequence[Anchor], base: str | None) -> str:
    """A folder as the input's paths show it (relative to `base` when one is given)."""
    if base is not None:
        return os.path.relpath(folder, os.path.abspath(base))
    holding = [a for a in anchors if _inside(folder, a.absolute)]
    if not holding:
        return os.path.relpath(folder)
    anchor = max(holding, key=lambda a: len(a.absolute))
    return os.path.normpath(os.path.join(anchor.shown, os.path.relpath(folder, anchor.absolute)))


def _directory(resource: Resource) -> str | None:
    location = resource.location
    return os.path.dirname(os.path.abspath(location.path)) if location else None


def _is_control_plane(resource: Resource) -> bool:
    return (resource.kind == "ServiceMeshControlPlane"
            and resource.api_version.startswith("maistra.io/"))


def _child_of(top: str, directory: str) -> str | None:
    if directory == top:
        return None
    return os.path.join(top, os.path.relpath(directory, top).split(os.sep)[0])


def _listed(names: Iterable[str]) -> str:
    shown = sorted(set(names))
    if len(shown) > MAX_LISTED:
        return ", ".join(shown[:MAX_LISTED]) + f" and {len(shown) - MAX_LISTED} more"
    return ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else "".join(shown)


Shown = Mapping[str, str]  # absolute folder -> how it is shown


def _repeated(objects: Sequence[tuple[Resource, str]], shown: Shown, kind: str) -> str:
    """The first object (by namespace/name) defined in several clusters, and where."""
    clusters: dict[tuple[str, str], set[str]] = {}
    for resource, cluster in objects:
        clusters.setdefault((resource.namespace or "-", resource.name), set()).add(cluster)
    for (namespace, name), found in sorted(clusters.items()):
        if len(found) > 1:
            return f"{kind} {namespace}/{name} is defined in {_listed(shown[f] for f in found)}"
    return ""


def _cluster_of(resource: Resource, clusters: Iterable[str]) -> str | None:
    directory = _directory(resource)
    return next((c for c in clusters if directory and _inside(directory, c)), None)


def by_control_planes(resources: Sequence[Resource], show: ShowFolder) -> Decision | None:
    planes = [(r, d) for r in resources if _is_control_plane(r) and (d := _directory(r))]
    folders = {directory for _, directory in planes}
    if len(folders) < 2:
        return None
    top = os.path.commonpath(sorted(folders))
    children = {_child_of(top, directory) for directory in folders}
    if None in children or len(children) < 2:
        return None  # a control plane in the common folder itself: no folder per cluster
    clusters = sorted(c for c in children if c is not None)
    shown = {c: show(c) for c in clusters}
    placed = [(r, c) for r in resources if (c := _cluster_of(r, clusters)) is not None]
    same_plane = _repeated([p for p in placed if _is_control_plane(p[0])], shown,
                           "ServiceMeshControlPlane")
    if same_plane:
        return Decision(tuple(clusters), f"{same_plane}, and one cluster holds one control "
                        "plane per namespace")
    same_extension = _repeated([p for p in placed if p[0].kind == "ServiceMeshExtension"],
                               shown, "ServiceMeshExtension")
    if same_extension:
        return Decision(tuple(clusters), "each holds its own ServiceMeshControlPlane, and "
                        f"{same_extension}")
    return None


Kustomizations = Mapping[str, Kustomization]  # by absolute directory


def _reached(directory: str, kustomizations: Kustomizations) -> set[str]:
    """Every file and kustomization directory a kustomization pulls in, through its bases."""
    found: set[str] = set()
    pending = [directory]
    while pending:
        for entry in kustomizations[pending.pop()].listed:
            if entry not in found:
                found.add(entry)
                if entry in kustomizations:
                    pending.append(entry)
    return found


def _files(directory: str, kustomizations: Kustomizations) -> frozenset[str]:
    return frozenset(p for p in _reached(directory, kustomizations) if p not in kustomizations)


def _groups(linked: Iterable[Sequence[str]]) -> int:
    """How many groups the overlays form, two linked when they render a common part."""
    parent: dict[str, str] = {}

    def root(item: str) -> str:
        while parent.setdefault(item, item) != item:
            item = parent[item]
        return item

    for found in linked:
        for other in found[1:]:
            parent[root(other)] = root(found[0])
    return len({root(item) for item in parent})


def by_overlays(kustomizations: Kustomizations, show: ShowFolder) -> Decision | None:
    """Overlays that render a common base are one cluster each, provided they are all
    renderings of one base (two unrelated groups are two applications, each possibly in every
    cluster) and set no different namespaces (the base in two namespaces can share a cluster)."""
    listed = {entry for k in kustomizations.values() for entry in k.listed}
    tops = sorted(d for d in kustomizations if d not in listed)
    readers: dict[str, list[str]] = {}
    for top in tops:
        for entry in _reached(top, kustomizations):
            readers.setdefault(entry, []).append(top)
    shared = {entry: found for entry, found in readers.items() if len(found) > 1}
    overlays = sorted({top for found in shared.values() for top in found})
    if len(overlays) < 2 or _groups(shared.values()) > 1:
        return None
    if len({kustomizations[o].namespace for o in overlays}) > 1:
        return None
    common = [e for e, found in shared.items() if len(found) == len(overlays)] or list(shared)
    bases = [show(p) + ("/" if p in kustomizations else "") for p in common
             if p in kustomizations or os.path.dirname(p) not in common]
    return Decision(tuple(overlays), "each is a kustomize overlay that no other kustomization "
                    f"lists, and all of them render {_listed(bases)}")


def by_option(roots: MeshRoots) -> Decision:
    folders = tuple(sorted({os.path.abspath(p) for p in roots.paths}))
    return Decision(folders, f"named by {roots.origin}", named=True)


def decide(resources: Sequence[Resource], kustomizations: Kustomizations,
           roots: MeshRoots | None, anchors: Sequence[Anchor], base: str | None = None
           ) -> Clusters:
    """The input's cluster folders: the ones named, else the ones the evidence shows."""
    def show(folder: str) -> str:
        return _key(folder, anchors, base)

    decision = by_option(roots) if roots and roots.paths else (
        by_control_planes(resources, show) or by_overlays(kustomizations, show))
    if decision is None:
        return Clusters()
    keys = {folder: show(folder) for folder in decision.folders}
    inside = {folder: [d for d in kustomizations if _inside(d, folder)] for folder in keys}
    listed = {folder: frozenset().union(*(_files(d, kustomizations) for d in found))
              for folder, found in inside.items() if found}
    return Clusters(keys, listed, decision)


def _shared(scoped: Mapping[str, Scopes]) -> str:
    """The folders whose files are in several clusters (a base several overlays list)."""
    folders: dict[str, set[str]] = {}
    for path, scopes in scoped.items():
        if len(scopes) > 1:
            folders.setdefault(os.path.dirname(path) or ".", set()).update(scopes)
    return "".join(f"; {folder} is in each of {_listed(scopes)} (their kustomizations list it)"
                   for folder, scopes in sorted(folders.items())[:MAX_LISTED])


def clusters_finding(clusters: Clusters, scoped: Mapping[str, Scopes]) -> Finding | None:
    """Which folders were taken as clusters and why, once per run; `scoped`: each file read
    (as shown) with its scopes."""
    decision = clusters.decision
    if decision is None:
        return None
    folders = clusters.folders
    what = (f"{_listed(folders)} are taken as separate clusters" if len(folders) > 1
            else f"{folders[0]} is taken as a cluster of its own")
    outside = ("; the files outside them are read as one more cluster"
               if any(DEFAULT_SCOPE in s for s in scoped.values()) else "")
    advice = "" if decision.named else (
        ". If that is wrong, name each cluster's folder with --mesh-root DIR (or meshRoots in "
        ".sme-migrate.yaml); a --mesh-root that names the scanned folder itself reads "
        "everything as one cluster")
    return rules.finding(RuleId.CLUSTER_FOLDERS, f"{what} ({decision.reason}): each one's "
                         f"meshes are ordered, checked and migrated on their own"
                         f"{_shared(scoped)}{outside}{advice}")
