"""The Istio image built around a module: one gzip layer, /plugin.wasm, reproducible."""

import json

from migrate.modules import media
from migrate.modules.formats import ImageFormat, detect
from migrate.modules.maistra import parse_maistra_manifest
from migrate.modules.manifests import ImageManifest, parse_document
from migrate.modules.repackage import build_istio_image
from migrate.modules.safetar import read_gzip_tar
from tests.modules.builders import maistra_manifest, sdk_module

MAISTRA = parse_maistra_manifest(maistra_manifest(phase="PostAuthZ", priority=1000))


def test_the_image_is_one_oci_gzip_layer_with_plugin_wasm_that_istio_reads() -> None:
    image = build_istio_image(sdk_module(), None, "quay.io/acme/filter:1@sha256:" + "1" * 64)
    manifest = parse_document(image.manifest.data, "", image.manifest.digest)
    assert isinstance(manifest, ImageManifest)
    assert manifest.media_type == media.OCI_MANIFEST
    assert [(layer.media_type, layer.digest) for layer in manifest.layers] == [
        (media.OCI_LAYER_GZIP, image.layer.digest)
    ]
    contents = detect(manifest, lambda layer: image.layer.data)
    assert (contents.format, contents.wasm, contents.findings) == (
        ImageFormat.OCI_COMPAT,
        sdk_module(),
        (),
    )
    config = json.loads(image.config.data)
    assert (config["os"], config["architecture"]) == ("linux", "amd64")


def test_a_maistra_manifest_is_kept_but_now_names_plugin_wasm() -> None:
    image = build_istio_image(sdk_module(), MAISTRA, "src")
    files = {f.path: f.data for f in read_gzip_tar(image.layer.data, media.MIB).files}
    assert sorted(files) == ["manifest.yaml", "plugin.wasm"]
    kept = parse_maistra_manifest(files["manifest.yaml"])
    assert (kept.module, kept.phase, kept.priority) == ("plugin.wasm", "PostAuthZ", 1000)
    assert b"name: header-append" in files["manifest.yaml"]


def test_the_same_module_always_gives_the_same_digests() -> None:
    first = build_istio_image(sdk_module(), MAISTRA, "src")
    second = build_istio_image(sdk_module(), MAISTRA, "src")
    assert first.manifest.digest == second.manifest.digest
    assert first.layer.digest == second.layer.digest
