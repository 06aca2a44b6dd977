"""Decide an image's format exactly as Istio's image fetcher does, and find its wasm module.

Istio (pkg/wasm/imagefetcher.go): a Docker schema 2 manifest must have a gzip tar last layer
holding a `plugin.wasm` (no fallback); otherwise the OCI "compat" variant (last layer
`application/vnd.oci.image.layer.v1.tar+gzip` holding `plugin.wasm`), then the OCI artifact
variant (exactly two layers, one of the wasm content type). Anything else fails in the proxy.
A Maistra image (`/manifest.yaml` + module) is recognised to explain that failure.
"""

from __future__ import annotations

import enum
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field

from migrate import rules
from migrate.model import Finding
from migrate.modules import media
from migrate.modules.errors import ModuleError
from migrate.modules.maistra import MANIFEST_PATH, MaistraManifest, parse_maistra_manifest
from migrate.modules.manifests import Descriptor, ImageManifest
from migrate.modules.safetar import ArchiveFile, ArchiveListing, read_gzip_tar
from migrate.rules.ids import RuleId

PLUGIN_BASENAME = "plugin.wasm"
LayerReader = Callable[[Descriptor], bytes]


class ImageFormat(enum.Enum):
    DOCKER = "docker"  # Docker schema 2, plugin.wasm in the last layer
    OCI_COMPAT = "oci-compat"  # OCI manifest, plugin.wasm in the last tar+gzip layer
    OCI_ARTIFACT = "oci-artifact"  # OCI manifest, raw wasm content layer
    MAISTRA = "maistra"  # manifest.yaml + module: Istio cannot load it
    FILE = "file"  # a local .wasm file, no image around it


@dataclass(frozen=True)
class ImageContents:
    format: ImageFormat | None  # None: neither Istio nor Maistra can use the image
    wasm: bytes | None = field(repr=False)
    module_path: str | None
    maistra: MaistraManifest | None
    findings: tuple[Finding, ...]


class _Layers:
    """Layers read and unpacked on first use, each at most once."""

    def __init__(self, read_layer: LayerReader) -> None:
        self._read = read_layer
        self._listings: dict[str, ArchiveListing] = {}

    def listing(self, layer: Descriptor) -> ArchiveListing:
        if layer.digest not in self._listings:
            blob = self._read(layer)
            self._listings[layer.digest] = read_gzip_tar(blob, media.MAX_MODULE_BYTES)
        return self._listings[layer.digest]

    def raw(self, layer: Descriptor) -> bytes:
        return self._read(layer)

    def refusal_findings(self) -> tuple[Finding, ...]:
        return tuple(
            rules.finding(RuleId.UNSAFE_ARCHIVE_ENTRY,
                          f"layer {digest}: archive entry {entry.name!r} {entry.reason}")
            for digest, listing in self._listings.items()
            for entry in listing.refused
            if not entry.is_link or _is_wanted(entry.name)
        )


def detect(manifest: ImageManifest, read_layer: LayerReader) -> ImageContents:
    """Classify the image and extract the module Istio (or, failing that, Maistra) would run."""
    if not manifest.layers:
        return _unusable("the image has no layers", ())
    layers = _Layers(read_layer)
    istio = _istio_module(manifest, layers)
    maistra, maistra_findings = _maistra_manifest(manifest, layers)
    if isinstance(istio, tuple):
        image_format, wasm, path = istio
        findings = (*_layer_count_findings(manifest, image_format), *maistra_findings)
        return ImageContents(image_format, wasm, path, maistra, _all(layers, findings))
    return _fallback_to_maistra(istio, manifest, layers, maistra, maistra_findings)


def _istio_module(manifest: ImageManifest, layers: _Layers) -> tuple[ImageFormat, bytes, str] | str:
    """(format, wasm, path) as Istio would extract it, or Istio's error message."""
    last = manifest.layers[-1]
    if manifest.media_type == media.DOCKER_MANIFEST:
        if last.media_type != media.DOCKER_LAYER:
            return f"invalid media type {last.media_type} (expect {media.DOCKER_LAYER})"
        return _plugin_in_layer(layers.listing(last), ImageFormat.DOCKER)
    compat = (
        _plugin_in_layer(layers.listing(last), ImageFormat.OCI_COMPAT)
        if last.media_type == media.OCI_LAYER_GZIP
        else f"invalid media type {last.media_type} (expect {media.OCI_LAYER_GZIP})"
    )
    if isinstance(compat, tuple):
        return compat
    artifact = _artifact_module(manifest, layers)
    if isinstance(artifact, tuple):
        return artifact
    return f"the given image is in invalid format as an OCI image: {compat}; {artifact}"


