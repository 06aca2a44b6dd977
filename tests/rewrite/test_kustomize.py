"""Kustomize patches of converted extensions: retargeted where mechanical, reported otherwise.

The proof is `kubectl kustomize` itself: the overlay built after the rewrite holds the
WasmPlugins with the same patched values the overlay built before held in its extensions.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from migrate.rewrite.patchmap import (
    NotMechanical,
    PatchTarget,
    map_operation,
    map_strategic,
)
from tests.rewrite.conftest import CASES_DIR, tree
from tests.support.cli import sme_migrate

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
WITH_SELECTOR = PatchTarget({"spec": {"selector": {"matchLabels": {"app": "web"}}}}, True)


def _build(overlay: Path) -> dict[str, dict[str, Any]]:
    assert KUBECTL is not None
    built = subprocess.run([KUBECTL, "kustomize", str(overlay)], check=True,
                           capture_output=True, text=True).stdout
    return {d["metadata"]["name"]: d for d in yaml.safe_load_all(built)}


@needs_kubectl
def test_the_overlay_builds_the_same_patched_values_after_the_rewrite(tmp_path: Path) -> None:
    shutil.copytree(CASES_DIR / "kustomize" / "input", tmp_path / "repo")
    overlay = tmp_path / "repo" / "overlays" / "prod"
    before = _build(overlay)
    sme_migrate("rewrite", str(tmp_path / "repo"))
    after = _build(overlay)
    for name in ("header-append", "rate-limit"):  # the two mechanically patched ones
        assert after[name]["kind"] == "WasmPlugin"
        assert after[name]["spec"]["pluginConfig"] == before[name]["spec"]["config"]
        assert after[name]["spec"]["url"] == "oci://" + before[name]["spec"]["image"]
    assert before["rate-limit"]["spec"]["config"]["requests_per_unit"] == 5  # the patch applied


def test_a_priority_patch_is_reported_with_file_and_line_and_left_alone(tmp_path: Path) -> None:
    shutil.copytree(CASES_DIR / "kustomize" / "input", tmp_path / "repo")
    outcome = sme_migrate("rewrite", str(tmp_path / "repo"))
    report = outcome.stderr.split("overlays/prod/kustomization.yaml\n", 1)[1]
    line = next(line for line in report.splitlines() if "SME024" in line)
    assert line.split()[0] == "24" and "patches[0]" in line and "/spec/priority" in line
    original = CASES_DIR / "kustomize" / "input" / "overlays" / "prod" / "audit-priority.yaml"
    kept = tmp_path / "repo" / "overlays" / "prod" / "audit-priority.yaml"
    assert kept.read_bytes() == original.read_bytes()


INLINE_OVERLAY = """\
resources:
  - ../base
patches:
  - target: {kind: ServiceMeshExtension, name: greeter}
    patch: |
      apiVersion: maistra.io/v1
      kind: ServiceMeshExtension
      metadata:
        name: greeter
      spec:
        config:
          greeting: hi   # friendlier
        workloadSelector:
          labels:
            app: api
  - target:
      kind: ServiceMeshExtension
      name: greeter
    path: ops.json
  - target:
      kind: ServiceMeshExtension
      name: legacy
    patch: |-
      - op: replace
        path: /spec/image
        value: quay.io/example/legacy:0.2
"""
BASE = """\
resources: [extensions.yaml]
"""
EXTENSIONS = """\
apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata: {name: greeter, namespace: istio-system}
spec:
  config: {greeting: hello}
  image: quay.io/example/greeter:1.0
  phase: PreAuthN
  workloadSelector: {labels: {app: web}}
---
apiVersion: maistra.io/v1alpha1
kind: ServiceMeshExtension
metadata: {name: legacy, namespace: istio-system}
spec:
  config: test
  image: quay.io/example/legacy:0.1
  phase: PreAuthN
