"""Media types and size bounds of the images Istio and Maistra understand."""

from __future__ import annotations

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
WASM_CONTENT_LAYER = "application/vnd.module.wasm.content.layer.v1+wasm"
WASM_CONFIG = "application/vnd.module.wasm.config.v1+json"

IMAGE_MANIFESTS = (DOCKER_MANIFEST, OCI_MANIFEST)
INDEXES = (DOCKER_MANIFEST_LIST, OCI_INDEX)
GZIP_TAR_LAYERS = (DOCKER_LAYER, OCI_LAYER_GZIP)

MIB = 1024 * 1024
MAX_MODULE_BYTES = 256 * MIB  # Istio's limit for the wasm binary and the layer holding it
MAX_MANIFEST_BYTES = 4 * MIB  # manifests, indexes and configs are small JSON documents

DEFAULT_PLATFORM = ("linux", "amd64")  # what go-containerregistry picks from an index for Istio
