"""What the in-place editor cannot do is still rewritten, by the fallback rendering; what it can
do touches only the lines that change."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.support.cli import sme_migrate

HEAD = "apiVersion: maistra.io/v1\nkind: ServiceMeshExtension\nmetadata:\n  name: x\n"


def _rewritten(tmp_path: Path, text: str) -> str:
    path = tmp_path / "x.yaml"
    path.write_text(text)
    outcome = sme_migrate("rewrite", str(tmp_path))
    assert outcome.exit_code == 0, outcome.stderr
    return path.read_text()


def test_a_merge_key_in_the_spec_is_still_rewritten(tmp_path: Path) -> None:
    text = (HEAD + "  namespace: apps\n  labels: &labels\n    app: web\nspec:\n"
            "  workloadSelector:\n    labels:\n      <<: *labels\n"
            "  image: quay.io/example/x:1\n  phase: PostAuthZ\n")
    after = _rewritten(tmp_path, text)
    plugin = yaml.safe_load(after)
    assert plugin["kind"] == "WasmPlugin" and plugin["spec"]["phase"] == "STATS"
    assert plugin["spec"]["selector"] == {"matchLabels": {"app": "web"}}


def test_a_value_that_changes_keeps_its_quotes_and_its_comment(tmp_path: Path) -> None:
    text = HEAD + "  namespace: apps\nspec:\n  image: quay.io/example/x:1\n" \
        "  phase: 'PostAuthZ'  # after authorization\n  priority: 3\n"
    after = _rewritten(tmp_path, text)
    assert "  phase: 'STATS'      # after authorization\n" in after
    assert "  priority: 3\n" in after and "  name: x\n" in after