def _plugin_in_layer(
    listing: ArchiveListing, image_format: ImageFormat
) -> tuple[ImageFormat, bytes, str] | str:
    for entry in listing.files:
        if posixpath.basename(entry.path) == PLUGIN_BASENAME:
            return image_format, entry.data, entry.path
    return f"{PLUGIN_BASENAME} not found in the archive"


def _artifact_module(
    manifest: ImageManifest, layers: _Layers
) -> tuple[ImageFormat, bytes, str] | str:
    if len(manifest.layers) != 2:
        return f"number of layers must be 2 but got {len(manifest.layers)}"
    for layer in manifest.layers:
        if layer.media_type == media.WASM_CONTENT_LAYER:
            return ImageFormat.OCI_ARTIFACT, layers.raw(layer), layer.digest
    return f"could not find the layer of type {media.WASM_CONTENT_LAYER}"


def _maistra_manifest(
    manifest: ImageManifest, layers: _Layers
) -> tuple[MaistraManifest | None, tuple[Finding, ...]]:
    found = _union_file(manifest, layers, MANIFEST_PATH)
    if found is None:
        return None, ()
    try:
        return parse_maistra_manifest(found.data), ()
    except ModuleError as exc:
        return None, (rules.finding(exc.rule_id, exc.message),)


def _fallback_to_maistra(
    istio_error: str,
    manifest: ImageManifest,
    layers: _Layers,
    maistra: MaistraManifest | None,
    maistra_findings: tuple[Finding, ...],
) -> ImageContents:
    if maistra is None:
        return _unusable(istio_error, _all(layers, maistra_findings))
    module = _union_file(manifest, layers, maistra.module) if maistra.module else None
    if module is None:
        why = f"manifest.yaml names module {maistra.module!r}, which is not in the image"
        problem = rules.finding(RuleId.INVALID_MAISTRA_MANIFEST, why)
        return _unusable(istio_error, _all(layers, (*maistra_findings, problem)))
    finding = rules.finding(
        RuleId.MAISTRA_FORMAT_IMAGE,
        f"Maistra-format image (manifest.yaml, module {module.path!r}): Istio fails to load it "
        f"with `{istio_error}`",
    )
    return ImageContents(
        ImageFormat.MAISTRA, module.data, module.path, maistra, _all(layers, (finding,))
    )


def _union_file(manifest: ImageManifest, layers: _Layers, path: str) -> ArchiveFile | None:
    """The file at `path` in the image's filesystem: the last layer holding it wins."""
    for layer in reversed(manifest.layers):
        if layer.media_type not in media.GZIP_TAR_LAYERS:
            continue
        for entry in reversed(layers.listing(layer).files):
            if entry.path == path:
                return entry
    return None


def _layer_count_findings(
    manifest: ImageManifest, image_format: ImageFormat
) -> tuple[Finding, ...]:
    count = len(manifest.layers)
    if image_format is ImageFormat.OCI_ARTIFACT or count == 1:
        return ()
    return (
        rules.finding(
            RuleId.MULTIPLE_LAYERS,
            f"the image has {count} layers: OSSM 2.2 and Istio 1.15 or older accept exactly one "
            f"(`number of layers must be 1 but got {count}`)",
        ),
    )


def _unusable(istio_error: str, findings: tuple[Finding, ...]) -> ImageContents:
    problem = rules.finding(RuleId.IMAGE_FORMAT_UNSUPPORTED,
                            f"Istio cannot load this image: {istio_error}")
    return ImageContents(None, None, None, None, (problem, *findings))


def _all(layers: _Layers, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    return (*layers.refusal_findings(), *findings)


def _is_wanted(name: str) -> bool:
    base = posixpath.basename(name.rstrip("/"))
    return base in (PLUGIN_BASENAME, MANIFEST_PATH) or base.endswith(".wasm")
