"""Several cluster scopes in one input: each is migrated on its own; what several read is
converted only when they agree."""

from __future__ import annotations

import dataclasses

import yaml

from migrate.inventory.build import build_inventory
from migrate.model import Inventory, Location, Resource
from migrate.rules.ids import RuleId
from migrate.semantics.migration import migrate
from migrate.semantics.outcome import Migration, Options
from migrate.semantics.states import state_differences
from tests.support.resources import sme

SMCP = """---
apiVersion: maistra.io/v2
kind: ServiceMeshControlPlane
metadata: {name: basic, namespace: istio-system}
spec: {version: v2.2, techPreview: {wasmExtensions: {enabled: true}}}
"""


def placed(text: str, path: str, *scopes: str) -> list[Resource]:
    docs = [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
    return [Resource(doc, Location(path, index + 1, index), scopes=scopes)
            for index, doc in enumerate(docs)]


def clusters(**by_scope: str) -> Inventory:
    """One file per scope (`shared` is read by prod and stage)."""
    resources = []
    for scope, text in by_scope.items():
        read = ("prod", "stage") if scope == "shared" else (scope,)
        resources += placed(text, f"{scope}/mesh.yaml", *read)
    return build_inventory(resources)


def priorities(migration: Migration) -> dict[tuple[tuple[str, ...], str], int]:
    return {(scopes, plugin["metadata"]["name"]): plugin["spec"]["priority"]
            for scopes, _, plugin in migration.scoped_output_plugins}


def rules(migration: Migration) -> set[str]:
    return {f.rule for f in migration.findings}


PROD = SMCP + sme("jwt-claims", phase="PostAuthN", priority=10) + sme(
    "rate-limit", phase="PostAuthN", priority=10)
STAGE = SMCP + sme("jwt-claims", phase="PostAuthN", priority=10)


def test_each_cluster_orders_its_own_extensions() -> None:
    migration = migrate(clusters(prod=PROD, stage=STAGE), Options())
    assert priorities(migration) == {
        (("prod",), "jwt-claims"): 20, (("prod",), "rate-limit"): 10,  # a tie, renumbered
        (("stage",), "jwt-claims"): 10,  # alone in stage: its own number
    }
    assert RuleId.DUPLICATE_EXTENSION not in rules(migration)
    assert RuleId.EQUIVALENCE_VIOLATION not in rules(migration)
    assert [(m.root, m.scope) for m in migration.meshes] == [
        ("istio-system", "prod"), ("istio-system", "stage")]


def test_read_as_one_cluster_the_copies_are_duplicates_ordered_against_each_other() -> None:
    one = build_inventory([*placed(PROD, "prod/mesh.yaml"), *placed(STAGE, "stage/mesh.yaml")])
    migration = migrate(one, Options())
    assert RuleId.DUPLICATE_EXTENSION in rules(migration)
    assert [p["spec"]["priority"] for p in migration.plugins] == [30, 20, 10]  # one order


def test_a_shared_extension_both_clusters_agree_on_is_converted_once() -> None:
    shared = sme("ip-allowlist", phase="PreAuthN", priority=50)
    migration = migrate(clusters(shared=shared, prod=PROD, stage=STAGE), Options())
    assert priorities(migration)[(("prod", "stage"), "ip-allowlist")] == 50
    assert len([c for c in migration.conversions if c.plugin is not None]) == 4
    assert RuleId.SHARED_EXTENSION_DIFFERS not in rules(migration)


def test_a_shared_extension_that_needs_two_priorities_is_not_converted() -> None:
    shared = sme("jwt-claims", phase="PostAuthN", priority=10)
    prod = SMCP + sme("rate-limit", phase="PostAuthN", priority=10)
    migration = migrate(clusters(shared=shared, prod=prod, stage=SMCP), Options())
    (conversion,) = [c for c in migration.conversions if c.extension.name == "jwt-claims"]
    assert conversion.plugin is None
    (finding,) = [f for f in conversion.findings if f.rule == RuleId.SHARED_EXTENSION_DIFFERS]
    assert "prod: priority 20; stage: priority 10" in finding.message
    assert finding.location == Location("shared/mesh.yaml", 1, 0)
    # what it is told in prod only (renumbered to 20) is not said of an extension left as is
    assert RuleId.PRIORITIES_RENUMBERED not in {f.rule for f in conversion.findings}
    found = [f for f in migration.findings if f.resource == conversion.extension.resource.ref]
    assert {f.rule for f in found} >= {RuleId.SERVICEMESHEXTENSION_FOUND,
                                       RuleId.SHARED_EXTENSION_DIFFERS}


def test_a_shared_extension_active_in_one_cluster_only_is_not_converted() -> None:
    disabled = SMCP.replace("enabled: true", "enabled: false")
    shared = sme("jwt-claims", phase="PostAuthN", priority=10)
    migration = migrate(clusters(shared=shared, prod=SMCP, stage=disabled), Options())
    (conversion,) = migration.conversions
    assert conversion.plugin is None
    messages = {f.rule: f.message for f in conversion.findings}
    assert "prod: phase AUTHZ" in messages[RuleId.SHARED_EXTENSION_DIFFERS]
    assert "stage: not converted" in messages[RuleId.SHARED_EXTENSION_DIFFERS]
    assert "not active" in messages[RuleId.EXTENSION_INACTIVE]  # why stage did not convert it


def test_each_cluster_keeps_its_own_control_plane_settings() -> None:
    disabled = SMCP.replace("enabled: true", "enabled: false")
    migration = migrate(clusters(prod=PROD, stage=disabled + sme("jwt-claims", phase="PostAuthN",
                                                                 priority=10)), Options())
    assert set(priorities(migration)) == {(("prod",), "jwt-claims"), (("prod",), "rate-limit")}
    (inactive,) = [f for f in migration.findings if f.rule == RuleId.EXTENSION_INACTIVE]
    assert "(mesh istio-system in stage)" in inactive.message


def test_verify_compares_each_cluster_with_its_own_plugins() -> None:
    before = clusters(prod=PROD, stage=STAGE)
    migration = migrate(before, Options())
    after_resources = [Resource(dict(plugin), Location(f"{scopes[0]}/plugins.yaml"),
                                scopes=scopes)
                       for scopes, _, plugin in migration.scoped_output_plugins]
    after = build_inventory(after_resources)
    assert state_differences(before, after, Options()) == []
    swapped = [dataclasses.replace(r, scopes=("stage",) if r.scopes == ("prod",) else ("prod",))
               for r in after_resources]
    lines = state_differences(before, build_inventory(swapped), Options())
    assert lines and all(line.startswith(("mesh istio-system in prod:",
                                          "mesh istio-system in stage:")) for line in lines)


EARLIER = """---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: jwt-claims
  namespace: istio-system
  annotations: {sme-migrate.io/maistra-order: PostAuthN 10}
spec: {url: oci://registry.example.com/jwt-claims:1, phase: AUTHZ, priority: 10}
"""


def test_a_shared_earlier_plugin_is_renumbered_only_when_every_cluster_agrees() -> None:
    prod = SMCP + sme("rate-limit", phase="PostAuthN", priority=10)  # ties: jwt-claims to 20
    stage = SMCP + sme("header-check", phase="PostAuthN", priority=5)  # 10 keeps its place
    migration = migrate(clusters(shared=EARLIER, prod=prod, stage=stage), Options())
    assert migration.priority_updates == ()
    (finding,) = [f for f in migration.findings if f.rule == RuleId.SHARED_EXTENSION_DIFFERS]
    assert finding.resource is not None and finding.resource.kind == "WasmPlugin"
    assert "(prod: 20; stage: 10)" in finding.message and "left at 10" in finding.message
    agreed = migrate(clusters(shared=EARLIER, prod=prod, stage=prod), Options())
    assert [(r.plugin.name, r.priority) for r in agreed.priority_updates] == [("jwt-claims", 20)]
