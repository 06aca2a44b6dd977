"""The OCI distribution write path: upload blobs (monolithic POST then PUT) and the manifest.
Credentials stay with their origin (see migrate.modules.session)."""

from __future__ import annotations

from migrate.modules.errors import ModuleError
from migrate.modules.oci import RegistryClient, RegistrySettings
from migrate.modules.reference import ImageReference
from migrate.modules.repackage import Blob, BuiltImage
from migrate.rules.ids import RuleId


def push_image(reference: ImageReference, image: BuiltImage, settings: RegistrySettings) -> str:
    """Push and return the manifest digest the registry stored."""
    with RegistryClient(reference.api_host, settings) as client:
        for blob in (image.layer, image.config):
            if not _blob_exists(client, reference.repository, blob.digest):
                _upload(client, reference.repository, blob)
        return _put_manifest(client, reference, image.manifest)


def _blob_exists(client: RegistryClient, repository: str, digest: str) -> bool:
    path = f"/v2/{repository}/blobs/{digest}"
    with client.stream("HEAD", path, f"blob {digest}", ok=(200, 404)) as response:
        return response.status_code == 200


def _upload(client: RegistryClient, repository: str, blob: Blob) -> None:
    what = f"upload of blob {blob.digest}"
    path = f"/v2/{repository}/blobs/uploads/"
    with client.stream("POST", path, what, ok=(202,)) as response:
        location = response.headers.get("location", "")
        if not location:
            raise ModuleError(RuleId.REGISTRY_PROTOCOL_ERROR,
                              f"{client.host} started an upload without a Location")
        # the upload may continue on another origin: it is sent only that origin's credentials
        location = client.session.location(response, location)
    # the Location carries upload state in its query: append the digest, never replace it
    # (httpx's params= would drop `_state`, and the registry answers BLOB_UPLOAD_INVALID)
    target = f"{location}{'&' if '?' in location else '?'}digest={blob.digest}"
    headers = {"Content-Type": "application/octet-stream"}
    with client.stream("PUT", target, what, headers, blob.data, ok=(201,)):
        pass


def _put_manifest(client: RegistryClient, reference: ImageReference, manifest: Blob) -> str:
    key = reference.tag or reference.digest or "latest"
    what = f"manifest {reference.repository}:{key}"
    headers = {"Content-Type": manifest.media_type}
    path = f"/v2/{reference.repository}/manifests/{key}"
    with client.stream("PUT", path, what, headers, manifest.data, ok=(201,)) as response:
        stored = str(response.headers.get("docker-content-digest", manifest.digest))
    if stored != manifest.digest:
        raise ModuleError(
            RuleId.DIGEST_MISMATCH,
            f"{client.host} stored the manifest as {stored}, expected {manifest.digest}"
        )
    return stored
