"""The read path against a real registry (Debian docker-registry on 127.0.0.1)."""

import gzip
import json
import tarfile
import time
from pathlib import Path

import pytest

from migrate.modules.api import ModuleOptions, check_references
from migrate.modules.cache import BlobCache
from migrate.modules.errors import ModuleError
from migrate.modules.image import pull_image
from migrate.modules.oci import RegistryClient, RegistrySettings
from migrate.modules.reference import parse_reference
from tests.modules.builders import (
    DOCKER_CONFIG,
    DOCKER_LAYER,
    DOCKER_MANIFEST,
    OCI_LAYER,
    WASM_CONFIG,
    WASM_LAYER,
    compat_layer,
    maistra_layer,
    wat_module,
)
from tests.modules.conftest import needs_registry, options_for
from tests.support.network import closed_port, silent_port
from tests.support.registry import Registry, digest_of, push, push_raw_manifest

pytestmark = needs_registry
WASM = wat_module("filter_0_2_1")
OCI_INDEX = "application/vnd.oci.image.index.v1+json"


def _settings(registry: Registry, timeout: float = 5.0) -> RegistrySettings:
    return RegistrySettings(insecure_registries=frozenset({registry.host}), timeout=timeout)


def _pull(reference: str, settings: RegistrySettings):  # type: ignore[no-untyped-def]
    return pull_image(parse_reference(reference), settings, BlobCache(None))


def _error(reference: str, settings: RegistrySettings) -> ModuleError:
    with pytest.raises(ModuleError) as raised:
        _pull(reference, settings)
    return raised.value


def test_an_oci_compat_image_is_pulled_and_its_digest_is_the_manifest_digest(
    registry: Registry,
) -> None:
    pushed = push(registry, "oci/compat", "1.0", [(OCI_LAYER, compat_layer(WASM))])
    pulled = _pull(pushed.reference, _settings(registry))
    assert pulled.manifest.digest == pushed.digest
    assert (pulled.contents.format.value, pulled.contents.wasm) == ("oci-compat", WASM)


def test_a_docker_schema2_maistra_image_is_pulled_and_recognised(registry: Registry) -> None:
    pushed = push(
        registry,
        "maistra/header-append",
        "2.1",
        [(DOCKER_LAYER, maistra_layer(WASM))],
        config=(DOCKER_CONFIG, b'{"architecture":"amd64","os":"linux"}'),
        manifest_media_type=DOCKER_MANIFEST,
    )
    pulled = _pull(pushed.reference, _settings(registry))
    assert pulled.contents.format.value == "maistra"
    assert pulled.manifest.media_type == DOCKER_MANIFEST


def test_a_wasm_artifact_image_is_pulled(registry: Registry) -> None:
    config = (WASM_CONFIG, b'{"type":"envoy_proxy","abiVersions":["v0-097b7f2e"]}')
    pushed = push(registry, "oci/artifact", "1", [(WASM_LAYER, WASM)], config=config)
    # the spec's variant has the config as a second layer too; a 1-layer push is invalid
    assert _pull(pushed.reference, _settings(registry)).contents.format is None
    pushed = push(
        registry, "oci/artifact", "2", [(WASM_LAYER, WASM), (WASM_CONFIG, config[1])], config=config
    )
    assert _pull(pushed.reference, _settings(registry)).contents.format.value == "oci-artifact"


def test_an_index_resolves_to_its_linux_amd64_image(registry: Registry) -> None:
    amd = push(registry, "multi/arch", "amd64", [(OCI_LAYER, compat_layer(WASM))])
    arm = push(registry, "multi/arch", "arm64", [(OCI_LAYER, compat_layer(b"\0asm-arm"))])
    index = _index([(arm, "arm64"), (amd, "amd64")])
    pushed = push_raw_manifest(registry, "multi/arch", "1.0", index, OCI_INDEX)
    pulled = _pull(pushed.reference, _settings(registry))
    assert (pulled.manifest.digest, pulled.manifest.index_digest) == (amd.digest, pushed.digest)
    assert pulled.contents.wasm == WASM


def test_an_index_without_linux_amd64_is_reported_with_its_platforms(registry: Registry) -> None:
    arm = push(registry, "arm/only", "arm64", [(OCI_LAYER, compat_layer(WASM))])
    pushed = push_raw_manifest(registry, "arm/only", "1.0", _index([(arm, "arm64")]), OCI_INDEX)
    error = _error(pushed.reference, _settings(registry))
    assert error.rule_id == "MOD022" and "linux/arm64" in error.message


