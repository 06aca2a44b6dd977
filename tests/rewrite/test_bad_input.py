"""Bad input gets a clear finding, loses nothing, and never stops the other files."""

from __future__ import annotations

from pathlib import Path

from migrate.rewrite.apply import write_changes
from migrate.rewrite.plan import FileChange
from migrate.sources.documents import parse_resources
from tests.support.cli import sme_migrate

TABBED_JSON = (
    '{\n\t"apiVersion": "maistra.io/v1",\n\t"kind": "ServiceMeshExtension",\n'
    '\t"metadata": {"name": "tabbed", "namespace": "istio-system"},\n'
    '\t"spec": {"config": {"a": "b"}, "image": "quay.io/example/t:1", "phase": "PreAuthN"}\n}\n'
)
EXTENSION = """\
apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata: {name: fine, namespace: istio-system}
spec: {config: {a: b}, image: quay.io/example/f:1, phase: PreAuthN}
"""
MERGE_KEYS = """\
apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata: {name: merged, namespace: istio-system}
spec:
  <<: {phase: PreAuthN, priority: 1}
  config: {a: b}
  image: quay.io/example/m:1
"""


def test_a_file_yaml_cannot_read_is_reported_and_untouched(tmp_path: Path) -> None:
    (tmp_path / "tabbed.json").write_text(TABBED_JSON)
    (tmp_path / "fine.yaml").write_text(EXTENSION)
    outcome = sme_migrate("rewrite", str(tmp_path))
    assert outcome.exit_code == 1
    assert (tmp_path / "tabbed.json").read_text() == TABBED_JSON
    refused = [line for line in outcome.stderr.splitlines() if "SME026" in line]
    assert len(refused) == 1 and "tabbed" in refused[0] and "'\\t'" in refused[0]
    assert "kind: WasmPlugin" in (tmp_path / "fine.yaml").read_text()


def test_a_merge_key_is_written_out_plainly(tmp_path: Path) -> None:
    (tmp_path / "merged.yaml").write_text(MERGE_KEYS)
    assert sme_migrate("rewrite", str(tmp_path)).exit_code == 0
    text = (tmp_path / "merged.yaml").read_text()
    (plugin,) = parse_resources(text.encode(), "merged.yaml")
    assert "<<" not in text and plugin.spec["phase"] == "AUTHN"


def test_a_failed_write_does_not_stop_the_others(tmp_path: Path) -> None:
    gone, changed, fine = (tmp_path / n for n in ("gone.yaml", "changed.yaml", "fine.yaml"))
    changed.write_text("edited by someone else\n")
    fine.write_text("old\n")
    failures = write_changes([
        FileChange(str(gone), b"old\n", b"new\n"),
        FileChange(str(changed), b"old\n", b"new\n"),
        FileChange(str(fine), b"old\n", b"new\n"),
    ]).failures
    assert [f.path for f in failures] == [str(gone), str(changed)]
    assert "changed while the rewrite ran" in failures[1].reason
    assert changed.read_text() == "edited by someone else\n"
    assert fine.read_text() == "new\n"
    assert not gone.exists()


def test_the_file_mode_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "extension.yaml"
    path.write_text(EXTENSION)
    path.chmod(0o640)
    sme_migrate("rewrite", str(tmp_path))
    assert path.stat().st_mode & 0o777 == 0o640
    assert "WasmPlugin" in path.read_text()


def test_a_symlink_stays_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "extension.yaml"
    target.write_text(EXTENSION)
    (tmp_path / "link.yaml").symlink_to(target)
    assert sme_migrate("rewrite", str(tmp_path)).exit_code == 0  # the link and its target
    assert (tmp_path / "link.yaml").is_symlink()
    assert "WasmPlugin" in target.read_text()


def test_an_existing_plugin_of_the_same_name_is_never_duplicated(tmp_path: Path) -> None:
    (tmp_path / "fine.yaml").write_text(EXTENSION)
    (tmp_path / "plugin.yaml").write_text(
        "apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\n"
        "metadata: {name: fine, namespace: istio-system}\n"
        "spec: {url: oci://quay.io/example/other:1, phase: AUTHN}\n")
    outcome = sme_migrate("rewrite", str(tmp_path))
    assert outcome.exit_code == 1
    assert (tmp_path / "fine.yaml").read_text() == EXTENSION
    assert "SME026" in outcome.stderr and "plugin.yaml:1" in outcome.stderr


def test_a_control_plane_is_not_stripped_when_another_write_failed(tmp_path: Path) -> None:
    smcp, gone = tmp_path / "smcp.yaml", tmp_path / "gone.yaml"
    smcp.write_text("old\n")
    written = write_changes([FileChange(str(gone), b"old\n", b"new\n"),
                             FileChange(str(smcp), b"old\n", b"new\n", needs_the_others=True)])
    failures = written.failures
    assert [f.path for f in failures] == [str(gone), str(smcp)]
    assert smcp.read_text() == "old\n"
