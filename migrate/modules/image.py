"""Pull one image: resolve its manifest, read the layers it needs (through the blob cache),
and detect its format and module."""

from __future__ import annotations

from dataclasses import dataclass

from migrate.modules import media
from migrate.modules.cache import BlobCache
from migrate.modules.formats import ImageContents, detect
from migrate.modules.manifests import Descriptor, ImageManifest
from migrate.modules.oci import RegistryClient, RegistrySettings
from migrate.modules.pools import ConnectionPools
from migrate.modules.reference import ImageReference


@dataclass(frozen=True)
class PulledImage:
    reference: ImageReference
    manifest: ImageManifest
    contents: ImageContents


def pull_image(
    reference: ImageReference,
    settings: RegistrySettings,
    cache: BlobCache,
    pools: ConnectionPools | None = None,
) -> PulledImage:
    """Raises ModuleError when the image cannot be read at all. The manifest is always asked
    for (a tag may have moved); the blobs it names come from `cache` when they are there."""
    with RegistryClient(reference.api_host, settings, pools) as client:
        manifest = client.resolve(reference)

        def read_layer(layer: Descriptor) -> bytes:
            cached = cache.get(layer.digest)
            if cached is not None:
                return cached
            data = client.fetch_blob(reference.repository, layer, media.MAX_MODULE_BYTES)
            cache.put(layer.digest, data)
            return data

        contents = detect(manifest, read_layer)
    return PulledImage(reference, manifest, contents)
