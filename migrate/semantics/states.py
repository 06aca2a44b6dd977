"""Compare two states of the same manifests: the extensions before a migration and the
WasmPlugins after it (a hand-written migration as much as ours). Each workload the selectors
imply must see the same plugins in the same order; a plugin is matched to its extension by
namespace and name, which every conversion keeps."""

from __future__ import annotations

from collections.abc import Sequence

from migrate.model import ExistingPlugin, Extension, Inventory, WorkloadKind
from migrate.semantics.chain import SimExtension, SimPlugin, SimWorkload
from migrate.semantics.effective import resolve
from migrate.semantics.meshes import Mesh, build_meshes, mesh_of
from migrate.semantics.outcome import Options
from migrate.semantics.verify import differences, simulated_workloads


def _identity(namespace: str | None, name: str) -> str:
    return f"{namespace or ''}/{name}"


def _sim_extension(extension: Extension) -> SimExtension | None:
    effective = resolve(extension)
    if effective.phase is None or effective.priority is None:
        return None  # it never ran: nothing to keep
    return SimExtension(_identity(extension.namespace, extension.name), extension.namespace or "",
                        extension.name, extension.image, effective.phase, effective.priority,
                        extension.selector)


def _sim_plugin(plugin: ExistingPlugin) -> SimPlugin:
    match = plugin.resource.spec.get("match", [])
    modes = tuple(str(m.get("mode", "UNDEFINED")) for m in match if isinstance(m, dict)) if (
        isinstance(match, list)) else ()
    return SimPlugin(_identity(plugin.namespace, plugin.name), plugin.namespace or "",
                     plugin.name, plugin.phase, plugin.priority, plugin.selector, modes)


def _in_mesh(namespace: str | None, mesh: Mesh, meshes: tuple[Mesh, ...], root: str) -> bool:
    found = mesh_of(namespace, meshes, root)
    return found is not None and found.root == mesh.root


def state_differences(before: Inventory, after: Inventory, options: Options) -> list[str]:
    """One line per workload whose chain differs, per mesh (the meshes as `before` has them),
    per cluster scope when the manifests keep several."""
    scopes = sorted({*before.scopes, *after.scopes})
    if len(scopes) == 1:
        return _scope_differences(before, after, options, scopes[0])
    return [line for scope in scopes for line in _scope_differences(
        before.within(scope), after.within(scope), options, scope)]


def _scope_differences(before: Inventory, after: Inventory, options: Options, scope: str
                       ) -> list[str]:
    root = options.control_plane_namespace
    meshes = build_meshes(before, root, scope)
    extensions = [sim for e in before.extensions if (sim := _sim_extension(e))]
    plugins = [_sim_plugin(p) for p in after.plugins]
    workloads = [SimWorkload(w.namespace or "", w.labels, w.kind)
                 for inventory in (before, after) for w in inventory.workloads]
    found: list[str] = []
    for mesh in meshes:
        def inside(namespace: str, mesh: Mesh = mesh) -> bool:
            return _in_mesh(namespace, mesh, meshes, root)

        mine = [e for e in extensions if inside(e.namespace)]
        theirs = [p for p in plugins if inside(p.namespace)]
        lines = _mesh_differences(mesh, mine, theirs,
                                  [w for w in workloads if inside(w.namespace)], options)
        found.extend(f"mesh {mesh.label}: {line}" for line in lines)
    return found


def _mesh_differences(mesh: Mesh, extensions: Sequence[SimExtension],
                      plugins: Sequence[SimPlugin], known: Sequence[SimWorkload],
                      options: Options) -> list[str]:
    # a hand-written plugin may select what no extension did: probe its labels too
    probes = [SimWorkload(p.namespace, p.selector, WorkloadKind.SIDECAR) for p in plugins]
    workloads = simulated_workloads(mesh.root, extensions, [*known, *probes], mesh.members or ())
    return differences(workloads, extensions, plugins, mesh.root, options.target)
