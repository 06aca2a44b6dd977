"""The registry authentication flow: answer a `WWW-Authenticate` challenge with basic
credentials or with a Bearer token fetched from the challenge's realm.

No retries: a rejected credential is reported at once.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Generator

import httpx

from migrate.modules.credentials import Credentials

_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^\s,]*))')


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    """`Bearer realm="...",service="..."` -> ("bearer", {"realm": ..., "service": ...})."""
    scheme, _, rest = header.strip().partition(" ")
    params = {m.group(1).lower(): m.group(2) or m.group(3) for m in _PARAM.finditer(rest)}
    return scheme.lower(), params


def basic_header(credentials: Credentials) -> str:
    raw = f"{credentials.username}:{credentials.password}".encode()
    return "Basic " + base64.b64encode(raw).decode()


class RegistryAuth(httpx.Auth):
    """httpx auth flow for one registry host, remembering the last accepted header."""

    def __init__(self, credentials: Credentials | None) -> None:
        self._credentials = credentials
        self._header: str | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RegistryAuth(credentials={'yes' if self._credentials else 'no'})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        with self._lock:
            remembered = self._header
        if remembered:
            request.headers["Authorization"] = remembered
        response = yield request
        if response.status_code != 401:
            return
        header = yield from self._answer(response)
        if header is None:
            return
        request.headers["Authorization"] = header
        retried = yield request
        if retried.status_code != 401:
            with self._lock:
                self._header = header

    def _answer(
        self, response: httpx.Response
    ) -> Generator[httpx.Request, httpx.Response, str | None]:
        scheme, params = parse_challenge(response.headers.get("www-authenticate", ""))
        if scheme == "basic":
            return basic_header(self._credentials) if self._credentials else None
        if scheme == "bearer" and params.get("realm"):
            token = yield from self._fetch_token(params)
            return f"Bearer {token}" if token else None
        return None

    def _fetch_token(
        self, params: dict[str, str]
    ) -> Generator[httpx.Request, httpx.Response, str | None]:
        token_response = yield self._token_request(params)
        token_response.read()
        if token_response.status_code != 200:
            return None  # the token server's refusal becomes the response the caller sees
        return _token_of(token_response)

    def _token_request(self, params: dict[str, str]) -> httpx.Request:
        query = {k: params[k] for k in ("service", "scope") if params.get(k)}
        creds = self._credentials
        if creds and creds.identity_token:
            form = {
                **query,
                "grant_type": "refresh_token",
                "client_id": "sme-migrate",
                "refresh_token": creds.identity_token,
            }
            return httpx.Request("POST", params["realm"], data=form)
        headers = {"Authorization": basic_header(creds)} if creds else {}
        return httpx.Request("GET", params["realm"], params=query, headers=headers)


def _token_of(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    token = body.get("token") or body.get("access_token") if isinstance(body, dict) else None
    return str(token) if token else None
