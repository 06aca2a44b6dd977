"""Malformed but parseable manifests (any JSON value where a field is expected) never crash the
conversion: each ServiceMeshExtension is still reported, converted or not."""

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrate.inventory.build import build_inventory
from migrate.model import Location, Resource
from migrate.semantics.migration import migrate
from migrate.semantics.outcome import Options

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                  max_size=3),
    max_leaves=6,
)
SPEC_FIELDS = ("image", "phase", "priority", "config", "workloadSelector", "imagePullPolicy",
               "imagePullSecrets")
# The right keys with wrong values reach deeper than random keys ever would.
DEPLOYMENT = JSON | st.fixed_dictionaries(
    {}, optional={"ready": JSON, "message": JSON, "containerSha256": JSON})
STATUS = JSON | st.fixed_dictionaries(
    {"deployment": DEPLOYMENT}, optional={"phase": JSON, "priority": JSON})
NESTED = {"workloadSelector": st.fixed_dictionaries({"labels": JSON}),
          "imagePullSecrets": st.lists(JSON | st.fixed_dictionaries({"name": JSON}), max_size=2),
          "config": st.fixed_dictionaries({"raw_v1alpha1_config": JSON})}


@st.composite
def extension(draw: st.DrawFn) -> dict[str, Any]:
    spec: dict[str, Any] = {"image": "r/x:1", "phase": "PreAuthN"}
    for field in draw(st.lists(st.sampled_from(SPEC_FIELDS), max_size=4, unique=True)):
        spec[field] = draw(NESTED[field] | JSON if field in NESTED else JSON)
    body: dict[str, Any] = {"apiVersion": "maistra.io/v1", "kind": "ServiceMeshExtension",
                            "metadata": {"name": "ext", "namespace": "istio-system"},
                            "spec": draw(st.sampled_from([spec, spec, draw(JSON)]))}
    if draw(st.booleans()):
        body["status"] = draw(STATUS)
    if draw(st.booleans()):
        body["metadata"] = draw(st.sampled_from([body["metadata"], draw(JSON)]))
    return body


def other(kind: str, api_version: str) -> Any:
    return st.fixed_dictionaries({"apiVersion": st.just(api_version), "kind": st.just(kind),
                                  "metadata": JSON, "spec": JSON})


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(bodies=st.lists(extension() | extension() | other("ServiceMeshControlPlane", "maistra.io/v2")
                       | other("ServiceMeshMemberRoll", "maistra.io/v1")
                       | other("WasmPlugin", "extensions.istio.io/v1alpha1")
                       | other("Deployment", "apps/v1"), min_size=1, max_size=5))
def test_malformed_fields_never_crash_and_every_extension_is_reported(
    bodies: list[dict[str, Any]]
) -> None:
    resources = [Resource(b, Location(f"f{i}.yaml", 1, 0)) for i, b in enumerate(bodies)]
    result = migrate(build_inventory(resources), Options())
    reported = [f for f in result.findings if f.rule in ("SME001", "SME030")]
    assert len(reported) == sum(1 for b in bodies if b["kind"] == "ServiceMeshExtension")
