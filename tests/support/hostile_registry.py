"""A registry that misbehaves on purpose, speaking enough of the Docker Registry v2 protocol
for a pull (manifests, blobs, Basic or Bearer challenges, a token endpoint) and a push (blob
upload POST/PATCH/PUT, manifest PUT).

Two of them make two origins on 127.0.0.1 (another port is another origin): the registry the
credentials belong to, and the "elsewhere" it sends requests to (object storage behind blob
redirects, an upload service). Each server logs the Authorization header of every request it
receives, so tests can assert which credential reached which host. Misbehaviours: redirect
blob reads or move upload Locations to the other server, trickle a manifest byte by byte (its
body, or its headers too), go silent after the headers, answer over TLS.
"""

from __future__ import annotations

import base64
import hashlib
import json
import ssl
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    authorization: str  # "" when none was sent


@dataclass
class Behaviour:
    """What a server does; tests change it between requests as they like."""

    auth: str = ""  # "", "basic" or "bearer" (the realm is this server's own /token)
    users: dict[str, str] = field(default_factory=dict)  # who may log in (basic or token)
    blobs_to: HostileRegistry | None = None  # blob GET/HEAD: 307 to the same path there
    uploads_to: HostileRegistry | None = None  # upload POST: a Location there
    trickle: float = 0.0  # seconds between the bytes of a manifest answer
    trickle_headers: bool = False  # trickle the status line and headers too
    silent_after_headers: bool = False  # headers, then nothing
    misbehave_on: str = "manifest"  # which answers trickle or go silent: "manifest" or "upload"


class HostileRegistry:
    def __init__(self, name: str, tls_files: tuple[Path, Path] | None = None) -> None:
        self.name = name
        self.behaviour = Behaviour()
        self.seen: list[Seen] = []
        self.token_requests: list[Seen] = []
        self.blobs: dict[str, bytes] = {}
        self.manifests: dict[tuple[str, str], tuple[str, bytes]] = {}
        self._uploads: dict[str, bytearray] = {}
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.scheme = "http"
        if tls_files is not None:
            self.scheme = "https"
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(tls_files[0]), str(tls_files[1]))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        serve = self._server.serve_forever
        self._thread = threading.Thread(target=serve, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}"

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def authorizations(self) -> set[str]:
        """Every Authorization header this server received (registry and token endpoint)."""
        return {s.authorization for s in (*self.seen, *self.token_requests)} - {""}

    # --- content ---------------------------------------------------------------------------

    def add_image(self, repository: str, tag: str, layer: bytes, media_type: str) -> str:
        """Store a one-layer image; returns its manifest digest."""
        config = b"{}"
        for blob in (layer, config):
            self.blobs[digest_of(blob)] = blob
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": OCI_MANIFEST,
                "config": _descriptor("application/vnd.oci.image.config.v1+json", config),
                "layers": [_descriptor(media_type, layer)],
            }
        ).encode()
        digest = digest_of(manifest)
        for key in (tag, digest):
            self.manifests[(repository, key)] = (OCI_MANIFEST, manifest)
        return digest

    # --- authentication --------------------------------------------------------------------

    def token_for(self, user: str) -> str:
        return f"{self.name}-token-{user or 'anonymous'}"

    def accepts(self, authorization: str) -> bool:
        behaviour = self.behaviour
        if not behaviour.auth:
            return True
        if behaviour.auth == "basic":
            return any(authorization == basic(u, p) for u, p in behaviour.users.items())
        tokens = {f"Bearer {self.token_for(u)}" for u in ("", *behaviour.users)}
        return authorization in tokens

    def challenge(self, repository: str, push: bool) -> str:
        if self.behaviour.auth == "basic":
            return f'Basic realm="{self.name}"'
        scope = f"repository:{repository}:{'pull,push' if push else 'pull'}"
        return f'Bearer realm="{self.url}/token",service="{self.name}",scope="{scope}"'

    def token_user(self, authorization: str) -> str | None:
        """The user a token request authenticates as ("" anonymous); None: wrong password."""
        if not authorization:
            return ""
        for user, password in self.behaviour.users.items():
            if authorization == basic(user, password):
                return user
        return None


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _descriptor(media_type: str, data: bytes) -> dict[str, object]:
    return {"mediaType": media_type, "digest": digest_of(data), "size": len(data)}


@contextmanager
def hostile_pair(tls_files: tuple[Path, Path] | None = None) -> Iterator[
    tuple[HostileRegistry, HostileRegistry]
]:
    """The registry (over TLS when `tls_files` = (cert, key)) and the other origin (plain HTTP)."""
    registry, elsewhere = HostileRegistry("registry", tls_files), HostileRegistry("elsewhere")
    try:
        yield registry, elsewhere
    finally:
        registry.stop()
        elsewhere.stop()


