"""A real OCI registry for tests: Debian's `docker-registry` (distribution 2.8) on 127.0.0.1,
in a temp dir, optionally with htpasswd auth or with TLS + Bearer-token auth (a small token
server issuing RS256 JWTs). Plus a minimal, independent pusher (plain httpx, not the product's
push code) so that tests put images in place without trusting what they test."""

from __future__ import annotations

import base64
import datetime
import hashlib
import ipaddress
import json
import re
import shutil
import ssl
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

REGISTRY_BINARY = shutil.which("docker-registry") or "/usr/bin/docker-registry"
_READY_SECONDS = 10.0
_LISTENING = re.compile(r"listening on (127\.0\.0\.1:\d+)")
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"


@dataclass
class Registry:
    """A running registry. `host` is what image references use: 127.0.0.1:PORT."""

    host: str
    storage: Path
    process: subprocess.Popen[bytes]
    ca_file: Path | None = None
    token_server: TokenServer | None = None
    users: Mapping[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"{'https' if self.ca_file else 'http'}://{self.host}"

    def blob_file(self, digest: str) -> Path:
        """Where the filesystem driver keeps a blob: tests corrupt it to make the registry lie."""
        algorithm, hex_digest = digest.split(":", 1)
        return (
            self.storage
            / "docker/registry/v2/blobs"
            / algorithm
            / hex_digest[:2]
            / hex_digest
            / "data"
        )

    def tags(self, repository: str) -> list[str]:
        """The repository's tags, read anonymously ([] when it does not exist)."""
        response = httpx.get(f"{self.base_url}/v2/{repository}/tags/list", timeout=5)
        return list(response.json().get("tags") or []) if response.status_code == 200 else []

    def storage_state(self, repository: str) -> dict[str, int]:
        """Every file kept for `repository`, with its mtime: any push changes it (even of
        the same manifest: the tag link is written again)."""
        root = self.storage / "docker/registry/v2/repositories" / repository
        return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.token_server:
            self.token_server.stop()


def start_registry(
    workdir: Path,
    htpasswd_users: Mapping[str, str] | None = None,
    tls: bool = False,
    token_users: Mapping[str, str] | None = None,
    read_only: bool = False,
) -> Registry:
    """Start `docker-registry serve` on a free port; stop it with `Registry.stop()`.
    `read_only`: distribution's maintenance mode, which serves pulls and refuses every push."""
    workdir.mkdir(parents=True, exist_ok=True)
    config: dict[str, object] = {
        "version": 0.1,
        "log": {"level": "info", "accesslog": {"disabled": True}},
        "storage": {
            "filesystem": {"rootdirectory": str(workdir / "data")},
            "delete": {"enabled": True},
        },
        "http": {"addr": "127.0.0.1:0", "secret": "test-secret"},
    }
    if read_only:
        config["storage"] = {**config["storage"],  # type: ignore[dict-item]
                             "maintenance": {"readonly": {"enabled": True}}}
    ca_file = token_server = None
    if htpasswd_users:
        config["auth"] = {
            "htpasswd": {"realm": "test-realm", "path": str(_htpasswd(workdir, htpasswd_users))}
        }
    if tls:
        ca_file, cert, key = _tls_files(workdir)
        config["http"] = {**config["http"], "tls": {"certificate": str(cert), "key": str(key)}}  # type: ignore[dict-item]
    if token_users is not None:
        token_server = TokenServer(workdir, token_users)
        config["auth"] = {"token": token_server.registry_settings()}
    (workdir / "config.yml").write_text(json.dumps(config))  # JSON is YAML
    log = (workdir / "registry.log").open("wb")
    process = subprocess.Popen(
        [REGISTRY_BINARY, "serve", str(workdir / "config.yml")],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    log.close()
    host = _wait_for_listening(process, workdir / "registry.log")
    users = dict(htpasswd_users or token_users or {})
    return Registry(host, workdir / "data", process, ca_file, token_server, users)


def _wait_for_listening(process: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + _READY_SECONDS
    while time.monotonic() < deadline:
        found = _LISTENING.search(log.read_text(errors="replace"))
        if found:
            return found.group(1)
        if process.poll() is not None:
            raise RuntimeError(f"docker-registry exited: {log.read_text(errors='replace')}")
        time.sleep(0.01)
    process.kill()
    raise RuntimeError("docker-registry did not start listening")


def _htpasswd(workdir: Path, users: Mapping[str, str]) -> Path:
    path = workdir / "htpasswd"
    for index, (user, password) in enumerate(users.items()):
        flags = "-Bbc" if index == 0 else "-Bb"  # distribution only accepts bcrypt
        subprocess.run(
            ["htpasswd", flags, str(path), user, password], check=True, capture_output=True
        )
    return path


# --- TLS -------------------------------------------------------------------------------------


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(
    subject: str,
    key: rsa.RSAPrivateKey,
    issuer: tuple[str, rsa.RSAPrivateKey] | None,
    ca: bool,
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    issuer_name, issuer_key = issuer or (subject, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        addresses = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
        builder = builder.add_extension(x509.SubjectAlternativeName(addresses), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(item: x509.Certificate | rsa.RSAPrivateKey) -> bytes:
    if isinstance(item, x509.Certificate):
        return item.public_bytes(serialization.Encoding.PEM)
    return item.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def tls_files(workdir: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate for 127.0.0.1, server key) as PEM files."""
    return _tls_files(workdir)


def _tls_files(workdir: Path) -> tuple[Path, Path, Path]:
    ca_key, server_key = _key(), _key()
    ca_cert = _certificate("sme-migrate test CA", ca_key, None, ca=True)
    server_cert = _certificate("127.0.0.1", server_key, ("sme-migrate test CA", ca_key), ca=False)
    paths = workdir / "ca.pem", workdir / "server.pem", workdir / "server-key.pem"
    items: tuple[x509.Certificate | rsa.RSAPrivateKey, ...] = (ca_cert, server_cert, server_key)
    for path, item in zip(paths, items, strict=True):
        path.write_bytes(_pem(item))
    return paths


# --- Token server ----------------------------------------------------------------------------


class TokenServer:
    """Docker token auth: `GET /token?service=..&scope=..`, basic auth optional.

    Known users with the right password get every action they ask for; anonymous callers get
    `pull` on repositories under `public/` only; a wrong password gets 401. Requests are logged.
    """

    service = "sme-migrate-test-registry"
    issuer = "sme-migrate-test-token-server"

    def __init__(self, workdir: Path, users: Mapping[str, str]) -> None:
        self.users = dict(users)
        self.requests: list[dict[str, str]] = []
        self._key = _key()
        self._cert = _certificate("token signer", self._key, None, ca=True)
        self.bundle = workdir / "token-signer.pem"
        self.bundle.write_bytes(_pem(self._cert))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def realm(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/token"

    def registry_settings(self) -> dict[str, str]:
        return {
            "realm": self.realm,
            "service": self.service,
            "issuer": self.issuer,
            "rootcertbundle": str(self.bundle),
        }

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def issue(self, user: str | None, scopes: Sequence[str]) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": user or "",
            "aud": self.service,
            "iat": now,
            "nbf": now - 10,
            "exp": now + 300,
            "jti": uuid.uuid4().hex,
            "access": [a for a in (self._grant(user, s) for s in scopes) if a],
        }
        der = self._cert.public_bytes(serialization.Encoding.DER)
        headers = {"x5c": [base64.b64encode(der).decode()]}
        return jwt.encode(claims, self._key, algorithm="RS256", headers=headers)

    def _grant(self, user: str | None, scope: str) -> dict[str, object] | None:
        kind, _, rest = scope.partition(":")
        name, _, actions = rest.rpartition(":")
        if kind != "repository" or not name:
            return None
        wanted = [a for a in actions.split(",") if a]
        allowed = (
            wanted if user else [a for a in wanted if a == "pull" and name.startswith("public/")]
        )
        return {"type": "repository", "name": name, "actions": allowed}

    def _user(self, authorization: str | None) -> tuple[bool, str | None]:
        """(accepted, user): no header is anonymous, a wrong password is refused."""
        if not authorization:
            return True, None
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "basic":
            return False, None
        user, _, password = base64.b64decode(value).decode().partition(":")
        return self.users.get(user) == password, user

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = parse_qs(urlparse(self.path).query)
                accepted, user = server._user(self.headers.get("Authorization"))
                server.requests.append(
                    {"user": user or "", "scope": " ".join(query.get("scope", []))}
                )
                if not accepted:
                    self._reply(401, {"details": "invalid credentials"})
                    return
                token = server.issue(user, query.get("scope", []))
                self._reply(200, {"token": token, "access_token": token, "expires_in": 300})

            def _reply(self, status: int, body: dict[str, object]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler


# --- An independent pusher -------------------------------------------------------------------


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Pushed:
    reference: str  # host/repo:tag
    digest: str  # manifest digest
    manifest: bytes


def push(
    registry: Registry,
    repository: str,
    tag: str,
    layers: Sequence[tuple[str, bytes]],
    config: tuple[str, bytes] = (OCI_CONFIG, b"{}"),
    manifest_media_type: str = OCI_MANIFEST,
    annotations: Mapping[str, str] | None = None,
) -> Pushed:
    """Upload blobs and a manifest with plain httpx; layers are (media type, bytes)."""
    descriptors = [_descriptor(mt, data) for mt, data in layers]
    manifest: dict[str, object] = {
        "schemaVersion": 2,
        "mediaType": manifest_media_type,
        "config": _descriptor(*config),
        "layers": descriptors,
    }
    if annotations:
        manifest["annotations"] = dict(annotations)
    body = json.dumps(manifest).encode()
    with _client(registry, repository) as client:
        for _, data in (*layers, config):
            _upload(client, repository, data)
        put_manifest(client, repository, tag, body, manifest_media_type)
    return Pushed(f"{registry.host}/{repository}:{tag}", digest_of(body), body)


def push_raw_manifest(
    registry: Registry, repository: str, tag: str, body: bytes, media_type: str
) -> Pushed:
    """Push a manifest (or an index) whose blobs are already in place."""
    with _client(registry, repository) as client:
        put_manifest(client, repository, tag, body, media_type)
    return Pushed(f"{registry.host}/{repository}:{tag}", digest_of(body), body)


def _descriptor(media_type: str, data: bytes) -> dict[str, object]:
    return {"mediaType": media_type, "digest": digest_of(data), "size": len(data)}


@contextmanager
def _client(registry: Registry, repository: str) -> Iterator[httpx.Client]:
    headers: dict[str, str] = {}
    user, password = next(iter(registry.users.items()), ("", ""))
    if registry.token_server:
        token = registry.token_server.issue(user, [f"repository:{repository}:pull,push"])
        headers["Authorization"] = f"Bearer {token}"
    auth = httpx.BasicAuth(user, password) if registry.users and not registry.token_server else None
    verify = (
        ssl.create_default_context(cafile=str(registry.ca_file or "")) if registry.ca_file else True
    )
    with httpx.Client(
        base_url=registry.base_url, headers=headers, auth=auth, verify=verify, timeout=10
    ) as client:
        yield client


def _upload(client: httpx.Client, repository: str, data: bytes) -> None:
    start = client.post(f"/v2/{repository}/blobs/uploads/")
    assert start.status_code == 202, start.text
    location = start.headers["location"]
    separator = "&" if "?" in location else "?"
    done = client.put(
        f"{location}{separator}digest={digest_of(data)}",
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert done.status_code == 201, done.text


def put_manifest(
    client: httpx.Client, repository: str, tag: str, body: bytes, media_type: str
) -> None:
    response = client.put(
        f"/v2/{repository}/manifests/{tag}", content=body, headers={"Content-Type": media_type}
    )
    assert response.status_code == 201, response.text
