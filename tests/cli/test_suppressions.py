"""Suppressions through the real `scan`: flag, annotation (also on a kustomize-namespaced
resource) and the config file at the scanned root, each counted in the summary."""

from pathlib import Path
from typing import Any

from tests.support.cli import sme_migrate

EXTENSION = """apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata:
  name: rate-limit
{annotations}spec:
  image: registry.example.com/rate-limit:1
  phase: PreAuthN
  config: {{a: 1}}
"""


def repo(tmp_path: Path, annotations: str = "") -> Path:
    (tmp_path / "kustomization.yaml").write_text("namespace: shop\nresources:\n  - ext.yaml\n")
    (tmp_path / "ext.yaml").write_text(EXTENSION.format(annotations=annotations))
    return tmp_path


def scan(*args: str) -> Any:
    return sme_migrate("scan", *args, "--format", "json", "--fail-on", "never").json()


def rules(report: Any) -> set[str]:
    return {f["rule"] for f in report["findings"]}


def test_flag_with_a_namespace_glob(tmp_path: Path) -> None:
    report = scan(str(repo(tmp_path)), "--ignore", "SME017=sh*/rate-*")
    assert "SME017" not in rules(report) and "SME001" in rules(report)
    assert report["summary"]["suppressed"] == 1


def test_annotation_on_a_resource_whose_namespace_comes_from_kustomize(tmp_path: Path) -> None:
    ignore = '  annotations:\n    sme-migrate.io/ignore: "SME017,fail-strategy-change"\n'
    annotated = repo(tmp_path, ignore)
    report = scan(str(annotated))
    assert not {"SME017", "SME018"} & rules(report) and "SME001" in rules(report)
    assert report["summary"]["suppressed"] == 2


def test_config_file_at_the_scanned_root(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / ".sme-migrate.yaml").write_text("ignore:\n  - SME010\n  - SME017=shop/*\n")
    assert not {"SME010", "SME017"} & rules(scan(str(root)))


def test_a_bad_config_file_is_a_usage_error(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / ".sme-migrate.yaml").write_text("ignore: [NOPE999]\n")
    outcome = sme_migrate("scan", str(root))
    assert outcome.exit_code == 2 and "NOPE999" in outcome.stderr
