"""`rollback --backup-dir`: the objects apply deleted or changed come back as they were, and
only the WasmPlugins apply made go away."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from deepdiff import DeepDiff

from tests.cluster.helpers import backup_runs, extensions, plugins, run_apply, run_rollback
from tests.cluster.mesh import apply_mesh
from tests.sources.cluster.conftest import Cluster
from tests.sources.cluster.mesh import extension
from tests.support.kube_api import SMCP, SME, WASMPLUGINS, KubeApi

SERVER_SET = ("uid", "resourceVersion", "managedFields", "creationTimestamp", "generation")


@pytest.fixture
def api() -> KubeApi:
    state = KubeApi()
    state.add(*apply_mesh())
    return state


def comparable(body: dict[str, Any]) -> dict[str, Any]:
    metadata = {k: v for k, v in body["metadata"].items() if k not in SERVER_SET}
    return {**{k: v for k, v in body.items() if k != "status"}, "metadata": metadata}


def mesh_state(api: KubeApi) -> dict[str, dict[str, Any]]:
    return {f"{o['kind']} {o['metadata'].get('namespace')}/{o['metadata']['name']}":
            comparable(o) for t in (SME, SMCP, WASMPLUGINS) for o in api.stored(t)}


def test_rollback_restores_exactly_the_original_objects(cluster: Cluster, tmp_path: Path) -> None:
    before = mesh_state(cluster.api)
    applied = run_apply(cluster, tmp_path / "b", "--force", "--delete-inactive",
                        "--update-control-plane")
    assert applied.exit_code == 0, applied.stderr
    assert extensions(cluster.api) == [] and len(plugins(cluster.api)) == 3
    outcome = run_rollback(cluster, tmp_path / "b")
    assert outcome.exit_code == 0, outcome.stderr
    assert DeepDiff(before, mesh_state(cluster.api)) == {}
    assert "removed WasmPlugin bookinfo/headers" in outcome.stdout
    assert "restored ServiceMeshExtension bookinfo/broken" in outcome.stdout
    assert "restored techPreview of ServiceMeshControlPlane istio-system/basic" in outcome.stdout


def test_the_restored_extensions_come_back_before_the_plugins_go(cluster: Cluster,
                                                                 tmp_path: Path) -> None:
    run_apply(cluster, tmp_path / "b")
    before = len(cluster.api.requests)
    run_rollback(cluster, tmp_path / "b")
    writes = [r.method for r in cluster.api.requests[before:] if r.method != "GET"]
    assert writes == ["POST", "POST", "DELETE", "DELETE"]


def test_a_v1_extension_without_a_phase_is_restored_with_the_phase_it_ran(
        cluster: Cluster, tmp_path: Path) -> None:
    old = extension("bookinfo", "legacy", "PostAuthZ", 7)
    del old["spec"]["phase"]  # allowed before 2.1; the status says what ran
    cluster.api.add(old)
    run_apply(cluster, tmp_path / "b")
    assert "bookinfo/legacy" not in extensions(cluster.api)
    outcome = run_rollback(cluster, tmp_path / "b")
    [back] = [o for o in cluster.api.stored(SME) if o["metadata"]["name"] == "legacy"]
    assert back["spec"]["phase"] == "PostAuthZ"
    assert "restored with phase PostAuthZ" in outcome.stderr


def test_rollback_leaves_a_plugin_someone_else_took_over(cluster: Cluster,
                                                         tmp_path: Path) -> None:
    run_apply(cluster, tmp_path / "b")
    [plugin] = [p for p in cluster.api.stored(WASMPLUGINS) if p["metadata"]["name"] == "headers"]
    plugin["metadata"]["annotations"].pop("sme-migrate.io/migrated-from")
    outcome = run_rollback(cluster, tmp_path / "b")
    assert outcome.exit_code == 1
    assert plugins(cluster.api) == ["bookinfo/headers"]
    assert "WasmPlugin bookinfo/headers was not left by sme-migrate" in outcome.stderr


def test_a_second_rollback_does_nothing(cluster: Cluster, tmp_path: Path) -> None:
    run_apply(cluster, tmp_path / "b")
    run_rollback(cluster, tmp_path / "b")
    before = len(cluster.api.writes())
    outcome = run_rollback(cluster, tmp_path / "b")
    assert outcome.exit_code == 0, outcome.stderr
    assert len(cluster.api.writes()) == before
    assert "nothing to do" in outcome.stdout


def test_rollback_restores_the_newest_run(cluster: Cluster, tmp_path: Path) -> None:
    run_apply(cluster, tmp_path / "b", "--keep-extensions")
    run_apply(cluster, tmp_path / "b")
    [first, second] = backup_runs(tmp_path / "b")
    outcome = run_rollback(cluster, tmp_path / "b")
    assert f"backup: {second}" in outcome.stdout
    assert "restored ServiceMeshExtension bookinfo/headers" in outcome.stdout
    assert plugins(cluster.api) == []  # made by the first run, relied on by the second
    assert first.is_dir()


def test_rollback_after_a_stopped_run_and_its_rerun_undoes_both(cluster: Cluster,
                                                                tmp_path: Path) -> None:
    before = mesh_state(cluster.api)
    cluster.api.fail_write = 3
    assert run_apply(cluster, tmp_path / "b").exit_code == 2
    cluster.api.fail_write = None
    run_apply(cluster, tmp_path / "b")
    outcome = run_rollback(cluster, tmp_path / "b")
    assert outcome.exit_code == 0, outcome.stderr
    assert DeepDiff(before, mesh_state(cluster.api)) == {}


def test_rollback_without_a_backup_is_a_usage_error(cluster: Cluster, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    outcome = run_rollback(cluster, tmp_path / "empty")
    assert outcome.exit_code == 2
    assert "no backup of sme-migrate apply here" in outcome.stderr
