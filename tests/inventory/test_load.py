from pathlib import Path

import pytest

from tests.support.cli import sme_migrate

BASE = """apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata:
  name: header-append
  namespace: istio-system
spec:
  image: quay.io/maistra-dev/header-append-filter:2.2
  phase: PostAuthZ
  priority: 100
  config: {custom-header: test}
"""
PATCH = """apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata:
  name: header-append
  namespace: istio-system
spec:
  priority: 200
"""


def overlay_repo(root: Path) -> Path:
    (root / "base").mkdir(parents=True)
    (root / "base" / "extension.yaml").write_text(BASE)
    (root / "base" / "kustomization.yaml").write_text("resources:\n  - extension.yaml\n")
    (root / "prod").mkdir()
    (root / "prod" / "priority.yaml").write_text(PATCH)
    (root / "prod" / "kustomization.yaml").write_text(
        "resources:\n  - ../base\npatchesStrategicMerge:\n  - priority.yaml\n")
    return root


def test_strategic_merge_patch_file_is_a_patch_not_an_extension(tmp_path: Path) -> None:
    report = sme_migrate("scan", str(overlay_repo(tmp_path)), "--format", "json",
                         "--fail-on", "never").json()
    sme_found = [f for f in report["findings"] if f["rule"] == "SME001"]
    assert [f["location"]["path"] for f in sme_found] == [str(tmp_path / "base/extension.yaml")]
    (patch,) = [f for f in report["findings"] if f["rule"] == "SME024"]
    assert patch["location"] == {"path": str(tmp_path / "prod/kustomization.yaml"), "line": 4}
    assert "priority.yaml" in patch["message"]
    assert report["summary"]["extensions"] == 1


def test_inline_json6902_patch_targeting_an_extension_is_reported(tmp_path: Path) -> None:
    repo = overlay_repo(tmp_path)
    (repo / "prod" / "kustomization.yaml").write_text(
        "resources:\n  - ../base\npatchesJson6902:\n  - target:\n      kind: ServiceMeshExtension\n"
        "      name: header-append\n    path: priority.json\n")
    (repo / "prod" / "priority.yaml").unlink()
    report = sme_migrate("scan", str(repo), "--format", "json", "--fail-on", "never").json()
    (patch,) = [f for f in report["findings"] if f["rule"] == "SME024"]
    assert patch["location"]["line"] == 4


SELECTING = """apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata: {name: audit, namespace: shop}
spec:
  image: quay.io/example/audit:1.0
  phase: PostAuthZ
  workloadSelector: {labels: {tier: backend}}
"""
WORKLOAD = """apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews, namespace: shop}
spec:
  template:
    metadata: {labels: {app: reviews, version: v1, tier: backend}}
    spec: {containers: [{name: reviews, image: example/reviews:1}]}
"""
SERVICES = {
    "block": "apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  namespace: shop\n"
             "spec:\n  selector:\n    app: reviews\n  ports:\n  - port: 80\n",
    "flow": "apiVersion: v1\nkind: Service\nmetadata: {name: reviews, namespace: shop}\n"
            "spec: {selector: {app: 'reviews'}, ports: [{port: 80}]}\n",
    "json": '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "reviews", '
            '"namespace": "shop"}, "spec": {"selector": {"app": "reviews"}}}\n',
}


def _newly_reached(root: Path) -> list[str]:
    report = sme_migrate("scan", str(root), "-o", "json", "--fail-on", "never").json()
    return [f["message"] for f in report["findings"] if f["rule"] == "SME038"]


@pytest.mark.parametrize("style", sorted(SERVICES))
def test_a_service_in_a_file_of_its_own_is_seen_in_any_style(tmp_path: Path, style: str) -> None:
    (tmp_path / "extension.yaml").write_text(SELECTING)
    (tmp_path / "deployment.yaml").write_text(WORKLOAD)
    (tmp_path / "service.json" if style == "json" else tmp_path / "service.yaml").write_text(
        SERVICES[style])
    assert _newly_reached(tmp_path) == []


def test_a_service_of_another_pod_does_not_count(tmp_path: Path) -> None:
    (tmp_path / "extension.yaml").write_text(SELECTING)
    (tmp_path / "deployment.yaml").write_text(WORKLOAD)
    (tmp_path / "service.yaml").write_text(SERVICES["block"].replace("app: reviews", "app: other"))
    (reached,) = _newly_reached(tmp_path)
    assert "Deployment shop/reviews" in reached


CONTROL_PLANE = """apiVersion: maistra.io/v2
kind: ServiceMeshControlPlane
metadata: {name: basic, namespace: istio-system}
spec: {version: v2.2}
"""
EDGE = """apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata: {name: edge, namespace: istio-system}
spec:
  image: quay.io/example/edge:1.0
  phase: PreAuthZ
  priority: 1
  workloadSelector: {labels: {istio: ingressgateway}}
  config: {a: 1}
"""
CORS_ROUTE = """apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  gateways: [public]
  http:
  - corsPolicy: {allowOrigins: []}
    route: []
"""


def istio_gateway(selector: str) -> str:
    return ("apiVersion: networking.istio.io/v1beta1\nkind: Gateway\n"
            f"metadata:\n  name: public\n  namespace: shop\nspec:\n  selector:\n    {selector}\n")


EGRESS_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: egress, namespace: shop}
spec:
  template:
    metadata: {labels: {app: egress}}
    spec: {containers: [{name: istio-proxy, image: example/proxy:1}]}
"""


def _moved_by_routes(root: Path) -> bool:
    report = sme_migrate("scan", str(root), "-o", "json", "--fail-on", "never").json()
    return any(f["rule"] == "SME035" for f in report["findings"])


@pytest.mark.parametrize(("selector", "moved"), [("istio: ingressgateway", True),
                                                 ("istio: egressgateway", False),
                                                 ("app: egress", False)])
def test_a_gateway_in_a_file_of_its_own_decides_where_a_routes_filters_run(
        tmp_path: Path, selector: str, moved: bool) -> None:
    """The route's CORS filter comes before the edge plugin only on the gateway it binds to."""
    for name, text in {"smcp.yaml": CONTROL_PLANE, "edge.yaml": EDGE, "route.yaml": CORS_ROUTE,
                       "gateway.yaml": istio_gateway(selector)}.items():
        (tmp_path / name).write_text(text)
    assert _moved_by_routes(tmp_path) is moved


def test_a_gateway_beside_a_deployment_counts_too(tmp_path: Path) -> None:
    for name, text in {"smcp.yaml": CONTROL_PLANE, "edge.yaml": EDGE, "route.yaml": CORS_ROUTE,
                       "egress.yaml": EGRESS_DEPLOYMENT + "---\n" + istio_gateway("app: egress")
                       }.items():
        (tmp_path / name).write_text(text)
    assert not _moved_by_routes(tmp_path)
    (tmp_path / "egress.yaml").write_text(EGRESS_DEPLOYMENT)  # the Gateway is not in the input
    assert _moved_by_routes(tmp_path)
