"""Parse image manifests and indexes (Docker schema 2 and OCI) into descriptors. Pure."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from migrate.modules import media
from migrate.modules.digests import is_digest
from migrate.modules.errors import ModuleError
from migrate.rules.ids import RuleId


@dataclass(frozen=True)
class Descriptor:
    media_type: str
    digest: str
    size: int
    platform: tuple[str, str] | None = None  # (os, architecture), index entries only


@dataclass(frozen=True)
class ImageManifest:
    media_type: str
    digest: str
    config: Descriptor | None
    layers: tuple[Descriptor, ...]
    annotations: Mapping[str, str] = field(default_factory=dict)
    index_digest: str | None = None  # set when resolved through an image index


@dataclass(frozen=True)
class ImageIndex:
    media_type: str
    digest: str
    manifests: tuple[Descriptor, ...]


def parse_document(body: bytes, content_type: str, digest: str) -> ImageManifest | ImageIndex:
    document = _json_object(body)
    if document.get("schemaVersion") != 2:
        raise ModuleError(
            RuleId.REGISTRY_PROTOCOL_ERROR,
            "not a schema 2 manifest (Docker schema 1 is not readable by Istio either)"
        )
    media_type = _media_type(content_type, document)
    if media_type in media.INDEXES:
        return ImageIndex(media_type, digest, _descriptors(document.get("manifests"), "manifests"))
    if media_type in media.IMAGE_MANIFESTS:
        return _image_manifest(document, media_type, digest)
    raise ModuleError(RuleId.REGISTRY_PROTOCOL_ERROR,
                      f"unsupported manifest media type {media_type[:120]!r}")


def choose_platform(index: ImageIndex) -> Descriptor:
    """The linux/amd64 image of an index, as go-containerregistry picks it for Istio."""
    for entry in index.manifests:
        if entry.platform == media.DEFAULT_PLATFORM and entry.media_type in media.IMAGE_MANIFESTS:
            return entry
    found = ", ".join(sorted({"/".join(e.platform) for e in index.manifests if e.platform}))
    raise ModuleError(
        RuleId.REGISTRY_PROTOCOL_ERROR,
        f"the image index has no linux/amd64 image (platforms: {found or 'none'})"
    )


def _image_manifest(document: Mapping[str, Any], media_type: str, digest: str) -> ImageManifest:
    config = document.get("config")
    annotations = document.get("annotations")
    return ImageManifest(
        media_type=media_type,
        digest=digest,
        config=_descriptor(config, "config") if config is not None else None,
        layers=_descriptors(document.get("layers"), "layers"),
        annotations=(
            {str(k): str(v) for k, v in annotations.items()}
            if isinstance(annotations, dict)
            else {}
        ),
    )


def _json_object(body: bytes) -> Mapping[str, Any]:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ModuleError(RuleId.REGISTRY_PROTOCOL_ERROR,
                          "the manifest is not valid JSON") from None
    except RecursionError:
        raise ModuleError(RuleId.REGISTRY_PROTOCOL_ERROR,
                          "the manifest nests too deeply to be parsed") from None
    if not isinstance(document, dict):
        raise ModuleError(RuleId.REGISTRY_PROTOCOL_ERROR, "the manifest is not a JSON object")
    return document


def _media_type(content_type: str, document: Mapping[str, Any]) -> str:
    header = content_type.split(";", 1)[0].strip()
    if header in media.IMAGE_MANIFESTS or header in media.INDEXES:
        return header  # go-containerregistry, hence Istio, trusts the Content-Type
    declared = document.get("mediaType")
    if isinstance(declared, str) and declared:
        return declared
    # an OCI manifest may omit mediaType; its shape tells which document it is
    return media.OCI_INDEX if "manifests" in document else media.OCI_MANIFEST


def _descriptors(entries: object, what: str) -> tuple[Descriptor, ...]:
    if not isinstance(entries, list):
        raise ModuleError(RuleId.REGISTRY_PROTOCOL_ERROR, f"the manifest has no `{what}` list")
    return tuple(_descriptor(entry, what) for entry in entries)


def _descriptor(entry: object, what: str) -> Descriptor:
    if not isinstance(entry, dict):
        raise ModuleError(RuleId.REGISTRY_PROTOCOL_ERROR, f"an entry of `{what}` is not an object")
    digest, size = entry.get("digest"), entry.get("size")
    if not isinstance(digest, str) or not is_digest(digest):
        raise ModuleError(RuleId.REGISTRY_PROTOCOL_ERROR,
                          f"an entry of `{what}` has no valid digest")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ModuleError(RuleId.REGISTRY_PROTOCOL_ERROR, f"an entry of `{what}` has no valid size")
    return Descriptor(str(entry.get("mediaType") or ""), digest, size, _platform(entry))


def _platform(entry: Mapping[str, Any]) -> tuple[str, str] | None:
    platform = entry.get("platform")
    if not isinstance(platform, dict):
        return None
    return str(platform.get("os") or ""), str(platform.get("architecture") or "")
