"""Which mesh (control plane) each namespace belongs to, and whether extensions were enabled."""

from __future__ import annotations

from dataclasses import dataclass

from migrate.model import DEFAULT_SCOPE, ControlPlane, Inventory
from migrate.semantics.versions import MeshVersion


@dataclass(frozen=True)
class Mesh:
    root: str  # the control-plane namespace, which OSSM forces to be the mesh root namespace
    control_plane: ControlPlane | None
    members: frozenset[str] | None  # None: no member roll in the input, membership unknown
    extensions_enabled: bool | None  # None: unknown
    disabled_reason: str = ""
    inert_reason: str = ""  # OSSM 2.1/2.2, telemetry off, no EnvoyFilter at the root
    filter_namespaces: frozenset[str] = frozenset()  # namespaces holding an EnvoyFilter
    scope: str = DEFAULT_SCOPE  # the cluster folder it is read from

    @property
    def label(self) -> str:
        """How findings name it: its root namespace, and its cluster folder when there are
        several."""
        return f"{self.root} in {self.scope}" if self.scope else self.root

    def contains(self, namespace: str | None) -> bool | None:
        """True/False when known; None when the input does not say."""
        if namespace == self.root:
            return True
        if self.members is None or namespace is None:
            return None
        return namespace in self.members or "*" in self.members


def _version_default(plane: ControlPlane) -> tuple[bool | None, str]:
    try:
        version = MeshVersion.parse(plane.version) if plane.version else None
    except ValueError:
        return None, ""
    if version is None:
        return None, ""
    if version < MeshVersion(2, 1):
        return False, f"Wasm extensions are off by default in {plane.version}"
    if version >= MeshVersion(2, 3):
        return False, f"{plane.version} no longer serves ServiceMeshExtensions"
    return True, ""


def extensions_enabled(plane: ControlPlane | None) -> tuple[bool | None, str]:
    """`techPreview.wasmExtensions.enabled`, else the default of the control plane's version."""
    if plane is None:
        return None, ""
    explicit = (plane.wasm_extensions or {}).get("enabled")
    if isinstance(explicit, bool):
        reason = "" if explicit else "spec.techPreview.wasmExtensions.enabled is false"
        return explicit, reason
    return _version_default(plane)


def _inert_reason(plane: ControlPlane | None, filter_namespaces: frozenset[str]) -> str:
    """In 2.1/2.2 pilot patched no listener of a proxy no EnvoyFilter matched (notes 1.6)."""
    if plane is None or plane.telemetry_type != "None" or plane.namespace in filter_namespaces:
        return ""
    try:
        version = MeshVersion.parse(plane.version) if plane.version else None
    except ValueError:
        return ""
    if version is None or not MeshVersion(2, 1) <= version <= MeshVersion(2, 2):
        return ""
    return (f"OSSM {plane.version} with telemetry off (spec.telemetry.type: None) and no "
            "EnvoyFilter in the input that could match its proxies: pilot never patched them")


def _members_by_root(inventory: Inventory) -> dict[str, set[str]]:
    """The operator's mesh namespaces: a roll's `status.configuredMembers` when it has a status
    (ServiceMeshMembers are already folded in there), else `spec.members` plus the members."""
    members: dict[str, set[str]] = {}
    for roll in inventory.member_rolls:
        configured = roll.configured_members
        members.setdefault(roll.namespace, set()).update(
            roll.members if configured is None else configured)
    with_status = {r.namespace for r in inventory.member_rolls if r.configured_members is not None}
    for member in inventory.members:
        root = member.control_plane_namespace
        if root and root not in with_status:
            members.setdefault(root, set()).add(member.namespace)
    return members


def build_meshes(inventory: Inventory, default_root: str, scope: str = DEFAULT_SCOPE
                 ) -> tuple[Mesh, ...]:
    """The meshes of one cluster scope (`inventory` holds only what that scope reads)."""
    planes: dict[str, ControlPlane] = {}
    for plane in inventory.control_planes:
        planes.setdefault(plane.namespace, plane)
    rolls = {roll.namespace for roll in inventory.member_rolls}
    members = _members_by_root(inventory)
    roots = sorted(set(planes) | rolls) or [default_root]
    filters = frozenset(f.namespace or "" for f in inventory.envoy_filters)
    meshes = []
    for root in roots:
        enabled, reason = extensions_enabled(planes.get(root))
        known = frozenset(members.get(root, ())) if root in rolls else None
        meshes.append(Mesh(root, planes.get(root), known, enabled, reason,
                           _inert_reason(planes.get(root), filters), filters, scope))
    return tuple(meshes)


def mesh_of(namespace: str | None, meshes: tuple[Mesh, ...], default_root: str,
            scope: str | None = None) -> Mesh | None:
    """The mesh a namespace (of the cluster scope, when given) belongs to; None when every
    mesh's membership excludes it."""
    if scope is not None:
        meshes = tuple(mesh for mesh in meshes if mesh.scope == scope)
    for mesh in meshes:
        if mesh.contains(namespace) is True:
            return mesh
    unknown = [mesh for mesh in meshes if mesh.contains(namespace) is None]
    if not unknown:
        return None
    preferred = [mesh for mesh in unknown if mesh.root == default_root]
    return (preferred or unknown)[0]
