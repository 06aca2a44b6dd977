"""`--repackage-to`: a Maistra-format image is rebuilt for Istio, pushed once to the real
registry (Debian docker-registry), checked there, and the plugin points at the copy by
digest; a second run pushes nothing; a scan never pushes; a refused push leaves the
extension unconverted."""

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from migrate.modules import media
from tests.modules.builders import maistra_layer, wat_module
from tests.modules.conftest import needs_registry
from tests.support.cli import Outcome, sme_migrate
from tests.support.crd import wasmplugin_validator
from tests.support.module_cli import extension_yaml, registry_flags
from tests.support.registry import Registry, push, start_registry

pytestmark = needs_registry

@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    running = start_registry(tmp_path / "registry")
    yield running
    running.stop()


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Registry]:
    running = start_registry(tmp_path / "read-only", read_only=True)
    yield running
    running.stop()


def maistra_image(registry: Registry, repository: str = "acme/header") -> str:
    layer = maistra_layer(wat_module("filter_0_2_1"))  # manifest.yaml: PreAuthZ, 100
    return push(registry, repository, "1.0", [(media.OCI_LAYER_GZIP, layer)]).reference


def write_sme(tmp_path: Path, image: str, name: str = "header") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(extension_yaml(name, image))
    return path


COPY_URL = re.compile(r"^oci://(?P<repo>127\.0\.0\.1:\d+/istio/header)@sha256:[0-9a-f]{64}$")


def rewritten_plugin(path: Path) -> dict[str, object]:
    (plugin,) = yaml.safe_load_all(path.read_text())
    assert plugin["kind"] == "WasmPlugin", path.read_text()
    return dict(plugin)


def test_rewrite_pushes_the_istio_copy_once_and_the_plugin_names_it_by_digest(
    registry: Registry, tmp_path: Path
) -> None:
    source = maistra_image(registry)
    path = write_sme(tmp_path, source)
    prefix = f"{registry.host}/istio"
    first = sme_migrate("rewrite", str(path), "--repackage-to", prefix,
                        *registry_flags(tmp_path, registry))
    assert first.exit_code == 0, first.stderr
    plugin = rewritten_plugin(path)
    spec = plugin["spec"]
    assert isinstance(spec, dict)
    assert COPY_URL.match(spec["url"]), spec["url"]
    assert "sha256" not in spec  # by digest in the url; spec.sha256 only with --pin
    assert (spec["phase"], spec["priority"]) == ("AUTHZ", 100)  # manifest.yaml still read
    assert wasmplugin_validator().errors(plugin) == []
    assert registry.tags("istio/header") == ["1.0"]  # same basename and tag under the prefix
    assert "MOD035" in first.stderr and "pushed" in first.stderr

    checked = sme_migrate("modules", "check", spec["url"], *registry_flags(tmp_path, registry))
    assert checked.exit_code == 0, checked.stderr + checked.stdout

    before = registry.storage_state("istio/header")
    path.write_text(extension_yaml("header", source))  # the same input again
    second = sme_migrate("rewrite", str(path), "--repackage-to", prefix,
                         *registry_flags(tmp_path, registry))
    assert second.exit_code == 0, second.stderr
    assert rewritten_plugin(path)["spec"] == spec  # the same copy, the same digest
    assert registry.storage_state("istio/header") == before  # nothing pushed
    assert "already there" in " ".join(second.stderr.split())


def test_convert_with_pin_pins_the_copy_and_never_the_maistra_image(
    registry: Registry, tmp_path: Path
) -> None:
    source = maistra_image(registry)
    path = write_sme(tmp_path, source)
    outcome = sme_migrate("convert", str(path), "--pin", "--repackage-to",
                          f"oci://{registry.host}/istio/", *registry_flags(tmp_path, registry))
    assert outcome.exit_code == 0, outcome.stderr
    (plugin,) = yaml.safe_load_all(outcome.stdout)
    url, sha = plugin["spec"]["url"], plugin["spec"]["sha256"]
    assert COPY_URL.match(url) and url.endswith(f"@sha256:{sha}")  # the copy's own digest
    manifest = httpx.get(f"{registry.base_url}/v2/istio/header/manifests/1.0", timeout=5,
                         headers={"Accept": media.OCI_MANIFEST})
    assert manifest.headers["docker-content-digest"] == f"sha256:{sha}"
    assert len(manifest.json()["layers"]) == 1  # what Istio <= 1.15 needs too


