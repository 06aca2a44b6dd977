from collections.abc import Mapping
from typing import Any

import pytest

from migrate.model import Severity
from migrate.semantics.migration import migrate
from migrate.semantics.outcome import Migration, Options
from migrate.semantics.versions import MeshVersion
from tests.support.crd import wasmplugin_validator
from tests.support.resources import inventory, sme

HEADER_APPEND = """
apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata:
  name: header-append
  namespace: istio-system
spec:
  config:
    first-header: some-value
    another-header: another-value
  image: quay.io/maistra-dev/header-append-filter:2.2
  phase: PostAuthZ
  priority: 100
  workloadSelector:
    labels:
      app: httpbin
"""
HTTPBIN = """
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: httpbin, namespace: bookinfo}
spec:
  template:
    metadata: {labels: {app: httpbin, version: v1}}
"""
GATEWAY = """
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: edge, namespace: istio-system}
spec:
  template:
    metadata: {labels: {istio: ingressgateway, app: edge}}
"""


def run(text: str, **options: Any) -> Migration:
    if "target" in options:
        options["target"] = MeshVersion.parse(options["target"])
    return migrate(inventory(text), Options(**options))


def only_plugin(result: Migration) -> Mapping[str, Any]:
    (plugin,) = result.plugins
    assert wasmplugin_validator().errors(plugin) == []
    return plugin


def rules_of(result: Migration) -> set[str]:
    return {f.rule for f in result.findings}


def test_red_hat_header_append_example() -> None:
    plugin = only_plugin(run(HEADER_APPEND))
    assert plugin["metadata"]["name"] == "header-append"
    assert plugin["metadata"]["namespace"] == "istio-system"
    assert plugin["spec"] == {
        "selector": {"matchLabels": {"app": "httpbin"}},
        "url": "oci://quay.io/maistra-dev/header-append-filter:2.2",
        "pluginName": "header-append_root",
        "phase": "STATS",
        "priority": 100,
        "pluginConfig": {"first-header": "some-value", "another-header": "another-value"},
    }


def test_v1alpha1_bare_word_config_is_not_representable_and_not_converted() -> None:
    text = HEADER_APPEND.replace("maistra.io/v1", "maistra.io/v1alpha1").replace(
        "  config:\n    first-header: some-value\n    another-header: another-value\n",
        "  config: test\n",
    )
    result = run(text)
    assert result.plugins == []
    (finding,) = [f for f in result.findings if f.rule == "SME002"]
    assert finding.severity is Severity.ERROR and "'test'" in finding.message


def test_metadata_is_copied_without_server_fields_and_records_its_source() -> None:
    text = HEADER_APPEND.replace(
        "  namespace: istio-system\n",
        """  namespace: istio-system
  labels: {team: edge}
  uid: 1234
  resourceVersion: "99"
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{}'
    owner: alice
""",
    )
    meta = only_plugin(run(text))["metadata"]
    assert meta["labels"] == {"team": "edge"}
    assert meta["annotations"] == {
        "owner": "alice",
        "sme-migrate.io/migrated-from": "maistra.io/v1 ServiceMeshExtension",
        "sme-migrate.io/maistra-order": "PostAuthZ 100",
    }
    assert set(meta) == {"name", "namespace", "labels", "annotations"}


def test_nothing_is_pinned_from_the_status_neither_container_digest_nor_module_hash() -> None:
    digest, module_hash = "a" * 64, "b" * 64
    text = (
        HEADER_APPEND
        + f"""status:
  phase: PostAuthZ
  priority: 100
  deployment: {{ready: true, containerSha256: "sha256:{digest}", sha256: {module_hash}}}
"""
    )
    assert "sha256" not in only_plugin(run(text))["spec"]


IMAGE = "quay.io/maistra-dev/header-append-filter:2.2"


def test_only_a_digest_the_module_check_accepted_is_pinned() -> None:
    plugin = only_plugin(run(HEADER_APPEND, module_digests={IMAGE: "d" * 64}))
    assert plugin["spec"]["sha256"] == "d" * 64


def test_a_failed_module_check_blocks_the_conversion_with_its_reason() -> None:
    result = run(HEADER_APPEND, module_failures={IMAGE: "the module check failed: MOD004 x"},
                 module_digests={IMAGE: "d" * 64})
    assert [c.plugin for c in result.conversions] == [None]
    (finding,) = [f for f in result.findings if f.rule == "SME065"]
    assert finding.severity is Severity.ERROR and "MOD004 x" in finding.message


