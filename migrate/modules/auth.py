"""Registry authentication, scoped to origins: each origin (scheme + host + port) is sent only
its own credentials from the docker config, or a header it accepted itself. A challenge is
answered with the credentials of the origin that sent it (basic, or sent to the token realm
that origin names); an origin without credentials gets an anonymous token.

No retries: a rejected credential is reported at once.
"""

from __future__ import annotations

import base64
import re
import threading

import httpx

from migrate.modules.credentials import Credentials, DockerConfig
from migrate.modules.errors import ModuleError
from migrate.modules.inputs import parse_json
from migrate.modules.origin import Origin

_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^\s,]*))')


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    """`Bearer realm="...",service="..."` -> ("bearer", {"realm": ..., "service": ...})."""
    scheme, _, rest = header.strip().partition(" ")
    params = {m.group(1).lower(): m.group(2) or m.group(3) for m in _PARAM.finditer(rest)}
    return scheme.lower(), params


def basic_header(credentials: Credentials) -> str:
    raw = f"{credentials.username}:{credentials.password}".encode()
    return "Basic " + base64.b64encode(raw).decode()


class CredentialScopes:
    """What each origin may be sent. Shared by the threads of one client."""

    def __init__(self, config: DockerConfig, insecure: frozenset[str]) -> None:
        self._config = config
        self._insecure = frozenset(_plain_http_origin(h) for h in insecure)
        self._accepted: dict[Origin, str] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"CredentialScopes(origins={len(self._accepted)})"

    def credentials_for(self, origin: Origin) -> Credentials | None:
        """The origin's own credentials; over plain HTTP only if the user listed it insecure."""
        if not origin.secure and origin not in self._insecure:
            return None
        for key in (origin.authority, origin.host_port):
            if found := self._config.credentials_for(key):
                return found
        return None

    def header_for(self, origin: Origin) -> str | None:
        with self._lock:
            return self._accepted.get(origin)

    def accepted(self, origin: Origin, header: str) -> None:
        with self._lock:
            self._accepted[origin] = header


def _plain_http_origin(entry: str) -> Origin | None:
    """An `--insecure-registry` entry (`host[:port]`) as the origin it allows; None if invalid."""
    try:
        return Origin.of(httpx.URL(f"http://{entry}"))
    except httpx.InvalidURL:
        return None


def token_request(params: dict[str, str], credentials: Credentials | None) -> httpx.Request:
    """The request for a Bearer token from `params["realm"]` (anonymous without credentials)."""
    query = {k: params[k] for k in ("service", "scope") if params.get(k)}
    if credentials and credentials.identity_token:
        form = {
            **query,
            "grant_type": "refresh_token",
            "client_id": "sme-migrate",
            "refresh_token": credentials.identity_token,
        }
        return httpx.Request("POST", params["realm"], data=form)
    headers = {"Authorization": basic_header(credentials)} if credentials else {}
    return httpx.Request("GET", params["realm"], params=query, headers=headers)


def token_of(body: bytes) -> str | None:
    try:
        document = parse_json(body, "token response")
    except ModuleError:
        return None
    if not isinstance(document, dict):
        return None
    token = document.get("token") or document.get("access_token")
    return str(token) if token else None
