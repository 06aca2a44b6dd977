"""The OCI distribution read path over httpx: manifests (following an index to linux/amd64)
and blobs, every digest verified, every size bounded, every failure reported at once."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

from migrate.modules import media
from migrate.modules.auth import RegistryAuth
from migrate.modules.credentials import Credentials, DockerConfig
from migrate.modules.digests import is_digest, sha256_digest, verify
from migrate.modules.errors import ModuleError
from migrate.modules.manifests import (
    Descriptor,
    ImageIndex,
    ImageManifest,
    choose_platform,
    parse_document,
)
from migrate.modules.reference import ImageReference

_ACCEPT = ", ".join((*media.IMAGE_MANIFESTS, *media.INDEXES))
_USER_AGENT = "sme-migrate"


@dataclass(frozen=True)
class RegistrySettings:
    docker_config: DockerConfig = field(default_factory=DockerConfig)
    insecure_registries: frozenset[str] = frozenset()  # hosts spoken to over plain HTTP
    ca_file: Path | None = None
    timeout: float = 10.0


class RegistryClient:
    """One registry host. Use as a context manager; not shared across threads."""

    def __init__(self, host: str, settings: RegistrySettings) -> None:
        self.host = host
        self.credentials: Credentials | None = settings.docker_config.credentials_for(host)
        scheme = "http" if host in settings.insecure_registries else "https"
        self.timeout = settings.timeout
        self.http = httpx.Client(
            base_url=f"{scheme}://{host}",
            auth=RegistryAuth(self.credentials),
            timeout=httpx.Timeout(settings.timeout, connect=min(settings.timeout, 5.0)),
            verify=_tls_context(settings.ca_file),
            follow_redirects=True,
            headers={"User-Agent": _USER_AGENT},
        )

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.http.close()

    def resolve(self, reference: ImageReference) -> ImageManifest:
        """The image manifest of a reference; an index resolves to its linux/amd64 image."""
        document = self.fetch_manifest(reference.repository, reference.manifest_key)
        if isinstance(document, ImageManifest):
            return document
        child = choose_platform(document)
        resolved = self.fetch_manifest(reference.repository, child.digest)
        if not isinstance(resolved, ImageManifest):
            raise ModuleError("MOD022", "the image index points at another index")
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
            body = read_bounded(response, media.MAX_MANIFEST_BYTES, what)
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
            raise _too_large(what, descriptor.size, limit)
        with self.stream("GET", f"/v2/{repository}/blobs/{descriptor.digest}", what) as response:
            data = read_bounded(response, limit, what)
        verify(data, descriptor.digest, what)
        if len(data) != descriptor.size:
            raise ModuleError(
                "MOD004", f"{what} is {len(data)} bytes, the manifest says {descriptor.size}"
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
    ) -> Iterator[httpx.Response]:
        request = self.http.build_request(method, path, headers=headers, content=content)
        response = self._send(request, what)
        try:
            if response.status_code not in ok:
                raise self.status_error(response, what)
            yield response
        finally:
            response.close()

    def _send(self, request: httpx.Request, what: str) -> httpx.Response:
        try:
            return self.http.send(request, stream=True)
        except httpx.TimeoutException:
            raise ModuleError(
                "MOD001", f"{self.host} did not answer within {self.timeout:g}s ({what})"
            ) from None
        except httpx.TransportError as exc:
            raise ModuleError("MOD001", f"cannot reach {self.host}: {_reason(exc)}") from None

    def status_error(self, response: httpx.Response, what: str) -> ModuleError:
        status = response.status_code
        detail = _registry_error(response)
        answering = _origin(response.request.url)
        if status in (401, 403) and answering != self.host:
            return ModuleError(
                "MOD002", f"the token server {answering} refused access to {what} (HTTP {status})"
            )
        if status == 401:
            return ModuleError("MOD002", self._unauthorized(what))
        if status == 403:
            return ModuleError("MOD002", f"{self.host} denied access to {what}{detail}")
        if status == 404:
            return ModuleError("MOD003", f"{what} not found on {self.host}{detail}")
        return ModuleError("MOD022", f"{self.host} answered HTTP {status} for {what}{detail}")

    def _unauthorized(self, what: str) -> str:
        if self.credentials is None:
            return (
                f"{self.host} requires authentication for {what} and no credentials were found "
                "for it (give --registry-config or a pull secret)"
            )
        return f"{self.host} rejected the configured credentials for {what} (HTTP 401)"


def read_bounded(response: httpx.Response, limit: int, what: str) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(what, int(declared), limit)
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > limit:
            raise _too_large(what, total, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(what: str, size: int, limit: int) -> ModuleError:
    return ModuleError(
        "MOD005",
        f"{what} is larger than the {limit // media.MIB} MiB limit (at least {size} bytes)",
    )


def _tls_context(ca_file: Path | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_file is not None:
        try:
            context.load_verify_locations(cafile=str(ca_file))
        except (OSError, ssl.SSLError) as exc:
            raise ModuleError("MOD024", f"cannot load CA file {ca_file}: {exc}") from None
    return context


def _origin(url: httpx.URL) -> str:
    return url.host if url.port is None else f"{url.host}:{url.port}"


def _reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    return text[:300]


def _registry_error(response: httpx.Response) -> str:
    try:
        body = json.loads(read_bounded(response, 64 * 1024, "error body"))
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
