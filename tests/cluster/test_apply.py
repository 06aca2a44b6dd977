"""`apply --cluster` against the test API server: backup first, server-side apply, create before
delete, GitOps refusals, dry run, idempotence, a failure midway."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cluster.helpers import (
    backed_up,
    backup_runs,
    control_plane,
    extensions,
    plugins,
    run_apply,
)
from tests.cluster.mesh import apply_mesh
from tests.sources.cluster.conftest import Cluster
from tests.support.kube_api import APPLY_PATCH, MERGE_PATCH, SME, WASMPLUGINS, KubeApi

MIGRATED = ["bookinfo/headers", "istio-system/mesh-auth"]


@pytest.fixture
def api() -> KubeApi:
    state = KubeApi()
    state.add(*apply_mesh())
    return state


@pytest.fixture
def clean(api: KubeApi) -> KubeApi:
    """The mesh without the Argo CD extension: nothing is refused."""
    api.objects.clear()
    api.add(*apply_mesh(with_argo=False))
    return api


def test_apply_creates_the_plugins_then_deletes_the_extensions(cluster: Cluster,
                                                                tmp_path: Path) -> None:
    outcome = run_apply(cluster, tmp_path / "backups")
    writes = cluster.api.writes()
    assert [(w.method, w.path.rsplit("/", 3)[-3], w.path.rsplit("/", 1)[-1]) for w in writes] == [
        ("PATCH", "bookinfo", "headers"), ("PATCH", "istio-system", "mesh-auth"),
        ("DELETE", "bookinfo", "headers"), ("DELETE", "istio-system", "mesh-auth")]
    assert all(w.content_type == APPLY_PATCH and w.query["fieldManager"] == "sme-migrate"
               for w in writes[:2])
    assert plugins(cluster.api) == MIGRATED
    assert extensions(cluster.api) == ["bookinfo/broken", "shop/cart-auth"]
    [plugin] = [p for p in cluster.api.stored(WASMPLUGINS) if p["metadata"]["name"] == "headers"]
    assert "sme-migrate.io/migrated-from" in plugin["metadata"]["annotations"]
    assert [e["manager"] for e in plugin["metadata"]["managedFields"]] == ["sme-migrate"]
    assert "for a moment both run" in outcome.stderr
    assert "created WasmPlugin bookinfo/headers" in outcome.stdout
    assert "deleted ServiceMeshExtension istio-system/mesh-auth" in outcome.stdout


def test_the_backup_holds_every_deleted_object_in_full(cluster: Cluster, tmp_path: Path) -> None:
    originals = {o["metadata"]["name"]: o for o in apply_mesh() if o["kind"].endswith("Extension")}
    run_apply(cluster, tmp_path / "backups")
    [run] = backup_runs(tmp_path / "backups")
    saved = {o["metadata"]["name"]: o for o in backed_up(run)}
    assert sorted(saved) == ["headers", "mesh-auth"]
    assert saved["headers"] == {**originals["headers"], "apiVersion": "maistra.io/v1"}
    assert saved["headers"]["metadata"]["managedFields"] == [{"manager": "kubectl"}]


def test_a_server_side_apply_that_creates_is_answered_201(cluster: Cluster,
                                                           tmp_path: Path) -> None:
    """The generated client may return None for a 201: the run must still see the plugin."""
    outcome = run_apply(cluster, tmp_path / "backups", "--keep-extensions")
    patches = [code for request, code in cluster.api.answered() if request.method == "PATCH"]
    assert patches == [201, 201]
    assert outcome.stdout.count("created WasmPlugin") == 2


def test_an_update_by_server_side_apply_is_answered_200(cluster: Cluster, tmp_path: Path) -> None:
    run_apply(cluster, tmp_path / "backups", "--keep-extensions")
    [plugin] = [p for p in cluster.api.stored(WASMPLUGINS) if p["metadata"]["name"] == "headers"]
    plugin["spec"]["priority"] = 1  # drifted since
    before = len(cluster.api.requests)
    outcome = run_apply(cluster, tmp_path / "backups", "--keep-extensions")
    answered = cluster.api.answered()[before:]
    assert [c for r, c in answered if r.method == "PATCH"] == [200]
    assert outcome.exit_code == 1  # the Argo CD extension is still refused
    assert plugin["spec"]["priority"] != 1


def test_a_gitops_owned_extension_is_refused(cluster: Cluster, tmp_path: Path) -> None:
    outcome = run_apply(cluster, tmp_path / "backups")
    assert outcome.exit_code == 1
    assert "shop/cart-auth" in extensions(cluster.api)
    assert "shop/cart-auth" not in plugins(cluster.api)
    [line] = [x for x in outcome.stderr.splitlines() if "SME090" in x]
    assert "Argo CD" in line and "migrate the repository" in line
    assert not any("cart-auth" in w.path for w in cluster.api.writes())


def test_force_changes_a_gitops_owned_extension(cluster: Cluster, tmp_path: Path) -> None:
    outcome = run_apply(cluster, tmp_path / "backups", "--force")
    assert outcome.exit_code == 0, outcome.stderr
    assert "shop/cart-auth" in plugins(cluster.api)
    assert "shop/cart-auth" not in extensions(cluster.api)
    assert "--force" in outcome.stderr


def test_dry_run_changes_nothing(cluster: Cluster, tmp_path: Path) -> None:
    before = {t: [dict(o) for o in objects] for t, objects in cluster.api.objects.items()}
    outcome = run_apply(cluster, tmp_path / "backups", "--dry-run", "--delete-inactive",
                        "--update-control-plane", "--force")
    assert outcome.exit_code == 0, outcome.stderr
    writes = cluster.api.writes()
    assert writes and all(w.dry_run for w in writes)
    assert cluster.api.objects == before
    assert not (tmp_path / "backups").exists()
    assert "would create WasmPlugin bookinfo/headers" in outcome.stdout
    assert "would delete ServiceMeshExtension bookinfo/broken" in outcome.stdout
    assert "nothing was changed" in outcome.stdout


def test_a_second_apply_does_nothing(cluster: Cluster, clean: KubeApi, tmp_path: Path) -> None:
    first = run_apply(cluster, tmp_path / "backups", "--delete-inactive")
    assert first.exit_code == 0, first.stderr
    writes = len(clean.writes())
    second = run_apply(cluster, tmp_path / "backups", "--delete-inactive")
    assert second.exit_code == 0, second.stderr
    assert len(clean.writes()) == writes
    assert "nothing to do" in second.stdout
    assert len(backup_runs(tmp_path / "backups")) == 1


def test_a_run_stopped_midway_says_what_it_did_and_a_rerun_finishes(
        cluster: Cluster, clean: KubeApi, tmp_path: Path) -> None:
    clean.fail_write = 3  # the two creates pass, the first delete fails
    stopped = run_apply(cluster, tmp_path / "backups")
    assert stopped.exit_code == 2
    [line] = [x for x in stopped.stderr.splitlines() if "stopped:" in x]
    assert "delete ServiceMeshExtension bookinfo/headers failed: 500" in line
    assert ("Done before it: created WasmPlugin bookinfo/headers; created WasmPlugin "
            "istio-system/mesh-auth.") in line
    assert extensions(clean) == ["bookinfo/broken", "bookinfo/headers", "istio-system/mesh-auth"]
    clean.fail_write = None
    again = run_apply(cluster, tmp_path / "backups")
    assert again.exit_code == 0, again.stderr
    assert plugins(clean) == MIGRATED  # each once
    assert extensions(clean) == ["bookinfo/broken"]
    assert "created" not in again.stdout  # the plugins were there already
    assert len(backup_runs(tmp_path / "backups")) == 2  # the first backup is kept as it was


def test_keep_extensions_warns_that_every_request_runs_twice(cluster: Cluster,
                                                             tmp_path: Path) -> None:
    outcome = run_apply(cluster, tmp_path / "backups", "--keep-extensions")
    assert "runs each migrated filter twice" in outcome.stderr
    assert not [w for w in cluster.api.writes() if w.method == "DELETE"]
    assert "bookinfo/headers" in extensions(cluster.api)


def test_the_control_plane_is_updated_once_no_extension_remains(cluster: Cluster, clean: KubeApi,
                                                                tmp_path: Path) -> None:
    outcome = run_apply(cluster, tmp_path / "backups", "--delete-inactive",
                        "--update-control-plane")
    assert outcome.exit_code == 0, outcome.stderr
    assert extensions(clean) == []
    assert "techPreview" not in control_plane(clean)["spec"]
    [patch] = [w for w in clean.writes() if "servicemeshcontrolplanes" in w.path]
    assert patch.content_type == MERGE_PATCH
    assert clean.writes()[-1] is patch  # after every delete
    [run] = backup_runs(tmp_path / "backups")
    assert [o["kind"] for o in backed_up(run)].count("ServiceMeshControlPlane") == 1


def test_the_control_plane_stays_while_an_extension_remains(cluster: Cluster,
                                                            tmp_path: Path) -> None:
    outcome = run_apply(cluster, tmp_path / "backups", "--update-control-plane")
    assert control_plane(cluster.api)["spec"]["techPreview"] == {"wasmExtensions":
                                                                 {"enabled": True}}
    assert "keeps techPreview.wasmExtensions" in outcome.stderr
    assert "bookinfo/broken" in outcome.stderr


def test_a_plugin_another_manager_changed_is_a_conflict(cluster: Cluster, clean: KubeApi,
                                                        tmp_path: Path) -> None:
    run_apply(cluster, tmp_path / "backups", "--keep-extensions")
    [plugin] = [p for p in clean.stored(WASMPLUGINS) if p["metadata"]["name"] == "headers"]
    plugin["spec"]["priority"] = 1
    plugin["metadata"]["managedFields"].append({"manager": "kubectl-edit", "operation": "Update"})
    outcome = run_apply(cluster, tmp_path / "backups")
    assert outcome.exit_code == 1
    assert "Conflict" in outcome.stderr and "kubectl-edit" in outcome.stderr
    assert "bookinfo/headers" in extensions(clean)  # never deleted without its plugin


def test_the_modules_are_checked_before_anything_is_created(cluster: Cluster,
                                                            tmp_path: Path) -> None:
    for extension in cluster.api.stored(SME):
        extension["spec"]["image"] = "127.0.0.1:9/acme/unreachable:1"
    outcome = cluster.run("apply", "--backup-dir", str(tmp_path / "b"), "--timeout", "1",
                          "--no-cache", "--insecure-registry", "127.0.0.1:9")
    assert outcome.exit_code == 1
    assert cluster.api.writes() == []
    assert "failed the check" in outcome.stderr


def test_skipping_the_module_check_is_said(cluster: Cluster, tmp_path: Path) -> None:
    outcome = run_apply(cluster, tmp_path / "backups")
    assert "--skip-module-check: the modules were not checked" in outcome.stderr


def test_the_control_plane_stays_when_a_namespace_was_not_read(cluster: Cluster, clean: KubeApi,
                                                               tmp_path: Path) -> None:
    """-n reads one namespace: an extension elsewhere may remain, so wasmExtensions stays."""
    outcome = run_apply(cluster, tmp_path / "backups", "-n", "istio-system",
                        "--update-control-plane")
    assert outcome.exit_code == 0, outcome.stderr
    assert "bookinfo/headers" in extensions(clean)
    assert "wasmExtensions" in control_plane(clean)["spec"]["techPreview"]
    assert "did not see every namespace" in outcome.stderr
