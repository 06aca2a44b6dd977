"""Findings for what no phase can keep: plugins moved across ext_authz or fault/cors.

The equivalence proof (verify.compare) tells which plugin changed sides of which filter on
which workload; this module says it on the extension the plugin came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from migrate import rules
from migrate.model import (
    Finding,
    GatewayDecl,
    Inventory,
    Location,
    ResourceRef,
    RouteFilters,
    Scoped,
)
from migrate.rules.ids import RuleId
from migrate.semantics.chain import EXT_AUTHZ_FILTER, SimPolicies
from migrate.semantics.meshes import Mesh
from migrate.semantics.outcome import Conversion, Options
from migrate.semantics.targets import Target, WorkloadIndex
from migrate.semantics.verify import Moved

MAX_LISTED = 3


def _in_mesh(namespace: str | None, mesh: Mesh) -> bool:
    return mesh.contains(namespace) is not False


def _custom(inventory: Inventory, mesh: Mesh) -> list[Scoped]:
    return [p for p in inventory.custom_authz if _in_mesh(p.namespace, mesh)]


def _gateway_refs(route: RouteFilters) -> list[tuple[str | None, str]]:
    refs = []
    for name in (g for g in route.gateways if g != "mesh"):
        namespace, _, short = name.rpartition("/")
        refs.append((namespace or route.namespace, short))
    return refs


def _gateway_selector(ref: tuple[str | None, str], gateways: Sequence[GatewayDecl]) -> tuple[
        tuple[str, str], ...]:
    found = [g.selector for g in gateways if (g.namespace, g.name) == ref]
    return found[0] if found else ()  # not in the input: every gateway may serve it


def policies_of(inventory: Inventory, mesh: Mesh) -> SimPolicies:
    custom = tuple((p.namespace or "", p.selector) for p in _custom(inventory, mesh))
    routes = [r for r in inventory.route_filters if _in_mesh(r.namespace, mesh)]
    selectors = {_gateway_selector(ref, inventory.gateways)
                 for route in routes for ref in _gateway_refs(route)}
    return SimPolicies(custom, tuple(sorted(selectors)))


def _listed(names: Sequence[str]) -> str:
    shown = sorted(set(names))
    more = f" and {len(shown) - MAX_LISTED} more" if len(shown) > MAX_LISTED else ""
    return ", ".join(shown[:MAX_LISTED]) + more


def _refs(resources: Sequence[Scoped | RouteFilters]) -> str:
    return _listed([f"{r.resource.kind} {r.namespace or '-'}/{r.resource.name}"
                    for r in resources])


def _message(marker: str, workloads: list[str], inventory: Inventory, mesh: Mesh) -> str:
    where = _listed(workloads)
    if marker == EXT_AUTHZ_FILTER:
        return (f"on {where}: Maistra ran it before ext_authz (CUSTOM policy "
                f"{_refs(_custom(inventory, mesh))}) and before authentication; every "
                "WasmPlugin phase runs after ext_authz, so the plugin now sees only requests "
                "the external authorizer allowed")
    routes = [r for r in inventory.route_filters if _in_mesh(r.namespace, mesh)]
    return (f"on {where}: Maistra ran it after the fault and cors filters ({_refs(routes)}); "
            "every WasmPlugin phase runs before them, so it now sees CORS preflights and "
            "requests the fault filter aborts (assuming no jwt/authn/rbac filter on the "
            "gateway: before such a filter Maistra's auth phases kept their place)")


def moved_findings(moves: Sequence[Moved], refs: Mapping[str, tuple[ResourceRef, Location | None]],
                   inventory: Inventory, mesh: Mesh) -> list[Finding]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for move in moves:
        grouped.setdefault((move.filter, move.plugin), []).append(move.workload)
    found = []
    for (marker, plugin), workloads in sorted(grouped.items()):
        ref, location = refs[plugin]
        rule = (RuleId.EXT_AUTHZ_ORDER_CHANGED if marker == EXT_AUTHZ_FILTER
                else RuleId.CORS_FAULT_ORDER_CHANGED)
        found.append(rules.finding(rule, _message(marker, workloads, inventory, mesh), ref,
                                   location))
    return found


def _reaches_gateways(conversion: Conversion, index: WorkloadIndex) -> bool:
    ext = conversion.extension
    target, _ = index.infer(ext.namespace, ext.selector)
    return target in (Target.GATEWAYS, Target.BOTH)


def unchecked_gateway_findings(inventory: Inventory, mesh: Mesh,
                               migrated: Sequence[Conversion]) -> list[Finding]:
    """Gateway plugins where no VirtualService of the input sets corsPolicy or fault."""
    if policies_of(inventory, mesh).cors_gateways:
        return []
    index = WorkloadIndex.build(mesh, inventory.workloads)
    return [rules.finding(RuleId.GATEWAY_CORS_FAULT_UNCHECKED,
                          "it reaches gateways and no VirtualService in the input "
                          "sets corsPolicy or fault; where one bound to them does, the plugin "
                          "now runs before the cors and fault filters (Maistra: after)",
                          c.extension.resource.ref, c.extension.resource.location)
            for c in migrated if _reaches_gateways(c, index)]


def not_seen_finding(conversions: Sequence[Conversion], options: Options) -> list[Finding]:
    if options.policies_complete or not any(c.plugin is not None for c in conversions):
        return []
    return [rules.finding(RuleId.POLICIES_NOT_SEEN, "only the CUSTOM AuthorizationPolicies and the "
                          "VirtualServices with corsPolicy or fault in the files read were "
                          "checked for plugins moved across ext_authz, fault or cors; scan the "
                          "folders that hold the mesh's policies with the extensions, pipe the "
                          "rendered mesh in (kustomize build ... | sme-migrate scan -) or read "
                          "the cluster")]
