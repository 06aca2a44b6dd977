"""`scan --cluster` end to end: the real CLI, the real `kubernetes` client, the test API server."""

from __future__ import annotations

import re
from typing import Any

from tests.sources.cluster.conftest import Cluster
from tests.sources.cluster.mesh import extension
from tests.support.kube_api import TOKEN


def by_rule(document: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in document["findings"] if f["rule"] == rule]


def subjects(findings: list[dict[str, Any]]) -> set[str]:
    return {f"{f['resource']['namespace']}/{f['resource']['name']}" for f in findings}


def test_mesh_scan_reports_what_ran_and_what_did_not(cluster: Cluster) -> None:
    outcome = cluster.run("scan", "-o", "json")
    assert outcome.exit_code == 1, outcome.stderr  # SME001 errors: the upgrade is blocked
    document = outcome.json()
    assert subjects(by_rule(document, "SME001")) >= {
        "istio-system/mesh-auth", "bookinfo/headers", "bookinfo/broken", "shop/typo"}
    inactive = {f["resource"]["name"]: f["message"] for f in by_rule(document, "SME016")}
    assert set(inactive) == {"broken", "stray"}
    assert "not ready" in inactive["broken"]
    assert "namespace outside is not a member" in inactive["stray"]
    assert subjects(by_rule(document, "SME004")) == {"shop/typo"}
    assert document["summary"]["cluster"] == "test-cluster"
    assert document["summary"]["converted"] == 2  # mesh-auth and headers


def test_findings_name_the_cluster_object_and_no_file(cluster: Cluster) -> None:
    finding = by_rule(cluster.scan().json(), "SME001")[0]
    assert finding["location"] is None
    assert finding["resource"] == {"apiVersion": "maistra.io/v1",
                                   "kind": "ServiceMeshExtension",
                                   "namespace": finding["resource"]["namespace"],
                                   "name": finding["resource"]["name"]}


def test_activity_is_checked_from_the_cluster(cluster: Cluster) -> None:
    """Status, member roll and control plane are all read: nothing is left unchecked."""
    document = cluster.scan().json()
    assert by_rule(document, "SME017") == []


def test_real_workloads_decide_the_traffic_direction(cluster: Cluster) -> None:
    """headers selects productpage, whose pods are sidecars: `match: SERVER`, no warning."""
    outcome = cluster.run("convert", "--target-version", "2.4")
    assert outcome.exit_code == 1  # broken, typo and stray stay unconverted
    assert "name: headers" in outcome.stdout
    plugin = outcome.stdout.split("name: headers", 1)[1]
    assert "mode: SERVER" in plugin.split("---", 1)[0]
    headers_warnings = [line for line in outcome.stderr.splitlines()
                        if "SME010" in line and "headers" in line]
    assert headers_warnings == []


def test_scan_never_writes_and_never_shows_the_token(cluster: Cluster) -> None:
    for outcome in (cluster.run("scan"), cluster.scan(), cluster.run("convert")):
        assert TOKEN not in outcome.stdout + outcome.stderr
    assert cluster.api.requests
    assert cluster.api.writes() == []


def test_text_summary_names_the_context(cluster: Cluster) -> None:
    outcome = cluster.run("scan", "--fail-on", "never")
    assert outcome.exit_code == 0
    assert re.match(r"\d+ errors, \d+ warnings, \d+ info in cluster context test-cluster",
                    outcome.stdout.splitlines()[-1])
    assert "(cluster context test-cluster)" in outcome.stdout


def test_pagination_reads_every_page(cluster: Cluster) -> None:
    cluster.api.objects.clear()
    cluster.api.add(*(extension("istio-system", f"ext-{i}", "PreAuthN", 10 + i)
                      for i in range(7)))
    document = cluster.scan("--chunk-size", "2").json()
    assert subjects(by_rule(document, "SME001")) == {f"istio-system/ext-{i}" for i in range(7)}
    pages = cluster.api.lists("servicemeshextensions")
    assert [r.query.get("limit") for r in pages] == ["2"] * 4
    assert [bool(r.query.get("continue")) for r in pages] == [False, True, True, True]


def test_a_server_that_pages_on_its_own_is_followed(cluster: Cluster) -> None:
    cluster.api.objects.clear()
    cluster.api.add(*(extension("istio-system", f"ext-{i}", "PreAuthN", 10 + i)
                      for i in range(7)))
    cluster.api.max_limit = 3
    document = cluster.scan().json()
    assert len(by_rule(document, "SME001")) == 7
    assert len(cluster.api.lists("servicemeshextensions")) == 3