def test_a_missing_tag_is_not_found(registry: Registry) -> None:
    error = _error(f"{registry.host}/oci/compat:no-such-tag", _settings(registry))
    assert error.rule_id == "MOD003" and "MANIFEST_UNKNOWN" in error.message


def test_a_corrupted_blob_is_caught_by_its_digest(fresh_registry: Registry) -> None:
    layer = compat_layer(WASM)
    pushed = push(fresh_registry, "lying/registry", "1", [(OCI_LAYER, layer)])
    blob = fresh_registry.blob_file(digest_of(layer))
    data = bytearray(blob.read_bytes())
    data[-30] ^= 0xFF  # same size, different content: the registry serves it as is
    blob.write_bytes(bytes(data))
    error = _error(pushed.reference, _settings(fresh_registry))
    assert error.rule_id == "MOD004" and digest_of(layer) in error.message


def test_a_manifest_that_does_not_match_the_digest_asked_for_is_refused(
    fresh_registry: Registry,
) -> None:
    pushed = push(fresh_registry, "lying/manifest", "1", [(OCI_LAYER, compat_layer(WASM))])
    blob = fresh_registry.blob_file(pushed.digest)
    blob.write_bytes(blob.read_bytes().replace(b'"schemaVersion": 2', b'"schemaVersion":  2'))
    for reference in (pushed.reference, f"{fresh_registry.host}/lying/manifest@{pushed.digest}"):
        assert _error(reference, _settings(fresh_registry)).rule_id == "MOD004"


def test_a_refused_connection_is_reported_at_once() -> None:
    port = closed_port()
    settings = RegistrySettings(insecure_registries=frozenset({f"127.0.0.1:{port}"}))
    started = time.monotonic()
    error = _error(f"127.0.0.1:{port}/a/b:1", settings)
    assert error.rule_id == "MOD001" and f"127.0.0.1:{port}" in error.message
    assert time.monotonic() - started < 3.0


def test_a_registry_that_never_answers_is_reported_after_the_timeout() -> None:
    with silent_port() as port:
        settings = RegistrySettings(
            insecure_registries=frozenset({f"127.0.0.1:{port}"}), timeout=0.5
        )
        started = time.monotonic()
        error = _error(f"127.0.0.1:{port}/a/b:1", settings)
    assert error.rule_id == "MOD001" and "did not answer within 0.5s" in error.message
    assert time.monotonic() - started < 3.0


def test_a_layer_declared_over_the_limit_is_not_downloaded(registry: Registry) -> None:
    pushed = push(registry, "huge/layer", "1", [(OCI_LAYER, compat_layer(WASM))])
    with RegistryClient(registry.host, _settings(registry)) as client:
        manifest = client.resolve(parse_reference(pushed.reference))
        with pytest.raises(ModuleError) as raised:
            client.fetch_blob("huge/layer", manifest.layers[0], limit=100)
    assert raised.value.rule_id == "MOD005"


def test_the_blob_cache_serves_a_layer_the_registry_has_since_corrupted(
    fresh_registry: Registry, tmp_path: Path
) -> None:
    options = options_for(fresh_registry, tmp_path)
    layer = compat_layer(WASM)
    pushed = push(fresh_registry, "cached/image", "1", [(OCI_LAYER, layer)])
    configs = {pushed.reference: {"a": 1}}
    first = check_references([pushed.reference], options, configs)[pushed.reference]
    fresh_registry.blob_file(digest_of(layer)).write_bytes(b"x" * len(layer))
    second = check_references([pushed.reference], options, configs)[pushed.reference]
    assert first.findings == second.findings == ()
    assert second.wasm == WASM


def _index(entries: list) -> bytes:  # type: ignore[type-arg]
    manifests = [
        {
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": pushed.digest,
            "size": len(pushed.manifest),
            "platform": {"os": "linux", "architecture": arch},
        }
        for pushed, arch in entries
    ]
    return json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}).encode()


def test_a_layer_claiming_a_module_over_256_mib_is_a_finding_not_a_download(
    registry: Registry, options: ModuleOptions
) -> None:
    info = tarfile.TarInfo("plugin.wasm")
    info.size = 300 * 1024 * 1024
    bomb = gzip.compress(info.tobuf(format=tarfile.GNU_FORMAT) + bytes(1 << 20))
    pushed = push(registry, "bomb/layer", "1", [(OCI_LAYER, bomb)])
    report = check_references([pushed.reference], options)[pushed.reference]
    assert [f.rule for f in report.findings] == ["MOD005"]
    assert "plugin.wasm" in report.findings[0].message
