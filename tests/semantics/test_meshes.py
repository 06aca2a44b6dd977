from migrate.semantics.meshes import build_meshes, mesh_of
from migrate.semantics.migration import migrate
from migrate.semantics.outcome import Options
from tests.support.resources import inventory, sme

SMCP = """
---
apiVersion: maistra.io/v2
kind: ServiceMeshControlPlane
metadata: {name: basic, namespace: %(ns)s}
spec:
  version: %(version)s
%(extra)s
"""
SMMR = """
---
apiVersion: maistra.io/v1
kind: ServiceMeshMemberRoll
metadata: {name: default, namespace: %(ns)s}
spec:
  members: [%(members)s]
"""


def smcp(ns: str = "istio-system", version: str = "v2.2", extra: str = "") -> str:
    return SMCP % {"ns": ns, "version": version, "extra": extra}


def smmr(ns: str, *members: str) -> str:
    return SMMR % {"ns": ns, "members": ", ".join(members)}


def rules_for(text: str, name: str, **options: object) -> set[str]:
    result = migrate(inventory(text), Options(**options))  # type: ignore[arg-type]
    return {f.rule for f in result.findings if f.resource and f.resource.name == name}


def converted(text: str, **options: object) -> set[str]:
    result = migrate(inventory(text), Options(**options))  # type: ignore[arg-type]
    return {p["metadata"]["name"] for p in result.plugins}


def test_each_control_plane_is_its_own_mesh_with_its_own_members() -> None:
    text = smcp("mesh-a") + smmr("mesh-a", "shop") + smcp("mesh-b") + smmr("mesh-b", "blog")
    meshes = build_meshes(inventory(text), "istio-system")
    assert [m.root for m in meshes] == ["mesh-a", "mesh-b"]
    assert mesh_of("blog", meshes, "istio-system").root == "mesh-b"  # type: ignore[union-attr]
    assert mesh_of("elsewhere", meshes, "istio-system") is None


def test_service_mesh_member_joins_a_namespace_to_its_control_plane() -> None:
    text = (
        smcp("mesh-a")
        + smmr("mesh-a")
        + """
---
apiVersion: maistra.io/v1
kind: ServiceMeshMember
metadata: {name: default, namespace: late}
spec:
  controlPlaneRef: {name: basic, namespace: mesh-a}
"""
    )
    meshes = build_meshes(inventory(text), "istio-system")
    assert mesh_of("late", meshes, "istio-system").root == "mesh-a"  # type: ignore[union-attr]


def test_priorities_are_assigned_per_mesh() -> None:
    text = (
        smcp("mesh-a")
        + smmr("mesh-a", "shop")
        + smcp("mesh-b")
        + smmr("mesh-b", "blog")
        + sme("one", "shop", phase="PostAuthN", priority=1)
        + sme("two", "shop", phase="PreAuthZ", priority=5)
        + sme("three", "blog", phase="PreAuthZ", priority=5)
    )
    result = migrate(inventory(text), Options())
    priorities = {p["metadata"]["name"]: p["spec"]["priority"] for p in result.plugins}
    assert priorities["one"] > priorities["two"]
    assert priorities["three"] == 5  # alone in its mesh: the original value is kept


def test_extension_outside_every_mesh_was_inactive_and_is_not_converted() -> None:
    text = smcp() + smmr("istio-system", "shop") + sme("ext", "blog", phase="PreAuthN")
    assert "SME016" in rules_for(text, "ext")
    assert converted(text) == set()
    assert converted(text, convert_inactive=True) == {"ext"}


def test_disabled_wasm_extensions_mean_inactive_extensions() -> None:
    off = smcp(extra="  techPreview:\n    wasmExtensions:\n      enabled: false\n")
    assert converted(off + sme("ext", phase="PreAuthN")) == set()
    default_2_0 = smcp(version="v2.0")
    assert "SME016" in rules_for(default_2_0 + sme("ext", phase="PreAuthN"), "ext")
    default_2_1 = smcp(version="v2.1")
    assert converted(default_2_1 + sme("ext", phase="PreAuthN")) == {"ext"}


def test_not_ready_extension_is_inactive_with_the_reason() -> None:
    text = sme("ext", phase="PreAuthN") + "status:\n  deployment: {ready: false, message: boom}\n"
    result = migrate(inventory(text), Options())
    (finding,) = [f for f in result.findings if f.rule == "SME016"]
    assert "not ready (boom)" in finding.message and result.plugins == []


def test_unknown_activity_is_an_info_finding_naming_what_is_missing() -> None:
    result = migrate(inventory(sme("ext", "shop", phase="PreAuthN")), Options())
    (finding,) = [f for f in result.findings if f.rule == "SME017"]
    assert "readiness" in finding.message and "ServiceMeshMemberRoll" in finding.message
    assert "ServiceMeshControlPlane" in finding.message


def test_control_plane_namespace_option_is_used_without_an_smcp() -> None:
    text = sme("a", "mesh-x", phase="PreAuthZ", priority=1) + sme(
        "b", "mesh-x", phase="PostAuthN", priority=1
    )
    result = migrate(inventory(text), Options(control_plane_namespace="mesh-x"))
    assert [m.root for m in result.meshes] == ["mesh-x"]


def test_control_plane_findings() -> None:
    assert "SME012" in rules_for(smcp(version="v2.1"), "basic")
    assert "SME012" not in rules_for(smcp(version="v2.2"), "basic")
    with_preview = smcp(extra="  techPreview:\n    wasmExtensions:\n      enabled: true\n")
    assert "SME011" in rules_for(with_preview, "basic")
    assert "SME011" not in rules_for(smcp(), "basic")


def test_dev_api_is_reported_not_converted() -> None:
    text = sme("ext", phase="PreAuthN").replace("maistra.io/v1", "extensions.maistra.io/v1alpha1")
    assert "SME019" in rules_for(text, "ext") and converted(text) == set()


def test_unknown_and_unresolved_phases() -> None:
    assert "SME004" in rules_for(sme("ext", phase="PostAuthz"), "ext")
    assert "SME003" in rules_for(sme("ext"), "ext")
    assert converted(sme("a", phase="PostAuthz") + sme("b")) == set()


def test_existing_wasmplugin_interleaving_migrated_priorities_is_reported() -> None:
    existing = """
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: legacy, namespace: istio-system}
spec: {url: oci://r/legacy:1, phase: AUTHZ, priority: %d}
"""
    mesh = sme("a", phase="PostAuthN", priority=50) + sme("b", phase="PreAuthZ", priority=10)
    assert "SME014" in rules_for(mesh + existing % 30, "legacy")
    assert "SME014" in rules_for(mesh + existing % 10, "legacy")
    assert "SME014" not in rules_for(mesh + existing % 1000, "legacy")


def test_namespace_unset_is_an_application_namespace() -> None:
    assert "SME023" in rules_for(sme("ext", None, phase="PreAuthN"), "ext")


def test_a_malformed_status_is_read_as_not_ready_without_crashing() -> None:
    for status in ("status: {deployment: pending}\n", "status: {deployment: [1]}\n",
                   "status: pending\n"):
        text = sme("ext", phase="PreAuthN") + status
        result = migrate(inventory(text), Options())
        assert result.plugins == []
        (inactive,) = [f for f in result.findings if f.rule == "SME016"]
        assert "not ready" in inactive.message
