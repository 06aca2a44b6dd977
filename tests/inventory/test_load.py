from pathlib import Path

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
