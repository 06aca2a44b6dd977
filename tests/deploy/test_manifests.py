"""deploy/: the manifests parse, fit together, and the ClusterRole grants exactly what a scan
requests (compared with the test API server's request log), no more and no less."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.sources.cluster.mesh import mesh_objects
from tests.support.cli import sme_migrate
from tests.support.kube_api import KubeApi, Request, serve

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
Grant = tuple[str, str, str]  # (apiGroup, resource or non-resource URL, verb)


def documents(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((DEPLOY / name).read_text()) if d]


def one(kind: str) -> dict[str, Any]:
    [found] = [d for n in ("rbac.yaml",) for d in documents(n) if d["kind"] == kind]
    return found


def role_grants() -> set[Grant]:
    grants: set[Grant] = set()
    for rule in one("ClusterRole")["rules"]:
        for verb in rule["verbs"]:
            grants.update((g, r, verb) for g in rule.get("apiGroups", [])
                          for r in rule.get("resources", []))
            grants.update(("", url, verb) for url in rule.get("nonResourceURLs", []))
    return grants


def requested(request: Request) -> Grant:
    """What RBAC checks for a GET: a list of a resource, or a non-resource URL."""
    parts = [p for p in request.path.split("/") if p]
    core = parts[:1] == ["api"]
    rest = parts[2:] if core else parts[3:]
    if not rest:
        return ("", "/" + "/".join(parts[:1]) + ("/*" if len(parts) > 1 else ""), "get")
    if rest[0] == "namespaces" and len(rest) >= 3:
        rest = rest[2:]
    assert len(rest) == 1, f"not a list: {request.path}"
    return ("" if core else parts[1], rest[0], "list")


@pytest.fixture
def scanned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KubeApi]:
    monkeypatch.delenv("KUBECONFIG", raising=False)
    api = KubeApi()
    api.add(*mesh_objects())
    with serve(api) as running:
        config = running.kubeconfig(tmp_path / "kubeconfig")
        for args in ([], ["-n", "bookinfo"]):
            outcome = sme_migrate("scan", "--cluster", "--kubeconfig", str(config), "-o",
                                  "json", "--fail-on", "never", *args)
            assert outcome.exit_code == 0, outcome.stderr
        yield api


def test_the_role_grants_exactly_what_a_scan_requests(scanned: KubeApi) -> None:
    assert scanned.writes() == []
    assert {requested(r) for r in scanned.requests} == role_grants()


def test_with_only_the_role_the_scan_sees_everything(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBECONFIG", raising=False)
    api = KubeApi(grants={g for g in role_grants() if not g[1].startswith("/")})
    api.add(*mesh_objects())
    with serve(api) as running:
        config = running.kubeconfig(tmp_path / "kubeconfig")
        document = sme_migrate("scan", "--cluster", "--kubeconfig", str(config), "-o", "json",
                               "--fail-on", "never").json()
    assert not [f for f in document["findings"] if f["rule"] in ("SME070", "SME072")]
    assert document["summary"]["extensions"] == 5


def test_a_role_without_pods_is_noticed(tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBECONFIG", raising=False)
    api = KubeApi(grants={g for g in role_grants() if g[1] != "pods"})
    api.add(*mesh_objects())
    with serve(api) as running:
        config = running.kubeconfig(tmp_path / "kubeconfig")
        document = sme_migrate("scan", "--cluster", "--kubeconfig", str(config), "-o", "json",
                               "--fail-on", "never").json()
    denied = [f for f in document["findings"] if f["rule"] == "SME070"]
    # no Namespace list in the role: the fallback tries the mesh's namespaces
    assert {f["resource"]["name"] for f in denied} == {"istio-system", "bookinfo", "shop"}
    assert all("pods" in f["message"] for f in denied)


def test_the_binding_ties_the_role_to_the_service_account() -> None:
    account, binding = one("ServiceAccount"), one("ClusterRoleBinding")
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io",
                                  "kind": "ClusterRole", "name": one("ClusterRole")["metadata"]
                                  ["name"]}
    assert binding["subjects"] == [{"kind": "ServiceAccount",
                                    "name": account["metadata"]["name"],
                                    "namespace": account["metadata"]["namespace"]}]


def pod_specs() -> Iterator[dict[str, Any]]:
    [job] = documents("job.yaml")
    [cron] = documents("cronjob.yaml")
    assert (job["apiVersion"], job["kind"]) == ("batch/v1", "Job")
    assert (cron["apiVersion"], cron["kind"]) == ("batch/v1", "CronJob")
    assert len(cron["spec"]["schedule"].split()) == 5
    yield job["spec"]["template"]["spec"]
    yield cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def test_the_jobs_run_a_read_only_scan_as_the_scanner() -> None:
    account = one("ServiceAccount")["metadata"]
    for spec in pod_specs():
        assert spec["serviceAccountName"] == account["name"]
        assert spec["restartPolicy"] == "Never"
        [container] = spec["containers"]
        assert container["args"] == ["scan", "--cluster", "-o", "json"]
        assert container["image"] == "REGISTRY/sme-migrate:VERSION"
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
    namespaces = {d["metadata"].get("namespace") for n in ("job.yaml", "cronjob.yaml")
                  for d in documents(n)}
    assert namespaces == {account["namespace"]}


def test_the_jobs_command_line_is_one_the_tool_takes(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBECONFIG", raising=False)
    [args] = {tuple(spec["containers"][0]["args"]) for spec in pod_specs()}
    api = KubeApi()
    api.add(*mesh_objects())
    with serve(api) as running:
        config = running.kubeconfig(tmp_path / "kubeconfig")
        outcome = sme_migrate(*args, "--kubeconfig", str(config))
    assert outcome.exit_code == 1  # findings at error: the Job shows Failed
    assert outcome.json()["summary"]["cluster"] == "test-cluster"
