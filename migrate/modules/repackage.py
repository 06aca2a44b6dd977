"""Build an Istio-compatible image from a module: one gzip tar layer holding `/plugin.wasm`
(and, when the source had one, a `manifest.yaml` rewritten to name plugin.wasm, so the same
image still works for a ServiceMeshExtension), an OCI image config and an OCI manifest. Pure."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from dataclasses import dataclass, field

import yaml

from migrate.modules import media
from migrate.modules.digests import sha256_digest
from migrate.modules.formats import PLUGIN_BASENAME
from migrate.modules.maistra import MANIFEST_PATH, MaistraManifest

VARIANT_ANNOTATION = "module.wasm.image/variant"
SOURCE_ANNOTATION = "io.sme-migrate.repackaged-from"


@dataclass(frozen=True)
class Blob:
    media_type: str
    data: bytes = field(repr=False)

    @property
    def digest(self) -> str:
        return sha256_digest(self.data)

    def descriptor(self) -> dict[str, object]:
        return {"mediaType": self.media_type, "digest": self.digest, "size": len(self.data)}


@dataclass(frozen=True)
class BuiltImage:
    layer: Blob
    config: Blob
    manifest: Blob


def build_istio_image(wasm: bytes, maistra: MaistraManifest | None, source: str) -> BuiltImage:
    files = [(PLUGIN_BASENAME, wasm)]
    if maistra is not None:
        files.insert(0, (MANIFEST_PATH, _manifest_naming_plugin(maistra)))
    tar = _tar(files)
    layer = Blob(media.OCI_LAYER_GZIP, gzip.compress(tar, mtime=0))
    config = Blob(media.OCI_CONFIG, _json(_image_config(sha256_digest(tar))))
    manifest = Blob(media.OCI_MANIFEST, _json(_manifest(layer, config, source)))
    return BuiltImage(layer, config, manifest)


def _manifest_naming_plugin(maistra: MaistraManifest) -> bytes:
    document = yaml.safe_load(maistra.text) if maistra.text else None
    fields = dict(document) if isinstance(document, dict) else {"schemaVersion": 1}
    fields.update({"module": PLUGIN_BASENAME})
    if maistra.phase is not None:
        fields["phase"] = maistra.phase
    if maistra.priority is not None:
        fields["priority"] = maistra.priority
    return yaml.safe_dump(fields, sort_keys=False).encode()


def _tar(files: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _image_config(diff_id: str) -> dict[str, object]:
    os_name, architecture = media.DEFAULT_PLATFORM
    return {
        "architecture": architecture,
        "os": os_name,
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    }


def _manifest(layer: Blob, config: Blob, source: str) -> dict[str, object]:
    return {
        "schemaVersion": 2,
        "mediaType": media.OCI_MANIFEST,
        "config": config.descriptor(),
        "layers": [layer.descriptor()],
        "annotations": {VARIANT_ANNOTATION: "compat", SOURCE_ANNOTATION: source},
    }


def _json(document: dict[str, object]) -> bytes:
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
