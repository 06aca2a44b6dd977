"""What makes a cluster unreadable is exit 2 with one line (never 1, never a traceback), and
credentials never show up."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.sources.cluster.conftest import Cluster
from tests.support.cli import Outcome, sme_migrate
from tests.support.kube_api import TOKEN
from tests.support.network import closed_port, silent_port


def one_line_error(outcome: Outcome) -> str:
    assert outcome.exit_code == 2, outcome.stdout + outcome.stderr
    assert outcome.stdout == ""
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sme-migrate: "), outcome.stderr
    assert "internal error" not in lines[0]
    return lines[0]


def test_cluster_with_paths_is_a_usage_error(cluster: Cluster, tmp_path: Path) -> None:
    line = one_line_error(cluster.run("scan", str(tmp_path)))
    assert "--cluster" in line and "paths" in line
    assert cluster.api.requests == []


def test_neither_paths_nor_cluster_says_what_to_give() -> None:
    for command in ("scan", "convert"):
        line = one_line_error(sme_migrate(command))
        assert "--cluster" in line and "files" in line


def test_cluster_options_need_cluster(tmp_path: Path) -> None:
    line = one_line_error(sme_migrate("scan", "-n", "bookinfo", str(tmp_path)))
    assert "add --cluster" in line


def test_namespace_and_all_namespaces_exclude_each_other(cluster: Cluster) -> None:
    line = one_line_error(cluster.run("scan", "-n", "x", "-A"))
    assert "exclude each other" in line


def test_all_namespaces_is_the_default(cluster: Cluster) -> None:
    assert cluster.run("scan", "-A", "-o", "json").json() == cluster.scan(
        "--fail-on", "error").json()


def test_unreachable_api_server(tmp_path: Path) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(f"""apiVersion: v1
kind: Config
current-context: gone
clusters: [{{name: gone, cluster: {{server: "http://127.0.0.1:{closed_port()}"}}}}]
users: [{{name: u, user: {{token: {TOKEN}}}}}]
contexts: [{{name: gone, context: {{cluster: gone, user: u}}}}]
""")
    line = one_line_error(sme_migrate("scan", "--cluster", "--kubeconfig", str(config)))
    assert "cannot reach the Kubernetes API at http://127.0.0.1:" in line
    assert "refused" in line.lower()
    assert TOKEN not in line


def test_rejected_credentials(cluster: Cluster, tmp_path: Path) -> None:
    wrong = cluster.running.kubeconfig(tmp_path / "wrong", token="not-the-token")
    line = one_line_error(sme_migrate("scan", "--cluster", "--kubeconfig", str(wrong)))
    assert "rejected the credentials of context test-cluster (401 Unauthorized)" in line
    assert "not-the-token" not in line


def test_missing_and_broken_kubeconfig(tmp_path: Path) -> None:
    line = one_line_error(sme_migrate("scan", "--cluster", "--kubeconfig",
                                      str(tmp_path / "absent")))
    assert "no such file" in line
    broken = tmp_path / "broken"
    broken.write_text("apiVersion: v1\nkind: Config\ncontexts: [\n")
    line = one_line_error(sme_migrate("scan", "--cluster", "--kubeconfig", str(broken)))
    assert str(broken) in line


def test_unknown_context(cluster: Cluster) -> None:
    line = one_line_error(cluster.run("scan", "--context", "prod"))
    assert "no context 'prod'" in line and "test-cluster" in line


def test_named_context_is_used_and_reported(cluster: Cluster, tmp_path: Path) -> None:
    other = cluster.running.kubeconfig(tmp_path / "other", context="staging")
    outcome = sme_migrate("scan", "--cluster", "--kubeconfig", str(other), "--context",
                          "staging", "-o", "json", "--fail-on", "never")
    assert outcome.json()["summary"]["cluster"] == "staging"


def test_kubeconfig_from_the_environment(cluster: Cluster,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBECONFIG", str(cluster.kubeconfig))
    outcome = sme_migrate("scan", "--cluster", "-o", "json", "--fail-on", "never")
    assert outcome.json()["summary"]["cluster"] == "test-cluster"


def test_no_kubeconfig_outside_a_pod() -> None:
    line = one_line_error(sme_migrate("scan", "--cluster"))
    assert "no kubeconfig" in line and "not running in a pod" in line


def test_in_a_pod_without_a_service_account_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", str(closed_port()))
    line = one_line_error(sme_migrate("scan", "--cluster"))
    assert line.startswith("sme-migrate: in-cluster configuration:")


def test_a_server_that_never_answers_times_out(tmp_path: Path) -> None:
    with silent_port() as port:
        config = tmp_path / "kubeconfig"
        config.write_text(f"""apiVersion: v1
kind: Config
current-context: mute
clusters: [{{name: mute, cluster: {{server: "http://127.0.0.1:{port}"}}}}]
users: [{{name: u, user: {{token: {TOKEN}}}}}]
contexts: [{{name: mute, context: {{cluster: mute, user: u}}}}]
""")
        started = time.monotonic()
        line = one_line_error(sme_migrate("scan", "--cluster", "--kubeconfig", str(config),
                                          "--request-timeout", "0.5"))
    assert time.monotonic() - started < 10
    assert "no answer in time (--request-timeout)" in line
