"""Traffic fidelity: the upgrade gate, mesh-wide placement on OSSM 3, inert extensions.

Each test reads what a user sees: the findings' rules and the emitted plugins.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from migrate.semantics.migration import migrate
from migrate.semantics.outcome import Migration, Options
from migrate.semantics.versions import MeshVersion
from tests.semantics.strategies import MeshCase, meshes
from tests.support.meshes import as_inventory, control_plane, member_roll, ready_status, sme

Body = dict[str, Any]


def run(bodies: list[Body], **options: Any) -> Migration:
    return migrate(as_inventory(bodies), Options(**options))


def rules_of(migration: Migration, name: str) -> set[str]:
    return {f.rule for f in migration.findings if f.resource and f.resource.name == name}


def member(namespace: str, control_plane_namespace: str = "istio-system") -> Body:
    return {"apiVersion": "maistra.io/v1", "kind": "ServiceMeshMember",
            "metadata": {"name": "default", "namespace": namespace},
            "spec": {"controlPlaneRef": {"name": "basic",
                                         "namespace": control_plane_namespace}}}


def extension(name: str, namespace: str) -> Body:
    return sme(name, namespace, phase="PreAuthN", priority=1, config={"a": 1})


def test_without_a_roll_status_spec_members_and_service_mesh_members_are_mesh_namespaces(
) -> None:
    result = run([control_plane("istio-system", "v2.2", None),
                  member_roll("istio-system", ["shop"]), member("web"),
                  extension("in-roll", "shop"), extension("by-member", "web"),
                  extension("outside", "sandbox")])
    assert "SME001" in rules_of(result, "in-roll") and "SME001" in rules_of(result, "by-member")
    assert {"SME030", "SME016"} <= rules_of(result, "outside")
    assert "SME001" not in rules_of(result, "outside")


def test_a_roll_status_overrides_spec_members_and_service_mesh_members() -> None:
    roll = {**member_roll("istio-system", ["shop", "web"]),
            "status": {"configuredMembers": ["shop"]}}
    result = run([control_plane("istio-system", "v2.2", None), roll, member("web"),
                  extension("configured", "shop"), extension("not-configured", "web")])
    assert "SME001" in rules_of(result, "configured")
    assert "SME030" in rules_of(result, "not-configured")
    assert [p["metadata"]["name"] for p in result.plugins] == ["configured"]


def test_an_sme_in_the_control_plane_namespace_always_blocks_the_upgrade() -> None:
    roll = {**member_roll("istio-system", []), "status": {"configuredMembers": []}}
    result = run([roll, extension("mesh-wide", "istio-system")])
    assert "SME001" in rules_of(result, "mesh-wide")


OSSM3 = MeshVersion(3, 0)


def test_root_namespace_moves_the_mesh_wide_plugins_on_ossm_3() -> None:
    bodies = [control_plane("istio-system", "v2.2", None), member_roll("istio-system", ["shop"]),
              extension("mesh-wide", "istio-system"), extension("local", "shop")]
    result = run(bodies, target=OSSM3, root_namespace="istio-cp")
    placed = {p["metadata"]["name"]: ns for ns, p in result.placed_plugins}
    assert placed == {"mesh-wide": "istio-cp", "local": "shop"}
    assert "SME041" not in rules_of(result, "mesh-wide")
    assert "istio-cp.mesh-wide" in " ".join(
        f.message for f in result.findings if f.rule == "SME040")


def test_without_root_namespace_ossm_3_says_the_old_namespace_was_kept() -> None:
    bodies = [control_plane("istio-system", "v2.2", None), extension("mesh-wide", "istio-system")]
    on_3 = run(bodies, target=OSSM3)
    assert [ns for ns, _ in on_3.placed_plugins] == ["istio-system"]
    assert "SME041" in rules_of(on_3, "mesh-wide")
    on_2 = run(bodies, target=MeshVersion(2, 6), root_namespace="istio-cp")
    assert [ns for ns, _ in on_2.placed_plugins] == ["istio-system"]
    assert "SME041" not in rules_of(on_2, "mesh-wide")


def telemetry_off(version: str) -> Body:
    plane = control_plane("istio-system", version, None)
    plane["spec"]["telemetry"] = {"type": "None"}
    return plane


def envoy_filter(namespace: str) -> Body:
    return {"apiVersion": "networking.istio.io/v1alpha3", "kind": "EnvoyFilter",
            "metadata": {"name": "tune", "namespace": namespace}, "spec": {"configPatches": []}}


def test_with_telemetry_off_on_2_2_an_extension_no_envoy_filter_reaches_never_ran() -> None:
    inert = run([telemetry_off("v2.2"), extension("audit", "istio-system")])
    assert inert.plugins == [] and "SME016" in rules_of(inert, "audit")
    switched_on = run([telemetry_off("v2.2"), extension("audit", "istio-system")],
                      convert_inactive=True)
    assert len(switched_on.plugins) == 1 and "SME016" in rules_of(switched_on, "audit")
    with_filter = run([telemetry_off("v2.2"), envoy_filter("istio-system"),
                       extension("audit", "istio-system")])
    assert len(with_filter.plugins) == 1 and "SME016" not in rules_of(with_filter, "audit")


def test_ossm_2_0_had_no_envoy_filter_quirk() -> None:
    plane = telemetry_off("v2.0")
    plane["spec"]["techPreview"] = {"wasmExtensions": {"enabled": True}}
    result = run([plane, extension("audit", "istio-system")])
    assert len(result.plugins) == 1 and "SME016" not in rules_of(result, "audit")


def test_a_status_priority_is_converted_and_a_newer_spec_is_reported() -> None:
    body = sme("rate", "istio-system", phase="PreAuthN", priority=500, config={"a": 1},
               status=ready_status(phase="PreAuthN", priority=50))
    result = run([body])
    assert [p["spec"]["priority"] for p in result.plugins] == [50]
    assert "SME031" in rules_of(result, "rate") and "SME039" not in rules_of(result, "rate")


def policy(namespace: str, action: str, selector: dict[str, str] | None = None) -> Body:
    spec: Body = {"action": action, "rules": [{}]}
    if selector:
        spec["selector"] = {"matchLabels": selector}
    return {"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
            "metadata": {"name": f"{action.lower()}-policy", "namespace": namespace},
            "spec": spec}


def auth_extension(name: str, namespace: str, **labels: str) -> Body:
    return sme(name, namespace, phase="PreAuthZ", priority=1, config={"a": 1},
               selector=labels or None)


def test_only_a_custom_policy_that_reaches_the_workload_moves_its_plugins() -> None:
    cart = auth_extension("cart-auth", "shop", app="cart")
    assert "SME033" not in rules_of(run([policy("shop", "ALLOW"), cart]), "cart-auth")
    assert "SME033" not in rules_of(run([policy("web", "CUSTOM"), cart]), "cart-auth")
    assert "SME033" in rules_of(run([policy("shop", "CUSTOM"), cart]), "cart-auth")
    mesh_wide = policy("istio-system", "CUSTOM", {"app": "cart"})
    assert "SME033" in rules_of(run([mesh_wide, cart]), "cart-auth")


def test_a_stats_plugin_keeps_its_place_after_ext_authz() -> None:
    stats = sme("counter", "shop", phase="PreStats", priority=1, config={"a": 1})
    assert "SME033" not in rules_of(run([policy("shop", "CUSTOM"), stats]), "counter")


def route(gateways: list[str]) -> Body:
    return {"apiVersion": "networking.istio.io/v1beta1", "kind": "VirtualService",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"gateways": gateways, "http": [{"corsPolicy": {"allowOrigins": []},
                                                     "route": []}]}}


def istio_gateway(name: str, **selector: str) -> Body:
    return {"apiVersion": "networking.istio.io/v1beta1", "kind": "Gateway",
            "metadata": {"name": name, "namespace": "shop"}, "spec": {"selector": selector}}


def test_cors_routes_move_gateway_plugins_only_on_the_gateways_serving_them() -> None:
    plane = control_plane("istio-system", "v2.2", None)  # deploys the default gateways
    edge = auth_extension("edge", "istio-system", istio="ingressgateway")

    def edge_rules(*extra: Body) -> set[str]:
        return rules_of(run([plane, edge, *extra]), "edge")

    assert "SME035" in edge_rules(route(["shop/public"]))  # Gateway not in the input
    assert "SME035" in edge_rules(route(["public"]), istio_gateway("public",
                                                                   istio="ingressgateway"))
    assert "SME035" not in edge_rules(route(["public"]), istio_gateway("public",
                                                                       istio="egressgateway"))
    sidecars_only = edge_rules(route(["mesh"]))
    assert "SME035" not in sidecars_only and "SME036" in sidecars_only


@settings(max_examples=100, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(case=meshes())
def test_exactly_the_extensions_in_mesh_namespaces_block_the_upgrade(case: MeshCase) -> None:
    """Contract section 5: the operator's gate is the namespace, not readiness or activity.
    Without a member roll membership is unknown: every extension is taken to block."""
    result = migrate(as_inventory(case.bodies()), Options(control_plane_namespace=case.root))
    blocking = {f"{f.resource.namespace}/{f.resource.name}" for f in result.findings
                if f.rule == "SME001" and f.resource}
    in_mesh = {e.id for e in case.extensions
               if case.members is None or e.namespace in case.mesh_namespaces}
    assert blocking == in_mesh
