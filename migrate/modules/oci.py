"""The OCI distribution read path over httpx: manifests (following an index to linux/amd64)
and blobs, every digest verified, every size bounded, every failure reported at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

import httpx

from migrate.modules import media
from migrate.modules.credentials import Credentials
from migrate.modules.digests import is_digest, sha256_digest, verify
from migrate.modules.errors import ModuleError
from migrate.modules.inputs import parse_json
from migrate.modules.manifests import (
    Descriptor,
    ImageIndex,
    ImageManifest,
    choose_platform,
    parse_document,
)
from migrate.modules.origin import Origin
from migrate.modules.pools import ConnectionPools
from migrate.modules.reference import ImageReference
from migrate.modules.session import (
    Call,
    RegistrySession,
    RegistrySettings,
    read_capped_body,
    too_large,
)
from migrate.rules.ids import RuleId

_ACCEPT = ", ".join((*media.IMAGE_MANIFESTS, *media.INDEXES))
_ERROR_BODY_BYTES = 64 * 1024


class RegistryClient:
    """One registry host. Use as a context manager; not shared across threads."""

    def __init__(
        self, host: str, settings: RegistrySettings, pools: ConnectionPools | None = None
    ) -> None:
        self.host = host
        self.session = RegistrySession(host, settings, pools)
        self.credentials: Credentials | None = self.session.scopes.credentials_for(
            self.session.origin
        )

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.session.close()

    def resolve(self, reference: ImageReference) -> ImageManifest:
        """The image manifest of a reference; an index resolves to its linux/amd64 image."""
        document = self.fetch_manifest(reference.repository, reference.manifest_key)
        if isinstance(document, ImageManifest):
            return document
        child = choose_platform(document)
        resolved = self.fetch_manifest(reference.repository, child.digest)
        if not isinstance(resolved, ImageManifest):
            raise ModuleError(RuleId.REGISTRY_PROTOCOL_ERROR,
                              "the image index points at another index")
        return ImageManifest(
            resolved.media_type,
            resolved.digest,
            resolved.config,
            resolved.layers,
            resolved.annotations,
            index_digest=document.digest,
        )

    def fetch_manifest(self, repository: str, key: str) -> ImageManifest | ImageIndex:
        what = f"manifest {repository}:{key}" if not is_digest(key) else f"manifest {key}"
        headers = {"Accept": _ACCEPT}
        with self.stream("GET", f"/v2/{repository}/manifests/{key}", what, headers) as response:
            body = read_capped_body(response, media.MAX_MANIFEST_BYTES, what)
            claimed = response.headers.get("docker-content-digest", "")
            content_type = response.headers.get("content-type", "")
        digest = sha256_digest(body)
        for expected in (key, claimed):
            if is_digest(expected):
                verify(body, expected, what)
        return parse_document(body, content_type, digest)

    def fetch_blob(self, repository: str, descriptor: Descriptor, limit: int) -> bytes:
        what = f"blob {descriptor.digest}"
        if descriptor.size > limit:
            raise too_large(what, descriptor.size, limit)
        path = f"/v2/{repository}/blobs/{descriptor.digest}"
        with self.stream("GET", path, what, size=descriptor.size) as response:
            data = read_capped_body(response, limit, what)
        verify(data, descriptor.digest, what)
        if len(data) != descriptor.size:
            raise ModuleError(
                RuleId.DIGEST_MISMATCH,
                f"{what} is {len(data)} bytes, the manifest says {descriptor.size}"
            )
        return data

    @contextmanager
    def stream(
        self,
        method: str,
        path: str,
        what: str,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        ok: tuple[int, ...] = (200,),
        size: int = 0,
    ) -> Iterator[httpx.Response]:
        """One operation: the response, its body read inside, all under one deadline
        (`size`: the bytes of content it moves besides `content`)."""
        moved = size + len(content or b"")
        with self.session.operation(what, moved):
            response = self.session.send(Call(method, path, headers or {}, content), what)
            try:
                if response.status_code not in ok:
                    raise self.status_error(response, what)
                yield response
            finally:
                response.close()

    def status_error(self, response: httpx.Response, what: str) -> ModuleError:
        status = response.status_code
        detail = _registry_error(response)
        answering = Origin.of(response.url)
        if status in (401, 403) and answering != self.session.origin:
            return ModuleError(
                RuleId.REGISTRY_AUTH_FAILED,
                f"{answering.authority}, where {self.host} sent the request, refused access to "
                f"{what} (HTTP {status}); credentials for {self.host} are never sent there",
            )
        if status == 401:
            return ModuleError(RuleId.REGISTRY_AUTH_FAILED, self._unauthorized(what))
        if status == 403:
            return ModuleError(RuleId.REGISTRY_AUTH_FAILED,
                               f"{self.host} denied access to {what}{detail}")
        if status == 404:
            return ModuleError(RuleId.IMAGE_NOT_FOUND, f"{what} not found on {self.host}{detail}")
        return ModuleError(RuleId.REGISTRY_PROTOCOL_ERROR,
                           f"{self.host} answered HTTP {status} for {what}{detail}")

    def _unauthorized(self, what: str) -> str:
        if self.credentials is None:
            return (
                f"{self.host} requires authentication for {what} and no credentials were found "
                "for it (give --registry-config or a pull secret)"
            )
        return f"{self.host} rejected the configured credentials for {what} (HTTP 401)"


def _registry_error(response: httpx.Response) -> str:
    try:
        body = parse_json(read_capped_body(response, _ERROR_BODY_BYTES, "error body"), "error")
        first = body["errors"][0]
        return f" ({str(first.get('code'))[:60]}: {str(first.get('message'))[:200]})"
    except (
        ModuleError,
        ValueError,
        KeyError,
        IndexError,
        TypeError,
        AttributeError,
        httpx.HTTPError,
    ):
        return ""


__all__ = ["RegistryClient", "RegistrySettings"]
