"""Every rule only a cluster raises has a cluster state in testdata/rules/<ID>/cluster.yaml that
triggers it (the file-rule test lists them in NOT_FROM_INPUT)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from migrate import rules
from tests.support.cli import sme_migrate
from tests.support.kube_api import KubeApi, serve

FIXTURES = Path(__file__).resolve().parents[3] / "testdata" / "rules"
CLUSTER_RULES = sorted(p.parent.name for p in FIXTURES.glob("*/cluster.yaml"))


def cluster_of(state: dict[str, Any]) -> KubeApi:
    api = KubeApi()
    api.without(*state.get("without", ()))
    api.add(*state.get("objects", ()))
    for plural, namespace in state.get("deny", ()):
        api.deny(plural, namespace)
    api.unavailable.update(state.get("unavailable", {}))
    return api


def test_the_cluster_rules_have_cluster_fixtures() -> None:
    assert CLUSTER_RULES == ["SME070", "SME071", "SME072", "SME073", "SME090"]


@pytest.mark.parametrize("rule", CLUSTER_RULES)
def test_cluster_fixture_triggers_its_rule(rule: str, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("migrate.sources.cluster.listing.RETRY_DELAY", 0.0)
    state = yaml.safe_load((FIXTURES / rule / "cluster.yaml").read_text())
    api = cluster_of(state)
    if state.get("command") == "apply":
        _applied_fixture_refuses(rule, api, tmp_path)
        return
    with serve(api) as running:
        config = running.kubeconfig(tmp_path / "kubeconfig")
        outcome = sme_migrate("scan", "--cluster", "--kubeconfig", str(config), "-o", "json",
                              "--fail-on", "never")
    assert outcome.exit_code == 0, outcome.stderr
    found = [f for f in outcome.json()["findings"] if f["rule"] == rule]
    assert found, f"{rule} not reported for its cluster fixture"
    assert all(f["severity"] == rules.get(rule).severity.label for f in found)
    assert all(f["location"] is None for f in found)
    assert api.writes() == []


def _applied_fixture_refuses(rule: str, api: KubeApi, tmp_path: Path) -> None:
    """A rule only `apply` raises: its fixture's objects are refused, nothing is written."""
    with serve(api) as running:
        config = running.kubeconfig(tmp_path / "kubeconfig")
        outcome = sme_migrate("apply", "--cluster", "--kubeconfig", str(config),
                              "--backup-dir", str(tmp_path / "backups"), "--skip-module-check")
    assert outcome.exit_code == 1, outcome.stderr
    assert f"  {rules.get(rule).severity.label}  " in outcome.stderr.split(rule)[0][-40:]
    assert api.writes() == []