"""
OPS = '[{"op": "add", "path": "/spec/config/audience", "value": "shop"}]\n'


def _inline_repository(root: Path) -> Path:
    (root / "base").mkdir(parents=True)
    (root / "overlay").mkdir()
    (root / "base" / "kustomization.yaml").write_text(BASE)
    (root / "base" / "extensions.yaml").write_text(EXTENSIONS)
    (root / "overlay" / "kustomization.yaml").write_text(INLINE_OVERLAY)
    (root / "overlay" / "ops.json").write_text(OPS)
    return root


def test_inline_and_json_patches_are_retargeted_and_an_unconverted_target_is_kept(
    tmp_path: Path,
) -> None:
    root = _inline_repository(tmp_path / "repo")
    outcome = sme_migrate("rewrite", str(root))
    assert outcome.exit_code == 1  # `legacy` has a plain-text configuration
    overlay = (root / "overlay" / "kustomization.yaml").read_text()
    assert overlay == (INLINE_OVERLAY
                       .replace("{kind: ServiceMeshExtension, name: greeter}",
                                "{kind: WasmPlugin, name: greeter}")
                       .replace("kind: ServiceMeshExtension\n      name: greeter",
                                "kind: WasmPlugin\n      name: greeter")
                       .replace("apiVersion: maistra.io/v1\n      kind: ServiceMeshExtension",
                                "apiVersion: extensions.istio.io/v1alpha1\n      kind: WasmPlugin")
                       .replace("        config:\n          greeting: hi",
                                "        pluginConfig:\n          greeting: hi")
                       .replace("        workloadSelector:\n          labels:",
                                "        selector:\n          matchLabels:"))
    assert (root / "overlay" / "ops.json").read_text() == OPS.replace("config", "pluginConfig")
    assert "ServiceMeshExtension istio-system/legacy is not converted" in outcome.stderr


@needs_kubectl
def test_the_inline_overlay_builds_with_its_patches(tmp_path: Path) -> None:
    root = _inline_repository(tmp_path / "repo")
    sme_migrate("rewrite", str(root))
    greeter = _build(root / "overlay")["greeter"]
    assert greeter["spec"]["pluginConfig"] == {"greeting": "hi", "audience": "shop"}
    assert greeter["spec"]["selector"] == {"matchLabels": {"app": "api"}}


@pytest.mark.parametrize(("operation", "expected"), [
    ({"op": "replace", "path": "/spec/config/a/b", "value": 1},
     {"op": "replace", "path": "/spec/pluginConfig/a/b", "value": 1}),
    ({"op": "replace", "path": "/spec/image", "value": "quay.io/x:2"},
     {"op": "replace", "path": "/spec/url", "value": "oci://quay.io/x:2"}),
    ({"op": "add", "path": "/spec/workloadSelector/labels/tier", "value": "web"},
     {"op": "add", "path": "/spec/selector/matchLabels/tier", "value": "web"}),
    ({"op": "replace", "path": "/spec/imagePullPolicy", "value": "Never"},
     {"op": "replace", "path": "/spec/imagePullPolicy", "value": "IfNotPresent"}),
    ({"op": "add", "path": "/metadata/labels/team", "value": "a"},
     {"op": "add", "path": "/metadata/labels/team", "value": "a"}),
    ({"op": "move", "from": "/spec/config/old", "path": "/spec/config/new"},
     {"op": "move", "from": "/spec/pluginConfig/old", "path": "/spec/pluginConfig/new"}),
], ids=["config", "image", "labels", "pull-policy", "metadata", "move"])
def test_mechanical_operations_map_to_the_plugin(operation: dict[str, Any],
                                                 expected: dict[str, Any]) -> None:
    assert map_operation(operation, WITH_SELECTOR) == expected


@pytest.mark.parametrize(("operation", "target", "reason"), [
    ({"op": "replace", "path": "/spec/priority", "value": 5}, WITH_SELECTOR, "reassigned"),
    ({"op": "replace", "path": "/spec/phase", "value": "PreAuthN"}, WITH_SELECTOR, "phase"),
    ({"op": "remove", "path": "/spec/image"}, WITH_SELECTOR, "needs its url"),
    ({"op": "replace", "path": "/spec/config", "value": "text"},
     PatchTarget({"spec": {}}, False), "was a string"),
    ({"op": "add", "path": "/spec/workloadSelector/labels/a", "value": "b"},
     PatchTarget({"spec": {}}, True), "no selector"),
    ({"op": "add", "path": "/spec/imagePullSecrets/-", "value": {"name": "x"}}, WITH_SELECTOR,
     "no mechanical"),
], ids=["priority", "phase", "remove-image", "string-config", "no-selector", "pull-secrets"])
def test_other_operations_need_a_person(operation: dict[str, Any], target: PatchTarget,
                                        reason: str) -> None:
    with pytest.raises(NotMechanical, match=reason):
        map_operation(operation, target)


def test_a_strategic_merge_patch_maps_field_by_field() -> None:
    patch = {"apiVersion": "maistra.io/v1", "kind": "ServiceMeshExtension",
             "metadata": {"name": "x"},
             "spec": {"config": {"a": 1}, "image": "quay.io/x:2",
                      "workloadSelector": {"labels": {"app": "web"}}}}
    assert map_strategic(patch, WITH_SELECTOR) == {
        "apiVersion": "extensions.istio.io/v1alpha1", "kind": "WasmPlugin",
        "metadata": {"name": "x"},
        "spec": {"pluginConfig": {"a": 1}, "url": "oci://quay.io/x:2",
                 "selector": {"matchLabels": {"app": "web"}}}}
    with pytest.raises(NotMechanical, match="reassigned"):
        map_strategic({"kind": "ServiceMeshExtension", "spec": {"priority": 3}}, WITH_SELECTOR)


def test_patches_follow_a_base_that_an_earlier_run_already_rewrote(tmp_path: Path) -> None:
    case = CASES_DIR / "kustomize"
    shutil.copytree(case / "input", tmp_path / "repo")
    sme_migrate("rewrite", str(tmp_path / "repo" / "base"))  # the overlay was not named
    sme_migrate("rewrite", str(tmp_path / "repo"))
    assert tree(tmp_path / "repo") == tree(case / "expected")