@pytest.mark.parametrize(
    ("policy", "expected", "finding"),
    [
        ("Always", "Always", None),
        ("IfNotPresent", "IfNotPresent", None),
        ("Never", "IfNotPresent", "SME009"),
        (None, None, None),
    ],
)
def test_pull_policy(policy: str | None, expected: str | None, finding: str | None) -> None:
    text = sme(
        "ext", phase="PreAuthN", config={"a": 1}, **({"imagePullPolicy": policy} if policy else {})
    )
    result = run(text)
    assert only_plugin(result)["spec"].get("imagePullPolicy") == expected
    assert ("SME009" in rules_of(result)) is (finding == "SME009")


def test_only_the_first_pull_secret_survives_and_several_are_a_warning() -> None:
    several = run(sme("ext", phase="PreAuthN", imagePullSecrets=[{"name": "a"}, {"name": "b"}]))
    assert only_plugin(several)["spec"]["imagePullSecret"] == "a"
    (warning,) = [f for f in several.findings if f.rule == "SME008"]
    assert warning.severity is Severity.WARNING
    one = run(sme("ext", phase="PreAuthN", imagePullSecrets=[{"name": "a"}]))
    (note,) = [f for f in one.findings if f.rule == "SME008"]
    assert note.severity is Severity.INFO and "dockerconfigjson" in note.message


def test_empty_selector_is_omitted_and_missing_config_is_reported() -> None:
    result = run(sme("ext", phase="PreAuthN", workloadSelector={"labels": {}}))
    spec = only_plugin(result)["spec"]
    assert "selector" not in spec and "pluginConfig" not in spec
    assert "SME007" in rules_of(result)


@pytest.mark.parametrize("image", ["oci://r/x:1", "https://example.com/x.wasm", "file:///x.wasm"])
def test_urls_with_a_scheme_are_kept(image: str) -> None:
    assert only_plugin(run(sme("ext", phase="PreAuthN", image=image)))["spec"]["url"] == image


def test_sidecar_target_gets_server_match_from_ossm_2_4() -> None:
    assert only_plugin(run(HEADER_APPEND + HTTPBIN))["spec"]["match"] == [{"mode": "SERVER"}]
    on_2_4 = run(HEADER_APPEND + HTTPBIN, target="2.4")
    assert only_plugin(on_2_4)["spec"]["match"] == [{"mode": "SERVER"}]
    assert "SME010" not in rules_of(on_2_4)


def test_ossm_2_3_has_no_match_field_and_says_how_to_stay_inbound_only() -> None:
    result = run(HEADER_APPEND + HTTPBIN, target="2.3")
    assert "match" not in only_plugin(result)["spec"]
    (finding,) = [f for f in result.findings if f.rule == "SME010"]
    assert "APPLY_WASM_PLUGINS_TO_INBOUND_ONLY" in finding.message


def test_ossm_2_2_applies_plugins_inbound_only_so_nothing_is_needed() -> None:
    result = run(HEADER_APPEND, target="2.2")
    assert "match" not in only_plugin(result)["spec"] and "SME010" not in rules_of(result)


def test_gateway_target_never_gets_server_match() -> None:
    text = HEADER_APPEND.replace("app: httpbin", "istio: ingressgateway") + GATEWAY
    result = run(text)
    assert "match" not in only_plugin(result)["spec"] and "SME010" not in rules_of(result)


def test_selector_reaching_sidecars_and_gateways_gets_no_match_and_a_finding() -> None:
    text = (
        HEADER_APPEND.replace("app: httpbin", "app: edge")
        + GATEWAY
        + HTTPBIN.replace("app: httpbin", "app: edge")
    )
    result = run(text)
    assert "match" not in only_plugin(result)["spec"]
    (finding,) = [f for f in result.findings if f.rule == "SME010"]
    assert "sidecars and gateways" in finding.message and "Deployment istio-system/edge" in (
        finding.message
    )


def test_unknown_target_gets_no_match_and_a_finding() -> None:
    result = run(HEADER_APPEND)
    assert "match" not in only_plugin(result)["spec"] and "SME010" in rules_of(result)


def test_post_stats_is_approximated_and_poststats_is_lowest_in_stats() -> None:
    result = run(
        sme("late", phase="PostStats", priority=1000, config={"a": 1})
        + sme("early", phase="PostAuthZ", priority=-5, config={"a": 1})
    )
    priorities = {p["metadata"]["name"]: p["spec"]["priority"] for p in result.plugins}
    assert priorities["early"] > priorities["late"]
    assert "SME006" in rules_of(result)


def test_every_conversion_says_it_now_fails_closed() -> None:
    result = run(HEADER_APPEND)
    (finding,) = [f for f in result.findings if f.rule == "SME018"]
    assert finding.severity is Severity.INFO and "FAIL_CLOSE" in finding.message
