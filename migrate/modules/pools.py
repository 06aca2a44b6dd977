"""The connections of one run: one connection pool per registry host, shared by the threads
that pull its images, and one TLS context (trusting the CA file) made on the first HTTPS
request. Only transport is shared: credentials, tokens, cookies and deadlines stay with each
RegistrySession."""

from __future__ import annotations

import ssl
import threading
from pathlib import Path
from types import TracebackType

import httpx

from migrate.modules.deadline import Deadline, DeadlineTransport
from migrate.modules.errors import ModuleError
from migrate.rules.ids import RuleId


class ConnectionPools:
    def __init__(self, ca_file: Path | None) -> None:
        self.deadline = Deadline()  # per thread: each operation keeps its own
        self._ca_file = ca_file
        self._context: ssl.SSLContext | None = None
        self._transports: dict[str, DeadlineTransport] = {}
        self._lock = threading.Lock()
        self._context_lock = threading.Lock()

    def __enter__(self) -> ConnectionPools:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def transport(self, host: str) -> httpx.BaseTransport:
        """The pool of `host` (and of the hosts it redirects to), which the caller may close
        without closing it for the others."""
        with self._lock:
            if host not in self._transports:
                self._transports[host] = DeadlineTransport(self.tls_context, self.deadline)
            return _Borrowed(self._transports[host])

    def tls_context(self) -> ssl.SSLContext:
        with self._context_lock:
            if self._context is None:
                self._context = tls_context(self._ca_file)
            return self._context

    def close(self) -> None:
        with self._lock:
            transports, self._transports = list(self._transports.values()), {}
        for transport in transports:
            transport.close()


class _Borrowed(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(request)

    def close(self) -> None:
        """The owner (ConnectionPools) closes the pool."""


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_file is not None:
        try:
            context.load_verify_locations(cafile=str(ca_file))
        except (OSError, ssl.SSLError) as exc:
            raise ModuleError(RuleId.UNREADABLE_INPUT,
                              f"cannot load CA file {ca_file}: {exc}") from None
    return context
