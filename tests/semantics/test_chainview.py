"""The chain view: names, grouping, marks and the verdict's exit status."""

from __future__ import annotations

from pathlib import Path

from migrate.pipeline.chains import exit_code
from migrate.pipeline.status import ExitCode
from migrate.semantics.chainview import Mark, Verdict, display_name, matches
from tests.support.chains import MIXED, view_of

EXTENSION = """apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata: {name: tagger, namespace: istio-system}
spec: {image: registry.example.com/tagger:1.0, phase: PostAuthZ, priority: 5}
"""
DEPLOYMENT = """---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app-%d, namespace: shop}
spec:
  selector: {matchLabels: {app: app-%d}}
  template:
    metadata: {labels: {app: app-%d}}
    spec: {containers: [{name: c, image: example.com/app:1}]}
"""


def test_simulated_ids_lose_their_location_and_built_ins_read_as_filters() -> None:
    assert display_name("shop/api-key@testdata/x.yaml:12") == "shop/api-key"
    assert display_name("<authn>") == "jwt/authn"
    assert display_name("<ext_authz>") == "ext_authz"


def test_workload_matches_its_namespace_or_the_end_of_its_source() -> None:
    assert matches("shop/web", "Deployment shop/web", "shop")
    assert matches("shop", "Deployment shop/web", "shop")
    assert not matches("shop/we", "Deployment shop/web", "shop")


def test_five_hundred_workloads_with_one_chain_are_one_group(tmp_path: Path) -> None:
    text = EXTENSION + "".join(DEPLOYMENT % (i, i, i) for i in range(500))
    (tmp_path / "mesh.yaml").write_text(text)
    view = view_of(tmp_path)
    assert [len(g.workloads) for g in view.groups] == [500]
    assert view.groups[0].verdict is Verdict.IDENTICAL


def test_a_moved_plugin_is_an_error_listed_first_and_exits_1() -> None:
    tampered, kept = view_of(MIXED, tampered=True), view_of(MIXED)
    first = tampered.groups[0]
    assert first.verdict is Verdict.MOVED and first.rules == ("SME020",)
    assert {e.name for e in first.maistra if e.mark is Mark.MOVED} == {
        "istio-system/after-authn", "istio-system/before-authz"}
    assert exit_code(tampered) is ExitCode.FINDINGS
    assert exit_code(kept) is ExitCode.CLEAN


def test_the_gateway_marks_the_cors_and_fault_filters_as_known() -> None:
    view = view_of(MIXED, workload="istio-system")
    gateway = next(g for g in view.groups if "ingressgateway" in g.workloads[0])
    assert gateway.verdict is Verdict.KNOWN and gateway.rules == ("SME035",)
    assert {e.name for e in gateway.istio if e.mark is Mark.KNOWN} >= {"cors", "fault",
                                                                       "istio-system/edge-auth"}