def test_an_expired_continue_token_restarts_the_list(cluster: Cluster) -> None:
    cluster.api.objects.clear()
    cluster.api.add(*(extension("istio-system", f"ext-{i}", "PreAuthN", 10 + i)
                      for i in range(7)))
    cluster.api.expire_once.add("servicemeshextensions")
    document = cluster.scan("--chunk-size", "2").json()
    found = by_rule(document, "SME001")
    assert len(found) == 7 and len(subjects(found)) == 7  # each once, none lost
    pages = cluster.api.lists("servicemeshextensions")
    first_try, restart = [False, True], [False, True, True, True]  # 410 on the 2nd page
    assert [bool(r.query.get("continue")) for r in pages] == [*first_try, *restart]
    assert by_rule(document, "SME073") == []


def test_a_briefly_unavailable_server_is_asked_again(cluster: Cluster) -> None:
    cluster.api.unavailable["servicemeshextensions"] = 2
    document = cluster.scan().json()
    assert len(by_rule(document, "SME001")) == 4  # outside/stray is SME030: it blocks nothing
    assert len(cluster.api.lists("servicemeshextensions")) == 3


def test_a_list_that_keeps_failing_is_a_finding_and_the_scan_goes_on(cluster: Cluster) -> None:
    cluster.api.unavailable["servicemeshextensions"] = 99
    outcome = cluster.scan()
    assert outcome.exit_code == 0
    failed = by_rule(outcome.json(), "SME073")
    assert len(failed) == 1 and "servicemeshextensions.maistra.io" in failed[0]["message"]
    assert "503" in failed[0]["message"]


def test_a_cluster_without_maistra_is_clean(cluster: Cluster) -> None:
    cluster.api.without("maistra.io")
    outcome = cluster.run("scan", "-o", "json")
    assert outcome.exit_code == 0, outcome.stdout
    document = outcome.json()
    assert {f["rule"] for f in document["findings"]} == {"SME071"}
    assert "ServiceMeshExtension" in document["findings"][0]["message"]
    assert document["summary"]["extensions"] == 0
    assert not [r for r in cluster.api.requests if "maistra.io/" in r.path]


def test_a_cluster_without_istio_apis_still_scans_the_extensions(cluster: Cluster) -> None:
    cluster.api.without("extensions.istio.io", "security.istio.io", "networking.istio.io")
    document = cluster.scan().json()
    missing = " ".join(f["message"] for f in by_rule(document, "SME071"))
    assert "WasmPlugin" in missing and "VirtualService" in missing
    assert len(by_rule(document, "SME001")) == 4  # outside/stray is SME030: it blocks nothing


def test_one_namespace_listed(cluster: Cluster) -> None:
    document = cluster.scan("-n", "bookinfo").json()
    assert subjects(by_rule(document, "SME001")) == {"bookinfo/headers", "bookinfo/broken"}
    lists = [r.path for r in cluster.api.requests if r.query.get("limit")]
    assert lists and all(p.startswith(("/api/v1/namespaces/bookinfo/",
                                       "/apis/")) for p in lists)
    assert all("/namespaces/bookinfo/" in p for p in lists)


def test_v1alpha1_is_read_where_v1_is_not_served(cluster: Cluster) -> None:
    """Maistra 1.x served only v1alpha1 (config a string); where v1 is served, v1alpha1 holds
    the same objects and is not read again."""
    from tests.support.kube_api import SME

    cluster.api.types = tuple(t for t in cluster.api.types if t != SME)
    cluster.api.objects.clear()
    old = extension("istio-system", "old", "PreAuthN", 3)
    cluster.api.add({**old, "apiVersion": "maistra.io/v1alpha1",
                     "spec": {**old["spec"], "config": '{"a": 1}'}})
    outcome = cluster.run("convert", "--fail-on", "never")
    assert "name: old" in outcome.stdout and "a: 1" in outcome.stdout
    assert [r.path for r in cluster.api.lists("servicemeshextensions")] == [
        "/apis/maistra.io/v1alpha1/servicemeshextensions"]


def test_v1_is_preferred_when_both_are_served(cluster: Cluster) -> None:
    cluster.scan()
    assert [r.path for r in cluster.api.lists("servicemeshextensions")] == [
        "/apis/maistra.io/v1/servicemeshextensions"]
