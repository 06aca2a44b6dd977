"""The HTTP layer under the registry client: one deadline per operation, redirects followed by
hand so that credentials stay with their origin, challenges answered per origin, and every
transport failure turned into a finding."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx

from migrate.modules import media
from migrate.modules.auth import (
    CredentialScopes,
    basic_header,
    parse_challenge,
    token_of,
    token_request,
)
from migrate.modules.credentials import DockerConfig
from migrate.modules.errors import ModuleError
from migrate.modules.origin import Origin
from migrate.modules.pools import ConnectionPools
from migrate.rules.ids import RuleId

_USER_AGENT = "sme-migrate"
_MAX_REDIRECTS = 5
_TOKEN_BYTES = 64 * 1024
_REUSED_BODY_BYTES = 64 * 1024
DEADLINE_FACTOR = 2.0  # an operation may take this many --timeout (connect, token, response)
MIN_BYTES_PER_SECOND = media.MIB  # and one second more per MiB of content it moves


@dataclass(frozen=True)
class RegistrySettings:
    docker_config: DockerConfig = field(default_factory=DockerConfig)
    insecure_registries: frozenset[str] = frozenset()  # hosts spoken to over plain HTTP
    ca_file: Path | None = None
    timeout: float = 10.0  # seconds of silence tolerated on one connect or read
    deadline: float | None = None  # seconds for one operation; None: DEADLINE_FACTOR * timeout

    def budget(self, size: int = 0) -> float:
        """Seconds one operation moving `size` bytes of content may take in all."""
        base = self.deadline if self.deadline is not None else DEADLINE_FACTOR * self.timeout
        return base + size / MIN_BYTES_PER_SECOND


@dataclass(frozen=True)
class Call:
    method: str
    url: str  # a path on the registry, or an absolute URL (a redirect, an upload Location)
    headers: Mapping[str, str] = field(default_factory=dict)
    content: bytes | None = None


class RegistrySession:
    """HTTP to one registry (and wherever it sends us). Not shared across threads; sessions
    in several threads may share `pools` (connections and TLS context, nothing else: each
    session keeps its own credential scopes, tokens and cookies)."""

    def __init__(
        self, host: str, settings: RegistrySettings, pools: ConnectionPools | None = None
    ) -> None:
        self.host = host
        self.settings = settings
        scheme = "http" if host in settings.insecure_registries else "https"
        self.origin = Origin.of(httpx.URL(f"{scheme}://{host}"))
        self.scopes = CredentialScopes(settings.docker_config, settings.insecure_registries)
        self._own_pools: ConnectionPools | None = None
        if pools is None:
            pools = self._own_pools = ConnectionPools(settings.ca_file)
        self.deadline = pools.deadline
        timeout = settings.timeout
        self.http = httpx.Client(
            base_url=f"{scheme}://{host}",
            transport=pools.transport(host),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            follow_redirects=False,
            headers={"User-Agent": _USER_AGENT},
        )

    def close(self) -> None:
        self.http.close()
        if self._own_pools is not None:
            self._own_pools.close()

    @contextmanager
    def operation(self, what: str, size: int = 0) -> Iterator[None]:
        """One deadline over everything inside; transport failures become MOD001."""
        with self.deadline.running(self.settings.budget(size)):
            try:
                yield
            except httpx.TimeoutException as exc:
                raise self._timed_out(exc, what) from None
            except httpx.TransportError as exc:
                where = _authority(exc, self.host)
                raise ModuleError(RuleId.REGISTRY_UNREACHABLE,
                                  f"cannot reach {where}: {_reason(exc)}") from None

    def send(self, call: Call, what: str) -> httpx.Response:
        """The final response (streaming) after redirects and authentication."""
        for _ in range(_MAX_REDIRECTS + 1):
            response = self._authorized(call, what)
            if not response.is_redirect:
                return response
            release(response)
            call = self._redirected(call, response)
        raise ModuleError(RuleId.REGISTRY_PROTOCOL_ERROR,
                          f"{self.host} redirected {what} over {_MAX_REDIRECTS} times")

    def location(self, response: httpx.Response, value: str) -> str:
        """Where a `Location` points, refused if it leaves HTTPS for plain HTTP."""
        target = response.url.join(value)
        if Origin.of(response.url).secure and target.scheme != "https":
            raise ModuleError(
                RuleId.INSECURE_REDIRECT,
                f"{Origin.of(response.url).authority} sent the request to {Origin.of(target)}: "
                "plain HTTP after HTTPS is refused",
            )
        if target.scheme not in ("http", "https"):
            raise ModuleError(RuleId.REGISTRY_PROTOCOL_ERROR,
                              f"{self.host} sent the request to a {target.scheme} URL")
        return str(target)

    def _redirected(self, call: Call, response: httpx.Response) -> Call:
        url = self.location(response, response.headers["location"])
        if response.status_code in (307, 308) or call.method == "HEAD":
            return replace(call, url=url)
        headers = {k: v for k, v in call.headers.items() if k.lower() != "content-type"}
        return Call("GET", url, headers)

    def _authorized(self, call: Call, what: str) -> httpx.Response:
        origin = Origin.of(self.http.base_url.join(call.url))
        response = self._send(call, self.scopes.header_for(origin))
        if response.status_code != 401:
            return response
        try:
            header = self._answer(origin, response, what)
        except BaseException:
            response.close()
            raise
        if header is None:
            return response
        release(response)
        retried = self._send(call, header)
        if retried.status_code != 401:
            self.scopes.accepted(origin, header)
        return retried

    def _send(self, call: Call, authorization: str | None) -> httpx.Response:
        headers = dict(call.headers)
        if authorization:
            headers["Authorization"] = authorization
        request = self.http.build_request(
            call.method, call.url, headers=headers, content=call.content
        )
        return self.http.send(request, stream=True)

    def _answer(self, origin: Origin, response: httpx.Response, what: str) -> str | None:
        """The header answering `origin`'s challenge, made only of `origin`'s credentials."""
        scheme, params = parse_challenge(response.headers.get("www-authenticate", ""))
        credentials = self.scopes.credentials_for(origin)
        if scheme == "basic":
            return basic_header(credentials) if credentials else None
        if scheme != "bearer" or not params.get("realm"):
            return None
        bare = token_request(params, credentials)
        # built by the client for its timeouts and User-Agent
        request = self.http.build_request(
            bare.method, bare.url, headers=bare.headers, content=bare.read()
        )
        token = self._token(request, what)
        return f"Bearer {token}" if token else None

    def _token(self, request: httpx.Request, what: str) -> str | None:
        response = self.http.send(request, stream=True)
        try:
            body = read_capped_body(response, _TOKEN_BYTES, "token response")
        finally:
            response.close()
        realm = Origin.of(request.url).authority
        if response.status_code in (401, 403):
            raise ModuleError(
                RuleId.REGISTRY_AUTH_FAILED,
                f"the token server {realm} refused access to {what} (HTTP {response.status_code})",
            )
        if response.status_code != 200:
            raise ModuleError(
                RuleId.REGISTRY_PROTOCOL_ERROR,
                f"the token server {realm} answered HTTP {response.status_code}"
            )
        return token_of(body)

    def _timed_out(self, exc: httpx.TimeoutException, what: str) -> ModuleError:
        where = _authority(exc, self.host)
        if self.deadline.expired:
            seconds = self.deadline.seconds
            return ModuleError(
                RuleId.REGISTRY_UNREACHABLE,
                f"{where} did not send {what} within {seconds:g}s (it is too slow)"
            )
        timeout = self.settings.timeout
        return ModuleError(RuleId.REGISTRY_UNREACHABLE,
                           f"{where} did not answer within {timeout:g}s ({what})")


def release(response: httpx.Response) -> None:
    """Close a response we do not need; a short body is read first, so that its connection
    goes back to the pool instead of being dropped (a 401 before every pull would otherwise
    cost a new connection, a new TLS handshake)."""
    declared = response.headers.get("content-length", "")
    try:
        if declared.isdigit() and int(declared) <= _REUSED_BODY_BYTES:
            response.read()
    except httpx.HTTPError:
        pass  # the connection is dropped, as it would have been
    finally:
        response.close()


def read_capped_body(response: httpx.Response, limit: int, what: str) -> bytes:
    """The body, refused (MOD005) as soon as it is declared or grows over `limit`."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(what, int(declared), limit)
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > limit:
            raise too_large(what, total, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(what: str, size: int, limit: int) -> ModuleError:
    unit = f"{limit // media.MIB} MiB" if limit >= media.MIB else f"{limit // 1024} KiB"
    return ModuleError(RuleId.SIZE_LIMIT_EXCEEDED,
                       f"{what} is larger than the {unit} limit (at least {size} bytes)")


def _authority(exc: httpx.TransportError, fallback: str) -> str:
    try:
        return Origin.of(exc.request.url).authority
    except RuntimeError:  # an exception raised outside a request has none
        return fallback


def _reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    return text[:300]
