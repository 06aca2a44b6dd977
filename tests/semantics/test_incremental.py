"""A mesh migrated in steps: plugins an earlier run wrote join the order of the extensions left."""

import dataclasses

from migrate.semantics.meshchecks import equivalence_findings
from migrate.semantics.migration import migrate
from migrate.semantics.outcome import Migration, Options
from tests.support.resources import inventory, sme

EARLIER = """
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: identity-headers
  namespace: istio-system
  annotations:
    sme-migrate.io/maistra-order: PostAuthN 10
spec:
  url: oci://registry.example.com/identity-headers:1
  phase: AUTHZ
  priority: %d
"""
NEW = sme("authz-check", phase="PreAuthZ", priority=100, config={"a": 1})


def run(text: str) -> Migration:
    return migrate(inventory(text), Options())


def rules(result: Migration) -> list[str]:
    return [f.rule for f in result.findings]


def test_an_earlier_plugin_is_renumbered_to_stay_before_a_later_extension() -> None:
    result = run(EARLIER % 10 + NEW)
    (update,) = result.priority_updates
    (plugin,) = result.plugins
    assert update.priority > plugin["spec"]["priority"]  # PostAuthN still runs first
    assert update.updated_body()["spec"]["priority"] == update.priority
    assert "SME028" in rules(result)
    assert "SME014" not in rules(result) and "SME020" not in rules(result)


def test_an_earlier_plugin_that_already_fits_is_left_alone() -> None:
    result = run(EARLIER % 20 + NEW)
    assert result.priority_updates == () and "SME028" not in rules(result)
    assert [r.priority for r in result.reordered] == [20]


def test_without_extensions_left_nothing_is_renumbered() -> None:
    result = run(EARLIER % 10)
    assert result.reordered == () and result.findings == ()


def test_a_hand_written_plugin_without_the_annotation_is_only_reported() -> None:
    hand_written = (EARLIER % 100).replace("    sme-migrate.io/maistra-order: PostAuthN 10\n", "")
    result = run(hand_written.replace("annotations:\n", "annotations: {}\n") + NEW)
    assert result.reordered == () and "SME014" in rules(result)


def test_the_proof_covers_earlier_plugins_so_a_missed_update_is_caught() -> None:
    inv = inventory(EARLIER % 10 + NEW)
    result = migrate(inv, Options())
    stale = [dataclasses.replace(r, priority=r.plugin.priority or 0) for r in result.reordered]
    found = equivalence_findings(inv, result.meshes, result.conversions, Options(), stale)
    assert found and "identity-headers" in found[0].message
