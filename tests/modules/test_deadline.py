"""One deadline per registry operation: a registry that trickles its answer, or goes silent
after the headers, is a MOD001 finding in bounded time (not one timeout per byte, not a
MOD022 "unexpected ReadTimeout")."""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from migrate.modules.api import ModuleOptions, ModuleReport, check_references
from migrate.modules.session import RegistrySettings
from tests.modules.builders import OCI_LAYER, compat_layer, wat_module
from tests.support.cli import sme_migrate
from tests.support.hostile_registry import HostileRegistry

LAYER = compat_layer(wat_module("filter_0_2_1"))
SME = """apiVersion: maistra.io/v1
kind: ServiceMeshExtension
metadata:
  name: slow
  namespace: istio-system
spec:
  image: {image}
  phase: PreAuthN
"""


@pytest.fixture
def registry() -> Iterator[HostileRegistry]:
    server = HostileRegistry("slow")
    server.add_image("team/filter", "1.0", LAYER, OCI_LAYER)
    yield server
    server.stop()


def _check(registry: HostileRegistry, timeout: float) -> tuple[ModuleReport, float]:
    reference = f"{registry.host}/team/filter:1.0"
    options = ModuleOptions(
        insecure_registries=frozenset({registry.host}),
        registry_config=None,
        use_cache=False,
        timeout=timeout,
    )
    started = time.monotonic()
    report = check_references([reference], options, {reference: {}})[reference]
    return report, time.monotonic() - started


@pytest.fixture(autouse=True)
def _no_docker_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "no-docker-config"))


def test_a_trickled_manifest_is_given_up_on_at_the_deadline(registry: HostileRegistry) -> None:
    registry.behaviour.trickle = 0.05  # each byte well inside the 0.5 s read timeout
    report, elapsed = _check(registry, timeout=0.5)
    (finding,) = report.findings
    assert finding.rule == "MOD001"
    assert f"{registry.host} did not send manifest team/filter:1.0 within 1s" in finding.message
    assert 0.9 < elapsed < 3


def test_trickled_headers_are_given_up_on_at_the_deadline(registry: HostileRegistry) -> None:
    registry.behaviour.trickle, registry.behaviour.trickle_headers = 0.05, True
    report, elapsed = _check(registry, timeout=0.5)
    (finding,) = report.findings
    assert finding.rule == "MOD001" and "within 1s" in finding.message
    assert elapsed < 3


def test_silence_after_the_headers_is_a_timeout_finding(registry: HostileRegistry) -> None:
    registry.behaviour.silent_after_headers = True
    report, elapsed = _check(registry, timeout=0.5)
    (finding,) = report.findings
    assert finding.rule == "MOD001"
    assert f"{registry.host} did not answer within 0.5s" in finding.message
    assert elapsed < 3


def test_modules_check_gives_up_on_a_trickling_registry_within_bounded_time(
    registry: HostileRegistry,
) -> None:
    registry.behaviour.trickle = 0.5  # a 400-byte manifest: 200 s at this pace
    started = time.monotonic()
    outcome = sme_migrate(
        "modules", "check", f"{registry.host}/team/filter:1.0", "--insecure-registry",
        registry.host, "--no-cache", "--timeout", "2", "--format", "json",
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert outcome.exit_code == 1, outcome.stderr
    (finding,) = outcome.json()["findings"]
    assert finding["rule"] == "MOD001" and "within 4s" in finding["message"]
    assert elapsed < 8


def test_scan_check_modules_reports_a_silent_registry_and_still_scans(
    registry: HostileRegistry, tmp_path: Path
) -> None:
    registry.behaviour.silent_after_headers = True
    path = tmp_path / "slow.yaml"
    path.write_text(SME.format(image=f"{registry.host}/team/filter:1.0"))
    started = time.monotonic()
    outcome = sme_migrate(
        "scan", str(path), "--check-modules", "--insecure-registry", registry.host,
        "--no-cache", "--timeout", "1", "--format", "json",
    )  # fmt: skip
    assert time.monotonic() - started < 6
    assert outcome.exit_code == 1, outcome.stderr
    found = {f["rule"]: f["message"] for f in outcome.json()["findings"]}
    assert "did not answer within 1s" in found["MOD001"] and "SME001" in found
    assert "MOD022" not in found


def test_a_blob_is_given_a_second_more_per_mib_it_moves() -> None:
    settings = RegistrySettings(timeout=10.0)
    assert settings.budget() == 20.0
    assert settings.budget(256 * 1024 * 1024) == 20.0 + 256
    assert RegistrySettings(timeout=10.0, deadline=3.0).budget() == 3.0


def test_repackage_gives_up_on_an_upload_answer_trickled_header_by_header(
    registry: HostileRegistry, tmp_path: Path
) -> None:
    registry.behaviour.trickle, registry.behaviour.trickle_headers = 0.1, True
    registry.behaviour.misbehave_on = "upload"
    module = tmp_path / "filter.wasm"
    module.write_bytes(wat_module("filter_0_2_1"))
    started = time.monotonic()
    outcome = sme_migrate(
        "modules", "repackage", str(module), "--to", f"{registry.host}/team/istio:1",
        "--insecure-registry", registry.host, "--timeout", "1",
    )  # fmt: skip
    assert time.monotonic() - started < 6
    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert "MOD001" in outcome.stderr and "within 2s" in outcome.stderr
    assert ("team/istio", "1") not in registry.manifests
