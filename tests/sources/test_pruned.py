"""Workloads read from pruned documents are exactly those read from fully built ones."""

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from migrate.inventory.workloads import workloads_of
from migrate.sources.documents import parse_for_placement, parse_text

CASES = {
    "deployment": """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {team: a}}
spec:
  replicas: 2
  template:
    metadata:
      labels: {app: web, version: "1.10"}
      annotations: {sidecar.istio.io/inject: "true"}
    spec:
      containers: [{name: web, image: r/web:1, env: [{name: A, value: b}]}]
""",
    "merge-keys-and-anchors": """
x-labels: &labels {app: api, tier: backend}
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    metadata:
      labels:
        <<: *labels
        version: v2
    spec:
      containers: [{name: api, image: r/api:1}]
""",
    "gateway-by-proxy-args": """
apiVersion: apps/v1
kind: Deployment
metadata: {name: edge, namespace: istio-system}
spec:
  template:
    metadata: {labels: {app: edge}}
    spec:
      containers:
        - name: istio-proxy
          image: registry.redhat.io/openshift-service-mesh/proxyv2-rhel8:2.2
          args: [proxy, router]
""",
    "gateway-injection-template": """
apiVersion: apps/v1
kind: Deployment
metadata: {name: gw}
spec:
  template:
    metadata:
      annotations: {inject.istio.io/templates: gateway}
      labels: {app: gw}
    spec: {containers: [{name: istio-proxy, image: auto}]}
""",
    "cronjob-pod-and-list": """
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: batch}
spec:
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: nightly}}
        spec: {containers: [{name: c, image: r/c:1}]}
---
apiVersion: v1
kind: Pod
metadata: {name: debug, labels: {app: debug}, annotations: {sidecar.istio.io/inject: "false"}}
spec: {containers: [{name: c, image: r/c:1}]}
---
apiVersion: v1
kind: List
items:
  - apiVersion: apps.openshift.io/v1
    kind: DeploymentConfig
    metadata: {name: legacy, namespace: old}
    spec:
      template:
        metadata: {labels: {app: legacy}}
        spec: {containers: [{name: c, image: r/c:1}]}
""",
    "json-with-tabs": '{\n\t"apiVersion": "apps/v1", "kind": "StatefulSet",\n\t"metadata": '
                      '{"name": "db"},\n\t"spec": {"template": {"metadata": {"labels": '
                      '{"app": "db"}}, "spec": {"containers": [{"name": "db", "image": "x"}]}}}}\n',
}


def from_both(text: str) -> tuple[list[Any], list[Any]]:
    full = [w for r in parse_text(text, "f.yaml") for w in workloads_of(r)]
    pruned = [w for r in parse_for_placement(text, "f.yaml") for w in workloads_of(r)]
    return full, pruned


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_pruned_documents_give_the_same_workloads(text: str) -> None:
    full, pruned = from_both(text)
    assert full and pruned == full


LABELS = st.dictionaries(st.sampled_from(["app", "istio", "version", "tier"]),
                         st.sampled_from(["web", "ingressgateway", "1.0", "true", "x"]),
                         max_size=3)


@st.composite
def workload(draw: st.DrawFn) -> dict[str, Any]:
    template = {"metadata": {"labels": draw(LABELS),
                             "annotations": draw(st.dictionaries(
                                 st.sampled_from(["sidecar.istio.io/inject",
                                                  "inject.istio.io/templates"]),
                                 st.sampled_from(["true", "false", "gateway"]), max_size=2))},
                "spec": {"containers": [{"name": "c", "image": draw(st.sampled_from(
                    ["r/app:1", "r/proxyv2:2"])), "args": draw(st.sampled_from(
                        [["router"], ["proxy", "sidecar"], []]))}]}}
    kind = draw(st.sampled_from(["Deployment", "StatefulSet", "Job", "ConfigMap"]))
    return {"apiVersion": "apps/v1", "kind": kind,
            "metadata": {"name": "w", "namespace": draw(st.sampled_from(["a", "b"]))},
            "spec": {"replicas": 1, "template": template}}


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(docs=st.lists(workload(), min_size=1, max_size=4), flow=st.booleans())
def test_any_workload_stream_gives_the_same_workloads(docs: list[dict[str, Any]],
                                                      flow: bool) -> None:
    text = yaml.safe_dump_all(docs, default_flow_style=flow)
    full, pruned = from_both(text)
    assert pruned == full