def _handler(server: HostileRegistry) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._dispatch()

        def do_HEAD(self) -> None:
            self._dispatch()

        def do_POST(self) -> None:
            self._dispatch()

        def do_PATCH(self) -> None:
            self._dispatch()

        def do_PUT(self) -> None:
            self._dispatch()

        def log_message(self, format: str, *args: object) -> None:
            return

        # --- routing ---------------------------------------------------------------------

        def _dispatch(self) -> None:
            url = urlparse(self.path)
            body = self._body()
            seen = Seen(self.command, url.path, self.headers.get("Authorization", ""))
            if url.path == "/token":
                server.token_requests.append(seen)
                self._token(parse_qs(url.query))
                return
            server.seen.append(seen)
            parts = url.path.split("/")
            if url.path in ("/v2", "/v2/"):
                self._guarded("", False, lambda: self._reply(200, b"{}"))
                return
            repository, kind, rest = _route(parts)
            push = self.command in ("POST", "PATCH", "PUT")
            self._guarded(repository, push, lambda: self._serve(repository, kind, rest, body))

        def _guarded(self, repository: str, push: bool, serve: Callable[[], None]) -> None:
            if not server.accepts(self.headers.get("Authorization", "")):
                challenge = server.challenge(repository, push)
                self._reply(401, _error("UNAUTHORIZED"), {"WWW-Authenticate": challenge})
                return
            serve()

        def _serve(self, repository: str, kind: str, rest: str, body: bytes) -> None:
            query = parse_qs(urlparse(self.path).query)
            if kind == "manifests":
                self._manifest(repository, rest, body)
            elif kind == "blobs" and rest.startswith("uploads"):
                self._upload(repository, rest, body, query)
            elif kind == "blobs":
                self._blob(rest)
            else:
                self._reply(404, _error("NAME_UNKNOWN"))

        # --- token -----------------------------------------------------------------------

        def _token(self, query: dict[str, list[str]]) -> None:
            user = server.token_user(self.headers.get("Authorization", ""))
            if user is None:
                self._reply(401, b'{"details": "invalid credentials"}')
                return
            token = server.token_for(user)
            self._reply(200, json.dumps({"token": token, "access_token": token}).encode())

        # --- pull ------------------------------------------------------------------------

        def _manifest(self, repository: str, key: str, body: bytes) -> None:
            if self.command == "PUT":
                media_type = self.headers.get("Content-Type", OCI_MANIFEST)
                digest = digest_of(body)
                for stored_key in (key, digest):
                    server.manifests[(repository, stored_key)] = (media_type, body)
                self._reply(201, b"", {"Docker-Content-Digest": digest})
                return
            found = server.manifests.get((repository, key))
            if found is None:
                self._reply(404, _error("MANIFEST_UNKNOWN"))
                return
            media_type, data = found
            headers = {"Content-Type": media_type, "Docker-Content-Digest": digest_of(data)}
            if server.behaviour.misbehave_on == "manifest":
                self._misbehaving_reply(data, headers)
            else:
                self._reply(200, data, headers)

        def _blob(self, digest: str) -> None:
            target = server.behaviour.blobs_to
            if target is not None:
                location = f"{target.url}{urlparse(self.path).path}"
                self._reply(307, b"", {"Location": location})
                return
            data = server.blobs.get(digest)
            if data is None:
                self._reply(404, _error("BLOB_UNKNOWN"))
                return
            self._reply(200, data, {"Content-Type": "application/octet-stream"})

        # --- push ------------------------------------------------------------------------

        def _upload(
            self, repository: str, rest: str, body: bytes, query: dict[str, list[str]]
        ) -> None:
            session = rest.removeprefix("uploads").strip("/")
            if self.command == "POST":
                self._start_upload(repository)
            elif self.command == "PATCH" and session in server._uploads:
                server._uploads[session] += body
                self._reply(202, b"", {"Location": self.path})
            elif self.command == "PUT" and session in server._uploads:
                self._finish_upload(session, body, query.get("digest", [""])[0])
            else:
                self._reply(404, _error("BLOB_UPLOAD_UNKNOWN"))

        def _start_upload(self, repository: str) -> None:
            owner = server.behaviour.uploads_to or server
            session = uuid.uuid4().hex
            owner._uploads[session] = bytearray()
            location = f"{owner.url}/v2/{repository}/blobs/uploads/{session}?_state=s-{session}"
            headers = {"Location": location, "Docker-Upload-UUID": session}
            if server.behaviour.misbehave_on == "upload":
                self._misbehaving_reply(b"", headers, "202 Accepted")
            else:
                self._reply(202, b"", headers)

        def _finish_upload(self, session: str, body: bytes, digest: str) -> None:
            data = bytes(server._uploads.pop(session) + body)
            if digest_of(data) != digest:
                self._reply(400, _error("DIGEST_INVALID"))
                return
            server.blobs[digest] = data
            self._reply(201, b"", {"Docker-Content-Digest": digest})

        # --- writing ---------------------------------------------------------------------

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _reply(self, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _misbehaving_reply(
            self, data: bytes, headers: dict[str, str], status: str = "200 OK"
        ) -> None:
            behaviour = server.behaviour
            if not (behaviour.trickle or behaviour.silent_after_headers):
                self._reply(int(status.split()[0]), data, headers)
                return
            head = f"{self.protocol_version} {status}\r\n"
            head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            head += f"Content-Length: {len(data)}\r\n\r\n"
            if behaviour.trickle_headers:
                self._trickle(head.encode())
            else:
                self._send_now(head.encode())
            if behaviour.silent_after_headers:
                server._stopping.wait(60)
                return
            self._trickle(data)

        def _send_now(self, data: bytes) -> None:
            self.wfile.write(data)
            self.wfile.flush()

        def _trickle(self, data: bytes) -> None:
            for index in range(len(data)):
                if server._stopping.wait(server.behaviour.trickle):
                    return
                try:
                    self._send_now(data[index : index + 1])
                except OSError:  # the client gave up: what the tests want
                    return

    return Handler


def _route(parts: list[str]) -> tuple[str, str, str]:
    """`/v2/<repo...>/<manifests|blobs>/<rest...>` -> (repo, kind, rest)."""
    for index in range(len(parts) - 1, 1, -1):
        if parts[index] in ("manifests", "blobs"):
            return "/".join(parts[2:index]), parts[index], "/".join(parts[index + 1 :])
    return "", "", ""


def _error(code: str) -> bytes:
    return json.dumps({"errors": [{"code": code, "message": code.lower()}]}).encode()
