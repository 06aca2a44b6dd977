"""`scan`/`convert --check-modules` and `--pin` against a real registry (Debian docker-registry)."""

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from migrate.modules import media
from tests.modules.builders import (
    compat_layer,
    gzip_tar,
    maistra_layer,
    maistra_manifest,
    wat_module,
)
from tests.modules.conftest import needs_registry
from tests.support.cli import sme_migrate
from tests.support.crd import wasmplugin_validator
from tests.support.module_cli import extension_yaml, registry_flags
from tests.support.registry import Registry, push, start_registry

pytestmark = needs_registry

@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    running = start_registry(tmp_path_factory.mktemp("registry"))
    yield running
    running.stop()


def write_sme(tmp_path: Path, name: str, image: str, extra: str = "") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(extension_yaml(name, image, extra=extra))
    return path


def test_manifest_yaml_supplies_the_phase_of_an_image_istio_can_load(
    registry: Registry, tmp_path: Path
) -> None:
    wasm = wat_module("filter_0_2_1")
    layer = gzip_tar([("manifest.yaml", maistra_manifest("plugin.wasm")), ("plugin.wasm", wasm)])
    image = push(registry, "dual/header", "2.0", [(media.OCI_LAYER_GZIP, layer)])
    path = write_sme(tmp_path, "header", image.reference)  # no phase: manifest.yaml says PreAuthZ
    without = sme_migrate("scan", str(path), "--format", "json", "--fail-on", "never").json()
    assert "SME003" in {f["rule"] for f in without["findings"]}

    outcome = sme_migrate("convert", str(path), "--check-modules",
                          *registry_flags(tmp_path, registry))
    (plugin,) = yaml.safe_load_all(outcome.stdout)
    assert (plugin["spec"]["phase"], plugin["spec"]["priority"]) == ("AUTHZ", 100)


def test_a_maistra_format_image_is_reported_at_each_user_and_not_converted(
    registry: Registry, tmp_path: Path
) -> None:
    wasm = wat_module("filter_0_2_1")
    image = push(registry, "maistra/header", "2.0", [(media.OCI_LAYER_GZIP, maistra_layer(wasm))])
    path = write_sme(tmp_path, "header", image.reference)
    report = sme_migrate("scan", str(path), "--check-modules", *registry_flags(tmp_path, registry),
                         "--format", "json", "--fail-on", "never").json()
    module_findings = [f for f in report["findings"] if f["rule"].startswith("MOD")]
    assert module_findings, "a Maistra-format image must be reported"
    assert all(f["resource"]["name"] == "header" and f["location"]["line"] == 7
               for f in module_findings)  # at spec.image of the extension that uses it
    assert "plugin.wasm" in json.dumps(module_findings)
    rules = {f["rule"] for f in report["findings"]}
    assert "SME065" in rules and "SME003" not in rules  # the phase came from manifest.yaml


def test_pin_writes_the_manifest_digest(registry: Registry, tmp_path: Path) -> None:
    wasm = wat_module("filter_0_2_1")
    image = push(registry, "istio/filter", "1.0", [(media.OCI_LAYER_GZIP, compat_layer(wasm))])
    path = write_sme(tmp_path, "filter", image.reference, "  phase: PreAuthN\n")
    outcome = sme_migrate("convert", str(path), "--pin", *registry_flags(tmp_path, registry))
    (plugin,) = yaml.safe_load_all(outcome.stdout)
    assert plugin["spec"]["sha256"] == image.digest.removeprefix("sha256:")
    assert wasmplugin_validator().errors(plugin) == []
    unpinned = sme_migrate("convert", str(path), "--check-modules",
                           *registry_flags(tmp_path, registry))
    assert "sha256" not in unpinned.stdout


def test_unreachable_registry_is_a_finding_in_seconds(tmp_path: Path) -> None:
    path = write_sme(tmp_path, "gone", "127.0.0.1:9/nowhere/filter:1.0", "  phase: PreAuthN\n")
    started = time.monotonic()
    outcome = sme_migrate("scan", str(path), "--check-modules", "--insecure-registry",
                          "127.0.0.1:9", "--format", "json", "--fail-on", "never")
    assert time.monotonic() - started < 5
    rules = {f["rule"] for f in outcome.json()["findings"]}
    assert "MOD001" in rules and "SME001" in rules  # the rest of the scan still happened


def test_rewrite_pins_the_digest_in_the_file_itself(registry: Registry, tmp_path: Path) -> None:
    wasm = wat_module("filter_0_2_1")
    image = push(registry, "istio/pinned", "1.0", [(media.OCI_LAYER_GZIP, compat_layer(wasm))])
    path = write_sme(tmp_path, "pinned", image.reference, "  phase: PreAuthN\n")
    outcome = sme_migrate("rewrite", str(path), "--pin", *registry_flags(tmp_path, registry))
    assert outcome.exit_code == 0, outcome.stderr
    (plugin,) = yaml.safe_load_all(path.read_text())
    assert plugin["kind"] == "WasmPlugin"
    assert plugin["spec"]["sha256"] == image.digest.removeprefix("sha256:")
    assert wasmplugin_validator().errors(plugin) == []


def test_a_second_scan_reports_the_same_from_the_cache_and_no_cache_keeps_nothing(
    registry: Registry, tmp_path: Path
) -> None:
    image = push(registry, "istio/cached", "1.0",
                 [(media.OCI_LAYER_GZIP, compat_layer(wat_module("trap_vm_start")))])
    path = write_sme(tmp_path, "cached", image.reference, "  phase: PreAuthN\n")
    scan = ["scan", str(path), "--check-modules", *registry_flags(tmp_path, registry),
            "--format", "json", "--fail-on", "never"]
    first = sme_migrate(*scan)
    assert [f["rule"] for f in first.json()["findings"] if f["rule"].startswith("MOD")]
    assert len(list((tmp_path / "cache" / "checks").glob("*.json"))) == 1
    assert sme_migrate(*scan).stdout == first.stdout
    bare = tmp_path / "bare"
    bare.mkdir()
    fresh = [*registry_flags(bare, registry), "--no-cache"]
    uncached = sme_migrate("scan", str(path), "--check-modules", *fresh,
                           "--format", "json", "--fail-on", "never")
    assert uncached.stdout == first.stdout
    assert not (bare / "cache").exists()
