"""`convert --cluster`: WasmPlugins from what ran (status), ordered as the workloads saw them."""

from __future__ import annotations

from typing import Any

import yaml

from tests.sources.cluster.conftest import Cluster
from tests.sources.cluster.mesh import control_plane, extension, member_roll


def plugins(stdout: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in yaml.safe_load_all(stdout) if d}


def test_convert_prints_plugins_with_the_priorities_status_recorded(cluster: Cluster) -> None:
    """No spec.priority: the cacher took it from the image's manifest.yaml into status."""
    cluster.api.objects.clear()
    cluster.api.add(control_plane(), member_roll(),
                    extension("istio-system", "first", "PostAuthN", 300),
                    extension("bookinfo", "second", "PostAuthN", 200),
                    extension("shop", "third", "PreStats", 7))
    outcome = cluster.run("convert", "--fail-on", "never")
    assert outcome.exit_code == 0, outcome.stderr
    found = plugins(outcome.stdout)
    assert {n: (p["spec"]["phase"], p["spec"]["priority"]) for n, p in found.items()} == {
        "first": ("AUTHZ", 300), "second": ("AUTHZ", 200), "third": ("STATS", 7)}
    assert found["second"]["metadata"]["namespace"] == "bookinfo"
    assert all("status" not in p and "uid" not in p["metadata"] for p in found.values())
    assert cluster.api.writes() == []


def test_a_phase_only_status_means_priority_zero(cluster: Cluster) -> None:
    cluster.api.objects.clear()
    cluster.api.add(control_plane(), member_roll(),
                    extension("bookinfo", "zero", "PreAuthN", priority=None))
    found = plugins(cluster.run("convert", "--fail-on", "never").stdout)
    assert found["zero"]["spec"]["priority"] == 0


def test_convert_as_json_list(cluster: Cluster) -> None:
    outcome = cluster.run("convert", "-o", "json", "--fail-on", "never")
    listed = outcome.json()
    assert listed["kind"] == "List"
    assert sorted(i["metadata"]["name"] for i in listed["items"]) == ["headers", "mesh-auth"]


def test_status_wins_over_an_unapplied_spec_edit(cluster: Cluster) -> None:
    """spec.priority was edited to 50 and spec.phase to PreStats; the cacher never applied
    either: what ran is the status, and the plugins keep the order the workloads saw."""
    cluster.api.objects.clear()
    edited = extension("istio-system", "edited", "PostAuthN", 10, spec_priority=50)
    edited["spec"]["phase"] = "PreStats"
    cluster.api.add(control_plane(), member_roll(), edited,
                    extension("istio-system", "other", "PostAuthN", 20))
    outcome = cluster.run("convert", "--fail-on", "never")
    found = plugins(outcome.stdout)
    assert (found["edited"]["spec"]["phase"], found["edited"]["spec"]["priority"]) == (
        "AUTHZ", 10)
    assert found["other"]["spec"]["priority"] > found["edited"]["spec"]["priority"]
    [line] = [x for x in outcome.stderr.splitlines() if "SME031" in x and "edited" in x]
    assert "PreStats" in line and "50" in line


