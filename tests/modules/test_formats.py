"""Format detection decides as Istio's image fetcher does (pure: layers served from memory)."""

from collections.abc import Sequence

from migrate.modules import media
from migrate.modules.digests import sha256_digest
from migrate.modules.formats import ImageFormat, detect
from migrate.modules.manifests import Descriptor, ImageManifest
from tests.modules.builders import (
    compat_layer,
    gzip_tar,
    gzip_tar_entries,
    maistra_layer,
    maistra_manifest,
    symlink,
    wat_module,
)

WASM = wat_module("filter_0_2_1")


def _detect(media_type: str, layers: Sequence[tuple[str, bytes]]):  # type: ignore[no-untyped-def]
    blobs = {sha256_digest(data): data for _, data in layers}
    descriptors = tuple(Descriptor(mt, sha256_digest(d), len(d)) for mt, d in layers)
    manifest = ImageManifest(media_type, "sha256:" + "0" * 64, None, descriptors)
    return detect(manifest, lambda layer: blobs[layer.digest])


def _rules(contents) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.rule for f in contents.findings]


def test_an_oci_image_with_plugin_wasm_in_its_gzip_layer_is_the_compat_format() -> None:
    contents = _detect(media.OCI_MANIFEST, [(media.OCI_LAYER_GZIP, compat_layer(WASM))])
    assert (contents.format, contents.wasm, contents.findings) == (ImageFormat.OCI_COMPAT, WASM, ())


def test_a_docker_image_with_plugin_wasm_in_a_subdirectory_is_accepted_as_istio_does() -> None:
    layer = compat_layer(WASM, name="./build/plugin.wasm")
    contents = _detect(media.DOCKER_MANIFEST, [(media.DOCKER_LAYER, layer)])
    assert (contents.format, contents.module_path) == (ImageFormat.DOCKER, "build/plugin.wasm")


def test_a_docker_image_whose_last_layer_is_not_a_docker_gzip_layer_fails_without_fallback() -> (
    None
):
    contents = _detect(media.DOCKER_MANIFEST, [(media.OCI_LAYER_GZIP, compat_layer(WASM))])
    assert contents.format is None
    assert _rules(contents) == ["MOD007"]
    assert "invalid media type application/vnd.oci.image.layer.v1.tar+gzip" in (
        contents.findings[0].message
    )


def test_the_wasm_artifact_variant_has_two_layers_one_raw_wasm() -> None:
    layers = [(media.WASM_CONTENT_LAYER, WASM), ("application/vnd.example.other", b"{}")]
    contents = _detect(media.OCI_MANIFEST, layers)
    assert (contents.format, contents.wasm) == (ImageFormat.OCI_ARTIFACT, WASM)


def test_a_maistra_image_is_recognised_and_explained_with_istios_error() -> None:
    contents = _detect(media.OCI_MANIFEST, [(media.OCI_LAYER_GZIP, maistra_layer(WASM))])
    assert (contents.format, contents.wasm, contents.module_path) == (
        ImageFormat.MAISTRA,
        WASM,
        "extension.wasm",
    )
    assert contents.maistra is not None
    assert (contents.maistra.phase, contents.maistra.priority) == ("PreAuthZ", 100)
    assert _rules(contents) == ["MOD006"]
    assert "plugin.wasm not found in the archive" in contents.findings[0].message


def test_a_maistra_22_image_naming_plugin_wasm_works_for_istio_and_keeps_its_defaults() -> None:
    layer = maistra_layer(WASM, module="plugin.wasm")
    contents = _detect(media.DOCKER_MANIFEST, [(media.DOCKER_LAYER, layer)])
    assert (contents.format, contents.findings) == (ImageFormat.DOCKER, ())
    assert contents.maistra is not None and contents.maistra.phase == "PreAuthZ"


def test_a_maistra_image_with_its_module_in_an_earlier_layer_is_still_maistra() -> None:
    layers = [
        (media.OCI_LAYER_GZIP, gzip_tar([("extension.wasm", WASM)])),
        (media.OCI_LAYER_GZIP, gzip_tar([("manifest.yaml", maistra_manifest())])),
    ]
    contents = _detect(media.OCI_MANIFEST, layers)
    assert (contents.format, contents.wasm) == (ImageFormat.MAISTRA, WASM)


def test_two_layers_work_on_current_istio_but_not_on_ossm_22() -> None:
    layers = [
        (media.OCI_LAYER_GZIP, gzip_tar([("README", b"x")])),
        (media.OCI_LAYER_GZIP, compat_layer(WASM)),
    ]
    contents = _detect(media.OCI_MANIFEST, layers)
    assert contents.format is ImageFormat.OCI_COMPAT
    assert _rules(contents) == ["MOD008"]
    assert "number of layers must be 1 but got 2" in contents.findings[0].message


def test_a_manifest_yaml_naming_a_missing_module_is_unusable() -> None:
    layer = gzip_tar([("manifest.yaml", maistra_manifest(module="gone.wasm"))])
    contents = _detect(media.OCI_MANIFEST, [(media.OCI_LAYER_GZIP, layer)])
    assert contents.format is None
    assert _rules(contents) == ["MOD007", "MOD021"]


def test_an_image_without_module_or_manifest_reports_istios_combined_error() -> None:
    contents = _detect(media.OCI_MANIFEST, [(media.OCI_LAYER_GZIP, gzip_tar([("x", b"1")]))])
    assert contents.format is None
    message = contents.findings[0].message
    assert "invalid format as an OCI image" in message
    assert "number of layers must be 2 but got 1" in message


def test_a_traversal_entry_named_plugin_wasm_is_reported_and_the_safe_one_used() -> None:
    layer = gzip_tar([("../plugin.wasm", b"evil"), ("plugin.wasm", WASM)])
    contents = _detect(media.OCI_MANIFEST, [(media.OCI_LAYER_GZIP, layer)])
    assert (contents.format, contents.wasm) == (ImageFormat.OCI_COMPAT, WASM)
    assert _rules(contents) == ["MOD009"]
    assert "'../plugin.wasm'" in contents.findings[0].message


def test_a_linked_plugin_wasm_is_not_followed() -> None:
    layer = gzip_tar_entries([symlink("plugin.wasm", "/srv/real.wasm")])
    contents = _detect(media.OCI_MANIFEST, [(media.OCI_LAYER_GZIP, layer)])
    assert contents.format is None
    assert _rules(contents) == ["MOD007", "MOD009"]
