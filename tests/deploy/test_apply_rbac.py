"""deploy/rbac-apply.yaml: with the scanner role and this one, apply and rollback run through
without a 403, and every verb this role grants is one they use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.cluster.mesh import apply_mesh
from tests.support.cli import sme_migrate
from tests.support.kube_api import KubeApi, Request, serve

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
Grant = tuple[str, str, str]
VERBS = {"POST": "create", "PATCH": "patch", "DELETE": "delete", "GET": "get"}


def documents(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((DEPLOY / name).read_text()) if d]


def grants(name: str) -> set[Grant]:
    [role] = [d for d in documents(name) if d["kind"] == "ClusterRole"]
    return {(g, r, v) for rule in role["rules"] for v in rule["verbs"]
            for g in rule.get("apiGroups", []) for r in rule.get("resources", [])}


def object_request(request: Request, code: int) -> set[Grant]:
    """What RBAC checks for a request on one object (not a list, not discovery)."""
    parts = [p for p in request.path.split("/") if p]
    if parts[:1] != ["apis"] or len(parts) < 6 or parts[3] != "namespaces":
        return set()
    group, plural = parts[1], parts[5]
    if request.method == "GET" and len(parts) == 6:
        return set()  # a namespaced list
    found = {(group, plural, VERBS[request.method])}
    if request.method == "PATCH" and code == 201:  # a server-side apply that created
        found.add((group, plural, "create"))
    return found


def test_apply_and_rollback_need_exactly_the_applier_role(tmp_path: Path) -> None:
    reads = grants("rbac.yaml")
    api = KubeApi(grants=reads | grants("rbac-apply.yaml"))
    api.add(*apply_mesh())
    with serve(api) as running:
        config = str(running.kubeconfig(tmp_path / "kubeconfig"))
        applied = sme_migrate("apply", "--cluster", "--kubeconfig", config, "--backup-dir",
                              str(tmp_path / "b"), "--skip-module-check", "--force",
                              "--delete-inactive", "--update-control-plane")
        rolled = sme_migrate("rollback", "--kubeconfig", config, "--backup-dir",
                             str(tmp_path / "b"))
    assert (applied.exit_code, rolled.exit_code) == (0, 0), applied.stderr + rolled.stderr
    assert 403 not in api.codes
    used = {g for request, code in api.answered() for g in object_request(request, code)}
    assert used == grants("rbac-apply.yaml")


def test_without_the_applier_role_apply_changes_nothing(tmp_path: Path) -> None:
    api = KubeApi(grants=grants("rbac.yaml"))
    api.add(*apply_mesh())
    with serve(api) as running:
        config = str(running.kubeconfig(tmp_path / "kubeconfig"))
        outcome = sme_migrate("apply", "--cluster", "--kubeconfig", config, "--backup-dir",
                              str(tmp_path / "b"), "--skip-module-check")
    assert outcome.exit_code == 2
    assert "forbidden" in outcome.stderr
    assert [r for r in api.writes()] == []
    assert not (tmp_path / "b").exists()


def test_the_applier_binds_both_roles_to_its_own_account() -> None:
    bindings = [d for d in documents("rbac-apply.yaml") if d["kind"] == "ClusterRoleBinding"]
    assert {b["roleRef"]["name"] for b in bindings} == {"sme-migrate-scanner",
                                                        "sme-migrate-applier"}
    assert all(b["subjects"] == [{"kind": "ServiceAccount", "name": "sme-migrate-applier",
                                  "namespace": "sme-migrate"}] for b in bindings)
