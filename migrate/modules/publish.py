"""`repackage`: read a module (a Maistra-format image, any readable image, or a local .wasm),
build the Istio-compatible image around it, prove it reads back as such, and push it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from migrate import rules
from migrate.model import Finding
from migrate.modules import media
from migrate.modules.api import ModuleOptions, registry_settings
from migrate.modules.cache import BlobCache, default_cache_dir
from migrate.modules.copies import Delivery
from migrate.modules.errors import ModuleError
from migrate.modules.formats import ImageFormat, detect
from migrate.modules.image import pull_image
from migrate.modules.inputs import read_capped
from migrate.modules.maistra import MaistraManifest
from migrate.modules.manifests import ImageManifest, parse_document
from migrate.modules.oci import RegistryClient, RegistrySettings
from migrate.modules.push import push_image
from migrate.modules.reference import ImageReference, parse_reference
from migrate.modules.repackage import BuiltImage, build_istio_image
from migrate.modules.wasm import check_wasm
from migrate.rules.ids import RuleId


@dataclass(frozen=True)
class RepackageResult:
    source: str
    destination: str | None  # `host/repo:tag@sha256:...` when pushed (or there, or planned)
    findings: tuple[Finding, ...]  # why nothing was pushed, or what to know about the module
    delivery: Delivery | None = None  # None: nothing pushed, see the findings

    @property
    def pushed(self) -> bool:
        """The copy is in the registry (pushed now or found there)."""
        return self.delivery in (Delivery.PUSHED, Delivery.REUSED)


def repackage(source: str, destination: str, options: ModuleOptions,
              push: bool = True) -> RepackageResult:
    """Raises ModuleError when the registry configuration cannot be read (a usage error);
    everything else that stops the push is a finding of the result. A destination tag that
    already holds the same layer is reused (nothing is pushed); with `push` False nothing is
    ever pushed, and the result says what would be."""
    settings = registry_settings(options)
    try:
        target = parse_reference(destination)
        wasm, maistra, origin = _source_module(source, settings, options)
        check = check_wasm(wasm)
        if not check.valid:
            return RepackageResult(source, None, check.findings)
        image = build_istio_image(wasm, maistra, origin)
        _prove_istio_reads(image, wasm)
        digest, delivery = _deliver(target, image, settings, push)
    except ModuleError as exc:
        return RepackageResult(source, None, (rules.finding(exc.rule_id, exc.message),))
    return RepackageResult(source, f"{target}@{digest}", check.findings, delivery)


def _deliver(target: ImageReference, image: BuiltImage, settings: RegistrySettings,
             push: bool) -> tuple[str, Delivery]:
    """The manifest digest of the copy and how it got there."""
    stored = stored_copy(target, image, settings)
    if stored is not None:
        return stored, Delivery.REUSED
    if not push:
        return image.manifest.digest, Delivery.PLANNED
    return push_image(target, image, settings), Delivery.PUSHED


def stored_copy(target: ImageReference, image: BuiltImage,
                settings: RegistrySettings) -> str | None:
    """The manifest digest `target` names when its one layer is the built one; None when
    the tag is absent or holds something else."""
    with RegistryClient(target.api_host, settings) as client:
        try:
            manifest = client.resolve(target)
        except ModuleError as exc:
            if exc.rule_id is RuleId.IMAGE_NOT_FOUND:
                return None
            raise
    layers = [layer.digest for layer in manifest.layers]
    return manifest.digest if layers == [image.layer.digest] else None


def _source_module(
    source: str, settings: RegistrySettings, options: ModuleOptions
) -> tuple[bytes, MaistraManifest | None, str]:
    path = Path(source)
    if path.suffix == ".wasm" or path.is_file():
        module = read_capped(path, "module file", media.MAX_MODULE_BYTES,
                             too_large=RuleId.SIZE_LIMIT_EXCEEDED)
        return module, None, path.name
    cache = BlobCache((options.cache_dir or default_cache_dir()) if options.use_cache else None)
    pulled = pull_image(parse_reference(source), settings, cache)
    contents = pulled.contents
    if contents.wasm is None:
        problems = "; ".join(f.message for f in contents.findings) or "no module found"
        raise ModuleError(RuleId.IMAGE_FORMAT_UNSUPPORTED,
                          f"{source} holds no module to repackage: {problems}")
    return contents.wasm, contents.maistra, f"{pulled.reference}@{pulled.manifest.digest}"


def _prove_istio_reads(image: BuiltImage, wasm: bytes) -> None:
    """Read the built image back with the same format detection a pull would use."""
    document = parse_document(image.manifest.data, image.manifest.media_type, image.manifest.digest)
    blobs = {image.layer.digest: image.layer.data}
    contents = (
        detect(document, lambda layer: blobs[layer.digest])
        if isinstance(document, ImageManifest)
        else None
    )
    if contents is None or contents.format is not ImageFormat.OCI_COMPAT or contents.wasm != wasm:
        raise ModuleError(RuleId.IMAGE_FORMAT_UNSUPPORTED,
                          "the repackaged image does not read back as an Istio image")
