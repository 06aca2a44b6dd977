"""Removing spec.techPreview.wasmExtensions from a control plane, whatever its layout."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.support.cli import sme_migrate

EXTENSION = """\
---
apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata: {name: header-append, namespace: istio-system}
spec: {config: {a: b}, image: quay.io/example/h:1, phase: PostAuthZ}
"""
HEAD = """\
apiVersion: maistra.io/v2
kind: ServiceMeshControlPlane
metadata:
  name: basic
  namespace: istio-system
"""


@pytest.mark.parametrize(("spec", "expected"), [
    ("spec:\n  version: v2.2\n  techPreview: {wasmExtensions: {enabled: true}, global: {a: 1}}\n",
     "spec:\n  version: v2.2\n  techPreview: {global: {a: 1}}\n"),
    ("spec:\n  techPreview:\n    wasmExtensions:\n      enabled: true\n",
     "spec: {}\n"),
    ("spec:\n  version: v2.2\n  techPreview:\n    wasmExtensions:\n      enabled: true",
     "spec:\n  version: v2.2"),
    ("spec:\n  techPreview:\n    wasmExtensions: {enabled: true}  # the cacher\n"
     "  version: v2.2  # keep\n",
     "spec:\n  version: v2.2  # keep\n"),
], ids=["flow", "spec-becomes-empty", "no-final-newline", "first-key"])
def test_wasm_extensions_go_and_the_rest_stays(tmp_path: Path, spec: str, expected: str) -> None:
    (tmp_path / "smcp.yaml").write_text(HEAD + spec)
    (tmp_path / "extension.yaml").write_text(EXTENSION)
    outcome = sme_migrate("rewrite", str(tmp_path))
    assert outcome.exit_code == 0, outcome.stderr
    assert (tmp_path / "smcp.yaml").read_text() == HEAD + expected
    body = yaml.safe_load(HEAD + expected)
    assert "wasmExtensions" not in (body["spec"].get("techPreview") or {})


def test_an_extension_outside_the_mesh_does_not_keep_it(tmp_path: Path) -> None:
    (tmp_path / "smcp.yaml").write_text(
        HEAD + "spec:\n  version: v2.2\n  techPreview:\n    wasmExtensions: {enabled: true}\n"
        "---\napiVersion: maistra.io/v1\nkind: ServiceMeshMemberRoll\n"
        "metadata: {name: default, namespace: istio-system}\nspec: {members: [shop]}\n")
    (tmp_path / "extension.yaml").write_text(
        EXTENSION + EXTENSION.replace("istio-system", "elsewhere").replace(
            "config: {a: b}", "config: not-an-object"))
    outcome = sme_migrate("rewrite", str(tmp_path))
    assert "wasmExtensions" not in (tmp_path / "smcp.yaml").read_text()
    assert "SME022" not in outcome.stderr