def test_scan_says_what_would_be_pushed_and_pushes_nothing(
    registry: Registry, tmp_path: Path
) -> None:
    source = maistra_image(registry)
    path = write_sme(tmp_path, source)
    prefix = f"{registry.host}/istio"
    report = sme_migrate("scan", str(path), "--repackage-to", prefix, "--format", "json",
                         *registry_flags(tmp_path, registry))
    assert report.json()["summary"]["converted"] == 1  # nothing left that blocks it
    found = {f["rule"]: f["message"] for f in report.json()["findings"]}
    assert "would be pushed" in found["MOD035"]
    assert f"{prefix}/header:1.0@sha256:" in found["MOD035"]
    assert "SME065" not in found and "MOD006" not in found
    assert registry.tags("istio/header") == []  # a scan never writes

    convert = sme_migrate("convert", str(path), "--repackage-to", prefix,
                          *registry_flags(tmp_path, registry))
    (plugin,) = yaml.safe_load_all(convert.stdout)
    planned = found["MOD035"].split("@", 1)[1].split(" ", 1)[0]  # the digest the scan named
    assert plugin["spec"]["url"].endswith(f"@{planned}")


def test_without_repackage_to_the_maistra_image_stays_unconverted_with_the_command(
    registry: Registry, tmp_path: Path
) -> None:
    path = write_sme(tmp_path, maistra_image(registry))
    outcome = sme_migrate("convert", str(path), "--check-modules",
                          *registry_flags(tmp_path, registry))
    assert outcome.exit_code == 1
    assert outcome.stdout.strip() in ("", "[]")
    assert "sme-migrate modules repackage" in " ".join(outcome.stderr.split())


def test_a_refused_push_is_a_finding_and_the_extension_stays(
    registry: Registry, read_only: Registry, tmp_path: Path
) -> None:
    path = write_sme(tmp_path, maistra_image(registry))
    before = path.read_text()
    outcome: Outcome = sme_migrate("rewrite", str(path), "--repackage-to",
                                   f"{read_only.host}/istio",
                                   *registry_flags(tmp_path, registry, read_only))
    assert outcome.exit_code == 1, outcome.stderr
    assert path.read_text() == before  # the ServiceMeshExtension is left in place
    said = " ".join(outcome.stderr.split())
    assert re.search(r"\berror\s+MOD036\b", outcome.stderr), outcome.stderr
    assert re.search(r"\berror\s+SME065\b", outcome.stderr), outcome.stderr
    assert "repackaging it for Istio as " in said and read_only.host in said
    assert read_only.tags("istio/header") == []


def test_a_prefix_without_a_registry_is_a_usage_error(tmp_path: Path) -> None:
    path = write_sme(tmp_path, "quay.io/acme/header:1.0")
    for prefix in ("istio", "acme/istio", "quay.io/acme/istio:1.0", "quay.io/acme@sha256:00"):
        outcome = sme_migrate("scan", str(path), "--repackage-to", prefix)
        assert outcome.exit_code == 2, (prefix, outcome.stderr)
        assert "REGISTRY/PREFIX" in outcome.stderr


def test_two_images_that_would_share_a_copy_are_both_left_unconverted(
    registry: Registry, tmp_path: Path
) -> None:
    first, second = maistra_image(registry, "acme/header"), maistra_image(registry, "other/header")
    path = tmp_path / "two.yaml"
    path.write_text(extension_yaml("one", first) + "---\n"
                    + extension_yaml("two", second))
    outcome = sme_migrate("convert", str(path), "--repackage-to", f"{registry.host}/istio",
                          *registry_flags(tmp_path, registry))
    assert outcome.exit_code == 1
    assert not [d for d in yaml.safe_load_all(outcome.stdout) if d]  # neither converted
    assert f"would be pushed as {registry.host}/istio/header:1.0 too" in " ".join(
        outcome.stderr.split())
    assert registry.tags("istio/header") == []  # nothing pushed under the shared name
